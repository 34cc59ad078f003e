"""One model instance per process, per settings: loaded on first use, reused by every later run.

Shared by the CLI and the Prefect tasks, so a long-lived worker never loads a model twice.
"""

from __future__ import annotations

import functools
from typing import Any

from pipeline.config import AsrSettings, DiarizeSettings


@functools.lru_cache(maxsize=2)
def get_transcriber(settings: AsrSettings) -> Any:
    from pipeline.asr.whisper import WhisperTranscriber

    return WhisperTranscriber(settings)


@functools.lru_cache(maxsize=2)
def get_diarizer(settings: DiarizeSettings) -> Any:
    from pipeline.diarize import PyannoteDiarizer

    return PyannoteDiarizer(settings)


def resolved_device(device: str) -> str:
    """"cuda" or "cpu" for a device setting ("auto" asks whether a GPU is present)."""
    if device != "auto":
        return device
    from pipeline.asr.whisper import cuda_available

    return "cuda" if cuda_available() else "cpu"
