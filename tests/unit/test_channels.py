"""Speakers by channel on synthetic signals: separated vs mixed channels, leaks that are not turns."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from pipeline.config import DiarizeSettings
from pipeline.diarize.by_channel import diarize_channels
from pipeline.diarize.channel_scan import FRAME_S, scan_channels
from pipeline.diarize.channels import detect_separation, diarize_by_channel, own_speech
from pipeline.errors import ConfigError

RATE = 16_000


def _voice(seconds: float, seed: int, pitch: float) -> np.ndarray:
    """Speech-like sound: a buzz whose pitch glides as intonation does, with breath noise, in
    syllables of 0.15-0.3 s (a fixed pitch would be periodic, which no voice is)."""
    rng = np.random.default_rng(seed)
    n = int(seconds * RATE)
    glide = pitch * (1 + 0.15 * np.interp(np.arange(n), np.linspace(0, n, 12), rng.uniform(-1, 1, 12)))
    buzz = np.sign(np.sin(2 * np.pi * np.cumsum(glide) / RATE)) * 0.3 + rng.standard_normal(n) * 0.2
    envelope = np.zeros(n)
    pos = 0
    while pos < n:
        length = int(rng.uniform(0.15, 0.3) * RATE)
        envelope[pos : pos + length] = np.hanning(min(length, n - pos))
        pos += length + int(rng.uniform(0.02, 0.06) * RATE)
    return (buzz * envelope * 0.3).astype(np.float32)


def _place(length: float, parts: list[tuple[float, np.ndarray]]) -> np.ndarray:
    out = np.zeros(int(length * RATE), dtype=np.float32)
    for start, sound in parts:
        i = int(start * RATE)
        out[i : i + len(sound)] += sound[: len(out) - i]
    return out


def _delayed(x: np.ndarray, seconds: float, gain: float) -> np.ndarray:
    shift = int(seconds * RATE)
    return gain * np.concatenate([np.zeros(shift, dtype=np.float32), x[: len(x) - shift]])


def _noise(length: int, seed: int) -> np.ndarray:
    return (np.random.default_rng(seed).standard_normal(length) * 1e-4).astype(np.float32)


def _scan(left: np.ndarray, right: np.ndarray):  # type: ignore[no-untyped-def]
    stereo = np.stack([left + _noise(len(left), 1), right + _noise(len(right), 2)], axis=1)
    return scan_channels(stereo[i : i + 40_000] for i in range(0, len(stereo), 40_000))


def _call(bleed: float) -> tuple[np.ndarray, np.ndarray]:
    """A talks 0-4 s and 8-12 s, B talks 4.5-7.5 s and 12.5-15 s; each leaks into the other."""
    a = _place(16, [(0, _voice(4, 1, 120)), (8, _voice(4, 2, 120))])
    b = _place(16, [(4.5, _voice(3, 3, 210)), (12.5, _voice(2.5, 4, 210))])
    return a + _delayed(b, 0.03, bleed), b + _delayed(a, 0.05, bleed)


def _seconds_in(turns: tuple, speaker: str, start: float, end: float) -> float:  # type: ignore[type-arg]
    return sum(max(0.0, min(t.end, end) - max(t.start, start)) for t in turns if t.speaker == speaker)


@pytest.mark.parametrize("bleed", [0.0, 0.1, 0.2])
def test_a_call_with_one_side_per_channel_is_separated(bleed: float) -> None:
    scan = _scan(*_call(bleed))
    separation = detect_separation(scan)
    assert separation.separated, separation.reason
    assert separation.active == (0, 1)


def test_a_copy_on_both_channels_is_mixed() -> None:
    a, b = _call(0.0)
    mono = a + b
    separation = detect_separation(_scan(mono, mono))
    assert not separation.separated
    assert separation.shared_share > 0.9


def test_a_pan_and_a_silent_channel_are_mixed() -> None:
    a, b = _call(0.0)
    assert not detect_separation(_scan(0.8 * (a + b), 0.3 * (a + b))).separated
    assert not detect_separation(_scan(a + b, np.zeros_like(a))).active[1:]


def test_a_mixdown_of_three_panned_voices_is_mixed() -> None:
    v = [_place(16, [(s, _voice(4, seed, pitch))]) for s, seed, pitch in ((0, 5, 110), (5, 6, 170), (10, 7, 240))]
    left = 0.9 * v[0] + 0.5 * v[1] + 0.2 * v[2]
    right = 0.2 * v[0] + 0.5 * v[1] + 0.9 * v[2]
    assert not detect_separation(_scan(left, right)).separated


def test_leaks_are_not_turns_but_real_overlap_is() -> None:
    a = _place(12, [(0, _voice(5, 1, 120))])
    own_b = _place(12, [(3, _voice(1.5, 9, 230)), (7, _voice(3, 3, 210))])  # 3-4.5 s: over A
    scan = _scan(a + _delayed(own_b, 0.04, 0.2), own_b + _delayed(a, 0.04, 0.2))
    diarization = diarize_by_channel(scan)
    right = diarization.turns
    # B's channel holds A's leak from 0 to 5 s: only its own speech from 3 to 4.5 s is a turn there.
    assert _seconds_in(right, "SPEAKER_01", 0.0, 2.8) == 0.0
    assert _seconds_in(right, "SPEAKER_01", 3.1, 4.4) == pytest.approx(1.3, abs=0.1)
    assert _seconds_in(right, "SPEAKER_00", 5.5, 12.0) == 0.0
    assert _seconds_in(right, "SPEAKER_00", 0.2, 4.8) == pytest.approx(4.6, abs=0.2)
    # The exclusive turn stays with A while B speaks over it.
    assert _seconds_in(diarization.exclusive, "SPEAKER_01", 3.2, 4.4) == 0.0


def test_own_speech_bridges_pauses_between_syllables() -> None:
    scan = _scan(*_call(0.1))
    own = own_speech(scan)
    runs = np.flatnonzero(np.diff(own[0].astype(int)) == 1)
    assert len(runs) <= 2  # A's two turns, not one per syllable
    assert own.shape[1] == pytest.approx(16 / FRAME_S, abs=1)


def test_stereo_file_auto_split_and_mix(tmp_path: Path) -> None:
    left, right = _call(0.1)
    call = tmp_path / "call.wav"
    sf.write(call, np.stack([left, right], axis=1), RATE, subtype="FLOAT")
    diarization = diarize_channels(call, "auto")
    assert diarization is not None and diarization.speakers == ("SPEAKER_00", "SPEAKER_01")
    assert diarize_channels(call, "mix") is None
    copy = tmp_path / "copy.wav"
    sf.write(copy, np.stack([left + right, left + right], axis=1), RATE, subtype="FLOAT")
    assert diarize_channels(copy, "auto") is None
    assert diarize_channels(copy, "split") is not None  # forced: by channel, with a warning


def test_channels_setting_is_validated() -> None:
    assert DiarizeSettings().channels == "auto"
    assert DiarizeSettings(channels="split").channels == "split"
    with pytest.raises(ConfigError, match=r"channels = 'stereo': use one of auto, mix, split"):
        DiarizeSettings(channels="stereo")
