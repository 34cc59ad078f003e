"""Every channel of a recording read again, streamed: for audio decoded without its channels scanned.

The decode itself gives every channel where channel analysis wants them (see
:func:`pipeline.audio.load_audio`, `every_channel`); this second read is for what it could not
(an older service cache, a 3-8 channel layout whose down-mix only ffmpeg knows).
"""

from __future__ import annotations

from pathlib import Path

from pipeline.audio import _check_before_decode
from pipeline.audio_decode import ChannelSink, decode_command, raise_if_failed, read_blocks, run_process


def read_channels(path: Path | str, sink: ChannelSink) -> None:
    """Every channel of the chosen track at 16 kHz, handed to `sink` in (samples, channels) float32 blocks.

    Memory stays at one block whatever the recording's length; the block is reused for the next
    one, so `sink` copies what it keeps.

    Raises:
        The same errors as :func:`pipeline.audio.load_audio`, raised once the stream ends.
    """
    path = Path(path)
    info = _check_before_decode(path, None)
    channels = max(info.channels, 1)
    command = decode_command(path, info, None, every_channel=True)
    produced, returncode, stderr = run_process(command, lambda stdout: read_blocks(stdout, channels, sink))
    raise_if_failed(path, returncode, stderr, produced)
