"""Decoded audio shared between stages through a file, so a recording is decoded once per run.

Model stages may run in other threads or processes (a Prefect task worker): they receive the
path of a float32 ``.npy`` file and map it into memory instead of decoding the media again.
"""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path

import numpy as np

from pipeline.audio import load_audio
from pipeline.config import AudioSettings
from pipeline.types import SAMPLE_RATE, Audio, Recording

logger = logging.getLogger(__name__)


def decoded_path(work_dir: Path, recording: Recording) -> Path:
    return work_dir / "audio" / f"{recording.sha256}.f32.npy"


def decode_to_file(recording: Recording, settings: AudioSettings, work_dir: Path) -> Path:
    """Decode `recording` once into the work directory (atomically) and return the file's path."""
    target = decoded_path(work_dir, recording)
    if target.exists():
        return target
    audio = load_audio(recording.path, settings)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, staging = tempfile.mkstemp(prefix=".decode-", suffix=".npy", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            np.save(handle, audio.samples, allow_pickle=False)
        os.replace(staging, target)
    finally:
        if os.path.exists(staging):
            os.unlink(staging)
    logger.info("Decoded %s once into %s (%.1f s)", recording.path.name, target.name, audio.duration)
    return target


def load_decoded(path: Path) -> Audio:
    """Map decoded audio into memory (read-only, shared between processes by the page cache)."""
    return Audio(samples=np.load(path, mmap_mode="r", allow_pickle=False), sample_rate=SAMPLE_RATE)


def discard_decoded(work_dir: Path, recording: Recording) -> None:
    """Remove the decoded copy: it is as confidential as the recording and no longer needed."""
    decoded_path(work_dir, recording).unlink(missing_ok=True)
