"""Speech-to-text benchmark: WER per clip, real-time factor and peak memory, minutier vs raw faster-whisper.

Each engine runs in its own process (so peak memory is its own) on the same clips, with the same
bundled model, int8 on all available cores, beam 5 and VAD on. The raw engine is what a plain
script does: `WhisperModel(dir).transcribe(path, beam_size=5, vad_filter=True)`.

Usage: python bench/asr_eval.py [--eval ../shared/eval] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import platform
import re
import resource
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.evaluation import word_error_rate


def _stm(path: Path) -> str:
    return " ".join(line.split(None, 5)[5] for line in path.read_text(encoding="utf-8").splitlines() if line.strip())


def clips(eval_dir: Path) -> list[tuple[str, str]]:
    """(clip path relative to eval_dir, reference text)."""
    found = [
        ("faster_whisper/jfk.flac", (eval_dir / "faster_whisper/jfk.txt").read_text(encoding="utf-8")),
        ("pyannote_sample/sample.wav", _stm(eval_dir / "pyannote_sample/sample.stm")),
        (
            "ms_customspeech_fr/audio.wav",
            (eval_dir / "ms_customspeech_fr/trans.txt").read_text(encoding="utf-8-sig").split("\t", 1)[1],
        ),
        ("picovoice_cheetah/test_fr.wav", (eval_dir / "picovoice_cheetah/test_fr.txt").read_text(encoding="utf-8")),
        ("picovoice_leopard/test.wav", (eval_dir / "picovoice_leopard/test.txt").read_text(encoding="utf-8")),
    ]
    for line in (eval_dir / "librivox/transcription").read_text(encoding="utf-8").splitlines():
        match = re.match(r"<s> (.*) </s> \((.*)\)", line.strip())
        if match:
            found.append((f"librivox/{match[2]}.wav", match[1]))
    return found


def run_engine(engine: str, eval_dir: Path) -> dict[str, object]:
    from pipeline.asr.whisper import WhisperTranscriber, available_cpus, resolve_model_path
    from pipeline.audio import load_audio
    from pipeline.config import AsrSettings

    settings = AsrSettings()
    started = time.perf_counter()
    if engine == "minutier":
        transcriber = WhisperTranscriber(settings)
        transcriber._load()
    else:
        from faster_whisper import WhisperModel

        model = WhisperModel(resolve_model_path(settings), compute_type="int8", cpu_threads=available_cpus())
    load_s = time.perf_counter() - started
    rows = []
    for clip, _ in clips(eval_dir):
        path = eval_dir / clip
        started = time.perf_counter()
        if engine == "minutier":
            audio = load_audio(path)
            result = transcriber.transcribe(audio)
            text, language, duration = result.text, result.language, audio.duration
        else:
            segments, info = model.transcribe(str(path), beam_size=5, vad_filter=True)
            text = " ".join(s.text.strip() for s in segments)
            language, duration = info.language, info.duration
        rows.append(
            {
                "clip": clip,
                "seconds": time.perf_counter() - started,
                "duration": duration,
                "language": language,
                "text": text,
            }
        )
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"engine": engine, "load_s": load_s, "peak_mb": peak_mb, "rows": rows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--eval", type=Path, default=ROOT.parent / "shared" / "eval")
    parser.add_argument("--engine", choices=["minutier", "raw"], help=argparse.SUPPRESS)
    parser.add_argument("--json", type=Path, help="Also write the figures here.")
    args = parser.parse_args()
    if args.engine:
        print(json.dumps(run_engine(args.engine, args.eval)))
        return
    references = dict(clips(args.eval))
    results = {}
    for engine in ("raw", "minutier"):
        out = subprocess.run(
            [sys.executable, __file__, "--eval", str(args.eval), "--engine", engine],
            capture_output=True,
            text=True,
            check=True,
        )
        results[engine] = json.loads(out.stdout.strip().splitlines()[-1])
    print(
        f"# ASR benchmark, {date.today()}, {platform.processor() or platform.machine()}, "
        f"bundled Whisper base int8, beam 5, VAD"
    )
    print("| clip | s audio | WER raw | WER minutier | RTF raw | RTF minutier | lang |")
    print("|---|---|---|---|---|---|---|")
    long_raw = long_min = long_dur = 0.0
    for raw, ours in zip(results["raw"]["rows"], results["minutier"]["rows"], strict=True):
        ref = references[raw["clip"]]
        print(
            f"| {raw['clip']} | {ours['duration']:.1f} | {word_error_rate(ref, raw['text']):.3f} | "
            f"{word_error_rate(ref, ours['text']):.3f} | {raw['seconds'] / raw['duration']:.3f} | "
            f"{ours['seconds'] / ours['duration']:.3f} | {ours['language']} |"
        )
        if ours["duration"] >= 18:
            long_raw += raw["seconds"]
            long_min += ours["seconds"]
            long_dur += ours["duration"]
    for engine in ("raw", "minutier"):
        r = results[engine]
        total = sum(row["seconds"] for row in r["rows"]) / sum(row["duration"] for row in r["rows"])
        print(f"{engine}: model load {r['load_s']:.2f} s, RTF all clips {total:.3f}, peak RSS {r['peak_mb']:.0f} MB")
    if long_dur:
        print(f"clips >= 18 s: RTF raw {long_raw / long_dur:.3f}, minutier {long_min / long_dur:.3f}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
