"""Minutes quality against summaries written by people (issue 15's measurement).

Sets (read from ``../shared/eval``, never copied):
- FREDSum, 115 French debates: ``transcript/*.txt`` read with :func:`pipeline.transcripts.read_transcript`;
  references ``summary_abstractive/{1,2,3}/`` (the third is missing for one debate); anchors ChatGPT,
  Barthez and OpenAssistant-Llama-30B from ``summary_abstractive_prediction/`` (110 debates each).
- QMSum Product val, 20 AMI meetings: the human turns of ``meeting_transcripts`` ({vocalsound},
  {disfmarker}, {gap} removed, empty turns dropped, the roles as speakers); reference: the answer to
  "Summarize the whole meeting." in ``general_query_list``.

Score: ROUGE-1/2/L F1 (``rouge-score``, tokens ``re.findall(r"\\w+", text.lower())`` so accented words
count, no stemming), the best over an item's references, the mean over items, x 100. Our writer is
``build_minutes`` with ``make_summarizer(MinutesSettings(summarizer=...))`` (``--summarizer``: the offline writer
by default, "local" for extract-then-rewrite with the bundled model, "llm" for a server); it is scored twice:
its summary paragraph, and summary + topics' key points + decisions + action items ("whole body").
Anchor: the first 200 words of the transcript (utterance texts, no speaker labels; a word is a whitespace-separated
token with a letter or digit, as in the "words" column).

Faithfulness (a simple detector, the same for every row): in each text, the *mentions* are capitalised
words of two letters or more that do not start a sentence (names, places), numbers (``\\d+`` with inner
``.``/``,``), and month or weekday names (dates); a mention is grounded when it occurs among the transcript's
words or speakers' names, compared case-insensitively with accents kept. For our action items, an owner is
grounded when it is a participant or all its words occur in the transcript, a due when its phrase
(``due_text``) occurs in it.

What the faithfulness gate removed from our minutes (owners, dues, items, sentences) and which writer's text
was kept (the local writer falls back to the offline one when its model fails) are printed under each table.

Usage: python bench/minutes_eval.py [--set fredsum|qmsum|both] [--summarizer offline|local|llm] [--limit N]
       [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.config import MinutesSettings
from pipeline.summarize import MeetingMeta, Minutes, build_minutes, make_summarizer
from pipeline.transcripts import Turn, read_transcript, transcript_from_turns
from pipeline.types import SpeakerTranscript

logger = logging.getLogger("minutes_eval")

EVAL_DIR = ROOT.parent / "shared" / "eval"
FREDSUM_ANCHORS = {"ChatGPT": "ChatGPT", "Barthez": "Barthez", "Llama-30B": "Openassistant_Llama_30b"}
SUMMARY_QUERY = "Summarize the whole meeting."
BASELINE_WORDS = 200
OURS_BODY = "minutier {writer}: whole body"
OURS_SUMMARY = "minutier {writer}: summary paragraph"
FIRST_WORDS = f"first {BASELINE_WORDS} words"

_WORD = re.compile(r"\w+")
_SPACED = re.compile(r"\S+")
_MARKUP = re.compile(r"\{\w+\}")
# A sentence ends at . ! ? … followed by a space or, when a writer forgot the space, by a letter ("guerre.Alors");
# not after "M." or "Mme." (titles before a name) nor inside a number ("1.575").
_SENTENCE_END = re.compile(r"(?<!\bM\.)(?<!\bMme\.)(?<!\bMr\.)(?<!\bDr\.)(?<=[.!?…])(?:\s+|(?=[^\W\d_]))|\n+")
_ALPHA = re.compile(r"[^\W\d_]+")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_DATE_WORDS = frozenset(
    "janvier février mars avril mai juin juillet août septembre octobre novembre décembre "
    "lundi mardi mercredi jeudi vendredi samedi dimanche "
    "january february march april may june july august september october november december "
    "monday tuesday wednesday thursday friday saturday sunday".split()
)


@dataclass(frozen=True, slots=True)
class Item:
    name: str
    transcript: SpeakerTranscript
    references: tuple[str, ...]
    anchors: tuple[tuple[str, str], ...] = ()


class _UnicodeTokenizer:
    """rouge-score's tokenizer protocol; its default drops accented letters, which French needs."""

    def tokenize(self, text: str) -> list[str]:
        return _WORD.findall(text.lower())


