"""Speakers by channel: detection, diarization by channel, and their cost, beside today's mixed path.

1. The shared stereo clip (faster_whisper/stereo_diarization.wav, one speaker per channel): DER of
   the diarization by channel and of today's model on the down-mix, against a reference taken from
   each channel's Silero VAD (see docs/benchmarks.md); WER of Whisper on the mix and per channel.
2. Synthetic two-channel calls (bench/channel_calls.py) at several leak levels: DER by channel vs
   the model on the mix.
3. The detection sweep: every shared mono clip copied and panned onto two channels, panned
   mixdowns and two-microphone rooms (must stay "mix") and the calls (must be "split"), under a
   grid of thresholds; and a sweep of the voice-activity thresholds over the calls' DER.
4. Cost of the channel step on 10- and 60-minute stereo recordings (a call and a copy): what the
   decode that scans every channel adds to the mono decode, plus judging; beside the second read
   of the channels (the fallback), and with --before REV the code of that commit, in the same run.

    .venv/bin/python bench/channels_eval.py [--seeds 6] [--skip-model] [--json out.json]
    .venv/bin/python bench/channels_eval.py --cost-only --cost-minutes 10,60 --before 679ba0b [--cost-repeats 5]
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ["PYANNOTE_METRICS_ENABLED"] = "0"
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np
import soundfile as sf
from channel_calls import (
    EVAL_DIR,
    SINGLE_SPEAKER_CLIPS,
    Synthetic,
    make_call,
    make_copy,
    make_panned_meeting,
    make_room,
)
from pyannote.core import Annotation, Segment
from pyannote.metrics.diarization import DiarizationErrorRate

from pipeline.diarize import channels as ch
from pipeline.diarize.by_channel import diarize_channels
from pipeline.diarize.channel_scan import scan_channels
from pipeline.types import Audio

STEREO = EVAL_DIR / "faster_whisper/stereo_diarization.wav"
# Silero VAD (faster-whisper's, 250 ms pauses bridged, 30 ms padding) on each channel alone;
# Whisper's words on each channel match stereo_diarization.{left,right}.txt word for word.
STEREO_REFERENCE = ((0.29, 5.00, "left"), (0.38, 2.59, "right"))
BLEEDS = (0.0, 0.05, 0.1, 0.2, 0.3)


def annotation(turns: Any) -> Annotation:
    out = Annotation()
    for i, t in enumerate(turns):
        start, end, label = (t.start, t.end, t.speaker) if hasattr(t, "speaker") else t
        out[Segment(start, end), i] = label
    return out


def der(reference: Any, turns: Any) -> tuple[float, float]:
    ref, hyp = annotation(reference), annotation(turns)
    return float(DiarizationErrorRate(collar=0.5)(ref, hyp)), float(DiarizationErrorRate()(ref, hyp))


def scan(samples: np.ndarray) -> Any:
    return scan_channels((samples[i : i + 128_000] for i in range(0, len(samples), 128_000)), len(samples) / 16_000)


def stereo_clip(skip_model: bool) -> dict[str, Any]:
    started = time.perf_counter()
    by_channel = diarize_channels(STEREO, "auto")
    took = time.perf_counter() - started
    assert by_channel is not None, "the stereo clip was not found separated"
    row: dict[str, Any] = {"by_channel": der(STEREO_REFERENCE, by_channel.turns), "seconds": took}
    samples, _ = sf.read(STEREO, dtype="float32", always_2d=True)
    if not skip_model:
        from pipeline.asr.whisper import WhisperTranscriber
        from pipeline.config import AsrSettings, DiarizeSettings
        from pipeline.diarize import PyannoteDiarizer
        from pipeline.evaluation import word_error_rate

        mix = Audio(np.ascontiguousarray(samples.mean(axis=1)))
        row["model_on_mix"] = der(STEREO_REFERENCE, PyannoteDiarizer(DiarizeSettings()).diarize(mix).turns)
        transcriber = WhisperTranscriber(AsrSettings(language="en"))
        refs = [(EVAL_DIR / f"faster_whisper/stereo_diarization.{s}.txt").read_text() for s in ("left", "right")]
        row["wer_mix"] = word_error_rate(" ".join(refs), transcriber.transcribe(mix).text)
        per_channel = [transcriber.transcribe(Audio(np.ascontiguousarray(samples[:, c]))).text for c in range(2)]
        row["wer_per_channel"] = word_error_rate(refs, per_channel)
    return row


def calls(seeds: int, skip_model: bool) -> list[dict[str, Any]]:
    diarizer = None
    if not skip_model:
        from pipeline.config import DiarizeSettings
        from pipeline.diarize import PyannoteDiarizer

        diarizer = PyannoteDiarizer(DiarizeSettings())
    rows = []
    for seed, bleed in itertools.product(range(seeds), BLEEDS):
        call = make_call(seed, bleed=bleed)
        s = scan(call.samples)
        own = ch.own_speech(s)
        row = {
            "name": call.name,
            "bleed": bleed,
            "by_channel": der(call.reference, ch.diarize_by_channel(s, own=own).turns),
        }
        if diarizer is not None and bleed in (0.1, 0.2):
            row["model_on_mix"] = der(call.reference, diarizer.diarize(Audio(call.samples.mean(axis=1))).turns)
        rows.append(row)
    return rows


def detection_cases(seeds: int) -> list[Synthetic]:
    cases = [make_copy(rel) for rel in SINGLE_SPEAKER_CLIPS]
    cases += [make_copy(rel, pan=0.7) for rel in SINGLE_SPEAKER_CLIPS[::2]]
    cases += [make_copy(rel) for rel in ("pyannote_sample/sample.wav", "picovoice_leopard/diarization_test.wav")]
    cases += [make_copy(f"ami_debug/{n}.wav") for n in ("dev00", "dev01", "trn01", "trn02", "trn03")]
    cases += [make_panned_meeting(seed) for seed in range(seeds)]
    cases += [make_room(seed) for seed in range(seeds)]
    cases += [make_call(seed, bleed=b, telephone=seed % 2 == 0) for seed in range(seeds) for b in BLEEDS]
    return cases


def features(cases: list[Synthetic]) -> list[dict[str, Any]]:
    rows = []
    for case in cases:
        sep = ch.detect_separation(scan(case.samples))
        rows.append(
            {
                "name": case.name,
                "separated": case.separated,
                "active": len(sep.active),
                "leak": sep.max_leak_db,
                "orphan": sep.orphan_share,
                "shared": sep.shared_share,
                "said": sep.separated,
            }
        )
    return rows


def decide(row: dict[str, Any], max_leak: float, max_shared: float, max_orphan: float) -> bool:
    return (
        row["active"] >= 2 and row["leak"] <= max_leak and row["shared"] <= max_shared and row["orphan"] <= max_orphan
    )


def threshold_sweep(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    grid = ((-3.0, -5.0, -8.0, -10.0, -15.0), (0.1, 0.15, 0.2, 0.3, 1.0), (0.2, 1.0))
    for leak, shared, orphan in itertools.product(*grid):
        wrong_mix = [r["name"] for r in rows if not r["separated"] and decide(r, leak, shared, orphan)]
        wrong_split = [r["name"] for r in rows if r["separated"] and not decide(r, leak, shared, orphan)]
        out.append({"max_leak_db": leak, "max_shared": shared, "max_orphan": orphan,
                    "mix_called_split": wrong_mix, "split_called_mix": wrong_split})  # fmt: skip
    return out


def vad_sweep(seeds: int) -> list[dict[str, Any]]:
    calls_ = [make_call(seed, bleed=b) for seed in range(seeds) for b in (0.0, 0.1, 0.2, 0.3)]
    scans = [(c, scan(c.samples)) for c in calls_]
    defaults = (ch.NOISE_MARGIN_DB, ch.BLEED_MARGIN_DB, ch.MIN_GAP_S)
    out = []
    try:
        for noise, bleed, gap in itertools.product((6.0, 10.0, 14.0), (3.0, 6.0, 10.0), (0.15, 0.3, 0.5)):
            ch.NOISE_MARGIN_DB, ch.BLEED_MARGIN_DB, ch.MIN_GAP_S = noise, bleed, gap
            scores = [der(c.reference, ch.diarize_by_channel(s).turns) for c, s in scans]
            out.append({"noise_margin_db": noise, "bleed_margin_db": bleed, "min_gap_s": gap,
                        "der_collar": float(np.mean([a for a, _ in scores])),
                        "der_strict": float(np.mean([b for _, b in scores])),
                        "worst_collar": float(np.max([a for a, _ in scores]))})  # fmt: skip
    finally:
        ch.NOISE_MARGIN_DB, ch.BLEED_MARGIN_DB, ch.MIN_GAP_S = defaults
    return out


# The whole pipeline's wall time on the same 2-core machine (docs/benchmarks.md, "Whole pipeline vs a
# naive script": 10 min 33.7 s on 2026-11-30, 60 min 233.4 s on 2026-11-24), to express the cost in.
PIPELINE_WALL_S = {10.0: 33.7, 60.0: 233.4}


def _clock() -> tuple[float, float]:
    """(wall, CPU) seconds: the CPU of this process and of its finished children (ffmpeg)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.perf_counter(), time.process_time() + children.ru_utime + children.ru_stime


