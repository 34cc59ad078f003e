"""Prefect orchestration overhead of the `process-recording` flow, on a local Prefect server.

Starts a Prefect server of its own (flows.serve.prefect_service: SQLite, loopback, a free port,
state under bench/results/prefect-home/), then runs flows.process.process_recording in this
process on one recording, several times. Overhead = flow wall time (as the caller sees it) minus
the time the pipeline functions themselves were working (the union of their intervals, since
transcription and diarization run side by side in the flow). The pipeline functions the tasks
call are wrapped with timers here, in the benchmark; the product code is unchanged.

Runs: the first loads the models inside its tasks (unless --preload, which loads them before
and reports the load apart); later runs are warm (models already loaded in this process).
Measured runs refresh the task cache (PREFECT_TASKS_REFRESH_CACHE) so the models really run;
--cached-rerun adds a final run that may reuse the persisted transcription and diarization.

Examples:
    .venv/bin/python bench/prefect_overhead.py                          # samples/meeting_en.wav, 2 runs
    .venv/bin/python bench/prefect_overhead.py REC.wav --runs 1 --preload --keep-server
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import Any

os.environ.setdefault("PYANNOTE_METRICS_ENABLED", "0")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchlib import machine, vm_hwm_mb

from flows.server import free_port

DEFAULT_HOME = ROOT / "bench" / "results" / "prefect-home"
_intervals: list[tuple[str, float, float]] = []
_loads: list[tuple[str, float]] = []
_lock = threading.Lock()


def _timed(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return func(*args, **kwargs)
        finally:
            with _lock:
                _intervals.append((name, started, time.perf_counter()))

    return wrapper


def _timed_load(name: str, func: Callable[..., Any], attribute: str) -> Callable[..., Any]:
    @functools.wraps(func)
    def wrapper(self: Any) -> Any:
        if getattr(self, attribute) is not None:
            return func(self)
        started = time.perf_counter()
        try:
            return func(self)
        finally:
            with _lock:
                _loads.append((name, time.perf_counter() - started))

    return wrapper


def instrument() -> None:
    """Wrap the pipeline functions the flow's tasks call with timers (benchmark only)."""
    from flows import process, tasks
    from pipeline import stages
    from pipeline.asr.whisper import WhisperTranscriber
    from pipeline.diarize.pyannote import PyannoteDiarizer

    tasks.decode_to_file = _timed("decode", tasks.decode_to_file)  # type: ignore[assignment]
    WhisperTranscriber.transcribe = _timed("transcribe", WhisperTranscriber.transcribe)  # type: ignore[method-assign]
    PyannoteDiarizer.diarize = _timed("diarize", PyannoteDiarizer.diarize)  # type: ignore[method-assign]
    WhisperTranscriber._load = _timed_load("whisper", WhisperTranscriber._load, "_model")  # type: ignore[method-assign]
    PyannoteDiarizer._load = _timed_load("diarization", PyannoteDiarizer._load, "_pipeline")  # type: ignore[method-assign]
    process.meeting_meta = _timed("meta", process.meeting_meta)  # type: ignore[assignment]
    for name, attr in (("attribute", "attribute"), ("minutes", "write_minutes"), ("documents", "write_documents")):
        setattr(stages, attr, _timed(name, getattr(stages, attr)))


def union_seconds(intervals: list[tuple[float, float]]) -> float:
    """Length of the union of [start, end] intervals."""
    total, end = 0.0, float("-inf")
    for start, stop in sorted(intervals):
        if start > end:
            total += stop - start
            end = stop
        elif stop > end:
            total += stop - end
            end = stop
    return total


