"""Diarization by channel of a recording file: read its channels once, decide, diarize.

`[diarize] channels` chooses: "auto" diarizes by channel the recordings that carry one speaker per
channel (:func:`pipeline.diarize.channels.detect_separation`) and leaves the others to the
diarization model; "split" diarizes every recording of two channels or more by channel; "mix"
never looks at the channels. Participants' tracks (:mod:`pipeline.audio_tracks`) are always
diarized by channel, each channel named after its participant.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

from pipeline.audio import probe
from pipeline.audio_channels import excerpts, stream_channels
from pipeline.diarize.channel_scan import scan_channels
from pipeline.diarize.channels import MAX_CHANNELS, detect_separation, diarize_by_channel, own_speech
from pipeline.types import Diarization

logger = logging.getLogger(__name__)

AUTO, MIX, SPLIT = "auto", "mix", "split"
CHANNEL_MODES = (AUTO, MIX, SPLIT)
# Recordings longer than JUDGE_WHOLE_S are judged on excerpts, shorter ones read whole: what costs
# less (bench/channels_eval.py, cost: 4 excerpts take about 1 s whatever the length, one ffmpeg
# seeking 4 inputs; a 10-minute file is read whole in about as long, a 60-minute one in 4 s).
JUDGE_WHOLE_S = 600.0
DETECT_EXCERPTS = 4
DETECT_EXCERPT_S = 30.0


def diarize_channels(path: Path, mode: str = AUTO) -> Diarization | None:
    """The recording diarized by channel, or None when it is to be diarized as one mixed signal.

    Args:
        path: The recording.
        mode: "auto", "mix" or "split" (see the module).

    Returns:
        Turns labelled ``SPEAKER_0k`` for channel k, or by participant's name for participants'
        tracks (whatever the mode); None for a mono recording, with mode "mix", or when "auto"
        finds the channels mixed.
    """
    info = probe(path)
    named = len(info.participants) == info.channels
    if (
        info.channels < 2
        or (mode == MIX and not named)
        or (mode == AUTO and info.channels > MAX_CHANNELS and not named)
    ):
        return None
    started = time.perf_counter()
    # A long recording is judged on excerpts, so that a mixed one costs a fraction of a second;
    # one judged separated is then read whole to be diarized (which replaces the model's work).
    long = (info.duration or 0.0) > JUDGE_WHOLE_S
    parts = excerpts(info.duration, DETECT_EXCERPTS, DETECT_EXCERPT_S) if long and not named else ()
    scan = scan_channels(stream_channels(path, parts=parts), info.duration if not parts else None)
    own = own_speech(scan)
    separation = detect_separation(scan, own)
    took = time.perf_counter() - started
    logger.info("%s: %d channels, %s (judged in %.2f s)", path.name, scan.channels, separation.reason, took)
    if mode == AUTO and not separation.separated and not named:
        return None
    if not separation.separated and not named:
        logger.warning("%s: diarized by channel as configured, although %s", path.name, separation.reason)
    if parts:
        scan = scan_channels(stream_channels(path), info.duration)
        own = own_speech(scan)
    return diarize_by_channel(scan, info.participants if named else None, own)
