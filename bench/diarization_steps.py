"""Diarization quality against CPU cost for several segmentation steps, each in its own process.

For each step: DER on the evaluation clips (as bench/diarization_eval.py: AMI dev pooled, the
pyannote sample, speakers found on each clip), then a long recording assembled from the clips
(bench/benchlib.py, 10 minutes by default) diarized and scored where the clips have a reference
(their speakers recur along the recording, so this checks that clustering keeps them apart and
together over minutes), with the CPU seconds it took (user + system, all threads: on a shared
machine they move far less than wall time) and the peak memory of the process.

    .venv/bin/python bench/diarization_steps.py [--steps 0.1 0.2 0.25 0.3] [--minutes 10] [--threads 1]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

os.environ["PYANNOTE_METRICS_ENABLED"] = "0"
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchlib import DEFAULT_CACHE_DIR, DEFAULT_EVAL_DIR, build_recording, machine, run_child
from diarization_eval import CASES, cpu_seconds, peak_rss_mb, read_audio, read_uem, score_cases, to_annotation
from pyannote.core import Annotation, Segment, Timeline
from pyannote.metrics.diarization import DiarizationErrorRate

from pipeline.config import DiarizeSettings
from pipeline.diarize import PyannoteDiarizer, read_rttm
from pipeline.types import Audio


def long_reference(recording: Path, eval_dir: Path) -> tuple[Annotation, Timeline]:
    """Reference turns and scored regions of an assembled recording, from the clips that have an RTTM.

    RTTM speaker names are the corpus' own (AMI's MEE009 speaks in dev00 and dev01), so a speaker
    keeps one label wherever their clips were placed.
    """
    manifest = json.loads(recording.with_suffix(".json").read_text(encoding="utf-8"))
    cases = {wav: (uri, rttm, uem) for _, uri, wav, rttm, uem, _ in CASES if rttm}
    reference, regions = Annotation(uri="long"), []
    for placement in manifest["placements"]:
        if placement["clip"] not in cases:
            continue
        uri, rttm, uem = cases[placement["clip"]]
        offset, end = placement["start"], placement["end"]
        for turn in read_rttm((eval_dir / rttm).read_text())[uri]:
            if turn.start + offset < end:
                reference[Segment(turn.start + offset, min(turn.end + offset, end))] = turn.speaker
        mask = read_uem(eval_dir / uem, uri) if uem else None
        spans = [(s.start, s.end) for s in mask] if mask else [(0.0, end - offset)]
        regions += [Segment(offset + a, min(offset + b, end)) for a, b in spans]
    return reference, Timeline(regions, uri="long")


def measure(step: float, threads: int, minutes: float, eval_dir: Path) -> dict[str, Any]:
    """One step's figures (run in a child process, so that its peak memory is its own)."""
    diarizer = PyannoteDiarizer(DiarizeSettings(segmentation_step=step, threads=threads))
    diarizer.diarize(Audio(read_audio(eval_dir / CASES[0][2]).samples[:32_000]))  # load + warm up
    rows, pooled = score_cases(diarizer, eval_dir)
    recording = build_recording(eval_dir, minutes, DEFAULT_CACHE_DIR)
    audio = read_audio(recording)
    t0, c0 = time.perf_counter(), cpu_seconds()
    diarization = diarizer.diarize(audio)
    seconds, cpu = time.perf_counter() - t0, cpu_seconds() - c0
    reference, regions = long_reference(recording, eval_dir)
    hypothesis = to_annotation(diarization.turns, "long")
    long_der = {
        f"der_{c}": DiarizationErrorRate(collar=c, skip_overlap=False)(reference, hypothesis, uem=regions)
        for c in (0.5, 0.0)
    }
    return {
        "step": step,
        "threads": threads,
        "pooled": pooled,
        "speakers": {r["file"]: [r["found"], r["true"]] for r in rows},
        "clips_cpu_s": sum(r["cpu_s"] for r in rows),
        "long": {
            "minutes": minutes,
            "seconds": seconds,
            "cpu_s": cpu,
            "speakers": len(diarization.speakers),
            "scored_s": regions.duration(),
            **long_der,
        },
        "peak_rss_mb": peak_rss_mb(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--steps", type=float, nargs="+", default=[0.1, 0.2, 0.25, 0.3], help="fractions of the 10 s window"
    )
    parser.add_argument("--minutes", type=float, default=10.0, help="length of the assembled recording")
    parser.add_argument("--threads", type=int, default=DiarizeSettings().threads, help="torch threads (0: all)")
    parser.add_argument("--eval-dir", type=Path, default=DEFAULT_EVAL_DIR)
    parser.add_argument("--json", type=Path, help="also write the figures as JSON")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.steps[0], args.threads, args.minutes, args.eval_dir)))
        return
    build_recording(args.eval_dir, args.minutes, DEFAULT_CACHE_DIR)  # once, outside the timed children
    header = machine()
    print(f"{header['date']}  {header['cpu']}, {header['cores']} cores, load {header['load']}, threads {args.threads}")
    print(
        f"{'step':>5} {'AMI dev DER c=.5/0':>19} {'sample':>7} {'speakers sample/dev00/dev01/pico':>33}"
        f" {f'{args.minutes:g} min DER c=.5/0':>18} {'spk':>4} {'CPU s':>6} {'wall s':>7} {'RSS MB':>7}"
    )
    results = []
    for step in args.steps:
        argv = [__file__, "--child", "--steps", str(step), "--threads", str(args.threads)]
        r, _ = run_child([*argv, "--minutes", str(args.minutes), "--eval-dir", str(args.eval_dir)])
        results.append(r)
        ami, long = r["pooled"]["ami_dev"], r["long"]
        spk = r["speakers"]
        counts = "/".join(f"{spk[k][0]}({spk[k][1]})" for k in ("sample", "dev00", "dev01", "diarization_test"))
        print(
            f"{step:>5g} {ami['der_0.5']:>11.3f}/{ami['der_0.0']:.3f} {r['pooled']['pyannote_sample']['der_0.5']:>7.3f}"
            f" {counts:>33} {long['der_0.5']:>12.3f}/{long['der_0.0']:.3f} {long['speakers']:>4}"
            f" {long['cpu_s']:>6.1f} {long['seconds']:>7.1f} {r['peak_rss_mb']:>7.0f}"
        )
    if args.json:
        args.json.write_text(json.dumps({"machine": header, "results": results}, indent=2))


if __name__ == "__main__":
    main()
