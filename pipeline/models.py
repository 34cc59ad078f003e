"""One model instance per process, per settings: loaded on first use, reused by every later run.

Shared by the CLI and the Prefect tasks, so a long-lived worker never loads a model twice.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from pipeline.config import AsrSettings, DiarizeSettings
from pipeline.roles import Diarizer, Transcriber

if TYPE_CHECKING:
    from pipeline.asr.whisper import WhisperTranscriber
    from pipeline.diarize.pyannote import PyannoteDiarizer

logger = logging.getLogger(__name__)


def get_transcriber(settings: AsrSettings) -> Transcriber:
    """The Whisper transcriber for `settings` (loaded on first use, then kept). Settings that differ only
    in a recording's language or vocabulary share one loaded model."""
    from pipeline.asr.whisper import model_settings

    shared = _transcriber_for_model(model_settings(settings))
    return shared if shared.settings == settings else shared.with_recording_settings(settings)


@functools.lru_cache(maxsize=2)
def _transcriber_for_model(settings: AsrSettings) -> WhisperTranscriber:
    from pipeline.asr.whisper import WhisperTranscriber

    return WhisperTranscriber(settings)


def get_diarizer(settings: DiarizeSettings) -> Diarizer:
    """The diarizer for `settings`. Settings that differ only in a client's speaker hints or known voices
    share one loaded model: a service with many clients loads it once, however their hints differ."""
    from pipeline.diarize.pyannote import model_settings

    shared = _diarizer_for_model(model_settings(settings))
    return shared if shared.settings == settings else shared.with_recording_settings(settings)


@functools.lru_cache(maxsize=2)
def _diarizer_for_model(settings: DiarizeSettings) -> PyannoteDiarizer:
    from pipeline.diarize import PyannoteDiarizer

    return PyannoteDiarizer(settings)


def _loader(model: object) -> Callable[[], Any] | None:
    # Test stand-ins have no loader at all.
    loader: Callable[[], Any] | None = getattr(model, "load", None)
    return loader


def preload(asr: AsrSettings, diarize: DiarizeSettings) -> dict[str, float]:
    """Load the models that the stages will use with these settings, now rather than on first use.

    Returns:
        Seconds each model took to load, by name ("whisper", "diarization").

    Raises:
        ModelUnavailableError: a model cannot be found or loaded.
    """
    seconds: dict[str, float] = {}
    for name, model in (("whisper", get_transcriber(asr)), ("diarization", get_diarizer(diarize))):
        loader = _loader(model)
        if loader is None:
            continue
        started = time.perf_counter()
        loader()
        seconds[name] = time.perf_counter() - started
        logger.info("Loaded the %s model in %.1f s, before any recording", name, seconds[name])
    return seconds
