"""ffmpeg's decoding processes: their command lines, and their output read as it comes.

The one decode of a recording gives 16 kHz mono float32. For a recording whose channels may
each carry a speaker, the same process gives every channel instead: they are mixed to mono
here with ffmpeg's own weights (so the samples are those of its down-mix) and handed, block by
block, to the channel analysis, so the file is never read a second time.

ffmpeg-python builds the command lines; the processes run with their standard error captured in
a temporary file so that a long decode can never block on a full pipe.
"""

from __future__ import annotations

import fcntl
import math
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO, BinaryIO

import ffmpeg
import numpy as np

from pipeline.errors import CorruptAudioError, NotMediaError, ToolMissingError
from pipeline.types import SAMPLE_RATE, MediaInfo

READ_CHUNK = 1 << 20
BYTES_PER_SAMPLE = 4
# ffmpeg guesses a channel layout, and so can down-mix, for up to 8 channels; pan addresses 64.
LAYOUT_GUESS_MAX = 8
PAN_MAX_CHANNELS = 64
# Samples per channel of each block handed to the channel analysis: 8 s, whole 20 ms frames.
CHANNEL_BLOCK = 8 * SAMPLE_RATE
# ffmpeg's output pipe: 1 MiB, an 8 s block of stereo (Linux's default ceiling for a pipe).
PIPE_BYTES = 1 << 20
# ffmpeg exits with these words in its message when the input is not a media file at all.
_NOT_MEDIA_HINTS = ("Invalid data found", "moov atom not found", "Invalid argument", "could not find codec")

# Receives each block of every channel, (samples, channels) float32; the array is reused for the
# next block, so a consumer copies what it keeps.
ChannelSink = Callable[[np.ndarray], None]


def ffmpeg_url(path: Path) -> str:
    # "file:" stops ffmpeg reading a name such as "a:b.wav" as a protocol; absolute paths stop a
    # leading dash being read as an option.
    return "file:" + str(path.resolve())


def require(tool: str) -> str:
    found = shutil.which(tool)
    if found is None:
        raise ToolMissingError(f"'{tool}' is not installed: install ffmpeg (e.g. 'apt-get install ffmpeg')")
    return found


def first_line(message: str, path: Path | None = None) -> str:
    lines = [line.strip() for line in message.splitlines() if line.strip()]
    line = lines[-1] if lines else "unknown error"
    return line.replace(ffmpeg_url(path) + ": ", "") if path is not None else line


def raise_if_failed(path: Path, returncode: int, stderr: str, produced: int) -> None:
    """Name ffmpeg's failure: not media at all (nothing decoded), or damaged audio."""
    if returncode == 0:
        return
    hint = first_line(stderr, path)
    if any(h in stderr for h in _NOT_MEDIA_HINTS) and produced == 0:
        raise NotMediaError(f"{path}: ffmpeg cannot read this file ({hint})")
    raise CorruptAudioError(f"{path}: the audio cannot be decoded ({hint})")


def _mono_filter(channels: int, channel: int | None, tracks: bool = False) -> str | None:
    """The pan filter that makes one channel of many, or None where ffmpeg's own down-mix applies.

    ffmpeg down-mixes by channel layout, and guesses one only up to 8 channels: past that (a
    32-channel array recorder) it refuses, so every channel is given the same weight instead.
    Participants' tracks (see :mod:`pipeline.audio_tracks`) are summed as a call mixes them: a
    layout's down-mix would drop the fourth ("LFE") and weigh the others unequally.
    """
    if channel is not None:
        return f"pan=mono|c0=c{channel}"
    if tracks and channels > 1:
        return "pan=mono|c0=" + "+".join(f"c{i}" for i in range(channels))
    if channels <= LAYOUT_GUESS_MAX:
        return None
    weight = 1 / channels
    return "pan=mono|c0=" + "+".join(f"{weight!r}*c{i}" for i in range(channels))


