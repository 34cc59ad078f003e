"""Speakers by channel: a recording whose channels each carry one speaker (a call recorder's two
sides, a lavalier per person, participants' tracks) is diarized by who is heard on which channel.

Each channel's own speech is where it is above its noise floor and louder than what the other
channels leak into it: a leak follows its source at a measured delay and gain (see
:mod:`pipeline.diarize.channel_scan`), so a channel's activity that is only the echo or
cross-talk of a louder voice on another channel is not a turn, while a second voice really
speaking at the same time is. Whether a recording is separated at all is decided on the same
quantities (:func:`detect_separation`): a copy or a mixdown has the same voices on every channel,
so nearly all its speech is leak of another channel and none is any channel's own.

Every threshold here was chosen from the sweep of ``bench/channels_eval.py`` (see
docs/benchmarks.md), over calls built from several shared clips at several leak levels and over
every shared mono clip copied or panned onto two channels.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.ndimage import maximum_filter1d, minimum_filter1d

from pipeline.diarize.channel_scan import FRAME_S, ChannelScan
from pipeline.types import Diarization, SpeakerTurn

BY_CHANNEL_MODEL = "one speaker per channel"
# Speech is this far above the channel's noise floor (dB) ...
NOISE_MARGIN_DB = 10.0
# ... and, on a channel of digital silence, no more than this below its loudest speech.
RANGE_DB = 40.0
# A channel's frame is its own speech when it is this much louder than the leak predicted from
# the other channels (dB); below that it is their echo or cross-talk.
BLEED_MARGIN_DB = 6.0
# Pauses shorter than this inside a channel's speech are bridged; shorter bursts are dropped (s).
MIN_GAP_S = 0.5
MIN_TURN_S = 0.2
# Detection: a separated recording leaks at most this much of a channel's voice into another,
# relative to that other channel's own loud speech (dB; a copy is 0) ...
MAX_LEAK_DB = -5.0
# ... leaves at most this share of its speech as nobody's own (a copy leaves all of it) ...
MAX_ORPHAN_SHARE = 0.2
# ... and at most this share of its speech is the same sound at the same level on two channels
# (every window of a copy or a pan; the centred voices of a mixdown; two microphones in one room) ...
MAX_SHARED_SHARE = 0.15
# ... and has at least two channels with this much speech of their own (s, and share of all).
MIN_OWN_S = 1.0
MIN_OWN_SHARE = 0.05
# Above this many channels a recording is a microphone array, not one speaker per channel.
MAX_CHANNELS = 16
# Noise floor: 10th percentile of 5 s blocks, the lowest of the blocks within about 35 s.
_FLOOR_BLOCK = round(5.0 / FRAME_S)
_FLOOR_SPAN = 7
_FLOOR_PERCENTILE = 10
_LOUD_PERCENTILE = 98
# The leak of a frame may come from up to 60 ms before its delay (reverberation) or 20 ms after (jitter).
_TAIL_FRAMES, _LEAD_FRAMES = 3, 1


@dataclass(frozen=True, slots=True)
class Separation:
    """Whether a recording carries one speaker per channel, and the evidence.

    Attributes:
        separated: True when the recording is to be diarized by channel.
        reason: The decision in words, for the log.
        own_seconds: Seconds of each channel's own speech.
        active: Channels with enough speech of their own.
        max_leak_db: Loudest leak between active channels, relative to the receiving channel's
            loud speech (0 for copies; -120 when nothing leaks).
        orphan_share: Share of the speech that is no channel's own.
        shared_share: Largest share, over two active channels, of the speech that is the same
            sound at the same level on both.
        correlation: Highest zero-lag correlation between two channels (1 for copies).
    """

    separated: bool
    reason: str
    own_seconds: tuple[float, ...]
    active: tuple[int, ...]
    max_leak_db: float
    orphan_share: float
    shared_share: float
    correlation: float


def speech_level(levels: np.ndarray) -> np.ndarray:
    """Each channel's loud speech level (dB): the 98th percentile of its frames."""
    if levels.shape[1] == 0:
        return np.full(levels.shape[0], -120.0)
    return np.percentile(levels, _LOUD_PERCENTILE, axis=1)


def voiced(levels: np.ndarray) -> np.ndarray:
    """(channels, frames) True where a channel is above its noise floor, whoever speaks."""
    channels, frames = levels.shape
    if frames == 0:
        return np.zeros(levels.shape, dtype=bool)
    blocks = -(-frames // _FLOOR_BLOCK)
    padded = np.pad(levels, ((0, 0), (0, blocks * _FLOOR_BLOCK - frames)), mode="edge")
    floors = np.percentile(padded.reshape(channels, blocks, _FLOOR_BLOCK), _FLOOR_PERCENTILE, axis=2)
    floors = minimum_filter1d(floors, _FLOOR_SPAN, axis=1, mode="nearest")
    floor = np.repeat(floors, _FLOOR_BLOCK, axis=1)[:, :frames]
    threshold = np.maximum(floor + NOISE_MARGIN_DB, speech_level(levels)[:, None] - RANGE_DB)
    return levels > threshold


def predicted_leak(scan: ChannelScan) -> np.ndarray:
    """(channels, frames) level (dB) at which the other channels' voices leak into each channel."""
    channels, frames = scan.levels.shape
    leak = np.full((channels, frames), -np.inf)
    for source in range(channels):
        # The leak at frame t comes from the source between t - lag - tail and t - lag + lead.
        size = _TAIL_FRAMES + _LEAD_FRAMES + 1
        spread = maximum_filter1d(scan.levels[source], size, origin=_TAIL_FRAMES - size // 2)
        for target in range(channels):
            if target == source:
                continue
            lag = int(scan.lag_frames[source, target])
            shifted = np.full(frames, -np.inf)
            if lag >= 0:
                shifted[lag:] = spread[: frames - lag]
            else:
                shifted[:lag] = spread[-lag:]
            leak[target] = np.maximum(leak[target], shifted + scan.leak_db[source, target])
    return leak


def own_speech(scan: ChannelScan) -> np.ndarray:
    """(channels, frames) True where a channel holds speech of its own, pauses bridged, bursts dropped."""
    own = voiced(scan.levels) & (scan.levels > predicted_leak(scan) + BLEED_MARGIN_DB)
    return np.stack([_smooth(row) for row in own]) if own.size else own


def _smooth(active: np.ndarray) -> np.ndarray:
    gap, burst = round(MIN_GAP_S / FRAME_S), round(MIN_TURN_S / FRAME_S)
    out = active.copy()
    for start, end in _runs(~out):
        if 0 < start and end < len(out) and end - start < gap:
            out[start:end] = True
    for start, end in _runs(out):
        if end - start < burst:
            out[start:end] = False
    return out


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """[start, end) frame ranges where `mask` is True."""
    edges = np.flatnonzero(np.diff(np.concatenate([[0], mask.astype(np.int8), [0]])))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True))


