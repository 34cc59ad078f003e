"""Diarization quality and speed on the shared evaluation clips.

Prints DER (pyannote.metrics, overlap scored, UEM respected) at collar 0.5 s (+-0.25 s, NIST) and
0 s per file and pooled, the number of speakers found vs the reference, WER of the
speaker-attributed transcript where a timed reference transcript exists (pyannote_sample's STM:
concatenated-minimum-permutation WER, with --asr), the real-time factor, the CPU seconds (user +
system, all threads: steadier than wall time on a shared machine) and the peak memory.

    .venv/bin/python bench/diarization_eval.py [--eval-dir ../shared/eval] [--asr] [--json out.json]
        [--segmentation-step 0.1] [--threads 1]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from pathlib import Path
from typing import Any

os.environ["PYANNOTE_METRICS_ENABLED"] = "0"
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np
import soundfile as sf
from pyannote.core import Annotation, Segment, Timeline
from pyannote.metrics.diarization import DiarizationErrorRate

from pipeline.config import DiarizeSettings
from pipeline.diarize import PyannoteDiarizer, read_rttm
from pipeline.types import Audio

AMI_DEV = ("ami_debug/debug.development.rttm", "ami_debug/debug.development.uem")
# (group, file id, wav, rttm, uem, known speaker count when there is no RTTM)
CASES = [
    ("pyannote_sample", "sample", "pyannote_sample/sample.wav", "pyannote_sample/sample.rttm", None, None),
    ("ami_dev", "dev00", "ami_debug/dev00.wav", *AMI_DEV, None),
    ("ami_dev", "dev01", "ami_debug/dev01.wav", *AMI_DEV, None),
    ("ami_trn", "trn01", "ami_debug/trn01.wav", "ami_debug/debug.train.rttm", "ami_debug/debug.train.uem", None),
    ("ami_trn", "trn02", "ami_debug/trn02.wav", "ami_debug/debug.train.rttm", "ami_debug/debug.train.uem", None),
    ("ami_trn", "trn03", "ami_debug/trn03.wav", "ami_debug/debug.train.rttm", "ami_debug/debug.train.uem", None),
    ("picovoice", "diarization_test", "picovoice_leopard/diarization_test.wav", None, None, 3),
]  # fmt: skip


def read_audio(path: Path) -> Audio:
    samples, rate = sf.read(path, dtype="float32", always_2d=True)
    if rate != 16_000:
        raise SystemExit(f"{path}: expected 16 kHz")
    return Audio(np.ascontiguousarray(samples.mean(axis=1)), rate)


def to_annotation(turns: tuple, uri: str) -> Annotation:
    annotation = Annotation(uri=uri)
    for i, t in enumerate(turns):
        annotation[Segment(t.start, t.end), i] = t.speaker
    return annotation


def read_uem(path: Path, uri: str) -> Timeline | None:
    rows = (line.split() for line in path.read_text().splitlines())
    segments = [Segment(float(f[2]), float(f[3])) for f in rows if f and f[0] == uri]
    return Timeline(segments, uri=uri) if segments else None


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_seconds() -> float:
    """User + system CPU time of this process, all threads."""
    times = os.times()
    return times.user + times.system


def score_cases(diarizer: PyannoteDiarizer, eval_dir: Path) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Diarize every case: per-file rows (speakers, DER, RTF, CPU s) and pooled DER per group."""
    pooled = {c: {g: DiarizationErrorRate(collar=c, skip_overlap=False) for g, *_ in CASES} for c in (0.5, 0.0)}
    rows = []
    for group, uri, wav, rttm, uem, true_count in CASES:
        audio = read_audio(eval_dir / wav)
        t0, c0 = time.perf_counter(), cpu_seconds()
        diarization = diarizer.diarize(audio)
        elapsed, cpu = time.perf_counter() - t0, cpu_seconds() - c0
        row = {"group": group, "file": uri, "found": len(diarization.speakers), "true": true_count,
               "seconds": elapsed, "cpu_s": cpu, "audio_s": audio.duration}  # fmt: skip
        if rttm:
            reference = to_annotation(read_rttm((eval_dir / rttm).read_text())[uri], uri)
            hypothesis = to_annotation(diarization.turns, uri)
            mask = read_uem(eval_dir / uem, uri) if uem else None
            row["true"] = len(reference.labels())
            for collar in (0.5, 0.0):
                row[f"der_{collar}"] = DiarizationErrorRate(collar=collar, skip_overlap=False)(
                    reference, hypothesis, uem=mask
                )
                pooled[collar][group](reference, hypothesis, uem=mask)
        rows.append(row)
    summary = {
        group: {"der_0.5": abs(pooled[0.5][group]), "der_0.0": abs(pooled[0.0][group])}
        for group in dict.fromkeys(g for g, *_ in CASES)
        if any(r["group"] == group and "der_0.5" in r for r in rows)
    }
    return rows, summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval-dir", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "eval")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON")
    parser.add_argument("--asr", action="store_true", help="also transcribe pyannote_sample and score cpWER")
    defaults = DiarizeSettings()
    parser.add_argument("--segmentation-step", type=float, default=defaults.segmentation_step)
    parser.add_argument("--threads", type=int, default=defaults.threads, help="torch CPU threads (0: all cores)")
    args = parser.parse_args()

    settings = DiarizeSettings(segmentation_step=args.segmentation_step, threads=args.threads)
    print(f"segmentation_step {settings.segmentation_step}, threads {settings.threads}")
    diarizer = PyannoteDiarizer(settings)
    started = time.perf_counter()
    diarizer.diarize(Audio(np.zeros(16_000 * 2, dtype=np.float32) + 1e-4))  # load + warm up
    print(f"model load + warm-up: {time.perf_counter() - started:.1f} s, peak RSS {peak_rss_mb():.0f} MB")

    rows, summary = score_cases(diarizer, args.eval_dir)
    print(f"{'file':<18}{'spk found/true':>15}{'DER c=0.5':>11}{'DER c=0':>9}{'RTF':>7}{'CPU s':>7}")
    for row in rows:
        der5 = f"{row['der_0.5']:.3f}" if "der_0.5" in row else "-"
        der0 = f"{row['der_0.0']:.3f}" if "der_0.0" in row else "-"
        rtf = row["seconds"] / row["audio_s"]
        print(f"{row['file']:<18}{row['found']:>8}/{row['true']:<6}{der5:>11}{der0:>9}{rtf:>7.3f}{row['cpu_s']:>7.1f}")
    print("pooled:")
    for group, der in summary.items():
        print(f"  {group:<16} DER c=0.5 {der['der_0.5']:.3f}   c=0 {der['der_0.0']:.3f}")
    audio_s, seconds, cpu = (sum(r[k] for r in rows) for k in ("audio_s", "seconds", "cpu_s"))
    print(f"overall RTF {seconds / audio_s:.3f}, CPU {cpu:.1f} s ({audio_s:.0f} s of audio)", end=", ")
    print(f"peak RSS {peak_rss_mb():.0f} MB")
    if args.asr:
        summary["sample_cpwer"] = attributed_wer(args.eval_dir, diarizer)
        print(f"pyannote_sample speaker-attributed cpWER: {summary['sample_cpwer']:.3f}")
    if args.json:
        figures = {"settings": {"segmentation_step": settings.segmentation_step, "threads": settings.threads},
                   "files": rows, "pooled": summary, "cpu_s": cpu, "peak_rss_mb": peak_rss_mb()}  # fmt: skip
        args.json.write_text(json.dumps(figures, indent=2))


