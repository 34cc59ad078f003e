"""Real models, loaded once per test session (they are the slow part of the suite)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from pipeline.asr.whisper import WhisperTranscriber
from pipeline.config import AsrSettings, DiarizeSettings
from pipeline.diarize import PyannoteDiarizer
from pipeline.summarize.local import LocalServer


@pytest.fixture(scope="session")
def transcriber() -> WhisperTranscriber:
    return WhisperTranscriber(AsrSettings())


@pytest.fixture(scope="session")
def diarizer() -> PyannoteDiarizer:
    """The bundled offline diarizer (pyannote segmentation-3.0 + CAM++), shared by the session."""
    return PyannoteDiarizer(DiarizeSettings())


@pytest.fixture(scope="session")
def local_server() -> Iterator[LocalServer]:
    """The bundled local text model's server (llama.cpp), started once for the session's minutes tests."""
    with LocalServer() as started:
        yield started
