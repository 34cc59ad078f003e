"""Shared helpers of the pipeline benchmarks: long recordings built from the shared evaluation clips,
per-process peak memory, stage-window memory sampling, and WER on the clips that have references.

The recordings are real speech: every audio clip of ``../shared/eval`` (AMI meeting excerpts, the
pyannote telephone sample, Picovoice, LibriVox, faster-whisper's clips, French read speech),
decoded to 16 kHz mono, concatenated in a fixed order with pauses of 0.4-1.6 s, repeated until
the duration is reached, and written once as 16-bit WAV next to a JSON manifest of where each
clip lies (so a transcript's words can be scored clip by clip).
"""

from __future__ import annotations

import json
import os
import platform
import re
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Self

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_EVAL_DIR = ROOT.parent / "shared" / "eval"
DEFAULT_CACHE_DIR = ROOT / "bench" / "results" / "recordings"
SAMPLE_RATE = 16_000
_AUDIO_SUFFIXES = {".wav", ".flac", ".mp3"}


@dataclass(frozen=True, slots=True)
class Clip:
    path: str  # relative to the evaluation folder
    reference: str | None
    language: str | None


@dataclass(frozen=True, slots=True)
class Placement:
    clip: str
    start: float
    end: float


def _stm_text(path: Path) -> str:
    lines = path.read_text(encoding="utf-8").splitlines()
    return " ".join(line.split(None, 5)[5] for line in lines if line.strip())


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def references(eval_dir: Path) -> dict[str, tuple[str, str]]:
    """Clip (relative path) -> (reference text, language) for the clips that have a transcript."""
    refs = {
        "faster_whisper/jfk.flac": (_text(eval_dir / "faster_whisper/jfk.txt"), "en"),
        "pyannote_sample/sample.wav": (_stm_text(eval_dir / "pyannote_sample/sample.stm"), "en"),
        "ms_customspeech_fr/audio.wav": (
            (eval_dir / "ms_customspeech_fr/trans.txt").read_text(encoding="utf-8-sig").split("\t", 1)[1],
            "fr",
        ),
        "picovoice_cheetah/test_fr.wav": (_text(eval_dir / "picovoice_cheetah/test_fr.txt"), "fr"),
        "picovoice_leopard/test.wav": (_text(eval_dir / "picovoice_leopard/test.txt"), "en"),
    }
    for line in (eval_dir / "librivox/transcription").read_text(encoding="utf-8").splitlines():
        match = re.match(r"<s> (.*) </s> \((.*)\)", line.strip())
        if match:
            refs[f"librivox/{match[2]}.wav"] = (match[1], "en")
    return refs


def eval_clips(eval_dir: Path) -> list[Clip]:
    """Every audio clip of the evaluation folder, AMI first (the recordings should sound like meetings)."""
    refs = references(eval_dir)
    paths = sorted(p for p in eval_dir.glob("*/*") if p.suffix.lower() in _AUDIO_SUFFIXES)
    paths.sort(key=lambda p: (p.parent.name != "ami_debug", str(p)))
    clips = []
    for path in paths:
        rel = str(path.relative_to(eval_dir))
        ref = refs.get(rel)
        clips.append(Clip(rel, ref[0] if ref else None, ref[1] if ref else None))
    return clips


def build_recording(eval_dir: Path, minutes: float, cache_dir: Path) -> Path:
    """The `minutes`-long recording (built on first use, then reused): WAV path; manifest beside it."""
    target = cache_dir / f"meeting_{minutes:g}min.wav"
    manifest_path = target.with_suffix(".json")
    if target.exists() and manifest_path.exists():
        return target
    import numpy as np
    import soundfile as sf

    from pipeline.audio import load_audio

    clips = eval_clips(eval_dir)
    decoded = [load_audio(eval_dir / c.path).samples for c in clips]
    rng = np.random.default_rng(0)
    total = int(minutes * 60 * SAMPLE_RATE)
    placements: list[Placement] = []
    cache_dir.mkdir(parents=True, exist_ok=True)
    staging = target.with_suffix(".part.wav")
    filled, i = 0, 0
    with sf.SoundFile(staging, "w", samplerate=SAMPLE_RATE, channels=1, subtype="PCM_16") as out:
        while filled < total:
            clip = decoded[i % len(decoded)][: total - filled]
            out.write(clip)
            start, end = filled / SAMPLE_RATE, (filled + len(clip)) / SAMPLE_RATE
            placements.append(Placement(clips[i % len(clips)].path, start, end))
            filled += len(clip)
            gap = min(int(rng.uniform(0.4, 1.6) * SAMPLE_RATE), total - filled)
            out.write(np.zeros(gap, dtype=np.float32))
            filled += gap
            i += 1
    manifest = {
        "eval_dir": str(eval_dir),
        "minutes": minutes,
        "clips": [asdict(c) for c in clips],
        "placements": [asdict(p) for p in placements],
    }
    manifest_path.write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    os.replace(staging, target)
    return target


