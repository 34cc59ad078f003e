#!/usr/bin/env bash
# Installs everything minutier needs into the project-local .venv (CPU build), and ffmpeg if missing.
# Called by `make install`; safe to run again (make only calls it when the lock file changed).
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
PYTHON=${PYTHON:-python3.11}

if ! command -v ffmpeg >/dev/null || ! command -v ffprobe >/dev/null; then
  echo "Installing ffmpeg (Debian package)..."
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq ffmpeg >/dev/null
fi

# meeteval (cpWER, a test dependency) is a source distribution with small Cython extensions: it needs a C++
# compiler and Python's headers.
headers=$("$PYTHON" -c 'import sysconfig; print(sysconfig.get_paths()["include"])')
if ! command -v g++ >/dev/null || [ ! -e "$headers/Python.h" ]; then
  echo "Installing a C++ compiler and Python headers (Debian packages) for meeteval..."
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq g++ python3.11-dev >/dev/null
fi

[ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
PIP="$VENV/bin/pip --disable-pip-version-check -q"
# torch first and pinned: an unpinned torch pulls ~6.5 GB of CUDA wheels; 2.13.0 is the CPU build.
$PIP install "torch==2.13.0"
$PIP install -r requirements.lock
$PIP install --no-deps -e ".[test]"
# torchaudio 2.11 is the only release that accepts torch 2.13, and its compiled extensions are CUDA
# builds that fail to load on a CPU torch. pyannote.audio only uses torchaudio's pure-Python parts
# (Kaldi fbank, resampling), so the compiled libraries are removed; torchaudio then imports cleanly.
site=$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
rm -f "$site"/torchaudio/lib/*.so
"$VENV/bin/python" -c 'import torchaudio.compliance.kaldi, faster_whisper, pipeline, desk' \
  || { echo "install check failed: see above"; exit 1; }
echo "minutier installed in $VENV"
