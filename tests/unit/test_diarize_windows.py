"""The short clustering windows cut from the segmentation chunks (no model: synthetic frames)."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
from pyannote.core import SlidingWindow, SlidingWindowFeature

from pipeline.diarize.offline import OfflineSpeakerDiarization

FRAME = SlidingWindow(start=0.0, duration=0.0619, step=0.016875)  # segmentation-3.0: 589 frames per 10 s
NUM_FRAMES = 589


def _chunks(step: float, count: int) -> SlidingWindowFeature:
    """Chunks whose frame values are (absolute time of the frame, index of the chunk)."""
    window = SlidingWindow(start=0.0, duration=10.0, step=step)
    data = np.zeros((count, NUM_FRAMES, 2), dtype=np.float32)
    for c in range(count):
        data[c, :, 0] = window[c].start + np.arange(NUM_FRAMES) * FRAME.step
        data[c, :, 1] = c
    return SlidingWindowFeature(data, window)


def _windows(chunks: SlidingWindowFeature, window_step: float | None) -> SlidingWindowFeature:
    fake = SimpleNamespace(
        window_duration=3.0,
        window_step=window_step,
        _segmentation=SimpleNamespace(model=SimpleNamespace(receptive_field=FRAME)),
    )
    return OfflineSpeakerDiarization.local_windows(fake, chunks)  # type: ignore[arg-type]


def test_windows_keep_a_one_second_grid_under_a_coarse_segmentation_step() -> None:
    chunks = _chunks(step=3.0, count=40)  # segmentation_step 0.3: 123 s of audio
    windows = _windows(chunks, window_step=1.0)
    grid = windows.sliding_window
    assert grid.step == 1.0 and abs(grid.duration - 3.0) < FRAME.step
    width = windows.data.shape[1]
    last_frame = chunks.sliding_window[len(chunks.data) - 1].start + NUM_FRAMES * FRAME.step
    for k, frames in enumerate(windows.data):
        if k + width * FRAME.step > last_frame:
            break  # the file's last window is clipped into the last chunk's frames
        # Each frame is taken at its own time (within half a frame), so windows line up with the audio ...
        assert np.all(np.abs(frames[:, 0] - (k + np.arange(width) * FRAME.step)) <= FRAME.step / 2 + 1e-4)
        # ... and from the chunk whose centre is nearest, where the model saw the most context.
        chunk = int(frames[0, 1])
        centre = k + grid.duration / 2
        nearest = min(range(len(chunks.data)), key=lambda c: abs(chunks.sliding_window[c].middle - centre))
        assert (
            abs(chunks.sliding_window[chunk].middle - centre)
            <= abs(chunks.sliding_window[nearest].middle - centre) + 1e-6
        )
    assert k >= len(windows.data) - 2  # only the last window or so is clipped
    # The windows reach the end of the last chunk.
    assert grid[len(windows.data) - 1].end >= chunks.sliding_window[len(chunks.data) - 1].end - grid.step


def test_windows_follow_the_segmentation_step_when_no_window_step_is_set() -> None:
    windows = _windows(_chunks(step=1.0, count=20), window_step=None)
    grid = windows.sliding_window
    # One window per second until the last one ends with the last chunk (29 s).
    assert grid.step == 1.0 and len(windows.data) == int(np.ceil(29.0 - grid.duration)) + 1