def _best(func: Any, repeats: int) -> tuple[float, float, Any]:
    """The shortest wall and CPU times of `repeats` runs (the others' jobs only ever add), and a result."""
    walls, cpus, result = [], [], None
    for _ in range(repeats):
        wall, cpu = _clock()
        result = func()
        wall_end, cpu_end = _clock()
        walls.append(wall_end - wall)
        cpus.append(cpu_end - cpu)
    return min(walls), min(cpus), result


# Today's channel step, timed from the commit given by --before in a process of its own: the
# pipeline package of that commit, the same recording, the same machine, the same run.
_BEFORE = """
import resource, sys, time
sys.path.insert(0, sys.argv[1])
from pathlib import Path
from pipeline.diarize.by_channel import diarize_channels
def clock():
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.perf_counter(), time.process_time() + children.ru_utime + children.ru_stime
walls, cpus = [], []
for _ in range(int(sys.argv[3])):
    wall, cpu = clock()
    diarize_channels(Path(sys.argv[2]), "auto")
    wall_end, cpu_end = clock()
    walls.append(wall_end - wall)
    cpus.append(cpu_end - cpu)
print(min(walls), min(cpus))
"""


def _before(tree: Path, path: Path, repeats: int) -> tuple[float, float]:
    done = subprocess.run([sys.executable, "-c", _BEFORE, str(tree), str(path), str(repeats)],
                          capture_output=True, text=True, check=True)  # fmt: skip
    wall, cpu = done.stdout.split()[-2:]
    return float(wall), float(cpu)