def mix_weights(info: MediaInfo) -> np.ndarray | None:
    """The weight of each channel in the mono the decode gives, where it is known here; else None.

    The same as :func:`_mono_filter`'s: participants' tracks summed, past 8 channels equal weights,
    and two channels as ffmpeg (libswresample) down-mixes stereo to mono for float output: each at
    1/sqrt(2) (tests/unit/test_audio_channels.py compares the samples). Other layouts of 3 to 8
    channels have weights of their own (centre, surrounds, LFE dropped): those are left to ffmpeg.
    One difference: ffmpeg's pan mixes 16-bit input in 16 bits (rounding to a 16-bit step, clipping
    where voices add past full scale); this mix is in float and does neither.
    """
    channels = info.channels
    if channels < 2:
        return None
    if info.participants:
        return np.ones(channels, dtype=np.float32)
    if channels > LAYOUT_GUESS_MAX:
        return np.full(channels, 1 / channels, dtype=np.float32)
    if channels == 2:
        return np.full(2, math.sqrt(0.5), dtype=np.float32)
    return None


def decode_command(path: Path, info: MediaInfo, channel: int | None, *, every_channel: bool = False) -> list[str]:
    """ffmpeg's command line: 16 kHz float32 of one channel, the down-mix, or every channel."""
    audio = ffmpeg.input(ffmpeg_url(path))[f"a:{info.track_index}"]  # -map 0:a:N, that track alone
    if every_channel:
        channels = max(info.channels, 1)
        out = ffmpeg.output(audio, "pipe:", format="f32le", acodec="pcm_f32le", ac=channels, ar=SAMPLE_RATE)
    else:
        # A plain -af string: ffmpeg-python's filter graph over-escapes the '=' inside pan's argument.
        pan = _mono_filter(info.channels, channel, tracks=bool(info.participants))
        select = {"af": pan} if pan is not None else {}
        out = ffmpeg.output(audio, "pipe:", format="f32le", acodec="pcm_f32le", ac=1, ar=SAMPLE_RATE, **select)
    quiet = out.global_args("-nostdin", "-hide_banner", "-nostats", "-v", "error")
    return ffmpeg.compile(quiet, cmd=require("ffmpeg"))


def _widen_pipe(fd: int) -> None:
    """Let ffmpeg decode a block ahead while this process mixes and scans the last one (Linux's
    default pipe holds 64 KiB: ffmpeg would wait on every read); left as it is where refused."""
    try:
        fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, PIPE_BYTES)
    except (AttributeError, OSError):  # not Linux, or above /proc/sys/fs/pipe-max-size
        pass


def run_process(command: list[str], read: Callable[[IO[bytes]], int]) -> tuple[int, int, str]:
    """Run ffmpeg, `read` its output (returning the bytes it took); (bytes, exit status, standard error)."""
    with tempfile.TemporaryFile() as err:
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=err)
        assert process.stdout is not None
        _widen_pipe(process.stdout.fileno())
        try:
            produced = read(process.stdout)
        finally:
            process.stdout.close()
            returncode = process.wait()
        err.seek(0)
        return produced, returncode, err.read().decode("utf-8", "replace")


