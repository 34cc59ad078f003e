"""Generating test media: with the ffmpeg command line (quiet, never prompting, overwriting), or stdlib wave."""

from __future__ import annotations

import subprocess
import wave
from pathlib import Path

import numpy as np


def run_ffmpeg(*args: str | Path) -> None:
    """Run ffmpeg with `args` after the common options; raises CalledProcessError if it fails."""
    subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", *map(str, args)], check=True)


def write_wav(path: Path, frames: np.ndarray, sample_rate: int) -> Path:
    """Write 16-bit PCM `frames` (samples x channels, floats in [-1, 1]) where ffmpeg cannot (over 64 channels)."""
    pcm = (np.clip(frames, -1.0, 1.0) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as out:
        out.setnchannels(pcm.shape[1])
        out.setsampwidth(2)
        out.setframerate(sample_rate)
        out.writeframes(pcm.tobytes())
    return path
