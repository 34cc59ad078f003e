"""Real models, loaded once per test session (they are the slow part of the suite)."""

from __future__ import annotations

import pytest

from pipeline.asr.whisper import WhisperTranscriber
from pipeline.config import AsrSettings


@pytest.fixture(scope="session")
def transcriber() -> WhisperTranscriber:
    return WhisperTranscriber(AsrSettings())
