"""Whole-pipeline benchmark: minutier vs a naive script, per stage, on 10- and 60-minute meetings.

Builds (once, under bench/results/recordings/) recordings of real speech from the shared
evaluation clips, then runs, each measured configuration in its own process:

* minutier: ``pipeline.run.run_meeting`` with the bundled models loaded once (load time
  reported apart), per stage (decode, transcription, diarization, attribution, minutes, documents):
  wall time, real-time factor (RTF = seconds of work / seconds of audio) and peak resident memory;
* the naive baseline (bench/naive_baseline.py): faster-whisper then pyannote, decoding twice;
* with --orchestrated, the Prefect flow ``process-recording`` on a local server (through
  bench/prefect_overhead.py): orchestration overhead = flow wall time - stage work.

WER is scored on the placed clips that have a reference (English and French separately).

Examples:
    .venv/bin/python bench/pipeline_bench.py                      # 10 and 60 min, product defaults + baseline
    .venv/bin/python bench/pipeline_bench.py --minutes 10 --configs sequential,concurrent,concurrent-1+1
    .venv/bin/python bench/pipeline_bench.py --minutes 60 --skip-baseline --orchestrated --json out.json
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

os.environ.setdefault("PYANNOTE_METRICS_ENABLED", "0")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchlib import (
    DEFAULT_CACHE_DIR,
    DEFAULT_EVAL_DIR,
    RssSampler,
    build_recording,
    clip_wer,
    gpu_memory,
    machine,
    run_child,
    vm_hwm_mb,
)

BENCH_DIR = Path(__file__).resolve().parent


@dataclass(frozen=True, slots=True)
class RunConfig:
    """One way of running the pipeline. 0 threads = the library default (all cores); batch_size None =
    minutier's per-device default (4 on CPU, 8 on CUDA), 0 = sequential decoding."""

    concurrent: bool = False
    asr_threads: int = 0
    torch_threads: int = 0
    batch_size: int | None = 0
    vad: bool = True
    beam_size: int = 5


CONFIGS: dict[str, RunConfig] = {
    "default": RunConfig(concurrent=True, batch_size=None),  # what `minutier serve` runs
    "sequential": RunConfig(),
    "concurrent": RunConfig(concurrent=True),
    "concurrent-1+1": RunConfig(concurrent=True, asr_threads=1, torch_threads=1),
    "batched-8": RunConfig(batch_size=8),
    "batched-16": RunConfig(batch_size=16),
    "concurrent-batched-8": RunConfig(concurrent=True, batch_size=8),
    "concurrent-batched-16": RunConfig(concurrent=True, batch_size=16),
    "no-vad": RunConfig(vad=False),
    "beam-1": RunConfig(beam_size=1),
}


def measure_minutier(recording: Path, config: RunConfig, model: str | None = None) -> dict[str, Any]:
    """In this (child) process: load the models, run run_meeting once, time and sample memory."""
    import torch

    from pipeline.config import AsrSettings, Settings
    from pipeline.models import get_diarizer, get_transcriber
    from pipeline.run import run_meeting

    if config.torch_threads:
        torch.set_num_threads(config.torch_threads)
    asr = AsrSettings(
        threads=config.asr_threads, batch_size=config.batch_size, vad=config.vad, beam_size=config.beam_size
    )
    settings = Settings(asr=replace(asr, model=model) if model else asr)
    transcriber, diarizer = get_transcriber(settings.asr), get_diarizer(settings.diarize)
    loads = {}
    for name, model in (("load_whisper", transcriber), ("load_diarization", diarizer)):
        started = time.perf_counter()
        model.load()  # what the first recording would otherwise pay inside its stages
        loads[name] = time.perf_counter() - started
    with RssSampler() as sampler, tempfile.TemporaryDirectory() as out:
        started = time.perf_counter()
        result = run_meeting(
            recording, settings, Path(out), transcriber=transcriber, diarizer=diarizer, concurrent=config.concurrent
        )
        total = time.perf_counter() - started
        time.sleep(0.1)
    stages, t = [], started
    for name, seconds in result.timings:  # stages run back to back: rebuild their windows
        stages.append(
            {
                "stage": name,
                "seconds": seconds,
                "peak_mb": sampler.peak_mb(t, t + seconds),
                "cpu_s": sampler.cpu_seconds(t, t + seconds),
            }
        )
        t += seconds
    st = result.minutes.transcript
    words = [(w.start, w.end, w.text) for u in st.utterances for w in u.words]
    cpu = sampler.cpu_seconds(started, started + total)
    return {
        "loads": loads,
        "stages": stages,
        "total": total,
        "cpu_s": cpu,
        "duration": st.duration,
        "language": st.language,
        "speakers": len({u.speaker for u in st.utterances if u.speaker}),
        "words": words,
        "vm_hwm_mb": vm_hwm_mb(),
        "torch_threads": torch.get_num_threads(),
        **gpu_memory(),
    }


def _rtf(seconds: float, duration: float) -> str:
    return f"{seconds / duration:.3f}"