def fredsum_items(eval_dir: Path) -> list[Item]:
    """The 115 debates, each with its 2-3 human summaries and the anchors that exist for it."""
    root = eval_dir / "fredsum"
    items = []
    for path in sorted((root / "transcript").glob("*.txt")):
        refs = [root / "summary_abstractive" / k / path.name for k in ("1", "2", "3")]
        anchors = [
            (label, root / "summary_abstractive_prediction" / d / path.name) for label, d in FREDSUM_ANCHORS.items()
        ]
        items.append(
            Item(
                path.stem,
                read_transcript(path),
                tuple(p.read_text(encoding="utf-8") for p in refs if p.is_file()),
                tuple((label, p.read_text(encoding="utf-8")) for label, p in anchors if p.is_file()),
            )
        )
    return items


def qmsum_turns(meeting: dict[str, Any]) -> list[Turn]:
    """The meeting's human turns, {vocalsound}-style markup removed, roles as speakers."""
    turns = []
    for turn in meeting["meeting_transcripts"]:
        text = " ".join(_MARKUP.sub(" ", turn["content"]).split())
        if _WORD.search(text):
            turns.append(Turn(turn["speaker"], text))
    return turns


def qmsum_items(eval_dir: Path) -> list[Item]:
    """The 20 product meetings with their "Summarize the whole meeting." answer."""
    items = []
    lines = (eval_dir / "qmsum_product" / "val.jsonl").read_text(encoding="utf-8").splitlines()
    for i, line in enumerate(line for line in lines if line.strip()):
        meeting = json.loads(line)
        refs = tuple(q["answer"] for q in meeting["general_query_list"] if q["query"].strip() == SUMMARY_QUERY)
        items.append(Item(f"qmsum_val_{i:02d}", transcript_from_turns(qmsum_turns(meeting)), refs))
    return items


def words(text: str) -> list[re.Match[str]]:
    """Words as a reader counts them: whitespace-separated, holding a letter or digit (QMSum's lone "." is none)."""
    return [m for m in _SPACED.finditer(text) if _WORD.search(m.group())]


def first_words(st: SpeakerTranscript, count: int = BASELINE_WORDS) -> str:
    """The transcript's text up to its `count`-th word."""
    text = " ".join(u.text for u in st.utterances)
    found = words(text)[:count]
    return text[: found[-1].end()] if found else ""


def body_text(minutes: Minutes) -> str:
    """Summary + topics' key points + decisions + action items, one per line."""
    lines = [minutes.summary]
    lines += [p.text for topic in minutes.topics for p in topic.key_points]
    lines += [d.text for d in minutes.decisions]
    lines += [a.text for a in minutes.action_items]
    return "\n".join(line for line in lines if line.strip())


# --- faithfulness ------------------------------------------------------------------------------------------------


def vocabulary(st: SpeakerTranscript) -> set[str]:
    """Casefolded words and numbers of the transcript and of its speakers' names."""
    text = " ".join([*(u.text for u in st.utterances), *(name for _, name in st.speaker_names)]).casefold()
    return set(_ALPHA.findall(text)) | set(_NUMBER.findall(text))


def mentions(text: str) -> list[tuple[str, str]]:
    """(kind, mention) for the names, numbers and dates of `text` (see the module's docstring)."""
    found = []
    for sentence in _SENTENCE_END.split(text):
        words = list(_ALPHA.finditer(sentence))
        for i, match in enumerate(words):
            word = match.group()
            if word.casefold() in _DATE_WORDS:
                found.append(("date", word))
            elif i > 0 and len(word) > 1 and word[0].isupper():  # "M." and English "I" are no names
                found.append(("name", word))
        found += [("number", n) for n in _NUMBER.findall(sentence)]
    return found


