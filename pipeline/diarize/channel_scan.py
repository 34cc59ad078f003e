"""What the channels of a recording hold, measured in one pass as the decode reads them (see
:class:`pipeline.diarize.by_channel.ChannelsWhileDecoding`): each channel's level frame by frame,
and how much of each channel leaks into each other one.

Leakage (bleed, cross-talk) is measured from the waveforms, not from levels: the transfer from
channel i to channel j is estimated from their cross-spectrum after aligning them at the delay
where they correlate best (GCC-PHAT). A second voice speaking at the same time on channel j is
independent of channel i and averages out of the cross-spectrum, so genuine overlapping speech is
never mistaken for leakage, while a copy of channel i (a mono recording saved as stereo) leaks at
0 dB. Only a bounded sample of the recording (at most :data:`RESERVOIR_S` seconds, spread over its
length) is kept for this; the levels cover every frame.
"""

from __future__ import annotations

import functools
import logging
import math
import os
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import scipy.fft

from pipeline.types import SAMPLE_RATE, ChannelScan

__all__ = ["ChannelAccumulator", "ChannelScan", "load_scan", "measure_leakage", "save_scan", "scan_channels"]

logger = logging.getLogger(__name__)

FRAME_S = 0.02
FRAME = int(FRAME_S * SAMPLE_RATE)
# Seconds of every channel kept to measure leakage: enough segments that independent speech
# averages out of the cross-spectrum (about -30 dB at 30 s), and little memory.
RESERVOIR_S = 30.0
# Longest delay of a leak looked for: a lavalier hears the other person after a few
# milliseconds, a telephone's acoustic echo comes back after tens to a couple of hundred.
MAX_LAG_S = 0.25
# A leak that seems to come slightly before its source is timing jitter, not the other direction.
_JITTER_S = 0.002
_BAND_HZ = (100.0, 4000.0)
_SILENT_DB = -120.0
_TINY = 1e-12


