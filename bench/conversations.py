"""Recordings with speaker-attributed references for cpWER: the shared clips that have them, and
conversations assembled from single-speaker sentences of the shared clips.

Real: the pyannote telephone sample (timed STM, 2 speakers), Picovoice's 3-speaker clip (words by
speaker, no timings) and faster-whisper's stereo clip mixed to mono (one speaker per channel, talking
at once). Assembled: the sentences of ten English voices (and two French ones), each said once, put
one after another with the gaps and overlaps of real turn-taking (-0.5 s to +0.6 s), a speaker's
consecutive sentences forming one turn, and short "Hello?" interjections laid over another speaker's
sentence. cpWER needs no word timings, so each speaker's reference is the text of their pieces in order.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile as sf
from scipy.signal import resample_poly

SAMPLE_RATE = 16_000


@dataclass(frozen=True, slots=True)
class Case:
    name: str
    audio: Path
    references: dict[str, str]  # speaker -> their words in order
    text: str  # every word in spoken order (for plain WER)
    kind: str  # "real" or "assembled"


@dataclass(frozen=True, slots=True)
class Piece:
    speaker: str
    source: str  # relative to the evaluation folder
    start: float
    end: float
    text: str
    channel: int | None = None  # None: the mean of the channels


def _read(eval_dir: Path, piece: Piece) -> np.ndarray:
    samples, rate = sf.read(eval_dir / piece.source, dtype="float32", always_2d=True)
    mono = samples.mean(axis=1) if piece.channel is None else samples[:, piece.channel]
    if rate != SAMPLE_RATE:
        mono = resample_poly(mono, SAMPLE_RATE, rate).astype(np.float32)
    return mono[int(piece.start * SAMPLE_RATE) : int(piece.end * SAMPLE_RATE)]


def _librivox(eval_dir: Path) -> list[Piece]:
    pieces = []
    for line in (eval_dir / "librivox/transcription").read_text(encoding="utf-8").splitlines():
        text, _, name = line.removeprefix("<s> ").rpartition(" </s> (")
        pieces.append(Piece("reader", f"librivox/{name.rstrip(')')}.wav", 0.0, 60.0, text.capitalize() + "."))
    return pieces


def voices(eval_dir: Path) -> dict[str, list[Piece]]:
    """Speaker -> sentences spoken alone (the sample's pieces are those no other voice overlaps in its RTTM)."""
    sample, leopard = "pyannote_sample/sample.wav", "picovoice_leopard/diarization_test.wav"
    pieces = [
        Piece("diane", sample, 8.40, 9.83, "Oh, hello. I didn't know you were there."),
        Piece("diane", sample, 12.50, 14.25, "This is Diane in New Jersey."),
        Piece("sheila", sample, 21.90, 24.02, "Well, there isn't that much difference."),
        Piece("sheila", sample, 24.03, 27.35, "At least you know, they all call me a Yankee down here."),
        Piece("jfk", "faster_whisper/jfk.flac", 0.0, 11.0, (eval_dir / "faster_whisper/jfk.txt").read_text().strip()),
        Piece("quilter", "picovoice_leopard/test.wav", 0.0, 6.0, (eval_dir / "picovoice_leopard/test.txt").read_text()),
        Piece("left", "faster_whisper/stereo_diarization.wav", 0.2, 5.0,
              (eval_dir / "faster_whisper/stereo_diarization.left.txt").read_text().strip(), channel=0),
        Piece("right", "faster_whisper/stereo_diarization.wav", 0.2, 2.6,
              (eval_dir / "faster_whisper/stereo_diarization.right.txt").read_text().strip(), channel=1),
        *_librivox(eval_dir),
        # Picovoice's three voices, cut at the silences between them.
        Piece("begins", leopard, 1.0, 4.5, "And so it begins."),
        Piece("crocodile", leopard, 5.5, 12.0,
              "This is what a crocodile sounds like. It's like meditating in the water and it's like"),
        Piece("pilot", leopard, 12.3, 15.8, "Ladies and gentlemen, please fasten your seat belts."),
        Piece("pilot", leopard, 15.9, 19.8, "We are expecting some turbulence. Thank you."),
        Piece("fr_read", "ms_customspeech_fr/audio.wav", 0.0, 19.0,
              (eval_dir / "ms_customspeech_fr/trans.txt").read_text(encoding="utf-8-sig").split("\t", 1)[1].strip()),
        Piece("fr_cheetah", "picovoice_cheetah/test_fr.wav", 0.0, 5.1,
              (eval_dir / "picovoice_cheetah/test_fr.txt").read_text(encoding="utf-8").strip()),
    ]  # fmt: skip
    found: dict[str, list[Piece]] = {}
    for piece in pieces:
        found.setdefault(piece.speaker, []).append(piece)
    return found


def interjections() -> dict[str, Piece]:
    sample = "pyannote_sample/sample.wav"
    return {
        "diane": Piece("diane", sample, 6.62, 7.22, "Hello?"),
        "sheila": Piece("sheila", sample, 7.58, 8.22, "Hello?"),
    }


# Conversations: (name, speakers); each uses every sentence of its speakers once (a sentence said twice
# reads as a Whisper loop to the hallucination guards). French voices only talk to each other.
CONVERSATIONS = (
    ("conv_a", ("reader", "diane", "sheila")),
    ("conv_b", ("reader", "jfk", "quilter", "left", "right")),
    ("conv_c", ("diane", "sheila", "jfk", "quilter", "crocodile")),
    ("conv_d", ("reader", "crocodile", "pilot", "begins")),
    ("conv_e", ("sheila", "left", "right", "quilter", "pilot")),
    ("conv_f", ("diane", "jfk", "pilot", "reader")),
    ("conv_fr", ("fr_read", "fr_cheetah")),
)
GAPS = (-0.5, -0.25, 0.0, 0.15, 0.3, 0.6)


def _order(pieces: list[Piece], rng: np.random.Generator) -> list[Piece]:
    """Shuffled, then the next piece taken from another speaker whenever one is left."""
    left = [pieces[i] for i in rng.permutation(len(pieces))]
    ordered: list[Piece] = []
    while left:
        other = [p for p in left if not ordered or p.speaker != ordered[-1].speaker]
        ordered.append((other or left)[0])
        left.remove(ordered[-1])
    return ordered


def assemble(eval_dir: Path, speakers: tuple[str, ...], seed: int) -> tuple[np.ndarray, list[Piece]]:
    """Every sentence of `speakers` once, as turns: the audio and the pieces in order of their start."""
    rng = np.random.default_rng(seed)
    pool = voices(eval_dir)
    short = interjections()
    track = np.zeros(0, dtype=np.float32)
    placed: list[tuple[float, Piece]] = []
    cursor, previous = 0.5, None
    for piece in _order([p for s in speakers for p in pool[s]], rng):
        audio = _read(eval_dir, piece)
        # The same speaker again is a second sentence of one turn; a new one takes the turn with a gap or overlap.
        gap = 0.25 if piece.speaker == previous else float(rng.choice(GAPS))
        start = max(0.0, cursor + gap) if placed else cursor
        track = _mix(track, audio, start)
        placed.append((start, piece))
        others = [s for s in speakers if s != piece.speaker and s in short]
        if others and len(audio) > 2.5 * SAMPLE_RATE and rng.random() < 0.4:
            extra = short[str(rng.choice(others))]
            at = start + float(rng.uniform(0.3, 0.6)) * len(audio) / SAMPLE_RATE
            track = _mix(track, _read(eval_dir, extra), at)
            placed.append((at, extra))
        cursor, previous = start + len(audio) / SAMPLE_RATE, piece.speaker
    track = np.concatenate([track, np.zeros(SAMPLE_RATE // 2, dtype=np.float32)])
    return track, [p for _, p in sorted(placed, key=lambda x: x[0])]


def _mix(track: np.ndarray, audio: np.ndarray, start: float) -> np.ndarray:
    at = int(start * SAMPLE_RATE)
    if len(track) < at + len(audio):
        track = np.concatenate([track, np.zeros(at + len(audio) - len(track), dtype=np.float32)])
    track[at : at + len(audio)] += audio
    return track


def _by_speaker(pieces: list[Piece]) -> dict[str, str]:
    refs: dict[str, list[str]] = {}
    for piece in pieces:
        refs.setdefault(piece.speaker, []).append(piece.text)
    return {speaker: " ".join(texts) for speaker, texts in refs.items()}


def real_cases(eval_dir: Path) -> list[Case]:
    sample: dict[str, list[str]] = {}
    sample_text = []
    for line in (eval_dir / "pyannote_sample/sample.stm").read_text(encoding="utf-8").splitlines():
        fields = line.split(maxsplit=5)  # file channel speaker start end text
        if len(fields) == 6:
            sample.setdefault(fields[2], []).append(fields[5])
            sample_text.append(fields[5])
    leopard = {}
    for line in (eval_dir / "picovoice_leopard/diarization_test.txt").read_text(encoding="utf-8").splitlines():
        speaker, _, text = line.partition(":")
        if text.strip():
            leopard[speaker.strip()] = text.strip()
    stereo = eval_dir / "faster_whisper"
    sides = {side: (stereo / f"stereo_diarization.{side}.txt").read_text().strip() for side in ("left", "right")}
    return [
        Case("pyannote_sample", eval_dir / "pyannote_sample/sample.wav",
             {s: " ".join(t) for s, t in sample.items()}, " ".join(sample_text), "real"),
        Case("leopard_3spk", eval_dir / "picovoice_leopard/diarization_test.wav", leopard,
             " ".join(leopard.values()), "real"),
        # Both talk at once: the left speaker's long sentence first, then the right one's.
        Case("stereo_mix", stereo / "stereo_diarization.wav", sides, " ".join(sides.values()), "real"),
    ]  # fmt: skip


def assembled_cases(eval_dir: Path, cache_dir: Path) -> list[Case]:
    """The assembled conversations, two takes of each (another order, other gaps), written once as WAV
    (with their references as JSON) into `cache_dir`."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    cases = []
    for seed, ((name, speakers), take) in enumerate(itertools.product(CONVERSATIONS, (1, 2))):
        wav, ref = cache_dir / f"{name}{take}.wav", cache_dir / f"{name}{take}.json"
        if not (wav.exists() and ref.exists()):
            audio, pieces = assemble(eval_dir, speakers, seed)
            sf.write(wav, audio / max(1.0, float(np.abs(audio).max())), SAMPLE_RATE, subtype="PCM_16")
            text = " ".join(p.text for p in pieces)
            ref.write_text(json.dumps({"speakers": _by_speaker(pieces), "text": text}, indent=1), encoding="utf-8")
        data = json.loads(ref.read_text(encoding="utf-8"))
        cases.append(Case(wav.stem, wav, data["speakers"], data["text"], "assembled"))
    return cases