@dataclass(slots=True)
class Grounding:
    mentions: int = 0
    missing: Counter[str] = field(default_factory=Counter)  # kind -> count
    examples: Counter[str] = field(default_factory=Counter)  # mention -> count

    def add(self, text: str, vocab: set[str]) -> None:
        for kind, mention in mentions(text):
            self.mentions += 1
            if mention.casefold() not in vocab:
                self.missing[kind] += 1
                self.examples[mention] += 1

    def summary(self) -> str:
        missing = sum(self.missing.values())
        share = 100 * (1 - missing / self.mentions) if self.mentions else 100.0
        return f"{missing} / {self.mentions} ({share:.1f} % found)"


@dataclass(slots=True)
class ActionGate:
    actions: int = 0
    owners: int = 0
    owners_failing: int = 0
    dues: int = 0
    dues_failing: int = 0

    def add(self, minutes: Minutes, st: SpeakerTranscript, vocab: set[str]) -> None:
        people = {p.name.casefold() for p in minutes.participants}
        said = " ".join(" ".join(u.text for u in st.utterances).casefold().split())
        for action in minutes.action_items:
            self.actions += 1
            if action.owner:
                self.owners += 1
                owner = action.owner.casefold()
                self.owners_failing += owner not in people and not set(_ALPHA.findall(owner)) <= vocab
            if action.due or action.due_text:
                self.dues += 1
                phrase = " ".join((action.due_text or "").casefold().split())
                self.dues_failing += not phrase or phrase not in said


# --- scoring -----------------------------------------------------------------------------------------------------


@dataclass(slots=True)
class Row:
    label: str
    scores: list[tuple[float, float, float]] = field(default_factory=list)
    words: list[int] = field(default_factory=list)
    grounding: Grounding = field(default_factory=Grounding)

    def means(self) -> list[float]:
        return [100 * statistics.fmean(s[k] for s in self.scores) for k in range(3)]


def rouge(scorer: Any, text: str, references: Iterable[str]) -> tuple[float, float, float]:
    """Best F1 over the references, per ROUGE type."""
    best = scorer.score_multi(list(references), text)
    return best["rouge1"].fmeasure, best["rouge2"].fmeasure, best["rougeL"].fmeasure


def evaluate(items: list[Item], write: Callable[[SpeakerTranscript], Minutes], writer: str) -> dict[str, Any]:
    from rouge_score import rouge_scorer

    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=False, tokenizer=_UnicodeTokenizer())
    rows: dict[str, Row] = {}
    gate, seconds, per_item = ActionGate(), [], []
    removed: Counter[str] = Counter()
    kept_by: Counter[str] = Counter()

    def score(label: str, text: str, item: Item, vocab: set[str]) -> tuple[float, float, float]:
        row = rows.setdefault(label, Row(label))
        row.scores.append(rouge(scorer, text, item.references))
        row.words.append(len(words(text)))
        row.grounding.add(text, vocab)
        return row.scores[-1]

    for item in items:
        vocab = vocabulary(item.transcript)
        started = time.perf_counter()
        minutes = write(item.transcript)
        seconds.append(time.perf_counter() - started)
        gate.add(minutes, item.transcript, vocab)
        removed.update({k: v for k, v in asdict(minutes.provenance.gate).items() if v})
        kept_by[minutes.provenance.summarizer] += 1
        body = score(OURS_BODY.format(writer=writer), body_text(minutes), item, vocab)
        summary = score(OURS_SUMMARY.format(writer=writer), minutes.summary, item, vocab)
        score(FIRST_WORDS, first_words(item.transcript), item, vocab)
        for label, text in item.anchors:
            score(label, text, item, vocab)
        per_item.append({"item": item.name, "body": body, "summary": summary, "seconds": round(seconds[-1], 3)})
        logger.info(
            "%s: body R1 %.1f, summary R1 %.1f, %.2f s", item.name, 100 * body[0], 100 * summary[0], seconds[-1]
        )
    return {
        "items": len(items),
        "references_per_item": statistics.fmean(len(i.references) for i in items) if items else 0.0,
        "rows": [
            {
                "row": r.label,
                "items": len(r.scores),
                "rouge": [round(v, 1) for v in r.means()],
                "words": round(statistics.fmean(r.words)),
                "not_in_transcript": sum(r.grounding.missing.values()),
                "mentions": r.grounding.mentions,
                "missing_by_kind": dict(r.grounding.missing),
                "missing_examples": r.grounding.examples.most_common(15),
                "grounding": r.grounding.summary(),
            }
            for r in rows.values()
        ],
        "seconds_per_item": {
            "mean": round(statistics.fmean(seconds), 3),
            "max": round(max(seconds), 3),
            "total": round(sum(seconds), 1),
        },
        "actions": asdict(gate),
        "gate_removed": dict(removed),
        "written_by": dict(kept_by),
        "per_item": per_item,
    }


