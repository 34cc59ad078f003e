"""Long recordings are split into windows cut at pauses (no model involved)."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import numpy as np
import pytest

from pipeline.asr.windows import Window, plan_windows, quietest_point
from pipeline.audio import load_audio

RATE = 16_000


def _energy(samples: np.ndarray, at: int, half: int = RATE // 20) -> float:
    return float(np.mean(np.square(samples[max(at - half, 0) : at + half], dtype=np.float64)))


def test_audio_up_to_one_window_is_one_window() -> None:
    samples = np.zeros(RATE * 30, dtype=np.float32)
    assert plan_windows(samples, RATE, 30.0) == (Window(0, len(samples)),)
    assert plan_windows(samples, RATE, 600.0) == (Window(0, len(samples)),)


def test_cut_falls_in_the_pause() -> None:
    tone = (0.3 * np.sin(np.arange(RATE * 4) * 2 * np.pi * 220 / RATE)).astype(np.float32)
    samples = np.concatenate([tone, np.zeros(RATE // 2, dtype=np.float32), tone])  # pause at 4.0-4.5 s
    cut = quietest_point(samples, RATE * 2, RATE * 6, RATE)
    assert 4.0 * RATE < cut < 4.5 * RATE


def test_windows_tile_the_recording_and_cut_at_quiet_points(sample_wav: Path) -> None:
    # Two minutes of real conversation: the bundled telephone call four times, back to back.
    samples = np.tile(load_audio(sample_wav).samples, 4)
    windows = plan_windows(samples, RATE, 35.0)
    assert len(windows) == 4
    assert windows[0].start == 0 and windows[-1].end == len(samples)
    assert all(a.end == b.start for a, b in pairwise(windows))
    assert all(w.end - w.start <= 35 * RATE for w in windows)
    frames = samples[: len(samples) // 1600 * 1600].reshape(-1, 1600)
    typical = float(np.median(np.mean(np.square(frames, dtype=np.float64), axis=1)))
    for window in windows[:-1]:
        assert _energy(samples, window.end) < 0.1 * typical, f"cut at {window.end / RATE:.2f} s is not a pause"


def test_window_offset_is_in_seconds() -> None:
    assert Window(RATE * 90, RATE * 95).offset(RATE) == pytest.approx(90.0)
