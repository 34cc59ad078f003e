"""Language per window: a meeting that switches language, the threshold's sweep, and the cost.

- Bilingual (and trilingual) recordings assembled from the shared clips, English then French
  (then German: the second half of faster-whisper's multilingual.mp3), transcribed in windows of
  `--window` seconds with the meeting's first language carried on (today) and with per-window
  detection; WER per part, words scored by where their clip lies.
- The sweep of the switch probability: Whisper's language detection on pieces of every shared
  clip (whole clips and 10 s pieces), and for each threshold how many windows would be decoded in
  a wrong language, with the meeting in English or in French.
- The cost on a monolingual recording (every English clip back to back): time with and without
  per-window detection, and the detection's own seconds.

Usage: python bench/language_eval.py [--eval ../shared/eval] [--window 30] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.benchlib import DEFAULT_EVAL_DIR, machine, references
from bench.vocabulary_eval import add_noise
from pipeline.asr import languages
from pipeline.asr.whisper import WhisperTranscriber
from pipeline.audio import load_audio
from pipeline.config import AsrSettings
from pipeline.evaluation import word_error_rate
from pipeline.types import Audio, Transcript

RATE = 16_000
LIBRIVOX = tuple(
    f"librivox/sense_and_sensibility_01_austen_64kb-{n}.wav" for n in ("0870", "0880", "0890", "0920", "0930")
)
ENGLISH = (*LIBRIVOX, "faster_whisper/jfk.flac", "picovoice_leopard/test.wav")
FRENCH = ("ms_customspeech_fr/audio.wav", "picovoice_cheetah/test_fr.wav")
GERMAN = "faster_whisper/multilingual.mp3#30-60"  # its English first half is not in the references
MONOLINGUAL = (
    *(f"ami_debug/{n}.wav" for n in ("dev00", "dev01", "trn01", "trn02", "trn03")),
    "pyannote_sample/sample.wav",
    "picovoice_leopard/diarization_test.wav",
    *ENGLISH,
)
# Language of each shared clip (or of a part of it, "#start-end" in seconds) for the sweep.
SWEEP = {
    **{clip: "en" for clip in MONOLINGUAL},
    "faster_whisper/stereo_diarization.wav": "en",
    "faster_whisper/multilingual.mp3#0-30": "en",
    GERMAN: "de",
    **{clip: "fr" for clip in FRENCH},
}
THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99)
PIECE_S = 10.0


def _load(eval_dir: Path, clip: str) -> np.ndarray:
    path, _, part = clip.partition("#")
    samples = load_audio(eval_dir / path).samples
    if part:
        start, end = (float(x) for x in part.split("-"))
        samples = samples[int(start * RATE) : int(end * RATE)]
    return samples


def _references(eval_dir: Path) -> dict[str, str]:
    refs = {clip: text for clip, (text, _) in references(eval_dir).items()}
    return refs


def _assemble(eval_dir: Path, clips: tuple[str, ...]) -> tuple[Audio, list[tuple[str, float, float]]]:
    parts, placed, at = [], [], 0.0
    for clip in clips:
        samples = _load(eval_dir, clip)
        placed.append((clip, at, at + len(samples) / RATE))
        pause = np.zeros(int(0.8 * RATE), np.float32)
        parts += [samples, pause]
        at += (len(samples) + len(pause)) / RATE
    return Audio(np.concatenate(parts)), placed


def _words_in(transcript: Transcript, start: float, end: float) -> str:
    return " ".join(w.text for w in transcript.words if start <= (w.start + w.end) / 2 < end)


def _part_wer(
    transcript: Transcript, placed: list[tuple[str, float, float]], clips: tuple[str, ...], refs: dict[str, str]
) -> float:
    scored = [(clip, start, end) for clip, start, end in placed if clip in clips]
    hyps = [_words_in(transcript, start, end) for _, start, end in scored]
    return word_error_rate([refs[clip] for clip, _, _ in scored], hyps)


def bilingual(eval_dir: Path, model: WhisperTranscriber, window_s: float) -> list[dict[str, Any]]:
    refs = _references(eval_dir)
    german_ref = None  # no reference for the German part: its language is checked, not its WER
    rows = []
    for name, clips in (
        ("en+fr", ENGLISH + FRENCH),
        ("fr+en", FRENCH + ENGLISH),
        ("en+fr+de", ENGLISH + FRENCH + (GERMAN,)),
    ):
        audio, placed = _assemble(eval_dir, clips)
        for per_window in (False, True):
            settings = replace(model.settings, window_s=window_s, language_per_window=per_window)
            started = time.perf_counter()
            transcript = model.with_recording_settings(settings).transcribe(audio)
            row: dict[str, Any] = {
                "recording": name,
                "seconds_audio": round(audio.duration, 1),
                "per_window": per_window,
                "language": transcript.language,
                "wer_en": round(_part_wer(transcript, placed, ENGLISH, refs), 3),
                "wer_fr": round(_part_wer(transcript, placed, FRENCH, refs), 3),
                "seconds": round(time.perf_counter() - started, 1),
            }
            if GERMAN in clips and german_ref is None:
                start, end = next((s, e) for c, s, e in placed if c == GERMAN)
                row["de_text"] = _words_in(transcript, start, end)[:120]
            rows.append(row)
            print(json.dumps(row, ensure_ascii=False), flush=True)
    return rows


def sweep(eval_dir: Path, model: WhisperTranscriber, levels: list[str]) -> dict[str, Any]:
    pieces = []
    for (clip, truth), level in ((item, level) for level in levels for item in SWEEP.items()):
        samples = add_noise(Audio(_load(eval_dir, clip)), level).samples
        cuts = [(0, len(samples))] + [
            (i, i + int(PIECE_S * RATE)) for i in range(0, len(samples) - int(PIECE_S * RATE) + 1, int(PIECE_S * RATE))
        ]
        for start, end in cuts:
            found = model.detect_language(samples[start:end])  # as each window's language is detected
            if found is None:
                continue  # no speech: the window keeps the meeting's language
            detected, probability = found
            pieces.append(
                {
                    "audio": level,
                    "clip": clip,
                    "from_s": start / RATE,
                    "to_s": end / RATE,
                    "truth": truth,
                    "detected": detected,
                    "p": round(probability, 3),
                }
            )
    table = []
    for threshold in THRESHOLDS:
        row: dict[str, Any] = {"threshold": threshold}
        for meeting in ("en", "fr"):
            wrong = missed = 0
            for piece in pieces:
                chosen = piece["detected"] if piece["detected"] != meeting and piece["p"] >= threshold else meeting
                if chosen != piece["truth"]:
                    if chosen == meeting:
                        missed += 1  # a switch was needed and not made
                    else:
                        wrong += 1  # switched to a language that is not spoken
            row[f"meeting_{meeting}_wrong_switch"] = wrong
            row[f"meeting_{meeting}_missed_switch"] = missed
        table.append(row)
        print(json.dumps(row), flush=True)
    return {"pieces": pieces, "table": table}


def cost(eval_dir: Path, model: WhisperTranscriber, window_s: float, repeat: int) -> list[dict[str, Any]]:
    refs = _references(eval_dir)
    audio, placed = _assemble(eval_dir, MONOLINGUAL * repeat)
    scored = tuple(c for c in MONOLINGUAL if c in refs)
    rows = []
    for per_window in (False, True, False, True):  # twice each: the machine's noise shows
        transcriber = model.with_recording_settings(
            replace(model.settings, window_s=window_s, language_per_window=per_window)
        )
        spent = [0.0]
        detect = transcriber._window_language

        def timed(*args: Any, detect: Any = detect, spent: list[float] = spent) -> str:
            started = time.perf_counter()
            try:
                return str(detect(*args))
            finally:
                spent[0] += time.perf_counter() - started

        transcriber._window_language = timed  # type: ignore[method-assign]
        started = time.perf_counter()
        transcript = transcriber.transcribe(audio)
        rows.append(
            {
                "per_window": per_window,
                "window_s": window_s,
                "seconds_audio": round(audio.duration, 1),
                "seconds": round(time.perf_counter() - started, 1),
                "detection_s": round(spent[0], 2),
                "language": transcript.language,
                "wer": round(_part_wer(transcript, placed, scored, refs), 3),
            }
        )
        print(json.dumps(rows[-1]), flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--eval", type=Path, default=DEFAULT_EVAL_DIR)
    parser.add_argument("--window", type=float, default=30.0, help="window length in seconds ([asr] window_s)")
    parser.add_argument("--only", choices=("bilingual", "sweep", "cost"))
    parser.add_argument("--repeat", type=int, default=1, help="the cost's recording: its clips this many times")
    parser.add_argument("--snr", default="clean,10,3", help="the sweep's audio: clean and/or SNRs in dB")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    model = WhisperTranscriber(AsrSettings())
    print(f"switch probability: {languages.SWITCH_PROBABILITY}")
    results: dict[str, Any] = {"machine": machine(), "switch_probability": languages.SWITCH_PROBABILITY}
    if args.only in (None, "sweep"):
        results["sweep"] = sweep(args.eval, model, args.snr.split(","))
    if args.only in (None, "bilingual"):
        results["bilingual"] = bilingual(args.eval, model, args.window)
    if args.only in (None, "cost"):
        results["cost"] = cost(args.eval, model, args.window, args.repeat)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()
