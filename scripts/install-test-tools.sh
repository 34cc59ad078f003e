#!/usr/bin/env bash
# Tools the test suite drives besides Python packages: a real Chromium (and its driver) for the
# Prefect UI test. Installed from Debian's packages when missing; a second call does nothing.
set -euo pipefail
if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
  echo "Installing Chromium and ChromeDriver (Debian packages) for the UI test..."
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium chromium-driver >/dev/null
fi
