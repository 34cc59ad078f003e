"""Transcription alone on a long recording: peak memory, CPU seconds, wall time and WER.

The recording is built by benchlib from the real clips of ``../shared/eval`` (cached under
bench/results/recordings/). The audio is decoded into memory as the CLI does; the model is
loaded before the measurement starts. CPU seconds (user + system, all threads) are the figure to
compare on a shared machine; wall time is stretched by whatever else runs.

    .venv/bin/python bench/asr_long.py --minutes 180 [--set batch_size=8 --set window_s=600]
    .venv/bin/python bench/asr_long.py --minutes 60 --tree /tmp/minutier-head   # another checkout's code

One JSON object is printed on the last line (with --words, every word is kept for later scoring).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _value(text: str) -> object:
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, required=True)
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="an AsrSettings field")
    parser.add_argument("--tree", type=Path, help="import pipeline/ from this checkout instead of this one")
    parser.add_argument("--eval-dir", type=Path, default=ROOT.parent / "shared" / "eval")
    parser.add_argument("--words", type=Path, help="write the words and the figures to this JSON file")
    parser.add_argument("--no-recover", action="store_true", help="ablation: skip decoding uncovered speech again")
    args = parser.parse_args()
    sys.path[:0] = [str(args.tree or ROOT), str(ROOT / "bench")]
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")

    from dataclasses import replace

    from benchlib import DEFAULT_CACHE_DIR, RssSampler, build_recording, clip_wer, machine, vm_hwm_mb

    from pipeline.asr.whisper import WhisperTranscriber
    from pipeline.audio import load_audio
    from pipeline.config import AsrSettings

    overrides = dict(item.split("=", 1) for item in args.set)
    settings = replace(AsrSettings(), **{k: _value(v) for k, v in overrides.items()})
    recording = build_recording(args.eval_dir, args.minutes, DEFAULT_CACHE_DIR)
    transcriber = WhisperTranscriber(settings)
    if args.no_recover:
        transcriber._recover = lambda *args: ()  # type: ignore[method-assign]
    transcriber._load()
    audio = load_audio(recording)
    rss_before = vm_hwm_mb()
    last = [0.0]

    def progress(seconds: float) -> None:
        if seconds - last[0] >= 600:
            last[0] = seconds
            logging.info("progress: %.0f / %.0f s of audio", seconds, audio.duration)

    with RssSampler(interval=0.2) as sampler:
        cpu0, wall0 = os.times(), time.perf_counter()
        transcript = transcriber.transcribe(audio, progress)
        wall1, cpu1 = time.perf_counter(), os.times()
    words = [(w.start, w.end, w.text) for w in transcript.words]
    result = {
        "machine": machine(),
        "code": str(args.tree or ROOT),
        "settings": overrides,
        "recover": not args.no_recover,
        "minutes": args.minutes,
        "wall_s": round(wall1 - wall0, 1),
        "cpu_s": round(cpu1.user + cpu1.system - cpu0.user - cpu0.system, 1),
        "peak_rss_mb": round(vm_hwm_mb(), 0),
        "peak_rss_during_mb": round(sampler.peak_mb(wall0, wall1), 0),
        "rss_before_mb": round(rss_before, 0),
        "audio_mb": round(audio.samples.nbytes / 2**20, 0),
        "segments": len(transcript.segments),
        "rejected": len(transcript.rejected),
        "language": transcript.language,
        "wer": clip_wer(recording, words),
    }
    if args.words:
        args.words.write_text(json.dumps({**result, "words": words}), encoding="utf-8")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