def run_decode(path: Path, command: list[str], expected_seconds: float | None) -> tuple[np.ndarray, str]:
    """ffmpeg's mono output, read straight into one buffer that becomes the samples."""
    capacity = int((expected_seconds or 60.0) * SAMPLE_RATE * 1.05) * BYTES_PER_SAMPLE + READ_CHUNK
    buffer = bytearray(capacity)

    def read(stdout: IO[bytes]) -> int:
        filled = 0
        while True:
            if filled + READ_CHUNK > len(buffer):
                buffer.extend(bytes(len(buffer) // 2 + READ_CHUNK))
            with memoryview(buffer)[filled : filled + READ_CHUNK] as view:
                count = stdout.readinto(view)  # type: ignore[attr-defined]
            if not count:
                return filled
            filled += count

    filled, returncode, stderr = run_process(command, read)
    raise_if_failed(path, returncode, stderr, filled)
    del buffer[filled - filled % BYTES_PER_SAMPLE :]  # shrink in place: no second copy of the audio
    return np.frombuffer(buffer, dtype=np.float32), stderr


def stream_decode(path: Path, command: list[str], out: BinaryIO) -> tuple[int, str]:
    """Copy ffmpeg's mono output to `out` chunk by chunk: memory stays at one chunk whatever the length."""

    def read(stdout: IO[bytes]) -> int:
        written = 0
        for chunk in iter(lambda: stdout.read(READ_CHUNK), b""):
            out.write(chunk)
            written += len(chunk)
        return written

    written, returncode, stderr = run_process(command, read)
    raise_if_failed(path, returncode, stderr, written)
    return written - written % BYTES_PER_SAMPLE, stderr


def read_blocks(stdout: IO[bytes], channels: int, sink: ChannelSink) -> int:
    """Hand ffmpeg's interleaved output to `sink` in blocks of whole frames, read into one reused buffer.

    Returns:
        The bytes read (a trailing partial frame, which ffmpeg never writes, is dropped).
    """
    frame_bytes = BYTES_PER_SAMPLE * channels
    block_bytes = CHANNEL_BLOCK * frame_bytes
    buffer = bytearray(block_bytes)
    view = memoryview(buffer)
    total = filled = 0
    try:
        while True:
            count = stdout.readinto(view[filled:])  # type: ignore[attr-defined]
            filled += count or 0
            if filled == block_bytes or (not count and filled):
                whole = filled - filled % frame_bytes
                if whole:
                    sink(np.frombuffer(buffer, dtype=np.float32, count=whole // BYTES_PER_SAMPLE).reshape(-1, channels))
                total += filled
                filled = 0
            if not count:
                return total
    finally:
        view.release()


def mix_into(block: np.ndarray, weights: np.ndarray, out: np.ndarray) -> None:
    """`out` = the weighted sum of the block's channels, in float32 as ffmpeg sums them."""
    np.multiply(block[:, 0], weights[0], out=out)
    for channel in range(1, block.shape[1]):
        out += block[:, channel] * weights[channel]


def run_channels(
    path: Path, command: list[str], weights: np.ndarray, sink: ChannelSink, out: BinaryIO | None, expected: float | None
) -> tuple[np.ndarray | None, int, str]:
    """Every channel from one ffmpeg: the mono mix kept (or written to `out`), each block handed to `sink`.

    Returns:
        The mono samples (None when written to `out`), their count, ffmpeg's standard error.
    """
    channels = len(weights)
    mono = bytearray(0 if out is not None else int((expected or 60.0) * SAMPLE_RATE * 1.05) * BYTES_PER_SAMPLE)
    scratch = np.empty(CHANNEL_BLOCK, dtype=np.float32)
    done = 0

    def take(block: np.ndarray) -> None:
        nonlocal done
        count = len(block)
        if out is not None:
            mix_into(block, weights, scratch[:count])
            out.write(scratch[:count].data)
        else:
            end = (done + count) * BYTES_PER_SAMPLE
            if end > len(mono):
                mono.extend(bytes(end - len(mono) + len(mono) // 2))
            target = np.frombuffer(mono, dtype=np.float32, count=count, offset=done * BYTES_PER_SAMPLE)
            mix_into(block, weights, target)
            del target  # the buffer may grow only once no array looks into it
        done += count
        sink(block)

    produced, returncode, stderr = run_process(command, lambda stdout: read_blocks(stdout, channels, take))
    raise_if_failed(path, returncode, stderr, produced)
    if out is not None:
        return None, done, stderr
    del mono[done * BYTES_PER_SAMPLE :]
    return np.frombuffer(mono, dtype=np.float32), done, stderr