def attributed_wer(eval_dir: Path, diarizer: PyannoteDiarizer) -> float:
    """cpWER: each reference speaker's words vs the best-matching hypothesis speaker's words."""
    import itertools
    import re

    import jiwer

    from pipeline.asr.whisper import WhisperTranscriber
    from pipeline.config import AsrSettings
    from pipeline.merge import assign_speakers

    audio = read_audio(eval_dir / "pyannote_sample/sample.wav")
    st = assign_speakers(WhisperTranscriber(AsrSettings()).transcribe(audio), diarizer.diarize(audio))
    norm = lambda s: " ".join(re.sub(r"[^\w' ]+", " ", s.lower()).split())  # noqa: E731
    reference: dict[str, list[str]] = {}
    for line in (eval_dir / "pyannote_sample/sample.stm").read_text().splitlines():
        f = line.split(maxsplit=5)  # uri channel speaker start end text
        if len(f) == 6 and not line.startswith(";;"):
            reference.setdefault(f[2], []).append(norm(f[5]))
    hypothesis: dict[str, list[str]] = {}
    for u in st.utterances:
        hypothesis.setdefault(u.speaker or "?", []).append(norm(u.text))
    refs = [" ".join(v) for v in reference.values()]
    hyps = [" ".join(v) for v in hypothesis.values()] + [""] * max(0, len(refs) - len(hypothesis))
    n_ref = sum(len(r.split()) for r in refs)
    best = min(
        sum(jiwer.process_words(r or "-", h or "-").wer * len(r.split()) for r, h in zip(refs, perm, strict=False))
        for perm in itertools.permutations(hyps, len(refs))
    )
    return best / n_ref


if __name__ == "__main__":
    main()
