"""Decoded audio shared between stages through a file, so a recording is decoded once per run.

Model stages may run in other threads or processes (a Prefect task worker): they receive the
path of a float32 ``.npy`` file and map it into memory instead of decoding the media again.
"""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path
from typing import BinaryIO

import numpy as np

from pipeline.audio import decode_into
from pipeline.config import AudioSettings
from pipeline.types import SAMPLE_RATE, Audio, Recording

logger = logging.getLogger(__name__)


def decoded_folder(work_dir: Path) -> Path:
    """Where decoded recordings live under a work folder."""
    return work_dir / "audio"


def decoded_path(work_dir: Path, recording: Recording) -> Path:
    return decoded_folder(work_dir) / f"{recording.sha256}.f32.npy"


def decode_to_file(recording: Recording, settings: AudioSettings, work_dir: Path) -> Path:
    """Decode `recording` once into the work directory (atomically) and return the file's path.

    The samples go from ffmpeg straight to the file, so memory stays bounded whatever the
    recording's length; the ``.npy`` header is rewritten with the real length at the end.
    """
    target = decoded_path(work_dir, recording)
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, staging = tempfile.mkstemp(prefix=".decode-", suffix=".npy", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            _npy_header(handle, 0)
            samples = decode_into(recording.path, handle, settings)
            handle.truncate(_HEADER_BYTES + samples * 4)
            handle.seek(0)
            _npy_header(handle, samples)
        os.replace(staging, target)
    finally:
        if os.path.exists(staging):
            os.unlink(staging)
    logger.info("Decoded %s once into %s (%.1f s)", recording.path.name, target.name, samples / SAMPLE_RATE)
    return target


_HEADER_BYTES = 128  # numpy pads a 1-D float32 header to 128 bytes for any length below 10**40


def _npy_header(handle: BinaryIO, samples: int) -> None:
    start = handle.tell()
    np.lib.format.write_array_header_1_0(handle, {"descr": "<f4", "fortran_order": False, "shape": (samples,)})
    if handle.tell() - start != _HEADER_BYTES:
        raise RuntimeError(f"unexpected .npy header size {handle.tell() - start}")


def load_decoded(path: Path) -> Audio:
    """Map decoded audio into memory (read-only, shared between processes by the page cache)."""
    return Audio(samples=np.load(path, mmap_mode="r", allow_pickle=False), sample_rate=SAMPLE_RATE)


def discard_decoded(work_dir: Path, recording: Recording) -> None:
    """Remove the decoded copy: it is as confidential as the recording and no longer needed."""
    decoded_path(work_dir, recording).unlink(missing_ok=True)