def report_minutier(name: str, r: dict[str, Any], recording: Path) -> dict[str, Any]:
    d = r["duration"]
    print(
        f"\n## minutier [{name}] {d / 60:.1f} min: models loaded in "
        + ", ".join(f"{k[5:]} {v:.2f} s" for k, v in r["loads"].items())
    )
    print("| stage | wall s | RTF | CPU s | peak RSS MiB |\n|---|---|---|---|---|")
    for s in r["stages"]:
        print(
            f"| {s['stage']} | {s['seconds']:.1f} | {_rtf(s['seconds'], d)} | {s.get('cpu_s', 0):.1f} "
            f"| {s['peak_mb']:.0f} |"
        )
    wer = clip_wer(recording, [tuple(w) for w in r["words"]])
    print(
        f"| **total** | **{r['total']:.1f}** | **{_rtf(r['total'], d)}** | {r.get('cpu_s', 0):.1f} "
        f"| **{r['peak_rss_mb']:.0f}** (process) |"
    )
    print(
        f"language {r['language']}, {r['speakers']} speakers, "
        + ", ".join(f"WER {lang} {v['wer']:.3f} ({v['words']:.0f} ref words)" for lang, v in sorted(wer.items()))
    )
    return {"config": name, "wer": wer, **r}


def report_baseline(r: dict[str, Any], recording: Path) -> dict[str, Any]:
    d, t = r["duration"], r["timings"]
    work = t["transcribe"] + t["decode_again"] + t["diarize"]
    print(
        f"\n## naive baseline {d / 60:.1f} min: models loaded in whisper {t['load_whisper']:.2f} s, "
        f"pyannote {t['load_pyannote']:.2f} s"
    )
    cpu = r.get("cpu", {})
    print("| stage | wall s | RTF | CPU s |\n|---|---|---|---|")
    for name in ("transcribe", "decode_again", "diarize"):
        label = "transcribe (PyAV decode inside)" if name == "transcribe" else name
        print(f"| {label} | {t[name]:.1f} | {_rtf(t[name], d)} | {cpu.get(name, 0):.1f} |")
    wer = clip_wer(recording, [tuple(w) for w in r["words"]])
    total_cpu = sum(cpu.get(k, 0) for k in ("transcribe", "decode_again", "diarize"))
    print(f"| **total** | **{work:.1f}** | **{_rtf(work, d)}** | {total_cpu:.1f} |")
    print(f"peak RSS {r['peak_rss_mb']:.0f} MiB (process)")
    print(
        f"language {r['language']}, {r['speakers']} speakers, "
        + ", ".join(f"WER {lang} {v['wer']:.3f}" for lang, v in sorted(wer.items()))
    )
    return {"total": work, "wer": wer, **r}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--eval", type=Path, default=DEFAULT_EVAL_DIR, help="Shared evaluation clips (default: %(default)s)."
    )
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE_DIR, help="Where the recordings are built once.")
    parser.add_argument("--minutes", default="10,60", help="Recording lengths in minutes, comma-separated.")
    parser.add_argument(
        "--configs", default="default", help=f"minutier configurations, comma-separated, from: {', '.join(CONFIGS)}."
    )
    parser.add_argument("--skip-baseline", action="store_true", help="Do not run the naive baseline.")
    parser.add_argument("--orchestrated", action="store_true", help="Also run the Prefect flow on a local server.")
    parser.add_argument(
        "--keep-server", action="store_true", help="With --orchestrated: leave the Prefect server running."
    )
    parser.add_argument("--json", type=Path, help="Also write every figure (and the words transcribed) here.")
    parser.add_argument("--model", help="Whisper model name or CTranslate2 directory (default: the bundled base).")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--recording", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        print(json.dumps(measure_minutier(args.recording, CONFIGS[args.child], args.model)))
        return
    unknown = [c for c in args.configs.split(",") if c not in CONFIGS]
    if unknown:
        parser.error(f"unknown configuration(s) {', '.join(unknown)}; known: {', '.join(CONFIGS)}")
    host = machine()
    print(
        f"# minutier pipeline benchmark, {host['date']}, {host['cpu']}, {host['cores']} cores, "
        f"{host['memory_gb']} GiB, load average at start {host['load']}"
    )
    print(
        f"Whisper {args.model or 'bundled base'} (beam 5, VAD; int8 on CPU, float16 on CUDA) + bundled diarization "
        f"(segmentation-3.0 + CAM++), on {host['accelerator']}"
    )
    results: dict[str, Any] = {"machine": host, "runs": []}
    for minutes in (float(m) for m in args.minutes.split(",")):
        recording = build_recording(args.eval, minutes, args.cache)
        ours: dict[str, float] = {}
        for name in args.configs.split(","):
            model = ["--model", args.model] if args.model else []
            r, peak = run_child([__file__, "--child", name, "--recording", str(recording), *model])
            r["peak_rss_mb"], r["load_after"] = peak, list(os.getloadavg())
            results["runs"].append({"minutes": minutes, "kind": "minutier", **report_minutier(name, r, recording)})
            ours[name] = r["total"]
        if not args.skip_baseline:
            model = ["--model-dir", args.model] if args.model else []
            r, peak = run_child([str(BENCH_DIR / "naive_baseline.py"), str(recording), *model])
            r["peak_rss_mb"], r["load_after"] = peak, list(os.getloadavg())
            base = report_baseline(r, recording)
            results["runs"].append({"minutes": minutes, "kind": "baseline", **base})
            for name, total in ours.items():
                print(
                    f"**{minutes:g} min: minutier [{name}] / baseline = {total / base['total']:.2f}** "
                    f"({total:.0f} s vs {base['total']:.0f} s, model loads excluded)"
                )
        if args.orchestrated:
            argv = [str(BENCH_DIR / "prefect_overhead.py"), str(recording), "--runs", "1", "--preload"]
            r, peak = run_child(argv + (["--keep-server"] if args.keep_server else []))
            results["runs"].append({"minutes": minutes, "kind": "orchestrated", "peak_rss_mb": peak, **r})
            from prefect_overhead import print_runs

            print_runs(r)
        print(f"load average now {[round(x, 2) for x in os.getloadavg()]}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, default=str), encoding="utf-8")


if __name__ == "__main__":
    main()
