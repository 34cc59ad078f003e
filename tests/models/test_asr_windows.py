"""Long recordings in windows, and speech Whisper skips, with the bundled model on real clips."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from pipeline.asr.whisper import WhisperTranscriber
from pipeline.asr.windows import plan_windows
from pipeline.audio import load_audio
from pipeline.evaluation import normalise_text, word_error_rate
from pipeline.types import Audio, Transcript

RATE = 16_000
WINDOW_S = 30.0
# English clips with references, back to back: their pauses and turns are where cuts can fall.
ENGLISH = (
    "faster_whisper/jfk.flac",
    "pyannote_sample/sample.wav",
    "picovoice_leopard/diarization_test.wav",
    "librivox/sense_and_sensibility_01_austen_64kb-0870.wav",
    "librivox/sense_and_sensibility_01_austen_64kb-0890.wav",
    "picovoice_leopard/test.wav",
)


def _reference(eval_dir: Path, clip: str) -> str:
    path = eval_dir / clip
    if clip.startswith("librivox/"):
        for line in (eval_dir / "librivox/transcription").read_text(encoding="utf-8").splitlines():
            if line.strip().endswith(f"({path.stem})"):
                return line.split("<s>", 1)[1].split("</s>", 1)[0]
    if path.with_suffix(".stm").exists():
        lines = path.with_suffix(".stm").read_text(encoding="utf-8").splitlines()
        return " ".join(line.split(None, 5)[5] for line in lines if line.strip())
    return path.with_suffix(".txt").read_text(encoding="utf-8")


def _concatenate(eval_dir: Path, clips: tuple[str, ...], pause_s: float = 0.6) -> Audio:
    pause = np.zeros(int(pause_s * RATE), dtype=np.float32)
    return Audio(np.concatenate([part for clip in clips for part in (load_audio(eval_dir / clip).samples, pause)]))


@pytest.fixture(scope="module")
def english(eval_dir: Path) -> tuple[Audio, str]:
    audio = _concatenate(eval_dir, ENGLISH)
    return audio, " ".join(_reference(eval_dir, clip) for clip in ENGLISH)


@pytest.fixture(scope="module")
def whole_and_windowed(transcriber: WhisperTranscriber, english: tuple[Audio, str]) -> tuple[Transcript, Transcript]:
    audio, _ = english
    windowed = WhisperTranscriber(replace(transcriber.settings, window_s=WINDOW_S))
    return transcriber.transcribe(audio), windowed.transcribe(audio)


def _cuts(audio: Audio) -> list[float]:
    return [w.end / RATE for w in plan_windows(audio.samples, RATE, WINDOW_S)[:-1]]


def _near(transcript: Transcript, at: float, radius: float) -> list[str]:
    return [normalise_text(w.text) for w in transcript.words if abs((w.start + w.end) / 2 - at) <= radius]


def test_no_words_lost_at_window_cuts(english: tuple[Audio, str], whole_and_windowed: Any) -> None:
    audio, reference = english
    whole, windowed = whole_and_windowed
    cuts = _cuts(audio)
    assert len(cuts) >= 2
    assert word_error_rate(reference, windowed.text) <= min(word_error_rate(reference, whole.text) + 0.02, 0.2)
    for cut in cuts:
        before, after = _near(whole, cut, 3.0), _near(windowed, cut, 3.0)
        assert len(after) >= len(before) - 1, f"words lost around the cut at {cut:.1f} s: {before} -> {after}"


def test_windowed_times_are_in_recording_time(whole_and_windowed: Any) -> None:
    whole, windowed = whole_and_windowed
    words = windowed.words
    assert all(0.0 <= w.start <= w.end <= windowed.duration for w in words)
    assert all(a.start <= b.start for a, b in pairwise(words))
    assert all(a.start <= b.start for a, b in pairwise(windowed.segments))
    # The same word is at the same time whether or not its window started at 0 (offsets are right).
    timed = [(normalise_text(w.text), w.start) for w in whole.words]
    matched = [any(t == normalise_text(w.text) and abs(s - w.start) <= 1.0 for t, s in timed) for w in words]
    assert sum(matched) >= 0.9 * len(words)


def test_a_meeting_that_switches_language_is_transcribed_in_each(
    transcriber: WhisperTranscriber, eval_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """French, then English: the English windows were decoded as French (translated) before."""
    french = "ms_customspeech_fr/audio.wav"
    audio = _concatenate(eval_dir, (french, *ENGLISH[:3]))
    windowed = transcriber.with_recording_settings(replace(transcriber.settings, window_s=WINDOW_S))
    asked: list[str | None] = []
    run: Callable[..., Any] = windowed._run

    def spy(samples: np.ndarray, language: str | None, clips: Any, hint: bool = True) -> Any:
        asked.append(language)
        return run(samples, language, clips, hint)

    monkeypatch.setattr(windowed, "_run", spy)
    result = windowed.transcribe(audio)
    switch = load_audio(eval_dir / french).duration + 0.3  # in the pause after the French clip
    assert len(_cuts(audio)) >= 2 and result.language == "fr" and asked[0] is None and "en" in asked
    said_fr = " ".join(w.text for w in result.words if w.end <= switch)
    said_en = " ".join(w.text for w in result.words if w.start >= switch)
    reference_fr = (eval_dir / "ms_customspeech_fr/trans.txt").read_text(encoding="utf-8-sig").split("\t", 1)[1]
    assert word_error_rate(reference_fr, said_fr) <= 0.3
    assert word_error_rate(" ".join(_reference(eval_dir, c) for c in ENGLISH[:3]), said_en) <= 0.3


@pytest.mark.parametrize("batch_size", [0, None], ids=["sequential", "batched"])
def test_speech_after_an_abrupt_change_is_not_lost(
    transcriber: WhisperTranscriber, eval_dir: Path, batch_size: int | None
) -> None:
    """From the 60-minute benchmark: after "Mr. Quilter ... his gospel." Whisper base ended its window
    and the telephone call that follows was lost (sequential and batched alike)."""
    parts = [np.zeros(int(0.42 * RATE), np.float32)]
    for clip, pause in (
        ("picovoice_leopard/test.wav", 0.93),
        ("pyannote_sample/sample.wav", 1.52),
        ("ami_debug/dev00.wav", 0.45),
    ):
        parts += [load_audio(eval_dir / clip).samples, np.zeros(int(pause * RATE), np.float32)]
    parts.append(load_audio(eval_dir / "ami_debug/dev01.wav").samples[: 8 * RATE])
    audio = Audio(np.concatenate(parts))
    settings = replace(transcriber.settings, batch_size=batch_size, language="en")
    result = WhisperTranscriber(settings).transcribe(audio)
    call = " ".join(w.text for w in result.words if 7.0 <= w.start <= 37.5)
    assert word_error_rate(_reference(eval_dir, "pyannote_sample/sample.wav"), call) <= 0.25
