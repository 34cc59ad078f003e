"""Two-channel recordings built from the shared mono clips, with references known by construction.

A *call* places the clips of speaker A on the left channel and those of speaker B on the right,
alternately, with pauses and some overlapping starts; each side can leak into the other (a
delayed, band-limited, reverberant copy at a given amplitude ratio, as an acoustic echo or a
neighbouring lavalier gives), and the whole can be made telephone-like (300-3400 Hz through
8 kHz, line noise). A *mix* puts the same signal, or the same voices panned, on both channels.

The reference of a call is each placed clip's own speech regions, found by Silero VAD (shipped
with faster-whisper, a model independent of the energy-based channel analysis being measured)
on the clean clip, then offset by where the clip was placed.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.signal import butter, lfilter, resample_poly

SAMPLE_RATE = 16_000
EVAL_DIR = Path(__file__).resolve().parents[2] / "shared" / "eval"
# One person each (AMI, the pyannote sample and Picovoice's diarization clip hold several).
_LIBRIVOX = "librivox/sense_and_sensibility_01_austen_64kb-{}.wav"
SPEAKER_A = tuple(_LIBRIVOX.format(n) for n in ("0870", "0880", "0890", "0920", "0930"))
SPEAKER_B = ("faster_whisper/jfk.flac", "picovoice_leopard/test.wav")
SPEAKER_C = ("ms_customspeech_fr/audio.wav", "picovoice_cheetah/test_fr.wav")
SINGLE_SPEAKER_CLIPS = SPEAKER_A + SPEAKER_B + SPEAKER_C


@dataclass(frozen=True, slots=True)
class Synthetic:
    name: str
    samples: np.ndarray  # (samples, channels) float32
    reference: tuple[tuple[float, float, str], ...]  # (start, end, speaker)
    separated: bool  # what detection should say: True for one speaker per channel
    placed: tuple[tuple[float, str, str], ...] = ()  # (start, clip, speaker) of each clip placed whole


@functools.lru_cache(maxsize=32)
def clip(rel: str, eval_dir: Path = EVAL_DIR) -> np.ndarray:
    """A shared clip at 16 kHz mono, peak-normalised to 0.5 (speakers at comparable levels)."""
    from pipeline.audio import load_audio

    samples = np.array(load_audio(eval_dir / rel).samples, dtype=np.float32)
    return samples * (0.5 / max(float(np.abs(samples).max()), 1e-6))


@functools.lru_cache(maxsize=32)
def speech_regions(rel: str, eval_dir: Path = EVAL_DIR) -> tuple[tuple[float, float], ...]:
    """Where the clip holds speech, by Silero VAD (pauses under 250 ms bridged, 30 ms padding)."""
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    options = VadOptions(min_silence_duration_ms=250, speech_pad_ms=30, min_speech_duration_ms=100)
    found = get_speech_timestamps(clip(rel, eval_dir), options)
    return tuple((s["start"] / SAMPLE_RATE, s["end"] / SAMPLE_RATE) for s in found)


def _leak(signal: np.ndarray, ratio: float, delay_s: float, rng: np.random.Generator) -> np.ndarray:
    """`signal` as another channel hears it: delayed, band-limited, reverberant, at `ratio` of its RMS."""
    if ratio <= 0:
        return np.zeros_like(signal)
    tail = np.exp(-np.arange(int(0.05 * SAMPLE_RATE)) / (0.012 * SAMPLE_RATE)) * rng.standard_normal(800)
    tail[0] = 3.0
    b, a = butter(2, [200 / 8000, 3800 / 8000], btype="band")
    wet = lfilter(b, a, np.convolve(signal, tail)[: len(signal)])
    wet *= float(np.sqrt((signal**2).mean() / max((wet**2).mean(), 1e-12)))
    shift = int(delay_s * SAMPLE_RATE)
    return (ratio * np.concatenate([np.zeros(shift), wet[: len(wet) - shift]])).astype(np.float32)


def _telephone(x: np.ndarray, rng: np.random.Generator, noise_db: float) -> np.ndarray:
    b, a = butter(4, [300 / 4000, 3400 / 4000], btype="band")
    narrow = lfilter(b, a, resample_poly(x, 1, 2))
    back = resample_poly(narrow, 2, 1)[: len(x)]
    return (back + 10 ** (noise_db / 20) * rng.standard_normal(len(back))).astype(np.float32)


def make_call(
    seed: int,
    *,
    bleed: float = 0.0,
    overlap: float = 0.3,
    telephone: bool = True,
    turns: int = 8,
    speakers: tuple[tuple[str, ...], tuple[str, ...]] = (SPEAKER_A, SPEAKER_B + SPEAKER_C),
    eval_dir: Path = EVAL_DIR,
    max_clip_s: float = 8.0,
    distinct: bool = False,
) -> Synthetic:
    """A two-channel call: `turns` clips alternating between the two sides.

    Args:
        seed: Chooses the clips, pauses, overlaps, leak delays and levels.
        bleed: Amplitude ratio of each side leaking into the other (0.1 = 10 %, -20 dB).
        overlap: Probability that a turn starts 0.3-1.0 s before the previous one ends.
        telephone: Band-limit both sides to 300-3400 Hz through 8 kHz and add line noise.
        turns: How many clips are placed.
        speakers: The clips of the left and of the right speaker.
        max_clip_s: Clips are cut to this length (those shorter are placed whole, in `placed`).
        distinct: No clip is placed twice while its side's pool has others left (one sentence
            said three times reads as a repetition loop to the hallucination guards).
    """
    rng = np.random.default_rng(seed)
    sides: list[list[tuple[int, np.ndarray]]] = [[], []]
    reference: list[tuple[float, float, str]] = []
    whole: list[tuple[float, str, str]] = []
    left: list[list[str]] = [list(speakers[0]), list(speakers[1])]
    cursor = 0
    for turn in range(turns):
        side = turn % 2
        pool = speakers[side]
        rel = pool[int(rng.integers(len(pool)))]
        if distinct:
            left[side] = left[side] or list(pool)
            rel = left[side].pop(int(rng.integers(len(left[side]))))
        samples = clip(rel, eval_dir)[: int(max_clip_s * SAMPLE_RATE)]
        if turn and rng.random() < overlap:
            start = max(0, cursor - int(rng.uniform(0.3, 1.0) * SAMPLE_RATE))
        else:
            start = cursor + int(rng.uniform(0.2, 1.2) * SAMPLE_RATE)
        sides[side].append((start, samples))
        offset, kept = start / SAMPLE_RATE, len(samples) / SAMPLE_RATE
        if len(samples) == len(clip(rel, eval_dir)):
            whole.append((offset, rel, "AB"[side]))
        for s, e in speech_regions(rel, eval_dir):
            if s < kept:
                reference.append((offset + s, offset + min(e, kept), "AB"[side]))
        cursor = max(cursor, start + len(samples))
    length = cursor + SAMPLE_RATE // 2
    clean = np.zeros((2, length), dtype=np.float32)
    for side, placed in enumerate(sides):
        for start, samples in placed:
            clean[side, start : start + len(samples)] += samples
    channels = [clean[0] + _leak(clean[1], bleed, rng.uniform(0.01, 0.08), rng),
                clean[1] + _leak(clean[0], bleed, rng.uniform(0.01, 0.08), rng)]  # fmt: skip
    gains = (1.0, float(rng.uniform(0.3, 1.0)))  # the two sides are rarely recorded at one level
    out = np.stack([g * c for g, c in zip(gains, channels, strict=True)])
    if telephone:
        out = np.stack([_telephone(c, rng, -55.0) for c in out])
    name = f"call{seed}-bleed{round(bleed * 100)}{'-tel' if telephone else ''}"
    return Synthetic(name, np.ascontiguousarray(out.T), tuple(sorted(reference)), True, tuple(whole))


def make_copy(rel: str, *, pan: float | None = None, eval_dir: Path = EVAL_DIR) -> Synthetic:
    """A mono clip on both channels: the same signal (`pan` None), or at levels `pan` and 1 - `pan`."""
    mono = clip(rel, eval_dir)
    left, right = (mono, mono) if pan is None else (pan * mono, (1 - pan) * mono)
    name = f"copy:{Path(rel).stem}" + ("" if pan is None else f"-pan{pan:g}")
    return Synthetic(name, np.ascontiguousarray(np.stack([left, right], axis=1)), (), False)


def make_panned_meeting(seed: int, pans: tuple[float, ...] = (0.8, 0.5, 0.25), eval_dir: Path = EVAL_DIR) -> Synthetic:
    """A stereo mixdown of three speakers panned across the field: every voice is on both channels."""
    rng = np.random.default_rng(seed)
    pools = (SPEAKER_A, SPEAKER_B, SPEAKER_C)
    placed: list[tuple[int, np.ndarray, float]] = []
    cursor = 0
    for turn in range(6):
        pool = pools[turn % 3]
        samples = clip(pool[int(rng.integers(len(pool)))], eval_dir)[: int(6 * SAMPLE_RATE)]
        start = cursor + int(rng.uniform(0.2, 1.0) * SAMPLE_RATE)
        placed.append((start, samples, pans[turn % 3]))
        cursor = start + len(samples)
    out = np.zeros((cursor, 2), dtype=np.float32)
    for start, samples, pan in placed:
        out[start : start + len(samples), 0] += pan * samples
        out[start : start + len(samples), 1] += (1 - pan) * samples
    return Synthetic(f"panned-meeting{seed}", out, (), False)


def make_room(seed: int, eval_dir: Path = EVAL_DIR) -> Synthetic:
    """Two microphones a metre or two apart in one room, three speakers: each voice reaches both,
    at gains and delays (0-4 ms) that depend on where its speaker sits, with some reverberation."""
    rng = np.random.default_rng(seed)
    pools = (SPEAKER_A, SPEAKER_B, SPEAKER_C)
    placed: list[tuple[int, np.ndarray, tuple[float, float], tuple[int, int]]] = []
    cursor = 0
    for turn in range(6):
        pool = pools[turn % 3]
        samples = clip(pool[int(rng.integers(len(pool)))], eval_dir)[: int(6 * SAMPLE_RATE)]
        start = cursor + int(rng.uniform(0.2, 1.0) * SAMPLE_RATE)
        near = float(rng.uniform(0.4, 1.0))
        gains = (1.0, near) if turn % 2 else (near, 1.0)
        delays = (
            (0, int(rng.uniform(0, 0.004) * SAMPLE_RATE)) if turn % 2 else (int(rng.uniform(0, 0.004) * SAMPLE_RATE), 0)
        )
        placed.append((start, samples, gains, delays))
        cursor = start + len(samples)
    out = np.zeros((cursor + 200, 2), dtype=np.float32)
    for start, samples, gains, delays in placed:
        for ch in range(2):
            wet = _leak(samples, gains[ch], 0.0, rng) + 0.0
            begin = start + delays[ch]
            out[begin : begin + len(wet), ch] += wet[: len(out) - begin]
    return Synthetic(f"room{seed}", out, (), False)
