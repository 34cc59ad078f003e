"""Diarization speed and peak memory on 1-hour and 2-hour recordings assembled from real clips.

The recording is the shared evaluation clips (AMI excerpts, telephone sample, Picovoice, LibriVox,
French read speech ...) concatenated, with short silences, until the duration is reached. Each
duration runs in a fresh process so that its peak resident memory is its own. CPU seconds (user +
system, all threads) are printed beside wall time: on a shared machine they are the steadier figure.

    .venv/bin/python bench/diarization_long.py [--hours 1 2] [--eval-dir ../shared/eval]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

os.environ["PYANNOTE_METRICS_ENABLED"] = "0"
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def assemble(eval_dir: Path, seconds: float):
    import numpy as np
    import soundfile as sf
    from scipy.signal import resample_poly

    clips = []
    for path in sorted(eval_dir.glob("*/*")):
        if path.suffix.lower() not in {".wav", ".flac"}:
            continue
        samples, rate = sf.read(path, dtype="float32", always_2d=True)
        samples = samples.mean(axis=1)
        if rate != 16_000:
            samples = resample_poly(samples, 16_000, rate).astype(np.float32)
        clips.append(samples)
    gap = np.zeros(8_000, dtype=np.float32)
    total = int(seconds * 16_000)
    out = np.empty(total, dtype=np.float32)
    filled, i = 0, 0
    while filled < total:
        piece = np.concatenate([clips[i % len(clips)], gap])[: total - filled]
        out[filled : filled + len(piece)] = piece
        filled += len(piece)
        i += 1
    return out


def run_one(eval_dir: Path, hours: float) -> dict:
    from pipeline.config import DiarizeSettings
    from pipeline.diarize import PyannoteDiarizer
    from pipeline.types import Audio

    samples = assemble(eval_dir, hours * 3600)
    diarizer = PyannoteDiarizer(DiarizeSettings())
    started, cpu_started = time.perf_counter(), sum(os.times()[:2])
    diarization = diarizer.diarize(Audio(samples))
    elapsed, cpu = time.perf_counter() - started, sum(os.times()[:2]) - cpu_started
    return {
        "hours": hours,
        "seconds": elapsed,
        "rtf": elapsed / (hours * 3600),
        "cpu_s": cpu,
        "load": os.getloadavg()[0],
        "speakers": len(diarization.speakers),
        "turns": len(diarization.turns),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "audio_mb": samples.nbytes / 2**20,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hours", type=float, nargs="+", default=[1.0, 2.0])
    parser.add_argument("--eval-dir", type=Path, default=ROOT.parent / "shared" / "eval")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_one(args.eval_dir, args.hours[0])))
        return
    print(f"{'duration':>9}{'wall s':>9}{'RTF':>8}{'CPU s':>8}{'peak RSS MB':>13}", end="")
    print(f"{'audio MB':>10}{'speakers':>9}{'load':>6}")
    for hours in args.hours:
        cmd = [sys.executable, __file__, "--child", "--hours", str(hours), "--eval-dir", str(args.eval_dir)]
        done = subprocess.run(cmd, capture_output=True, text=True, check=True)
        r = json.loads(done.stdout.strip().splitlines()[-1])
        print(
            f"{hours:>8.1f}h{r['seconds']:>9.0f}{r['rtf']:>8.3f}{r['cpu_s']:>8.0f}{r['peak_rss_mb']:>13.0f}"
            f"{r['audio_mb']:>10.0f}{r['speakers']:>9}{r['load']:>6.1f}"
        )


if __name__ == "__main__":
    main()
