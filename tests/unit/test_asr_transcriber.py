"""WhisperTranscriber's window loop with a stand-in for faster-whisper: offsets, language, progress."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

from pipeline.asr.whisper import WhisperTranscriber, resolve_batch_size
from pipeline.asr.windows import plan_windows
from pipeline.config import AsrSettings
from pipeline.errors import ConfigError
from pipeline.types import Audio

RATE = 16_000
DETECTIONS = ("en", "fr", "de", "it", "es", "nl")


class FakeWhisper:
    """One word a second into every window that is not silent; detects a new language on each call."""

    def __init__(self) -> None:
        self.languages_asked: list[str | None] = []
        self._detections = iter(DETECTIONS)

    def transcribe(self, samples: np.ndarray, **options: Any) -> tuple[Any, Any]:
        language = options["language"]
        self.languages_asked.append(language)
        detected = language or next(self._detections)
        info = SimpleNamespace(language=detected, language_probability=0.5 if language is None else 1.0)
        if not np.any(samples):
            return iter(()), info
        word = SimpleNamespace(start=1.0, end=1.6, word=" bonjour", probability=0.9)
        segment = SimpleNamespace(
            start=1.0, end=1.6, text=" bonjour", words=[word], avg_logprob=-0.2, no_speech_prob=0.1
        )
        return iter([segment]), info


def _meeting() -> Audio:
    """40 s of silence, then 80 s of sound: windows of 30 s, the first two silent."""
    sound = np.random.default_rng(3).normal(0, 0.1, RATE * 80).astype(np.float32)
    return Audio(np.concatenate([np.zeros(RATE * 40, dtype=np.float32), sound]))


def _transcriber(fake: FakeWhisper, **settings: Any) -> WhisperTranscriber:
    # The fake stands in for WhisperModel itself, which the batched pipeline would wrap.
    transcriber = WhisperTranscriber(AsrSettings(window_s=30.0, vad=False, batch_size=0, **settings))
    transcriber._load = lambda: fake  # type: ignore[method-assign]
    return transcriber


def test_times_are_offset_by_each_window_start() -> None:
    audio, fake = _meeting(), FakeWhisper()
    windows = plan_windows(audio.samples, RATE, 30.0)
    transcript = _transcriber(fake).transcribe(audio)
    spoken = [w for w in windows if np.any(audio.samples[w.start : w.end])]
    assert len(windows) >= 4 and len(spoken) == len(transcript.segments)
    assert [s.start for s in transcript.segments] == pytest.approx([w.offset(RATE) + 1.0 for w in spoken])
    assert [s.words[0].end for s in transcript.segments] == pytest.approx([w.offset(RATE) + 1.6 for w in spoken])


def test_language_of_the_first_window_with_speech_is_kept() -> None:
    audio, fake = _meeting(), FakeWhisper()
    windows = plan_windows(audio.samples, RATE, 30.0)
    silent = sum(1 for w in windows if not np.any(audio.samples[w.start : w.end]))
    transcript = _transcriber(fake).transcribe(audio)
    # Silent windows detect anew (a language "detected" on silence means nothing) ...
    assert fake.languages_asked[: silent + 1] == [None] * (silent + 1)
    # ... and the first window with speech fixes it for the rest of the meeting.
    assert fake.languages_asked[silent + 1 :] == [DETECTIONS[silent]] * (len(windows) - silent - 1)
    assert transcript.language == DETECTIONS[silent] and transcript.language_probability == 0.5


def test_a_language_set_by_the_user_is_used_everywhere() -> None:
    fake = FakeWhisper()
    transcript = _transcriber(fake, language="en").transcribe(_meeting())
    assert set(fake.languages_asked) == {"en"} and transcript.language == "en"


def test_progress_grows_to_the_end_across_windows() -> None:
    audio, seen = _meeting(), []
    _transcriber(FakeWhisper()).transcribe(audio, seen.append)
    assert seen == sorted(seen) and seen[-1] == pytest.approx(audio.duration)
    assert len(seen) > len(plan_windows(audio.samples, RATE, 30.0))


@pytest.mark.parametrize(("field", "value"), [("window_s", 5.0), ("batch_size", -1), ("vad", False)])
def test_bad_settings_are_named(field: str, value: float) -> None:
    with pytest.raises(ConfigError, match=field):
        AsrSettings(**{field: value})


@pytest.mark.parametrize(
    ("batch_size", "device", "expected"), [(None, "cpu", 4), (None, "cuda", 8), (0, "cuda", 0), (16, "cpu", 16)]
)
def test_batched_by_default_with_a_batch_for_the_device(batch_size: int | None, device: str, expected: int) -> None:
    assert resolve_batch_size(AsrSettings(batch_size=batch_size), device) == expected
