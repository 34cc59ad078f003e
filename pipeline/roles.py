"""The roles the stages need from heavy models, so that stages, shells and tests never name a vendor.

:class:`~pipeline.asr.whisper.WhisperTranscriber` and :class:`~pipeline.diarize.pyannote.PyannoteDiarizer`
play them by default; any object with these methods can stand in (a bigger model, a server, a test fake).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

import numpy as np

from pipeline.types import Audio, Diarization, Transcript

Progress = Callable[[float], None]
"""Called with the number of audio seconds processed so far."""


class Transcriber(Protocol):
    """Speech to text. The transcript's `model` names the model that ran (shown in the minutes)."""

    @property
    def device(self) -> str:
        """ "cuda" or "cpu": where the model runs (resolved without loading it)."""
        ...

    def transcribe(self, audio: Audio, progress: Progress | None = None) -> Transcript: ...


class Diarizer(Protocol):
    """Who speaks when, and a voice print per speaker (to recognise known voices)."""

    @property
    def device(self) -> str:
        """ "cuda" or "cpu": where the model runs (resolved without loading it)."""
        ...

    def diarize(self, audio: Audio) -> Diarization: ...

    def embed(self, audio: Audio) -> np.ndarray:
        """One voice print of a whole clip (a known voice's reference recording)."""
        ...

    def speaker_embeddings(self, audio: Audio, diarization: Diarization) -> dict[str, np.ndarray]:
        """One voice print per raw speaker label of `diarization`."""
        ...
