"""Every channel of a recording, streamed: for channel analysis, which must not hold all of a long meeting."""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

import ffmpeg
import numpy as np

from pipeline.audio import _BYTES_PER_SAMPLE, _check_before_decode, _ffmpeg_url, _raise_if_failed, _require
from pipeline.types import SAMPLE_RATE


def excerpts(duration: float | None, count: int, length: float) -> tuple[tuple[float, float], ...]:
    """`count` (start, length) excerpts spread evenly over `duration` s; () when it is not longer than them all."""
    if duration is None or duration <= count * length:
        return ()
    step = (duration - length) / max(count - 1, 1)
    return tuple((round(i * step, 3), length) for i in range(count))


def stream_channels(
    path: Path | str, *, parts: Sequence[tuple[float, float]] = (), block_s: float = 8.0
) -> Iterator[np.ndarray]:
    """Every channel of the chosen track at 16 kHz, blocks of (samples, channels) float32 as ffmpeg gives them.

    Memory stays at one block whatever the recording's length: channel analysis reads the file
    this way rather than holding every channel of a long meeting at once.

    Args:
        path: The recording.
        parts: (start, length) excerpts in seconds to read, one after the other, in one ffmpeg
            process (each input seeks); none reads the whole track.
        block_s: Seconds per block.

    Raises:
        The same errors as :func:`load_audio`, raised once the stream ends.
    """
    path = Path(path)
    info = _check_before_decode(path, None)
    channels = max(info.channels, 1)
    track = f"a:{info.track_index}"
    if parts:
        inputs = [ffmpeg.input(_ffmpeg_url(path), ss=start, t=length)[track] for start, length in parts]
        audio = ffmpeg.concat(*inputs, v=0, a=1) if len(inputs) > 1 else inputs[0]
    else:
        audio = ffmpeg.input(_ffmpeg_url(path))[track]
    out = ffmpeg.output(audio, "pipe:", format="f32le", acodec="pcm_f32le", ac=channels, ar=SAMPLE_RATE)
    command = ffmpeg.compile(
        out.global_args("-nostdin", "-hide_banner", "-nostats", "-v", "error"), cmd=_require("ffmpeg")
    )
    frame_bytes = _BYTES_PER_SAMPLE * channels
    block_bytes = max(1, int(block_s * SAMPLE_RATE)) * frame_bytes
    produced = 0
    with tempfile.TemporaryFile() as err:
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=err)
        assert process.stdout is not None
        try:
            pending = b""
            for chunk in iter(lambda: process.stdout.read(block_bytes), b""):  # type: ignore[union-attr]
                data = pending + chunk
                usable = len(data) - len(data) % frame_bytes
                pending = data[usable:]
                produced += usable
                if usable:
                    yield np.frombuffer(data[:usable], dtype=np.float32).reshape(-1, channels)
        finally:
            process.stdout.close()
            returncode = process.wait()
        err.seek(0)
        _raise_if_failed(path, returncode, err.read().decode("utf-8", "replace"), produced)
