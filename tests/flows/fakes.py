"""Fake models for the service tests that are not about the models: small typed results, fast.

In the test process, patch ``flows.tasks.get_transcriber`` / ``get_diarizer`` with
:func:`fake_transcriber` / :func:`fake_diarizer`. In child processes (``minutier serve``, its
flow runs and its model worker), put ``tests/flows/fake_site`` first on PYTHONPATH and set
``MINUTIER_FAKE_MODELS`` to a folder: its ``sitecustomize`` installs the fakes at start-up.

Each transcription appends a line to ``<folder>/calls.log``. If ``<folder>/block-once`` exists,
the first transcription that takes it writes ``<folder>/transcribing`` and then hangs (so a test
can kill the process mid-transcription); later ones run normally. While ``<folder>/hold`` exists,
transcriptions write ``<folder>/transcribing`` and wait until the test deletes it (so a test can
break something else while a recording is being processed).

Like Whisper behind its voice-activity filter, the fake finds no speech (an empty transcript) in
digital silence or broadband noise, told apart from the tones the tests use for meetings by the
spectral flatness of the first 30 s; so a service test can drop silence or noise and see it refused.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import numpy as np

from pipeline.asr.whisper import UNDETERMINED
from pipeline.types import Audio, Diarization, SpeakerTurn, Transcript, TranscriptSegment, Word

FAKE_ENV = "MINUTIER_FAKE_MODELS"
FAKE_SITE = Path(__file__).with_name("fake_site")
BLOCK_S = 600.0
# Spectral flatness: ~0 for tones, about 1e-4 for real speech, 0.03 for pink noise, 0.5 for white noise.
NOISE_FLATNESS = 0.005
_TEXT = "Bonjour à tous. Nous décidons de valider le budget. Marie enverra le compte rendu avant vendredi."


class FakeTranscriber:
    """Returns one French segment over the audio's first seconds; counts its calls in a file."""

    device = "cpu"

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def transcribe(self, audio: Audio, progress: Any = None) -> Transcript:
        self.folder.mkdir(parents=True, exist_ok=True)
        with (self.folder / "calls.log").open("a", encoding="utf-8") as log:
            log.write(f"{os.getpid()} {len(audio.samples)}\n")
        self._maybe_block()
        self._maybe_hold()
        duration = len(audio.samples) / audio.sample_rate
        if not hears_speech(audio):
            return Transcript(UNDETERMINED, duration, "fake", ())
        end = min(duration, 6.0)
        words = tuple(Word(end * i / 14, end * (i + 1) / 14, w, 0.9) for i, w in enumerate(_TEXT.split()[:14]))
        return Transcript("fr", duration, "fake", (TranscriptSegment(0.0, end, _TEXT, words),))

    def _maybe_block(self) -> None:
        try:
            os.rename(self.folder / "block-once", self.folder / f"block-taken-{os.getpid()}")
        except FileNotFoundError:
            return
        (self.folder / "transcribing").write_text(str(os.getpid()), encoding="utf-8")
        time.sleep(BLOCK_S)  # the test kills this process meanwhile

    def _maybe_hold(self) -> None:
        hold = self.folder / "hold"
        if not hold.exists():
            return
        (self.folder / "transcribing").write_text(str(os.getpid()), encoding="utf-8")
        deadline = time.monotonic() + BLOCK_S
        while hold.exists() and time.monotonic() < deadline:
            time.sleep(0.2)


def hears_speech(audio: Audio) -> bool:
    """False for digital silence and for noise (a flat spectrum), as Whisper's VAD filter finds them."""
    head = np.asarray(audio.samples[: 30 * audio.sample_rate], dtype=np.float64)
    if head.size == 0 or float(np.abs(head).max()) < 1e-4:
        return False
    power = np.abs(np.fft.rfft(head * np.hanning(head.size))) ** 2 + 1e-20
    flatness = float(np.exp(np.mean(np.log(power))) / np.mean(power))
    return flatness < NOISE_FLATNESS


class FakeDiarizer:
    """Two speakers taking turns over the first seconds."""

    device = "cpu"

    def diarize(self, audio: Audio) -> Diarization:
        duration = len(audio.samples) / audio.sample_rate
        end = min(duration, 6.0)
        turns = (SpeakerTurn(0.0, end / 2, "SPEAKER_00"), SpeakerTurn(end / 2, end, "SPEAKER_01"))
        return Diarization(turns, turns, duration)


def fake_transcriber(folder: Path) -> Any:
    return lambda _settings: FakeTranscriber(folder)


def fake_diarizer() -> Any:
    return lambda _settings: FakeDiarizer()


def install_from_environment() -> None:
    """Called by ``fake_site/sitecustomize.py`` in child processes."""
    folder = os.environ.get(FAKE_ENV)
    if not folder:
        return
    import pipeline.models

    pipeline.models.get_transcriber = fake_transcriber(Path(folder))  # type: ignore[assignment]
    pipeline.models.get_diarizer = fake_diarizer()  # type: ignore[assignment]


def child_environment(folder: Path) -> dict[str, str]:
    """Environment variables that make a child Python process use the fakes."""
    root = Path(__file__).resolve().parents[2]
    path = os.pathsep.join([str(FAKE_SITE), str(root), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    return {FAKE_ENV: str(folder), "PYTHONPATH": path}