def cost(minutes: float, before: Path | None = None, repeats: int = 3) -> dict[str, Any]:
    """The channel step's wall time on a stereo call and a stereo copy (judging alone) of `minutes`.

    Now: the decode gives every channel and scans them (`stages.decode(..., "auto")`), so the step
    costs what that decode adds to the mono one, plus judging (and for a call, diarizing) on the
    scan. What the decode adds is the median over `repeats` pairs of runs, the mono decode and the
    scanning one in turns (the difference of two best times swings with the others' load on a
    shared machine). The fallback (audio decoded without a scan) and, with `before`, the code of
    that commit read the channels a second time after the mono decode: best of `repeats`.
    """
    call = make_call(0, bleed=0.1)
    reps = int(minutes * 60 * 16_000 / len(call.samples)) + 1
    long_call = np.tile(call.samples, (reps, 1))[: int(minutes * 60 * 16_000)]
    out: dict[str, Any] = {"minutes": minutes, "load_average": os.getloadavg()[0]}
    with tempfile.TemporaryDirectory() as tmp:
        for name, samples in (("call", long_call), ("copy", np.repeat(long_call[:, :1], 2, axis=1))):
            path = Path(tmp) / f"{name}.flac"
            sf.write(path, samples, 16_000, subtype="PCM_16")
            out[name] = _step_cost(path, repeats, before)
            if minutes in PIPELINE_WALL_S:
                for key in ("step_s", "step_cpu_s", "before_s", "before_cpu_s"):
                    out[name][key.replace("_s", "_share")] = out[name].get(key, np.nan) / PIPELINE_WALL_S[minutes]
    return out