def markdown(name: str, result: dict[str, Any]) -> str:
    out = [
        f"### {name}: {result['items']} items, {result['references_per_item']:.2f} references each",
        "",
        "| row | items | ROUGE-1 | ROUGE-2 | ROUGE-L | words | names/numbers/dates not in transcript |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in result["rows"]:
        r1, r2, rl = r["rouge"]
        out.append(f"| {r['row']} | {r['items']} | {r1:.1f} | {r2:.1f} | {rl:.1f} | {r['words']} | {r['grounding']} |")
    s, a = result["seconds_per_item"], result["actions"]
    out += [
        "",
        f"Our writer: {s['mean']:.2f} s per item (max {s['max']:.2f}, total {s['total']:.1f} s). "
        f"Action items: {a['actions']}; owners {a['owners']} ({a['owners_failing']} not a participant nor named "
        f"in the transcript); dues {a['dues']} ({a['dues_failing']} whose phrase is not in the transcript). "
        f"Removed by the faithfulness gate: {result['gate_removed'] or 'nothing'}. "
        f"Minutes written by: {result['written_by']}.",
    ]
    for r in result["rows"][:2]:
        examples = ", ".join(f"{m} ({n})" for m, n in r["missing_examples"][:10]) or "none"
        out.append(f"Not in transcript, {r['row']}: {dict(r['missing_by_kind']) or 'none'}; most frequent: {examples}.")
    return "\n".join(out)


def model_speed(summarizer: object) -> str:
    """Tokens read and written by the local model, and its speeds, when the writer used one."""
    usage = getattr(summarizer, "usage", None)
    if not usage:
        return "No language model was called."
    prompt = sum(u.prompt_tokens for u in usage)
    completion = sum(u.completion_tokens for u in usage)
    reads = [u.prompt_per_second for u in usage if u.prompt_per_second]
    writes = [u.completion_per_second for u in usage if u.completion_per_second]
    seconds = sum(u.seconds for u in usage)
    usage.clear()  # the next set starts from zero
    return (
        f"Local model: {len(usage)} requests, {prompt} prompt and {completion} generated tokens in {seconds:.0f} s; "
        f"prompt {statistics.fmean(reads) if reads else 0:.1f} tokens/s, "
        f"generation {statistics.fmean(writes) if writes else 0:.1f} tokens/s (means over requests)."
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--set", choices=("fredsum", "qmsum", "both"), default="both", dest="which")
    parser.add_argument("--limit", type=int, default=None, help="score only the first N items of each set")
    parser.add_argument("--json", type=Path, default=None, help="write every figure and per-item score here")
    parser.add_argument("--eval-dir", type=Path, default=EVAL_DIR)
    parser.add_argument("-v", "--verbose", action="store_true", help="log each item's scores")
    parser.add_argument(
        "--summarizer",
        choices=("offline", "local", "llm"),
        default="offline",
        help="the writer scored ([minutes] summarizer; llm uses MINUTIER_LLM_* settings' defaults)",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(message)s")

    summarizer = make_summarizer(MinutesSettings(summarizer=args.summarizer))

    def write(st: SpeakerTranscript) -> Minutes:
        return build_minutes(st, summarizer, MeetingMeta())

    loaders = {"fredsum": fredsum_items, "qmsum": qmsum_items}
    chosen = ("fredsum", "qmsum") if args.which == "both" else (args.which,)
    results = {}
    for name in chosen:
        items = loaders[name](args.eval_dir)[: args.limit]
        results[name] = evaluate(items, write, args.summarizer)
        print(markdown(name, results[name]), end="\n")
        print(model_speed(summarizer), end="\n\n")
    if args.json is not None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
