"""Decoded audio shared between stages through a file, so a recording is decoded once per run.

Model stages may run in other threads or processes (a Prefect task worker): they receive the
path of a float32 ``.npy`` file and map it into memory instead of decoding the media again. The
scan of a recording's channels, taken by the same decode, is saved beside it
(``<sha256>.f32.channels.npz``) and read with it.
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
from pipeline.diarize.by_channel import MIX, ChannelsWhileDecoding
from pipeline.diarize.channel_scan import load_scan, save_scan
from pipeline.types import SAMPLE_RATE, Audio, Recording

logger = logging.getLogger(__name__)


def decoded_folder(work_dir: Path) -> Path:
    """Where decoded recordings live under a work folder."""
    return work_dir / "audio"


def decoded_path(work_dir: Path, recording: Recording) -> Path:
    return decoded_folder(work_dir) / f"{recording.sha256}.f32.npy"


def channel_scan_path(audio_path: Path) -> Path:
    """Where the channel scan of decoded audio lives: beside it."""
    return audio_path.with_suffix(".channels.npz")


def decode_to_file(recording: Recording, settings: AudioSettings, work_dir: Path, channels: str = MIX) -> Path:
    """Decode `recording` once into the work directory (atomically) and return the file's path.

    The samples go from ffmpeg straight to the file, so memory stays bounded whatever the
    recording's length; the ``.npy`` header is rewritten with the real length at the end. With
    `channels` "auto" or "split" (``[diarize] channels``), the channels of a recording of several
    are scanned by the same decode and the scan saved beside the audio (see :func:`load_decoded`).
    """
    target = decoded_path(work_dir, recording)
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, staging = tempfile.mkstemp(prefix=".decode-", suffix=".npy", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            _npy_header(handle, 0)
            scanning = ChannelsWhileDecoding(channels)
            samples = decode_into(recording.path, handle, settings, every_channel=scanning)
            handle.truncate(_HEADER_BYTES + samples * 4)
            handle.seek(0)
            _npy_header(handle, samples)
        scan = scanning.scan()
        if scan is not None:  # before the audio: decoded audio found in place always has its scan beside it
            save_scan(scan, channel_scan_path(target))
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
    """Map decoded audio into memory (read-only, shared between processes by the page cache), with
    its channel scan when the decode took one."""
    samples = np.load(path, mmap_mode="r", allow_pickle=False)
    return Audio(samples=samples, sample_rate=SAMPLE_RATE, channel_scan=load_scan(channel_scan_path(path)))


def discard_decoded(work_dir: Path, recording: Recording) -> None:
    """Remove the decoded copy and its channel scan: as confidential as the recording, no longer needed."""
    audio = decoded_path(work_dir, recording)
    channel_scan_path(audio).unlink(missing_ok=True)
    audio.unlink(missing_ok=True)
