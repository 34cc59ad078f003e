"""Speaker-attributed word error rate (cpWER, as meeteval computes it) beside plain WER, today's word
attribution against the boundary rules (pipeline/attribution.py), in one run.

The recordings are the shared clips with speaker-attributed references and conversations assembled
from single-speaker sentences of the shared clips (bench/conversations.py). Each goes through the
pipeline's own stages (decode, transcription and diarization as `minutier minutes` runs them); the
words are then attributed twice: each word to the exclusive turn overlapping it most (today's,
``rules=None``) and by the boundary rules (the default). Text is normalised as for WER
(pipeline.evaluation.normalise_text) before scoring; cpWER counts every word of a speaker matched to
the wrong reference speaker as an error, so it is never below WER.

    .venv/bin/python bench/cpwer_eval.py [--eval-dir ../shared/eval] [--only pyannote_sample]
        [--reuse] [--sweep] [--show pyannote_sample] [--json out.json]

--reuse takes the transcripts and diarizations of the last run (bench/results/cpwer/runs/) instead of
running the models again; --sweep scores a grid of rule settings on them (docs/benchmarks.md, "cpWER").
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import sys
import time
from dataclasses import asdict, fields, replace
from pathlib import Path
from typing import Any

os.environ["PYANNOTE_METRICS_ENABLED"] = "0"
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from conversations import Case, assembled_cases, real_cases
from meeteval.wer import cp_word_error_rate

from pipeline.attribution import DEFAULT_RULES, BoundaryRules
from pipeline.evaluation import normalise_text, word_error_rate
from pipeline.merge import assign_speakers
from pipeline.serialize import from_data, to_data
from pipeline.types import Diarization, SpeakerTranscript, Transcript

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "cpwer"

# The sweep: each rule over a range, the others at their default; then the best joint setting.
SWEEP: dict[str, tuple[Any, ...]] = {
    "overlapping": (False, True),
    "switch_mid": (0.0, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0),
    "switch_end": (0.0, 0.25, 0.5),
    "segment_ends": (False, True),
    "nearest": (0.25, 0.5, 1.0, 2.0, 99.0),
}


def run_models(cases: list[Case], runs: Path) -> dict[str, tuple[Transcript, Diarization, float]]:
    """Transcript and diarization of every case by the pipeline's stages, saved to `runs`."""
    from pipeline import stages
    from pipeline.config import load_settings
    from pipeline.models import get_diarizer, get_transcriber
    from pipeline.run import transcribe_and_diarize

    settings = load_settings(None)
    transcriber, diarizer = get_transcriber(settings.asr), get_diarizer(settings.diarize)
    runs.mkdir(parents=True, exist_ok=True)
    out = {}
    for case in cases:
        started = time.perf_counter()
        audio = stages.decode(case.audio, settings.audio)
        transcript, diarization = transcribe_and_diarize(audio, transcriber, diarizer, concurrent=False)
        seconds = time.perf_counter() - started
        data = {"transcript": to_data(transcript), "diarization": to_data(diarization), "seconds": seconds}
        (runs / f"{case.name}.json").write_text(json.dumps(data), encoding="utf-8")
        out[case.name] = (transcript, diarization, seconds)
        print(f"  {case.name}: {audio.duration:.1f} s of audio in {seconds:.1f} s", flush=True)
    return out


def load_runs(cases: list[Case], runs: Path) -> dict[str, tuple[Transcript, Diarization, float]]:
    out = {}
    for case in cases:
        data = json.loads((runs / f"{case.name}.json").read_text(encoding="utf-8"))
        out[case.name] = (
            from_data(Transcript, data["transcript"]),
            from_data(Diarization, data["diarization"]),
            data["seconds"],
        )
    return out


def hypothesis(st: SpeakerTranscript) -> dict[str, str]:
    by: dict[str, list[str]] = {}
    for u in st.utterances:
        by.setdefault(u.speaker or "(none)", []).append(normalise_text(u.text))
    return {speaker: " ".join(texts) for speaker, texts in by.items()}


def cpwer(case: Case, st: SpeakerTranscript) -> tuple[int, int]:
    """(errors, reference words) of the concatenated minimum-permutation WER."""
    refs = {speaker: normalise_text(text) for speaker, text in case.references.items()}
    result = cp_word_error_rate(refs, hypothesis(st), reference_sort=False, hypothesis_sort=False)
    return int(result.errors), int(result.length)


def score(cases: list[Case], runs: dict, rules: BoundaryRules | None) -> dict[str, tuple[int, int]]:
    return {c.name: cpwer(c, assign_speakers(runs[c.name][0], runs[c.name][1], rules=rules)) for c in cases}


