"""Long recordings are transcribed window by window, each cut at a pause.

faster-whisper's sequential path builds the log-mel spectrogram of everything it is given at
once (about 2.5 GB per hour of audio), so a 3-hour meeting would need ~10 GB. Windows of a few
minutes bound that, and cutting each at the quietest point of the stretch before its nominal end
keeps words whole. Windows are sample ranges: callers slice views, never copies.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# The cut is searched in this stretch before each nominal window end (at most a third of a window).
CUT_SEARCH_S = 30.0
# Energy is measured per 10 ms frame and averaged over 0.3 s, so a stop consonant's short
# silence inside a word does not look like the pause between two words.
_FRAME_S = 0.01
_SMOOTH_S = 0.3


@dataclass(frozen=True, slots=True)
class Window:
    """Samples [start, end) of the recording."""

    start: int
    end: int

    def offset(self, sample_rate: int) -> float:
        """Where the window starts, in seconds of the recording."""
        return self.start / sample_rate


def quietest_point(samples: np.ndarray, start: int, end: int, sample_rate: int) -> int:
    """The sample in [start, end) at the centre of the lowest-energy 0.3 s stretch."""
    frame = max(int(_FRAME_S * sample_rate), 1)
    count = (end - start) // frame
    if count < 1:
        return end
    frames = samples[start : start + count * frame].reshape(count, frame)
    energy = np.square(frames, dtype=np.float64).mean(axis=1)
    span = min(max(int(_SMOOTH_S / _FRAME_S), 1), count)
    smoothed = np.convolve(energy, np.full(span, 1.0 / span), mode="valid")
    best = int(np.argmin(smoothed))
    return start + (best + span // 2) * frame + frame // 2


def plan_windows(samples: np.ndarray, sample_rate: int, window_s: float) -> tuple[Window, ...]:
    """Split a recording into windows of at most `window_s` seconds, each cut at a pause.

    A recording no longer than one window is a single window (transcribed exactly as before).
    """
    total = len(samples)
    size = int(window_s * sample_rate)
    if size <= 0 or total <= size:
        return (Window(0, total),)
    search = int(min(CUT_SEARCH_S, window_s / 3) * sample_rate)
    windows: list[Window] = []
    start = 0
    while total - start > size:
        cut = quietest_point(samples, start + size - search, start + size, sample_rate)
        windows.append(Window(start, cut))
        start = cut
    windows.append(Window(start, total))
    return tuple(windows)
