"""Clustering pieces: how long each piece of a segmentation chunk is, and how far apart they start.

The bundled diarization clusters short pieces of every 10 s segmentation chunk (3 s every 1 s by
default: pipeline.diarize.offline.OfflineSpeakerDiarization.local_windows). A speaker change can
only be placed as finely as the pieces' step. This sweeps (piece length, step) on the recordings of
bench/speaker_counts.py (shared clips, one-voice clips, assembled conversations of 2-6 voices, short
far-field excerpts, long recordings): speaker counts per kind and pooled DER (+-0.25 s collar) where
a timed reference exists. The segmentation comes from speaker_counts' cache (run it first); the
CAM++ embeddings are recomputed for every variant.

    .venv/bin/python bench/speaker_counts.py --long 60   # fills the cache
    .venv/bin/python bench/window_sweep.py [--long 60] [--variants 3:1 3:0.5 2:0.5]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import torch
from speaker_counts import CACHE, Variant, _load, _save, evidence, recordings, run_variant, summary

from pipeline.config import DiarizeSettings
from pipeline.diarize import PyannoteDiarizer
from pipeline.diarize.offline import LocalEvidence


def evidence_with_windows(pipeline, rec, seg_cache: LocalEvidence | None) -> LocalEvidence | None:
    """The cached segmentation and count, cut into the pipeline's current pieces and embedded again
    (cached too, under CACHE/pieces_<length>_<step>/)."""
    if seg_cache is None:
        return None
    path = CACHE / f"pieces_{pipeline.window_duration:g}_{pipeline.window_step:g}" / f"{rec.name}.npz"
    if path.exists():
        return _load(path)
    samples = rec.samples()
    file = {"waveform": torch.from_numpy(samples)[None], "sample_rate": 16_000, "uri": rec.name}
    windows = pipeline.local_windows(seg_cache.segmentations)
    embeddings = pipeline.get_embeddings(file, windows, exclude_overlap=pipeline.embedding_exclude_overlap)
    ev = LocalEvidence(seg_cache.segmentations, windows, seg_cache.count, embeddings)
    path.parent.mkdir(parents=True, exist_ok=True)
    _save(path, ev)
    return ev


def cluster_variants(now: Variant) -> list[Variant]:
    """The clustering rules varied one at a time around the defaults, then a few pairs."""
    out = []
    for base in (0.66, 0.68, 0.72, 0.74):
        out.append(Variant(f"merge {base:g}", now.floor, base, now.relax, now.settled, now.share))
    for relax in (0.05, 0.15):
        out.append(Variant(f"relax {relax:g}", now.floor, now.base, relax, now.settled, now.share))
    for settled in (15.0, 60.0):
        out.append(Variant(f"settled {settled:g} s", now.floor, now.base, now.relax, settled, now.share))
    for share in (0.01, 0.02, 0.03):
        out.append(Variant(f"under {share:g} absorbed", now.floor, now.base, now.relax, now.settled, share))
    for pruning in (0.03, 0.08):
        out.append(Variant(f"pruning {pruning:g}", now.floor, now.base, now.relax, now.settled, now.share, pruning))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--long", type=float, nargs="*", default=[])
    parser.add_argument("--variants", nargs="*", default=["3:1", "3:0.5", "2:0.5", "2:1"])
    parser.add_argument("--min-speech", type=float, nargs="*", default=[], help="clusters under these seconds absorbed")
    parser.add_argument("--cluster", action="store_true", help="also sweep the clustering rules on each variant")
    args = parser.parse_args()
    diarizer = PyannoteDiarizer(DiarizeSettings())
    diarizer.load()
    pipeline = diarizer._pipeline
    recs = recordings(args.long)
    segs = {rec.name: evidence(pipeline, rec) for rec in recs}
    d = pipeline.clustering.default_parameters()
    now = Variant("defaults", pipeline.count_floor, d["merge_threshold"], d["merge_relax"], d["settled_speech"],
                  d["min_speech_share"])  # fmt: skip
    print(f"load average {os.getloadavg()[0]:.1f}; cache {CACHE}")
    rows = {}
    for spec in args.variants:
        duration, step = (float(x) for x in spec.split(":"))
        pipeline.window_duration, pipeline.window_step = duration, step
        t0 = time.process_time()
        cached = {rec.name: evidence_with_windows(pipeline, rec, segs[rec.name]) for rec in recs}
        cpu = time.process_time() - t0
        found, pooled, der = run_variant(pipeline, now, cached, recs)
        rows[spec] = der
        name = f"pieces {duration:g} s every {step:g} s"
        print(f"{summary(Variant(name), found, pooled, recs)}  CPU {cpu:.0f} s", flush=True)
        print("   DER per file:", {k: round(float(v), 3) for k, v in der.items()}, flush=True)
        wrong = {r.name: (found[r.name], r.true) for r in recs if r.true and found[r.name] != r.true}
        print("   counts wrong (found, true):", wrong, flush=True)
        for seconds in args.min_speech:
            found, pooled, der = run_variant(pipeline, now, cached, recs, {"min_cluster_speech": seconds})
            wrong = {r.name: (found[r.name], r.true) for r in recs if r.true and found[r.name] != r.true}
            print(f"   {summary(Variant(f'clusters under {seconds:g} s absorbed'), found, pooled, recs)}", flush=True)
            ders = {k: round(float(v), 3) for k, v in der.items()}
            print(f"      DER per file: {ders}  wrong: {wrong}", flush=True)
        if args.cluster:
            for v in cluster_variants(now):
                found, pooled, der = run_variant(pipeline, v, cached, recs)
                shared = {r.name: found[r.name] for r in recs if r.kind == "shared" and found[r.name] != r.true}
                print(f"   {summary(v, found, pooled, recs)}  shared wrong {shared}", flush=True)


if __name__ == "__main__":
    main()