def pooled(scores: dict[str, tuple[int, int]], names: list[str]) -> float:
    errors = sum(scores[n][0] for n in names)
    words = sum(scores[n][1] for n in names)
    return errors / words if words else 0.0


def show(case: Case, runs: dict) -> None:
    transcript, diarization, _ = runs[case.name]
    for label, rules in (("today", None), ("rules", DEFAULT_RULES)):
        st = assign_speakers(transcript, diarization, rules=rules)
        print(f"\n{case.name}, {label}:")
        for u in st.utterances:
            mark = " (overlap)" if u.overlap else ""
            print(f"  [{u.start:6.2f}-{u.end:6.2f}] {st.display_name(u.speaker)}{mark}: {u.text}")


def sweep(cases: list[Case], runs: dict) -> list[dict[str, Any]]:
    """cpWER pooled over the real and the assembled recordings, one rule varied at a time."""
    real = [c.name for c in cases if c.kind == "real"]
    made = [c.name for c in cases if c.kind == "assembled"]

    def row(setting: str, s: dict[str, tuple[int, int]]) -> dict[str, Any]:
        return {"setting": setting, "real": pooled(s, real), "assembled": pooled(s, made),
                "all": pooled(s, real + made)}  # fmt: skip

    rows = [row("today (rules=None)", score(cases, runs, None))]
    for name, values in SWEEP.items():
        for value in values:
            rows.append(row(f"{name}={value}", score(cases, runs, replace(DEFAULT_RULES, **{name: value}))))
    # Joint grid of the two penalties, the rest at their defaults.
    for mid, end in itertools.product(SWEEP["switch_mid"], SWEEP["switch_end"]):
        rules = replace(DEFAULT_RULES, switch_mid=mid, switch_end=end)
        rows.append(row(f"grid switch_mid={mid} switch_end={end}", score(cases, runs, rules)))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--eval-dir", type=Path, default=ROOT.parent / "shared" / "eval")
    parser.add_argument("--only", action="append", help="case name (repeatable)")
    parser.add_argument("--reuse", action="store_true", help="reuse the last run's transcripts and diarizations")
    parser.add_argument("--sweep", action="store_true", help="also score a grid of rule settings")
    parser.add_argument("--show", action="append", default=[], help="print the utterances of a case, both ways")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()

    cases = real_cases(args.eval_dir) + assembled_cases(args.eval_dir, RESULTS)
    if args.only:
        cases = [c for c in cases if c.name in args.only]
    runs_dir = RESULTS / "runs"
    print(f"rules: {asdict(DEFAULT_RULES)}; load average {os.getloadavg()[0]:.1f}")
    runs = load_runs(cases, runs_dir) if args.reuse else run_models(cases, runs_dir)

    today, new = score(cases, runs, None), score(cases, runs, DEFAULT_RULES)
    header = f"{'recording':<16} {'kind':<9} {'words':>5} {'spk':>3} {'WER':>6} {'cpWER today':>11} {'cpWER rules':>11}"
    print("\n" + header)
    table = []
    for c in cases:
        transcript = runs[c.name][0]
        wer = word_error_rate(c.text, transcript.text)
        row = {"recording": c.name, "kind": c.kind, "words": today[c.name][1], "speakers": len(c.references),
               "wer": wer, "cpwer_today": pooled(today, [c.name]), "cpwer_rules": pooled(new, [c.name])}  # fmt: skip
        table.append(row)
        print(f"{c.name:<16} {c.kind:<9} {row['words']:>5} {row['speakers']:>3} {wer:>6.3f} "
              f"{row['cpwer_today']:>11.3f} {row['cpwer_rules']:>11.3f}")  # fmt: skip
    for kind in ("real", "assembled"):
        chosen = [c for c in cases if c.kind == kind]
        names = [c.name for c in chosen]
        if names:
            wer = word_error_rate([c.text for c in chosen], [runs[n][0].text for n in names])
            print(f"{'pooled ' + kind:<26} {sum(today[n][1] for n in names):>5}     {wer:>6.3f} "
                  f"{pooled(today, names):>11.3f} {pooled(new, names):>11.3f}")  # fmt: skip
    for name in args.show:
        show(next(c for c in cases if c.name == name), runs)
    figures: dict[str, Any] = {"rules": asdict(DEFAULT_RULES), "table": table}
    if args.sweep:
        rows = sweep(cases, runs)
        print(f"\n{'setting':<40} {'real':>6} {'assembled':>9} {'all':>6}")
        for row in rows:
            print(f"{row['setting']:<40} {row['real']:>6.3f} {row['assembled']:>9.3f} {row['all']:>6.3f}")
        figures["sweep"] = rows
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2), encoding="utf-8")
    print(f"\nrule fields: {[f.name for f in fields(BoundaryRules)]}")


if __name__ == "__main__":
    main()