def measure(
    recording: Path, runs: int, preload: bool, keep_server: bool, cached_rerun: bool, home: Path
) -> dict[str, Any]:
    for key in ("PREFECT_API_URL", "PREFECT_HOME", "MINUTIER_HOME", "MINUTIER_TASK_WORKER"):
        os.environ.pop(key, None)  # this benchmark talks to its own server only
    home.mkdir(parents=True, exist_ok=True)
    config = home / "bench.toml"
    config.write_text(f'[service]\nhome_dir = "{home}"\nport = {free_port()}\n', encoding="utf-8")
    from pipeline.audio import probe
    from service.settings import load_config

    settings = load_config(config)
    duration = probe(recording).duration or 0.0
    result: dict[str, Any] = {"machine": machine(), "recording": str(recording), "duration": duration, "runs": []}
    with ExitStack() as stack:
        started = time.perf_counter()
        if keep_server:
            from flows.environment import apply_prefect_environment
            from flows.server import start_local_server

            env = apply_prefect_environment(settings.service)
            server = start_local_server(
                settings.service.host, settings.service.port, env, home / "logs" / "prefect-server.log"
            )
            result["server"] = server.api_url
        else:
            from flows.serve import prefect_service

            result["server"] = stack.enter_context(prefect_service(settings))
        result["server_start_s"] = time.perf_counter() - started
        from prefect.settings import PREFECT_TASKS_REFRESH_CACHE, temporary_settings

        from flows.process import process_recording
        from pipeline.models import get_diarizer, get_transcriber

        instrument()
        if preload:
            get_transcriber(settings.asr)._load()
            get_diarizer(settings.diarize)._load()
            result["preload"] = dict(_loads)
        labels = [("warm" if preload or i else "cold", True) for i in range(runs)]
        labels += [("cached re-run", False)] if cached_rerun else []
        for label, refresh in labels:
            _intervals.clear()
            _loads.clear()
            with tempfile.TemporaryDirectory() as out, temporary_settings({PREFECT_TASKS_REFRESH_CACHE: refresh}):
                started = time.perf_counter()
                process_recording(recording_path=recording, out_dir=Path(out), config=config)
                wall = time.perf_counter() - started
            stages: dict[str, float] = {}
            for name, start, stop in _intervals:
                stages[name] = stages.get(name, 0.0) + stop - start
            work = union_seconds([(start, stop) for _, start, stop in _intervals])
            load = sum(seconds for _, seconds in _loads)
            result["runs"].append(
                {
                    "label": label,
                    "wall": wall,
                    "stages": stages,
                    "work": work,
                    "model_load": dict(_loads),
                    "overhead": wall - work,
                    "overhead_pct": 100 * (wall - work) / wall,
                    "overhead_excl_load_pct": 100 * (wall - work) / max(wall - load, 1e-9),
                }
            )
    result["vm_hwm_mb"] = vm_hwm_mb()
    result["load_after"] = list(os.getloadavg())
    return result


def print_runs(r: dict[str, Any]) -> None:
    """Markdown table of the flow runs measured by :func:`measure`."""
    d = r["duration"]
    print(
        f"\n## Prefect flow process-recording, {Path(r['recording']).name} ({d:.1f} s), server {r['server']} "
        f"(started in {r['server_start_s']:.1f} s)"
    )
    if r.get("preload"):
        print("models preloaded: " + ", ".join(f"{k} {v:.2f} s" for k, v in r["preload"].items()))
    print(
        "| run | flow wall s | stage work s | model load s | overhead s | overhead % | stages (s) |\n"
        "|---|---|---|---|---|---|---|"
    )
    for run in r["runs"]:
        stages = ", ".join(f"{k} {v:.2f}" for k, v in run["stages"].items())
        print(
            f"| {run['label']} | {run['wall']:.2f} | {run['work']:.2f} | {sum(run['model_load'].values()):.2f} | "
            f"{run['overhead']:.2f} | {run['overhead_pct']:.1f} | {stages} |"
        )
    print(
        "stage work = union of the intervals in which pipeline functions ran (transcribe and diarize overlap); "
        "model load (cold run) is inside stage work."
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "recording",
        type=Path,
        nargs="?",
        default=ROOT / "samples" / "meeting_en.wav",
        help="Audio file (default: the bundled sample).",
    )
    parser.add_argument("--runs", type=int, default=2, help="Measured flow runs (default: %(default)s).")
    parser.add_argument("--preload", action="store_true", help="Load the models before the first run, timed apart.")
    parser.add_argument("--cached-rerun", action="store_true", help="Add a run allowed to reuse cached model stages.")
    parser.add_argument("--keep-server", action="store_true", help="Leave the Prefect server running at the end.")
    parser.add_argument("--home", type=Path, default=DEFAULT_HOME, help="State folder (default: %(default)s).")
    parser.add_argument("--json", type=Path, help="Also write the figures here.")
    args = parser.parse_args()
    result = measure(
        args.recording.resolve(), args.runs, args.preload, args.keep_server, args.cached_rerun, args.home.resolve()
    )
    print_runs(result)
    if args.keep_server:
        print(f"Prefect server left running at {result['server']} (state in {args.home})")
    if args.json:
        args.json.write_text(json.dumps(result, indent=1), encoding="utf-8")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
