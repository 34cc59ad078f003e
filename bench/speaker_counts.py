"""Speaker counts (issue 16): today's clustering vs the counting rules, side by side, and their sweeps.

Recordings: the shared clips (speaker counts from their RTTMs or known), single-speaker clips, the
conversations of bench/conversations.py (2-5 voices, two takes each) plus a 6-voice one, and longer
recordings: one conversation's voices over ~10 min, and optionally the 60-minute assembled meeting
(bench/benchlib.py, DER over the clips with an RTTM). The models run once per recording; their output
(segmentation, pieces, CAM++ embeddings) is cached under bench/results/speaker_counts/, and every
variant only re-runs the clustering on it, so a sweep costs seconds.

    .venv/bin/python bench/speaker_counts.py [--long 10 60] [--sweep] [--sweep-pruning]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

os.environ["PYANNOTE_METRICS_ENABLED"] = "0"
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import numpy as np
import soundfile as sf
from pyannote.core import Annotation, Segment, SlidingWindow, SlidingWindowFeature, Timeline
from pyannote.metrics.diarization import DiarizationErrorRate

from pipeline.config import DiarizeSettings
from pipeline.diarize import PyannoteDiarizer, read_rttm
from pipeline.diarize.counting import CountFloor, local_speaker_floor
from pipeline.diarize.offline import LocalEvidence

CACHE = ROOT / "bench" / "results" / "speaker_counts"
EVAL = ROOT.parent / "shared" / "eval"
FRAME_STEP = 10.0 / 589  # segmentation-3.0: 589 frames per 10 s chunk
AMI_DEV = ("ami_debug/debug.development.rttm", "ami_debug/debug.development.uem")
AMI_TRN = ("ami_debug/debug.train.rttm", "ami_debug/debug.train.uem")


@dataclass(frozen=True, slots=True)
class Recording:
    name: str
    kind: str  # "shared", "one voice", "assembled", "long"
    samples: Any  # callable -> np.ndarray, so that cached recordings are never decoded
    true: int
    reference: tuple[Annotation, Timeline | None] | None = None
    group: str | None = None  # pooled DER group


def _read(path: Path) -> np.ndarray:
    samples, rate = sf.read(path, dtype="float32", always_2d=True)
    if rate != 16_000:
        from scipy.signal import resample_poly

        return resample_poly(samples.mean(axis=1), 16_000, rate).astype(np.float32)
    return np.ascontiguousarray(samples.mean(axis=1))


def _rttm_reference(uri: str, rttm: str, uem: str | None) -> tuple[Annotation, Timeline | None]:
    annotation = Annotation(uri=uri)
    for i, t in enumerate(read_rttm((EVAL / rttm).read_text())[uri]):
        annotation[Segment(t.start, t.end), i] = t.speaker
    mask = None
    if uem:
        rows = [line.split() for line in (EVAL / uem).read_text().splitlines()]
        mask = Timeline([Segment(float(r[2]), float(r[3])) for r in rows if r and r[0] == uri], uri=uri)
    return annotation, mask


ENGLISH = ("diane", "sheila", "jfk", "quilter", "left", "right", "reader", "begins", "crocodile", "pilot")


def excerpt(n: int, seed: int, far: bool) -> np.ndarray:
    """~20-35 s of `n` voices taking short turns (2.5-5 s), optionally far-field: reverberant and noisy."""
    from conversations import GAPS, _read, voices

    rng = np.random.default_rng(seed)
    pool = voices(EVAL)
    chosen = [str(v) for v in rng.choice(ENGLISH, size=n, replace=False)]
    track = np.zeros(8_000, dtype=np.float32)
    for _ in range(max(2, 6 // n + 1)):
        for voice in chosen:
            piece = _read(EVAL, pool[voice][int(rng.integers(len(pool[voice])))])
            length = min(len(piece), int(rng.uniform(2.5, 5.0) * 16_000))
            offset = int(rng.integers(0, len(piece) - length + 1))
            piece = piece[offset : offset + length] / (np.abs(piece).max() + 1e-6) * 0.5
            at = max(0, len(track) + int(float(rng.choice(GAPS)) * 16_000))
            out = np.zeros(max(len(track), at + len(piece)), dtype=np.float32)
            out[: len(track)] = track
            out[at : at + len(piece)] += piece
            track = out
    if far:
        t = np.arange(int(0.4 * 16_000)) / 16_000
        ir = rng.standard_normal(len(t)) * np.exp(-t * 6.9 / 0.5)  # RT60 0.5 s
        ir[0] = 1.0
        track = np.convolve(track, ir / np.linalg.norm(ir))[: len(track)].astype(np.float32)
        noise = rng.standard_normal(len(track)).astype(np.float32)
        track = track + noise * np.sqrt(np.mean(track**2) / 10.0)  # 10 dB SNR
    return track


def recordings(long_minutes: list[float]) -> list[Recording]:
    from conversations import assemble, assembled_cases

    out = [Recording("sample", "shared", lambda: _read(EVAL / "pyannote_sample/sample.wav"), 2,
                     _rttm_reference("sample", "pyannote_sample/sample.rttm", None), "sample")]  # fmt: skip
    for uri, (rttm, uem), group in (("dev00", AMI_DEV, "ami_dev"), ("dev01", AMI_DEV, "ami_dev"),
                                    ("trn01", AMI_TRN, "ami_trn"), ("trn02", AMI_TRN, "ami_trn"),
                                    ("trn03", AMI_TRN, "ami_trn")):  # fmt: skip
        ref = _rttm_reference(uri, rttm, uem)
        out.append(Recording(uri, "shared", lambda u=uri: _read(EVAL / f"ami_debug/{u}.wav"),
                             len(ref[0].labels()), ref, group))  # fmt: skip
    out.append(Recording("picovoice_3", "shared", lambda: _read(EVAL / "picovoice_leopard/diarization_test.wav"), 3))
    for name, rel in (("jfk", "faster_whisper/jfk.flac"), ("ms_fr", "ms_customspeech_fr/audio.wav"),
                      ("cheetah_fr", "picovoice_cheetah/test_fr.wav")):  # fmt: skip
        out.append(Recording(name, "one voice", lambda r=rel: _read(EVAL / r), 1))
    librivox = sorted((EVAL / "librivox").glob("*.wav"))
    out.append(Recording("librivox", "one voice", lambda: np.concatenate([_read(p) for p in librivox]), 1))
    for case in assembled_cases(EVAL, CACHE / "conversations"):
        out.append(Recording(case.name, "assembled", lambda p=case.audio: _read(p), len(case.references)))
    for n in (2, 3, 4):
        for seed in range(3):
            for far in (False, True):
                out.append(Recording(f"short{n}_{seed}{'_far' if far else ''}", "short",
                                     lambda n=n, seed=seed, far=far: excerpt(n, 10 * n + seed, far), n))  # fmt: skip
    six = ("reader", "diane", "sheila", "jfk", "quilter", "pilot")
    out.append(Recording("conv_six", "assembled", lambda: assemble(EVAL, six, 99)[0], 6))
    voices_b = ("reader", "jfk", "quilter", "left", "right")
    # ~10 minutes of five voices: the same conversation's sentences in 12 different orders.
    ten = lambda: np.concatenate([assemble(EVAL, voices_b, 100 + s)[0] for s in range(12)])  # noqa: E731
    out.append(Recording("long_5spk_10min", "long", ten, 5))
    from benchlib import DEFAULT_CACHE_DIR, build_recording
    from diarization_steps import long_reference

    for minutes in long_minutes:
        path = build_recording(EVAL, minutes, DEFAULT_CACHE_DIR)
        name = f"meeting_{minutes:g}min"
        out.append(Recording(name, "long", lambda p=path: _read(p), 0, long_reference(path, EVAL), name))
    return out


def _save(path: Path, ev: LocalEvidence) -> None:
    def win(f: SlidingWindowFeature) -> np.ndarray:
        w = f.sliding_window
        return np.array([w.start, w.duration, w.step])

    features = {"seg": ev.segmentations, "win": ev.windows, "count": ev.count}
    arrays = {k: f.data for k, f in features.items()} | {f"{k}_w": win(f) for k, f in features.items()}
    np.savez_compressed(path, emb=ev.embeddings, **arrays)


def _load(path: Path) -> LocalEvidence:
    z = np.load(path)

    def feature(key: str) -> SlidingWindowFeature:
        start, duration, step = z[f"{key}_w"]
        return SlidingWindowFeature(z[key], SlidingWindow(start=start, duration=duration, step=step))

    return LocalEvidence(feature("seg"), feature("win"), feature("count"), z["emb"])


def evidence(pipeline: Any, rec: Recording) -> LocalEvidence | None:
    import torch

    path = CACHE / f"{rec.name}.npz"
    if not path.exists():
        samples = rec.samples()
        t0 = time.process_time()
        ev = pipeline.local_evidence({"waveform": torch.from_numpy(samples)[None], "sample_rate": 16_000, "uri": "x"})
        print(f"  models on {rec.name}: {len(samples) / 16_000:.0f} s of audio, {time.process_time() - t0:.0f} CPU s")
        if ev is None:
            return None
        _save(path, ev)
    return _load(path)


@dataclass(frozen=True, slots=True)
class Variant:
    name: str
    floor: CountFloor | None = None
    base: float = 0.62
    relax: float = 0.0
    settled: float = 30.0
    share: float = 0.0
    pruning: float = 0.05


def run_variant(pipeline: Any, variant: Variant, cached: dict[str, LocalEvidence | None], recs: list[Recording],
                extra: dict[str, float] | None = None):  # fmt: skip
    params = pipeline.default_parameters()
    params["clustering"].update(merge_threshold=variant.base, merge_relax=variant.relax,
                                settled_speech=variant.settled, min_speech_share=variant.share,
                                pruning=variant.pruning, **(extra or {}))  # fmt: skip
    pipeline.instantiate(params)
    pipeline.count_floor = variant.floor
    found, pooled, der = {}, {}, {}
    for rec in recs:
        ev = cached[rec.name]
        if ev is None:
            found[rec.name] = 0
            continue
        out = pipeline.cluster_evidence(rec.name, ev, None, 1, np.inf)
        found[rec.name] = len(out.speaker_diarization.labels())
        if rec.reference is not None:
            reference, uem = rec.reference
            metric = pooled.setdefault(rec.group, DiarizationErrorRate(collar=0.5, skip_overlap=False))
            hyp = out.speaker_diarization
            hyp.uri = reference.uri
            der[rec.name] = DiarizationErrorRate(collar=0.5, skip_overlap=False)(reference, hyp, uem=uem)
            metric(reference, hyp, uem=uem)
    return found, {g: abs(m) for g, m in pooled.items()}, der


def summary(variant: Variant, found: dict, pooled: dict, recs: list[Recording]) -> str:
    scored = [r for r in recs if r.true > 0 and r.name != "trn01"]  # trn01: 3 s of backchannels, never detected
    right = {
        kind: sum(found[r.name] == r.true for r in scored if r.kind == kind)
        for kind in dict.fromkeys(r.kind for r in scored)
    }
    total = {kind: sum(1 for r in scored if r.kind == kind) for kind in right}
    counts = "  ".join(f"{k} {right[k]}/{total[k]}" for k in right)
    off = sum(abs(found[r.name] - r.true) for r in scored)
    ders = "  ".join(f"{g} {d:.3f}" for g, d in pooled.items())
    return f"{variant.name:<34} {counts}  |off| {off:<3} DER {ders}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--long", type=float, nargs="*", default=[], help="also assembled recordings of these minutes")
    parser.add_argument("--sweep", action="store_true", help="sweep each rule's parameters")
    parser.add_argument("--sweep-pruning", action="store_true", help="sweep the affinity pruning at the new defaults")
    args = parser.parse_args()
    CACHE.mkdir(parents=True, exist_ok=True)
    diarizer = PyannoteDiarizer(DiarizeSettings())
    diarizer.load()
    pipeline = diarizer._pipeline
    recs = recordings(args.long)
    cached = {rec.name: evidence(pipeline, rec) for rec in recs}
    print(f"load average {os.getloadavg()[0]:.1f}")
    today = Variant("today (no floor, fixed 0.62)")
    d = pipeline.clustering.default_parameters()
    new = Variant("new (defaults)", pipeline.count_floor, d["merge_threshold"], d["merge_relax"],
                  d["settled_speech"], d["min_speech_share"])  # fmt: skip
    variants = [today, new]
    if args.sweep:
        for speech in (1.0, 2.0, 3.0):
            for chunks in (1, 2, 3, 5):
                variants.append(Variant(f"floor {speech:g} s x {chunks} chunks", CountFloor(speech, chunks)))
        for base in (0.62, 0.66, 0.70, 0.75):
            for relax, settled in ((0.0, 30.0), (0.05, 30.0), (0.1, 10.0), (0.1, 30.0), (0.1, 60.0), (0.15, 30.0)):
                variants.append(Variant(f"merge {base:g}, -{relax:g} below {settled:g} s", None, base, relax, settled))
        for share in (0.01, 0.02, 0.03, 0.05):
            variants.append(Variant(f"clusters under {share:g} of speech absorbed", None, share=share))
        variants.append(Variant("floor 2x2 + merge 0.7, -0.1 below 30 s", CountFloor(), 0.7, 0.1, 30.0))
        variants.append(Variant("floor 2x2 + under 0.02 absorbed", CountFloor(), share=0.02))
    if args.sweep_pruning:
        for pruning in (0.02, 0.03, 0.08, 0.12):
            variants.append(Variant(f"now, pruning {pruning:g}", new.floor, new.base, new.relax, new.settled,
                                    new.share, pruning))  # fmt: skip
    results = {}
    for v in variants:
        results[v.name] = found, pooled, der = run_variant(pipeline, v, cached, recs)
        line = summary(v, found, pooled, recs)
        if v.floor is not None:  # is the bound ever above the truth? (then it would force a wrong count)
            above = [r.name for r in recs if r.true and (e := cached[r.name]) is not None
                     and local_speaker_floor(e.segmentations.data, FRAME_STEP, v.floor) > r.true]  # fmt: skip
            line += f"  floor > true: {len(above)} {','.join(above)}"
        print(line, flush=True)
        if v.share == 0.03 or v.name.startswith("floor 2x2 +"):
            print("   changed:", {r.name: (results[today.name][0][r.name], found[r.name]) for r in recs
                                  if found[r.name] != results[today.name][0][r.name]})  # fmt: skip
    floors = {r.name: local_speaker_floor(ev.segmentations.data, FRAME_STEP, new.floor or CountFloor())
              for r in recs if (ev := cached[r.name]) is not None}  # fmt: skip
    print(f"\n{'recording':<18}{'kind':<11}{'true':>5}{'floor':>6}{'today':>7}{'new':>5}  DER today / new")
    for rec in recs:
        a, b = results[today.name], results[new.name]
        der = f"{a[2][rec.name]:.3f} / {b[2][rec.name]:.3f}" if rec.name in a[2] else ""
        floor = floors.get(rec.name, 0)
        print(f"{rec.name:<18}{rec.kind:<11}{rec.true:>5}{floor:>6}{a[0][rec.name]:>7}{b[0][rec.name]:>5}  {der}")


if __name__ == "__main__":
    main()