def detect_separation(scan: ChannelScan, own: np.ndarray | None = None) -> Separation:
    """Whether `scan`'s recording carries one speaker per channel (see the module's thresholds).

    Args:
        scan: The recording's channel scan.
        own: Its :func:`own_speech`, if already computed.
    """
    channels = scan.channels
    correlation = float(np.max(scan.correlation - np.eye(channels))) if channels > 1 else 1.0
    if channels < 2:
        return Separation(False, "one channel", (), (), 0.0, 0.0, 1.0, correlation)
    own = own_speech(scan) if own is None else own
    seconds = tuple(float(row.sum()) * FRAME_S for row in own)
    total = sum(seconds)
    active = tuple(c for c in range(channels) if seconds[c] >= MIN_OWN_S and seconds[c] >= MIN_OWN_SHARE * total)
    level = speech_level(scan.levels)
    relative = scan.leak_db + level[:, None] - level[None, :]
    leak = max((float(relative[i, j]) for i in active for j in active if i != j), default=-120.0)
    shared = max((float(scan.shared[i, j]) for i in active for j in active if i != j), default=1.0)
    speech = voiced(scan.levels).any(axis=0)
    orphan = float((speech & ~own.any(axis=0)).sum() / max(int(speech.sum()), 1))
    evidence = (
        f"leak {leak:.1f} dB, {orphan:.0%} of speech no channel's own, {shared:.0%} the same on two,"
        f" own speech {_seconds(seconds)}"
    )

    def decided(separated: bool, why: str) -> Separation:
        return Separation(separated, why, seconds, active, leak, orphan, shared, correlation)

    if channels > MAX_CHANNELS:
        return decided(False, f"{channels} channels: a microphone array")
    if len(active) < 2:
        return decided(False, f"fewer than two channels with speech of their own ({evidence})")
    if leak > MAX_LEAK_DB:
        return decided(False, f"the same voices on several channels ({evidence})")
    if orphan > MAX_ORPHAN_SHARE or shared > MAX_SHARED_SHARE:
        return decided(False, f"speech heard alike on several channels ({evidence})")
    return decided(True, f"one speaker per channel ({evidence})")


def _seconds(values: tuple[float, ...]) -> str:
    return " / ".join(f"{v:.0f} s" for v in values)


def diarize_by_channel(
    scan: ChannelScan, labels: tuple[str, ...] | None = None, own: np.ndarray | None = None
) -> Diarization:
    """One speaker per channel: each channel's own speech is its speaker's turns.

    Where several channels speak at once, the exclusive turn stays with the one already speaking
    (the other is most often a backchannel, "yes", "mm"); when they start together, it goes to
    the one loudest relative to its own loud speech (channels are recorded at different levels).

    Args:
        scan: The recording's channel scan.
        labels: The speaker of each channel (participants' names); default ``SPEAKER_0k`` for channel k.
        own: Its :func:`own_speech`, if already computed.
    """
    own = own_speech(scan) if own is None else own
    labels = labels or tuple(f"SPEAKER_{c:02d}" for c in range(scan.channels))
    turns = [
        SpeakerTurn(start * FRAME_S, end * FRAME_S, labels[c])
        for c in range(scan.channels)
        for start, end in _runs(own[c])
    ]
    holder = _turn_holders(own, scan.levels - speech_level(scan.levels)[:, None])
    exclusive = [
        SpeakerTurn(start * FRAME_S, end * FRAME_S, labels[c])
        for c in range(scan.channels)
        for start, end in _runs(holder == c)
    ]
    return Diarization(
        turns=tuple(sorted(turns, key=lambda t: (t.start, t.end))),
        exclusive=tuple(sorted(exclusive, key=lambda t: (t.start, t.end))),
        duration=scan.duration,
        model=BY_CHANNEL_MODEL,
        channel_speakers=labels,
    )


def _turn_holders(own: np.ndarray, relative: np.ndarray) -> np.ndarray:
    """Per frame, the channel holding the exclusive turn, or -1 where nobody speaks."""
    holders = np.full(own.shape[1], -1, dtype=int)
    current = -1
    for frame in range(own.shape[1]):
        speaking = own[:, frame]
        if current < 0 or not speaking[current]:
            current = int(np.argmax(np.where(speaking, relative[:, frame], -np.inf))) if speaking.any() else -1
        holders[frame] = current
    return holders