def clip_wer(recording: Path, words: list[tuple[float, float, str]]) -> dict[str, dict[str, float]]:
    """Pooled WER per language over the placed clips that have a reference.

    A word belongs to the clip that contains its midpoint. Returns language -> {wer, words}.
    """
    from pipeline.evaluation import normalise_text, word_error_rate

    manifest = json.loads(recording.with_suffix(".json").read_text(encoding="utf-8"))
    refs = {c["path"]: (c["reference"], c["language"]) for c in manifest["clips"] if c["reference"]}
    words = sorted(words)
    mids = [(s + e) / 2 for s, e, _ in words]
    pooled: dict[str, tuple[list[str], list[str]]] = {}
    import bisect

    for p in manifest["placements"]:
        if p["clip"] not in refs:
            continue
        ref, lang = refs[p["clip"]]
        lo, hi = bisect.bisect_left(mids, p["start"]), bisect.bisect_right(mids, p["end"])
        hyp = " ".join(w for _, _, w in words[lo:hi])
        refs_l, hyps_l = pooled.setdefault(lang, ([], []))
        refs_l.append(ref)
        hyps_l.append(hyp)
    return {
        lang: {"wer": word_error_rate(r, h), "words": float(sum(len(normalise_text(x).split()) for x in r))}
        for lang, (r, h) in pooled.items()
    }


class RssSampler:
    """Samples this process's resident memory and CPU time every `interval` s in a daemon thread.

    CPU time (user + system, all threads) tells how much work a stage did even when other
    processes share the cores and stretch its wall time.
    """

    def __init__(self, interval: float = 0.05) -> None:
        self._interval = interval
        self._samples: list[tuple[float, int, float]] = []
        self._stop = threading.Event()
        self._page = os.sysconf("SC_PAGE_SIZE")
        self._thread = threading.Thread(target=self._loop, name="rss-sampler", daemon=True)

    def _sample(self) -> tuple[float, int, float]:
        with open("/proc/self/statm", encoding="ascii") as handle:
            rss = int(handle.read().split()[1]) * self._page
        cpu = os.times()
        return time.perf_counter(), rss, cpu.user + cpu.system

    def _loop(self) -> None:
        while not self._stop.is_set():
            self._samples.append(self._sample())
            self._stop.wait(self._interval)

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._samples.append(self._sample())

    def peak_mb(self, start: float, end: float) -> float:
        inside = [rss for t, rss, _ in self._samples if start <= t <= end]
        return max(inside, default=0) / 2**20

    def cpu_seconds(self, start: float, end: float) -> float:
        """CPU time used between two instants (to the sampling interval)."""
        before = [cpu for t, _, cpu in self._samples if t <= start]
        after = [cpu for t, _, cpu in self._samples if t >= end]
        first = before[-1] if before else self._samples[0][2]
        last = after[0] if after else self._samples[-1][2]
        return last - first


def vm_hwm_mb() -> float:
    """Peak resident memory of this process (VmHWM), in MiB."""
    for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def accelerator() -> str:
    """The GPU this process would use ("NVIDIA H100 80GB HBM3"), or "CPU only"."""
    import torch

    return torch.cuda.get_device_name(0) if torch.cuda.is_available() else "CPU only"


def gpu_memory() -> dict[str, float]:
    """Peak GPU memory torch allocated in this process, in MiB (empty on CPU).

    CTranslate2 allocates outside torch, so Whisper's share is not in this figure.
    """
    import torch

    if not torch.cuda.is_available():
        return {}
    return {"torch_gpu_peak_mb": torch.cuda.max_memory_allocated() / 2**20}


def run_child(argv: list[str]) -> tuple[dict[str, Any], float]:
    """Run a measurement in its own process: (the JSON object it printed last, its peak RSS in MiB).

    The peak comes from wait4() for this child alone (it includes the ffmpeg processes it waited for).
    """
    process = subprocess.Popen([sys.executable, *argv], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    assert process.stdout is not None
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(argv[:2])} failed with exit code {process.returncode}")
    lines = [line for line in output.splitlines() if line.startswith("{")]
    return json.loads(lines[-1]), usage.ru_maxrss / 1024


def machine() -> dict[str, Any]:
    """Date, CPU model, cores, memory and load average, for the report header."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="ascii", errors="replace").splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {
        "date": datetime.now().isoformat(timespec="seconds"),
        "cpu": cpu,
        "cores": len(os.sched_getaffinity(0)),
        "memory_gb": round(memory, 1),
        "load": [round(x, 2) for x in os.getloadavg()],
        "accelerator": accelerator(),
    }