def _paired(first: Any, second: Any, repeats: int) -> tuple[float, float, float, float, Any]:
    """Wall and CPU of `second` less those of `first` (medians), run in turns so that the others' load
    weighs on both alike; the best walls of each; and the last result of `second`."""
    extra_wall, extra_cpu, walls_first, walls_second, result = [], [], [], [], None
    for _ in range(repeats):
        wall0, cpu0 = _clock()
        first()
        wall1, cpu1 = _clock()
        result = second()
        wall2, cpu2 = _clock()
        walls_first.append(wall1 - wall0)
        walls_second.append(wall2 - wall1)
        extra_wall.append((wall2 - wall1) - (wall1 - wall0))
        extra_cpu.append((cpu2 - cpu1) - (cpu1 - cpu0))
    return float(np.median(extra_wall)), float(np.median(extra_cpu)), min(walls_first), min(walls_second), result


def _step_cost(path: Path, repeats: int, before: Path | None) -> dict[str, Any]:
    """The channel step now: what the scanning decode adds to the mono decode (paired runs, medians),
    plus judging (best of `repeats`); wall and CPU seconds."""
    from pipeline import stages
    from pipeline.audio import load_audio
    from pipeline.config import AudioSettings

    extra_wall, extra_cpu, mono_wall, scan_wall, audio = _paired(
        lambda: load_audio(path), lambda: stages.decode(path, AudioSettings(), "auto"), repeats
    )
    judge_wall, judge_cpu, result = _best(lambda: diarize_channels(path, "auto", audio.channel_scan), repeats)
    again_wall, again_cpu, _ = _best(lambda: diarize_channels(path, "auto"), 1)
    row = {
        "mono_decode_s": mono_wall,
        "decode_with_scan_s": scan_wall,
        "judge_s": judge_wall,
        "step_s": extra_wall + judge_wall,
        "step_cpu_s": extra_cpu + judge_cpu,
        "second_read_s": again_wall,
        "second_read_cpu_s": again_cpu,
        "split": result is not None,
    }
    if before is not None:
        row["before_s"], row["before_cpu_s"] = _before(before, path, repeats)
    return row


