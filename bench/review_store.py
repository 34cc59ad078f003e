"""What the review store costs on a 60-minute meeting: opening a review (draft, listening copy), each
save of the desk, the corrected minutes read by another process, and the approval.

The transcript is 9,000 timed words in 300 utterances by 4 speakers (a 60-minute meeting's size;
its words do not matter here); the audio is the 60-minute real-speech recording of
``bench/benchlib.py`` (built by ``bench/pipeline_bench.py``), else any file given.

    python bench/review_store.py --audio bench/results/recordings/meeting_60min.wav --edits 60
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.summarize.minutes import speaking_shares
from pipeline.summarize.model import ActionItem, Minutes, Provenance, Statement
from pipeline.types import SpeakerTranscript, Utterance, Word
from service.review import apply_edit, current_minutes, mark_decided, open_review
from service.review.files import forget_parsed

_WORDS = "le comité a validé les maquettes et adopté le budget révisé pour la suite du projet".split()


def meeting(words: int = 9_000, per_utterance: int = 30) -> Minutes:
    utterances, clock = [], 0.0
    for u in range(words // per_utterance):
        timed = []
        for w in range(per_utterance):
            timed.append(Word(clock, clock + 0.35, " " + _WORDS[(u + w) % len(_WORDS)], 0.9))
            clock += 0.4
        utterances.append(Utterance(f"SPEAKER_0{u % 4}", timed[0].start, timed[-1].end, "", tuple(timed)))
        clock += 0.8
    names = tuple((f"SPEAKER_0{i}", f"Intervenant {i + 1}") for i in range(4))
    st = SpeakerTranscript("fr", clock, tuple(utterances), names)
    said = tuple(Statement(f"Décision {i}.", i * 60.0, i * 60.0 + 5) for i in range(10))
    actions = tuple(ActionItem(f"Action {i}", "Intervenant 2", date(2026, 12, 4)) for i in range(10))
    return Minutes(
        "Comité", "ACME", date(2026, 12, 1), None, clock, "fr", speaking_shares(st), "Résumé. " * 40,
        (), said, actions, said[:3], st, Provenance("offline"),
    )  # fmt: skip


def edit(i: int) -> dict[str, object]:
    if i % 10 == 9:
        return {"op": "rename_speaker", "speaker": f"SPEAKER_0{i % 4}", "name": f"Personne {i}"}
    if i % 3 == 0:
        return {"op": "item_set", "section": "actions", "index": i % 10, "fields": {"owner": "Marie", "due": ""}}
    if i % 3 == 1:
        return {"op": "summary", "text": f"Résumé corrigé {i}."}
    return {"op": "word", "u": (i * 7) % 300, "w": i % 30, "text": "Lefèvre"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--audio", type=Path, default=ROOT / "bench/results/recordings/meeting_60min.wav")
    parser.add_argument("--edits", type=int, default=60)
    args = parser.parse_args()
    minutes = meeting()
    with tempfile.TemporaryDirectory() as home:
        started = time.perf_counter()
        record = open_review(
            Path(home), client="acme", meeting_id="comite-0123abcd", flow_run_id="run", recording_name="x.wav",
            minutes=minutes, heard=args.audio if args.audio.exists() else None, template=None,
        )  # fmt: skip
        opened = time.perf_counter() - started
        listening = record.folder / "audio.ogg"
        saves = []
        for i in range(args.edits):
            started = time.perf_counter()
            apply_edit(record, edit(i), "claire")
            saves.append((time.perf_counter() - started) * 1000)
        forget_parsed()  # as the run's process finds it: files only
        started = time.perf_counter()
        current_minutes(record)
        read = time.perf_counter() - started
        started = time.perf_counter()
        mark_decided(record, state="approved", who="claire")
        approved = time.perf_counter() - started
        size = listening.stat().st_size / 1e6 if listening.exists() else 0.0
    words = sum(len(u.words) for u in minutes.transcript.utterances)
    print(f"meeting: {words} words, {minutes.duration / 60:.0f} min; audio {args.audio.name}")
    print(f"open_review (draft + listening copy {size:.1f} MB): {opened:.1f} s")
    print(
        f"save ({args.edits} edits): median {statistics.median(saves):.1f} ms, "
        f"p95 {sorted(saves)[int(0.95 * len(saves)) - 1]:.1f} ms, max {max(saves):.1f} ms"
    )
    print(f"corrected minutes read by another process (draft + {args.edits} edits replayed): {read * 1000:.0f} ms")
    print(f"approval (current.json written): {approved * 1000:.0f} ms")


if __name__ == "__main__":
    main()
