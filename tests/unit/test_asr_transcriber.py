"""WhisperTranscriber's window loop with a stand-in for faster-whisper: offsets, language, progress, vocabulary."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

from pipeline.asr import whisper
from pipeline.asr.languages import SWITCH_PROBABILITY
from pipeline.asr.whisper import WhisperTranscriber, resolve_batch_size
from pipeline.asr.windows import plan_windows
from pipeline.config import AsrSettings
from pipeline.errors import ConfigError
from pipeline.types import Audio

RATE = 16_000
DETECTIONS = ("en", "fr", "de", "it", "es", "nl")


class FakeWhisper:
    """One word a second into every window that is not silent; detects a new language on each call.

    `detect_language` (asked per window after the first) answers `window_detections` in turn, or,
    without them, the language last decoded in.
    """

    model = SimpleNamespace(is_multilingual=True)
    hf_tokenizer = SimpleNamespace(encode=lambda text, add_special_tokens: SimpleNamespace(ids=text.split()))

    def __init__(self, window_detections: tuple[tuple[str, float], ...] | None = None) -> None:
        self.languages_asked: list[str | None] = []
        self.options: list[dict[str, Any]] = []
        self._detections = iter(DETECTIONS)
        self._window_detections = None if window_detections is None else iter(window_detections)

    def detect_language(self, audio: np.ndarray) -> tuple[str, float, list[tuple[str, float]]]:
        if self._window_detections is None:
            return str(self.languages_asked[-1]), 1.0, []
        language, probability = next(self._window_detections)
        return language, probability, [(language, probability)]

    def transcribe(self, samples: np.ndarray, **options: Any) -> tuple[Any, Any]:
        language = options["language"]
        self.languages_asked.append(language)
        self.options.append(options)
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


@pytest.fixture(autouse=True)
def _all_speech(monkeypatch: pytest.MonkeyPatch) -> None:
    """Voice activity is not what these tests are about: every sound is speech."""
    monkeypatch.setattr(whisper, "speech_spans", lambda samples, rate: ((0.0, len(samples) / rate),))


def test_times_are_offset_by_each_window_start() -> None:
    audio, fake = _meeting(), FakeWhisper()
    windows = plan_windows(audio.samples, RATE, 30.0)
    transcript = _transcriber(fake).transcribe(audio)
    spoken = [w for w in windows if np.any(audio.samples[w.start : w.end])]
    assert len(windows) >= 4 and len(spoken) == len(transcript.segments)
    assert [s.start for s in transcript.segments] == pytest.approx([w.offset(RATE) + 1.0 for w in spoken])
    assert [s.words[0].end for s in transcript.segments] == pytest.approx([w.offset(RATE) + 1.6 for w in spoken])


def test_language_of_the_first_window_with_speech_is_kept() -> None:
    audio = _meeting()
    windows = plan_windows(audio.samples, RATE, 30.0)
    silent = sum(1 for w in windows if not np.any(audio.samples[w.start : w.end]))
    # Later windows are detected as other languages, but never surely enough to switch.
    fake = FakeWhisper(tuple(("de", SWITCH_PROBABILITY - 0.01) for _ in windows))
    transcript = _transcriber(fake).transcribe(audio)
    # Silent windows detect anew (a language "detected" on silence means nothing) ...
    assert fake.languages_asked[: silent + 1] == [None] * (silent + 1)
    # ... and the first window with speech fixes it for the rest of the meeting.
    assert fake.languages_asked[silent + 1 :] == [DETECTIONS[silent]] * (len(windows) - silent - 1)
    assert transcript.language == DETECTIONS[silent] and transcript.language_probability == 0.5


def test_a_window_surely_in_another_language_is_decoded_in_it() -> None:
    audio = _meeting()
    windows = plan_windows(audio.samples, RATE, 30.0)
    silent = sum(1 for w in windows if not np.any(audio.samples[w.start : w.end]))
    later = len(windows) - silent - 1
    switched = ("de", SWITCH_PROBABILITY)
    fake = FakeWhisper(((DETECTIONS[silent], 0.99), switched, *[(DETECTIONS[silent], 0.9)] * later))
    transcript = _transcriber(fake).transcribe(audio)
    first = DETECTIONS[silent]
    assert fake.languages_asked[silent + 1 :] == [first, "de", *[first] * (later - 2)]
    assert transcript.language == first  # the meeting's language stays the first window's


@pytest.mark.parametrize("settings", [{"language": "en"}, {"language_per_window": False}])
def test_no_detection_per_window_when_the_language_is_set_or_per_window_is_off(settings: dict[str, Any]) -> None:
    fake = FakeWhisper(())  # no window detection to give: asking for one fails the test
    transcript = _transcriber(fake, **settings).transcribe(_meeting())
    if "language" in settings:
        assert set(fake.languages_asked) == {"en"} and transcript.language == "en"
    else:
        assert len(set(fake.languages_asked) - {None}) == 1


def test_the_vocabulary_reaches_every_decoding_as_hotwords() -> None:
    fake = FakeWhisper(tuple(("fr", 0.99) for _ in range(10)))
    _transcriber(fake, vocabulary=("Claire Martin", "Qualiopi")).transcribe(_meeting())
    assert [o.get("hotwords") for o in fake.options] == ["Claire Martin, Qualiopi"] * len(fake.options)
    fake = FakeWhisper(tuple(("fr", 0.99) for _ in range(10)))
    _transcriber(fake).transcribe(_meeting())
    assert not any("hotwords" in o or "initial_prompt" in o for o in fake.options)


def test_a_recording_s_settings_share_the_loaded_model() -> None:
    base = WhisperTranscriber(AsrSettings())
    other = base.with_recording_settings(AsrSettings(language="fr", vocabulary=("SIRH",)))
    assert other._loaded is base._loaded and other.settings.vocabulary == ("SIRH",)
    with pytest.raises(ValueError, match="model of their own"):
        base.with_recording_settings(AsrSettings(model="small"))


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