def _export(rev: str, into: Path) -> Path:
    """The pipeline package as it was at commit `rev`, for :func:`cost`'s comparison."""
    root = Path(__file__).resolve().parents[1]
    archive = subprocess.run(["git", "-C", str(root), "archive", rev, "pipeline"], capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive.stdout, check=True)
    return into


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, default=6)
    parser.add_argument("--skip-model", action="store_true", help="no model diarization or Whisper (faster)")
    parser.add_argument("--cost-minutes", default="10,60", help="lengths of the cost test, comma-separated")
    parser.add_argument("--cost-only", action="store_true", help="only the cost of the channel step")
    parser.add_argument("--cost-repeats", type=int, default=3, help="runs of each timing; the best is kept")
    parser.add_argument("--before", metavar="REV", help="also time the channel step of this commit (git)")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    print(f"load average at start: {os.getloadavg()}")
    if args.cost_only:
        print_cost({"cost": _costs(args.cost_minutes, args.before, args.cost_repeats)}, args.json)
        return
    results: dict[str, Any] = {"stereo_clip": stereo_clip(args.skip_model)}
    print("stereo clip:", json.dumps(results["stereo_clip"]))
    results["calls"] = calls(args.seeds, args.skip_model)
    print(
        "\n| bleed | DER by channel (±0.25 s) | strict | model on the mix (±0.25 s) | strict |\n|---|---|---|---|---|"
    )
    for bleed in BLEEDS:
        rows = [r for r in results["calls"] if r["bleed"] == bleed]
        model = [r["model_on_mix"] for r in rows if "model_on_mix" in r]
        cells = [f"{np.mean([r['by_channel'][k] for r in rows]):.3f}" for k in (0, 1)]
        cells += [f"{np.mean([m[k] for m in model]):.3f}" if model else "-" for k in (0, 1)]
        print(f"| {bleed:.0%} | " + " | ".join(cells) + " |")
    rows = features(detection_cases(args.seeds))
    results["detection"] = rows
    print("\n| case | expected | active | leak dB | orphan | shared | said |\n|---|---|---|---|---|---|---|")
    for r in rows:
        expected, said = ("split" if r["separated"] else "mix"), ("split" if r["said"] else "mix")
        cells = (r["name"], expected, r["active"], f"{r['leak']:.1f}", f"{r['orphan']:.2f}", f"{r['shared']:.2f}", said)
        print("| " + " | ".join(str(c) for c in cells) + " |")
    results["threshold_sweep"] = threshold_sweep(rows)
    print("\n| max leak dB | max shared | max orphan | mix called split | split called mix |\n|---|---|---|---|---|")
    for r in results["threshold_sweep"]:
        print(f"| {r['max_leak_db']:g} | {r['max_shared']:g} | {r['max_orphan']:g} | {len(r['mix_called_split'])} "
              f"| {len(r['split_called_mix'])} {' '.join(r['split_called_mix'][:4])} |")  # fmt: skip
    results["vad_sweep"] = vad_sweep(min(args.seeds, 4))
    print("\n| noise margin dB | bleed margin dB | min gap s | mean DER (±0.25 s) | strict | worst |")
    print("|---|---|---|---|---|---|")
    for r in results["vad_sweep"]:
        print(f"| {r['noise_margin_db']:g} | {r['bleed_margin_db']:g} | {r['min_gap_s']:g} | {r['der_collar']:.3f} "
              f"| {r['der_strict']:.3f} | {r['worst_collar']:.3f} |")  # fmt: skip
    results["cost"] = _costs(args.cost_minutes, args.before, args.cost_repeats)
    print_cost(results, args.json)


def _costs(minutes: str, before: str | None, repeats: int) -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory() as tmp:
        tree = _export(before, Path(tmp)) if before else None
        return [cost(float(m), tree, repeats) for m in minutes.split(",")]


def print_cost(results: dict[str, Any], json_path: Path | None) -> None:
    print("\n| length | file | mono decode | decode + scan | judging | step (wall / CPU) | share | before | share |")
    print("|---|---|---|---|---|---|---|---|---|")
    for row in results["cost"]:
        for name in ("copy", "call"):
            r = row[name]
            cells = [f"{row['minutes']:g} min", name]
            cells += [f"{r[k]:.2f} s" for k in ("mono_decode_s", "decode_with_scan_s", "judge_s")]
            cells += [f"{r['step_s']:.2f} / {r['step_cpu_s']:.2f} s"]
            cells += [f"{r.get('step_share', np.nan):.2%} / {r.get('step_cpu_share', np.nan):.2%}"]
            cells += [f"{r.get('before_s', np.nan):.2f} / {r.get('before_cpu_s', np.nan):.2f} s"]
            cells += [f"{r.get('before_share', np.nan):.2%} / {r.get('before_cpu_share', np.nan):.2%}"]
            print("| " + " | ".join(cells) + " |")
        print("cost:", json.dumps(row))
    print(f"load average at end: {os.getloadavg()}")
    if json_path:
        json_path.write_text(json.dumps(results, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
