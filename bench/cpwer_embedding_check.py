"""Does a voice-embedding check of the words at speaker changes lower cpWER? (Measured: no; not adopted.)

After the boundary rules (pipeline/attribution.py), the last word before and the first word after each speaker
change are embedded with the diarizer's own model (CAM++) over a window around the word, and moved to the other
speaker when they are closer to that speaker's voice print (diarizer.speaker_embeddings) by a margin. Reuses the
transcripts and diarizations of the last `bench/cpwer_eval.py` run.

    .venv/bin/python bench/cpwer_embedding_check.py
"""

from __future__ import annotations

import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from conversations import assembled_cases, real_cases
from cpwer_eval import RESULTS, ROOT, cpwer, load_runs, pooled

from pipeline import stages
from pipeline.config import AudioSettings, load_settings
from pipeline.merge import _utterance, assign_speakers
from pipeline.models import get_diarizer
from pipeline.types import Audio, Word

WINDOWS = (0.6, 1.0)
MARGINS = (0.0, 0.05, 0.1, 0.2)


def main() -> None:
    eval_dir = ROOT.parent / "shared" / "eval"
    cases = real_cases(eval_dir) + assembled_cases(eval_dir, RESULTS)
    runs = load_runs(cases, RESULTS / "runs")
    diarizer = get_diarizer(load_settings(None).diarize)
    scores: dict[str, dict[str, tuple[int, int]]] = {"rules": {}}
    started, checked = time.perf_counter(), 0
    for case in cases:
        transcript, diarization, _ = runs[case.name]
        audio = stages.decode(case.audio, AudioSettings())
        st = assign_speakers(transcript, diarization)
        scores["rules"][case.name] = cpwer(case, st)
        prints = diarizer.speaker_embeddings(audio, diarization)
        words = [(u.speaker, w) for u in st.utterances for w in u.words]
        candidates = []  # (word index, the other speaker)
        for i in range(len(words) - 1):
            (a, _), (b, _) = words[i], words[i + 1]
            if a and b and a != b:
                candidates += [(i, b), (i + 1, a)]
        for window in WINDOWS:
            similarities = {}
            for i, other in candidates:
                own, word = words[i]
                vector = _embed(diarizer, audio, word, window)
                checked += 1
                if vector is not None and own in prints and other in prints:
                    similarities[(i, other)] = (float(vector @ prints[own]), float(vector @ prints[other]))
            for margin in MARGINS:
                moved = list(words)
                for (i, other), (own_sim, other_sim) in similarities.items():
                    if other_sim > own_sim + margin:
                        moved[i] = (other, words[i][1])
                scores.setdefault(f"{window} s, margin {margin}", {})[case.name] = cpwer(case, _regroup(st, moved))
    real = [c.name for c in cases if c.kind == "real"]
    made = [c.name for c in cases if c.kind == "assembled"]
    print(f"{'setting':<24} {'real':>6} {'assembled':>9}")
    for name, s in scores.items():
        print(f"{name:<24} {pooled(s, real):>6.3f} {pooled(s, made):>9.3f}")
    print(f"{checked} boundary-word embeddings, {time.perf_counter() - started:.0f} s in all (decoding included)")


def _embed(diarizer, audio: Audio, word: Word, window: float):  # type: ignore[no-untyped-def]
    middle, half = (word.start + word.end) / 2, max(window, word.end - word.start) / 2
    start, end = max(0.0, middle - half), min(audio.duration, middle + half)
    clip = Audio(audio.samples[int(start * audio.sample_rate) : int(end * audio.sample_rate)].copy())
    try:
        return diarizer.embed(clip)
    except ValueError:  # under 0.5 s at the recording's edge
        return None


def _regroup(st, words):  # type: ignore[no-untyped-def]
    utterances, run, speaker = [], [], None
    for who, word in words:
        if run and who != speaker:
            utterances.append(_utterance(speaker, run))
            run = []
        speaker = who
        run.append(word)
    if run:
        utterances.append(_utterance(speaker, run))
    return replace(st, utterances=tuple(utterances))


if __name__ == "__main__":
    main()
