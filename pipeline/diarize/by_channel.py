"""Diarization by channel of a recording: its channels scanned while it is decoded, then judged and diarized.

`[diarize] channels` chooses: "auto" diarizes by channel the recordings that carry one speaker per
channel (:func:`pipeline.diarize.channels.detect_separation`) and leaves the others to the
diarization model; "split" diarizes every recording of two channels or more by channel; "mix"
never looks at the channels. Participants' tracks (:mod:`pipeline.audio_tracks`) are always
diarized by channel, each channel named after its participant.

The file is read once: the decode that gives the mono audio gives every channel too, and
:class:`ChannelsWhileDecoding` scans them as they pass (:class:`pipeline.types.ChannelScan`, a
few small arrays that travel with the audio). Only audio decoded without it (an older service
cache, a 3-8 channel layout whose down-mix only ffmpeg knows) has its channels read again here.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

from pipeline.audio import probe
from pipeline.audio_channels import read_channels
from pipeline.audio_decode import ChannelSink
from pipeline.diarize.channel_scan import ChannelAccumulator
from pipeline.diarize.channels import MAX_CHANNELS, detect_separation, diarize_by_channel, own_speech
from pipeline.types import ChannelScan, Diarization, MediaInfo

logger = logging.getLogger(__name__)

AUTO, MIX, SPLIT = "auto", "mix", "split"
CHANNEL_MODES = (AUTO, MIX, SPLIT)


def _named(participants: tuple[str, ...], channels: int) -> bool:
    return len(participants) == channels


def wants_channels(channels: int, participants: tuple[str, ...], mode: str) -> bool:
    """Whether a recording of `channels` channels may be diarized by channel under `mode`."""
    named = _named(participants, channels)
    if channels < 2 or (mode == MIX and not named):
        return False
    return not (mode == AUTO and channels > MAX_CHANNELS and not named)


class ChannelsWhileDecoding:
    """Scans every channel of the recording being decoded, when it may be diarized by channel.

    Given as `every_channel` to :func:`pipeline.audio.load_audio` (or ``decode_into``): the decode
    calls it with the recording's metadata and feeds the returned sink; :meth:`scan` is the result.

    Args:
        mode: ``[diarize] channels``: nothing is scanned with "mix" (participants' tracks excepted).
    """

    def __init__(self, mode: str) -> None:
        self.mode = mode
        self._accumulator: ChannelAccumulator | None = None

    def __call__(self, info: MediaInfo) -> ChannelSink | None:
        if not wants_channels(info.channels, info.participants, self.mode):
            return None
        named = _named(info.participants, info.channels)
        self._accumulator = ChannelAccumulator(info.duration, participants=info.participants if named else ())
        return self._accumulator.add

    def scan(self) -> ChannelScan | None:
        """The channels' scan; None when none was taken (mono, "mix", or not given every channel)."""
        return None if self._accumulator is None else self._accumulator.result()


def diarize_channels(path: Path | str | None, mode: str = AUTO, scan: ChannelScan | None = None) -> Diarization | None:
    """The recording diarized by channel, or None when it is to be diarized as one mixed signal.

    Args:
        path: The recording; read again only when no `scan` is given.
        mode: "auto", "mix" or "split" (see the module).
        scan: The channels' scan taken while decoding (:class:`ChannelsWhileDecoding`), if any.

    Returns:
        Turns labelled ``SPEAKER_0k`` for channel k, or by participant's name for participants'
        tracks (whatever the mode); None for a mono recording, with mode "mix", or when "auto"
        finds the channels mixed.
    """
    started = time.perf_counter()
    path = Path(path) if path is not None else None
    if scan is None:
        if path is None:
            return None
        scan = _read_channels(path, mode)
        if scan is None:
            return None
    named = _named(scan.participants, scan.channels)
    if not wants_channels(scan.channels, scan.participants, mode):
        return None
    own = own_speech(scan)
    separation = detect_separation(scan, own)
    took = time.perf_counter() - started
    name = path.name if path is not None else "recording"
    logger.info("%s: %d channels, %s (judged in %.2f s)", name, scan.channels, separation.reason, took)
    if mode == AUTO and not separation.separated and not named:
        return None
    if not separation.separated and not named:
        logger.warning("%s: diarized by channel as configured, although %s", name, separation.reason)
    return diarize_by_channel(scan, scan.participants if named else None, own)


def _read_channels(path: Path, mode: str) -> ChannelScan | None:
    """The scan of a recording decoded without one: its channels read from the file again."""
    scanning = ChannelsWhileDecoding(mode)
    sink = scanning(probe(path))
    if sink is None:
        return None
    logger.info("%s: channels not scanned while decoding: reading them again", path.name)
    read_channels(path, sink)
    return scanning.scan()
