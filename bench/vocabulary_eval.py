"""Names and terms recalled with and without a vocabulary given to Whisper, and what a vocabulary costs.

The shared clips whose references hold proper names or rare terms are transcribed (the bundled
model, the pipeline's own WhisperTranscriber and its default decoding) clean and under white noise
at two signal-to-noise ratios (names are misheard when the audio is poor), with:

- no vocabulary (today);
- each clip's own terms ("own": the upper bound);
- every clip's terms plus client-like terms that no clip says ("client": what a client's list is
  like, broader than one meeting);
- only terms no clip says ("unrelated"): any change in WER is the vocabulary's harm.

once as faster-whisper's `hotwords` and once as its `initial_prompt`. Recall counts each
reference occurrence of a term found in the transcript; "extra" counts vocabulary terms the
transcript holds more often than the reference (false insertions).

Usage: python bench/vocabulary_eval.py [--eval ../shared/eval] [--snr clean,10,3] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.benchlib import DEFAULT_EVAL_DIR, machine, references
from pipeline.asr.whisper import HINT_FIELDS, WhisperTranscriber
from pipeline.audio import load_audio
from pipeline.config import AsrSettings
from pipeline.evaluation import normalise_text, word_error_rate
from pipeline.types import Audio

# Proper names and rare terms of each clip's reference (the Yellow Sea is "la mer Jaune").
TERMS = {
    "pyannote_sample/sample.wav": ("Diane", "Sheila", "New Jersey", "Texas", "Chicago", "Yankee"),
    "faster_whisper/jfk.flac": ("Americans",),
    "picovoice_leopard/test.wav": ("Quilter",),
    "librivox/sense_and_sensibility_01_austen_64kb-0870.wav": ("Dashwood",),
    "picovoice_leopard/diarization_test.wav": ("crocodile", "turbulence"),
    "ms_customspeech_fr/audio.wav": ("mer Jaune",),
    "picovoice_cheetah/test_fr.wav": ("mer Jaune",),
}
# A client's terms that no clip says: they must not appear, nor change the rest of the words.
UNRELATED = ("Lefèvre", "SIRH", "Qualiopi", "Claire Martin", "Kubernetes", "Nathalie Rousseau", "CSE", "Bpifrance")
SEED = 16


def _references(eval_dir: Path) -> dict[str, str]:
    refs = {clip: text for clip, (text, _) in references(eval_dir).items()}
    lines = (eval_dir / "picovoice_leopard/diarization_test.txt").read_text(encoding="utf-8").splitlines()
    refs["picovoice_leopard/diarization_test.wav"] = " ".join(line.split(":", 1)[1] for line in lines if ":" in line)
    return {clip: refs[clip] for clip in TERMS}


def _count(term: str, text: str) -> int:
    return len(re.findall(rf"(?<!\w){re.escape(normalise_text(term))}(?!\w)", normalise_text(text)))


def add_noise(audio: Audio, snr: str) -> Audio:
    """`audio` under white noise at `snr` dB (seeded: the same noise every run); "clean" is `audio`."""
    if snr == "clean":
        return audio
    rng = np.random.default_rng(SEED)
    power = float(np.mean(np.square(audio.samples, dtype=np.float64)))
    noise = rng.normal(0.0, np.sqrt(power / 10 ** (float(snr) / 10)), len(audio.samples))
    return Audio((audio.samples + noise).astype(np.float32))


def _vocabularies() -> dict[str, dict[str, tuple[str, ...]]]:
    every = tuple(dict.fromkeys(t for terms in TERMS.values() for t in terms))
    return {
        "none": {clip: () for clip in TERMS},
        "own": dict(TERMS),
        "client": {clip: every + UNRELATED for clip in TERMS},
        "unrelated": {clip: UNRELATED for clip in TERMS},
    }


def run(eval_dir: Path, levels: list[str], batch_size: int | None) -> list[dict[str, object]]:
    refs = _references(eval_dir)
    audio = {clip: load_audio(eval_dir / clip) for clip in TERMS}
    settings = AsrSettings(batch_size=batch_size)
    models = {field: WhisperTranscriber(settings, hint_field=field) for field in HINT_FIELDS}
    rows = []
    for level in levels:
        heard = {clip: add_noise(a, level) for clip, a in audio.items()}
        for name, vocabulary in _vocabularies().items():
            for field in HINT_FIELDS if name != "none" else HINT_FIELDS[:1]:
                found = total = extra = 0
                hyps, seconds = [], 0.0
                for clip, clip_audio in heard.items():
                    transcriber = models[field].with_recording_settings(replace(settings, vocabulary=vocabulary[clip]))
                    started = time.perf_counter()
                    text = transcriber.transcribe(clip_audio).text
                    seconds += time.perf_counter() - started
                    hyps.append(text)
                    for term in TERMS[clip]:
                        said = _count(term, refs[clip])
                        found += min(said, _count(term, text))
                        total += said
                    extra += sum(max(_count(t, text) - _count(t, refs[clip]), 0) for t in vocabulary[clip])
                rows.append(
                    {
                        "audio": level,
                        "vocabulary": name,
                        "as": "-" if name == "none" else field,
                        "recalled": found,
                        "terms": total,
                        "extra": extra,
                        "wer": round(word_error_rate(list(refs.values()), hyps), 4),
                        "seconds": round(seconds, 1),
                    }
                )
                print(json.dumps(rows[-1]), flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--eval", type=Path, default=DEFAULT_EVAL_DIR)
    parser.add_argument("--snr", default="clean,10,3", help="audio conditions: clean and/or SNRs in dB")
    parser.add_argument("--batch-size", type=int, default=None, help="0: sequential decoding (default: batched)")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    rows = run(args.eval, args.snr.split(","), args.batch_size)
    print("\n| audio | vocabulary | as | names/terms recalled | extra | WER | s |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['audio']} | {r['vocabulary']} | {r['as']} | {r['recalled']}/{r['terms']} | {r['extra']} "
            f"| {r['wer']:.3f} | {r['seconds']} |"
        )
    if args.json:
        args.json.write_text(json.dumps({"machine": machine(), "rows": rows}, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