class ChannelAccumulator:
    """A scan built block by block as the recording is decoded: every frame's level, and 1 s of
    every `stride` seconds kept for leakage.

    Args:
        expected_s: The recording's duration if known, to spread the leakage sample over all of it.
        reservoir_s: Seconds kept to measure leakage.
        participants: The participant of each channel, for participants' tracks.
    """

    def __init__(
        self, expected_s: float | None = None, reservoir_s: float = RESERVOIR_S, participants: tuple[str, ...] = ()
    ) -> None:
        self.stride = max(1, math.ceil((expected_s or reservoir_s) / reservoir_s))
        self.most_kept = 2 * math.ceil(reservoir_s)
        self.participants = participants
        self.channels = 1
        self.pending: np.ndarray | None = None
        self.levels: list[np.ndarray] = []
        self.kept: list[tuple[int, np.ndarray]] = []  # (second, its samples)
        self.position = 0

    def add(self, block: np.ndarray) -> None:
        """Take one (samples, channels) float32 block; nothing of it is held once this returns."""
        self.channels = block.shape[1]
        self._keep(block)
        self.position += len(block)
        data = block if self.pending is None else np.concatenate([self.pending, block])
        usable = len(data) - len(data) % FRAME
        self.pending = np.array(data[usable:]) if usable < len(data) else None
        if usable:
            # One copy, channel by channel: reductions along contiguous frames are several times faster.
            frames = np.ascontiguousarray(data[:usable].T).reshape(self.channels, -1, FRAME)
            mean = frames.mean(axis=2)
            power = np.einsum("cfk,cfk->cf", frames, frames) / FRAME
            self.levels.append(np.maximum(power - mean * mean, 0.0).T)

    def _keep(self, block: np.ndarray) -> None:
        start, end = self.position, self.position + len(block)
        for second in range(start // SAMPLE_RATE, (end - 1) // SAMPLE_RATE + 1):
            if second % self.stride:
                continue
            lo, hi = max(start, second * SAMPLE_RATE), min(end, (second + 1) * SAMPLE_RATE)
            if hi > lo:
                self.kept.append((second, np.array(block[lo - start : hi - start], dtype=np.float32)))
        if len(self.kept) > self.most_kept:
            # Longer than announced (or of no announced length): keep every other kept second from
            # here on, so memory stays bounded whatever the length.
            self.stride *= 2
            self.kept = [(second, samples) for second, samples in self.kept if second % self.stride == 0]

    def result(self) -> ChannelScan:
        """The scan of everything added; a recording shorter than one frame gives zero frames."""
        channels = self.channels
        variance = np.concatenate(self.levels) if self.levels else np.zeros((0, channels), np.float32)
        levels = (10.0 * np.log10(variance.T.astype(np.float64) + _TINY)).astype(np.float32)
        kept = [samples for _, samples in self.kept]
        reservoir = np.concatenate(kept) if kept else np.zeros((0, channels), np.float32)
        leak, lags, corr, shared = measure_leakage(reservoir)
        duration = self.position / SAMPLE_RATE
        return ChannelScan(levels, leak, lags, corr, shared, duration, self.participants)


def scan_channels(
    blocks: Iterable[np.ndarray], expected_s: float | None = None, *, reservoir_s: float = RESERVOIR_S
) -> ChannelScan:
    """Scan a stream of (samples, channels) blocks at 16 kHz (see :class:`ChannelAccumulator`).

    Args:
        blocks: The recording's samples, every channel, in order.
        expected_s: Its duration if known, to spread the leakage sample over all of it.
        reservoir_s: Seconds kept to measure leakage.
    """
    acc = ChannelAccumulator(expected_s, reservoir_s)
    for block in blocks:
        acc.add(block)
    return acc.result()


_SCAN_FORMAT = 1


def save_scan(scan: ChannelScan, path: Path) -> None:
    """Write a scan beside the decoded audio it came with (atomically: a reader sees it whole or not at all)."""
    staging = path.with_name(f".{path.name}.{os.getpid()}.npz")
    try:
        np.savez(
            staging,
            format=np.array(_SCAN_FORMAT),
            levels=scan.levels,
            leak_db=scan.leak_db,
            lag_frames=scan.lag_frames,
            correlation=scan.correlation,
            shared=scan.shared,
            duration=np.array(scan.duration),
            participants=np.array(scan.participants, dtype=str),
        )
        os.replace(staging, path)
    finally:
        staging.unlink(missing_ok=True)


def load_scan(path: Path) -> ChannelScan | None:
    """A scan written by :func:`save_scan`; None when there is none, or of another format."""
    try:
        with np.load(path, allow_pickle=False) as data:
            if int(data["format"]) != _SCAN_FORMAT:
                return None
            return ChannelScan(
                levels=data["levels"],
                leak_db=data["leak_db"],
                lag_frames=data["lag_frames"],
                correlation=data["correlation"],
                shared=data["shared"],
                duration=float(data["duration"]),
                participants=tuple(str(name) for name in data["participants"]),
            )
    except FileNotFoundError:
        return None
    except (OSError, KeyError, ValueError) as e:  # a damaged or foreign file: read the channels again
        logger.warning("Ignoring the channel scan %s (%s)", path, e)
        return None


def measure_leakage(samples: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Leakage gain (dB), its delay (frames), zero-lag correlation and shared share of every pair of channels.

    The leak of channel i into channel j is measured where i is the louder of the two (each level
    taken relative to its channel's loud speech): there, j holds i's leak and rarely speech of
    its own. Elsewhere j's own voice leaks back into i, and a regression of j on i over all the
    recording would read that as a strong leak of i into j.

    Args:
        samples: (samples, channels) at 16 kHz.
    """
    channels = samples.shape[1]
    leak = np.full((channels, channels), _SILENT_DB)
    lags = np.zeros((channels, channels), dtype=int)
    corr = np.eye(channels)
    shared = np.eye(channels)
    if len(samples) < _LAG_WINDOW:
        return leak, lags, corr, shared
    x = samples.T.astype(np.float32)
    x -= x.mean(axis=1, keepdims=True)
    power = np.einsum("cn,cn->c", x, x, dtype=np.float64)
    wide = [_spectra(channel, _LAG_WINDOW) for channel in x]
    narrow = [_spectra(channel, _GAIN_WINDOW) for channel in x]
    for i in range(channels):
        for j in range(i + 1, channels):
            if power[i] <= _TINY or power[j] <= _TINY:
                continue
            corr[i, j] = corr[j, i] = float(np.dot(x[i], x[j]) / math.sqrt(power[i] * power[j]))
            shared[i, j] = shared[j, i] = _shared_share(narrow[i], narrow[j])
            for a, b in ((i, j), (j, i)):
                delay = _leak_delay(wide[a], wide[b])
                leak[a, b], lags[a, b] = _gain_db(x[a], x[b], delay), round(delay / FRAME)
    return leak, lags, corr, shared


_LAG_WINDOW = 2 ** math.ceil(math.log2(2 * MAX_LAG_S * SAMPLE_RATE))
_GAIN_WINDOW = 1024
# A window counts as the source's when its level, relative to the channel's loud speech, is at
# least this close to the target's (ties: copies, where every window is both channels').
_DOMINANT_DB = 0.0
_ACTIVE_DB = -35.0


def _spectra(x: np.ndarray, window: int) -> np.ndarray:
    """Hann-windowed spectra of half-overlapping windows: (windows, bins)."""
    hop = window // 2
    count = 1 + (len(x) - window) // hop
    frames = np.lib.stride_tricks.as_strided(x, (count, window), (x.strides[0] * hop, x.strides[0]))
    # float32 in, complex64 out: half numpy's double-precision work, far finer than the dB decided on.
    return scipy.fft.rfft(frames * _hann(window), axis=1)


@functools.lru_cache(maxsize=4)
def _hann(window: int) -> np.ndarray:
    return np.hanning(window).astype(np.float32)


def _source_windows(src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """Windows where `src` speaks and is at least as loud as `dst`, levels relative to each one's loud speech."""
    ls = 10.0 * np.log10((np.abs(src) ** 2).sum(axis=1) + _TINY)
    ld = 10.0 * np.log10((np.abs(dst) ** 2).sum(axis=1) + _TINY)
    ls, ld = ls - np.percentile(ls, 98), ld - np.percentile(ld, 98)
    return (ls > _ACTIVE_DB) & (ls - ld >= _DOMINANT_DB)


# Shared sound: windows whose waveforms correlate this well within a few milliseconds (room
# microphones a metre or two apart), at levels this close.
_SHARED_CORRELATION = 0.6
_SHARED_LAG_S = 0.005
_SHARED_LEVEL_DB = 6.0
_SHARED_LOUD_DB = -20.0


def _shared_share(xi: np.ndarray, xj: np.ndarray) -> float:
    """Share of the windows where i or j speaks that hold the same sound on both, at close levels."""
    band = _band(_GAIN_WINDOW)
    xi, xj = np.where(band, xi, 0.0), np.where(band, xj, 0.0)
    ei, ej = (np.abs(xi) ** 2).sum(axis=1), (np.abs(xj) ** 2).sum(axis=1)
    li, lj = 10.0 * np.log10(ei + _TINY), 10.0 * np.log10(ej + _TINY)
    li, lj = li - np.percentile(li, 98), lj - np.percentile(lj, 98)
    # Only clearly voiced windows count: where a voice fades, its leak elsewhere (which lags it)
    # can briefly match its level without being the same sound heard alike.
    speaking = np.maximum(li, lj) > _SHARED_LOUD_DB
    if not speaking.any():
        return 0.0
    cc = np.fft.irfft(np.conj(xi[speaking]) * xj[speaking], n=_GAIN_WINDOW, axis=1)
    reach = int(_SHARED_LAG_S * SAMPLE_RATE)
    near = np.concatenate([cc[:, : reach + 1], cc[:, -reach:]], axis=1)
    similarity = np.abs(near).max(axis=1) / np.sqrt(ei[speaking] * ej[speaking] + _TINY)
    # irfft of the summed cross-spectrum is the circular cross-correlation times the window length.
    similarity *= _GAIN_WINDOW / 2
    balanced = np.abs(li[speaking] - lj[speaking]) < _SHARED_LEVEL_DB
    return float(np.mean((similarity >= _SHARED_CORRELATION) & balanced))


def _band(window: int) -> np.ndarray:
    freqs = np.fft.rfftfreq(window, 1.0 / SAMPLE_RATE)
    return (freqs >= _BAND_HZ[0]) & (freqs <= _BAND_HZ[1])


def _leak_delay(xs: np.ndarray, xd: np.ndarray) -> int:
    """Delay (samples) at which channel d best follows channel s where s speaks (GCC-PHAT of their spectra)."""
    chosen = _source_windows(xs, xd)
    if not chosen.any():
        return 0
    cross = (np.conj(xs[chosen]) * xd[chosen]).sum(axis=0)
    weighted = np.where(_band(_LAG_WINDOW), cross / (np.abs(cross) + _TINY), 0.0)
    cc = np.fft.irfft(weighted, n=_LAG_WINDOW)  # cc[d]: dst follows src by d samples
    ahead = np.arange(-int(_JITTER_S * SAMPLE_RATE), int(MAX_LAG_S * SAMPLE_RATE) + 1)
    return int(ahead[np.argmax(cc[ahead])])


def _gain_db(src: np.ndarray, dst: np.ndarray, delay: int) -> float:
    """Power gain (dB) of the linear transfer from `src` into `dst`, which follows it by `delay` samples.

    The squared cross-spectrum is debiased by what independent signals give over as many windows.
    """
    if delay >= 0:
        s, d = src[: len(src) - delay], dst[delay:]
    else:
        s, d = src[-delay:], dst[: len(dst) + delay]
    if len(s) < _GAIN_WINDOW:
        return _SILENT_DB
    xs, xd = _spectra(s, _GAIN_WINDOW), _spectra(d, _GAIN_WINDOW)
    chosen = _source_windows(xs, xd)
    count = int(chosen.sum())
    if count < 2:
        return _SILENT_DB
    band = _band(_GAIN_WINDOW)
    xs, xd = xs[chosen][:, band], xd[chosen][:, band]
    pss = (np.abs(xs) ** 2).mean(axis=0)
    pdd = (np.abs(xd) ** 2).mean(axis=0)
    psd = (np.conj(xs) * xd).mean(axis=0)
    explained = np.maximum(np.abs(psd) ** 2 - pss * pdd / count, 0.0) / (pss + _TINY)
    total = float(pss.sum())
    if total <= _TINY or float(explained.sum()) <= _TINY * total:
        return _SILENT_DB
    return max(_SILENT_DB, 10.0 * math.log10(float(explained.sum()) / total))
