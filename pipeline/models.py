"""One model instance per process, per settings: loaded on first use, reused by every later run.

Shared by the CLI and the Prefect tasks, so a long-lived worker never loads a model twice.
"""

from __future__ import annotations

import functools
from typing import Any

from pipeline.config import AsrSettings


@functools.lru_cache(maxsize=2)
def get_transcriber(settings: AsrSettings) -> Any:
    from pipeline.asr.whisper import WhisperTranscriber

    return WhisperTranscriber(settings)


@functools.lru_cache(maxsize=2)
def get_diarizer(settings: Any) -> Any:
    from pipeline.diarize import PyannoteDiarizer

    return PyannoteDiarizer(settings)


def device_of(settings: AsrSettings) -> str:
    from pipeline.asr.whisper import resolve_device

    return resolve_device(settings)[0]
