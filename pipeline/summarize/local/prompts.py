"""What the local model is asked: per task, the instruction, the answer's JSON schema and its token budget.

The model only rewrites sentences the deterministic writer chose; each sentence it writes names
the numbers of the source sentences it rests on. The schema lists those numbers as the only
allowed values, so llama.cpp's constrained decoding cannot cite a sentence that was not given.
"sources" comes before "text" in each item: the model picks its sources first and writes from them.

The statements are shown grouped under each speaker's name, and each sentence of the answer must
open with the name of the speaker whose statements it cites (a pattern in the schema): the model
can still condense badly, but it cannot lend one person's point to another.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

from pipeline.summarize.local.wording import wording_for

Task = Literal["summary", "topic_points"]
TASKS: tuple[Task, ...] = ("summary", "topic_points")
# A guard against a runaway sentence (about 60 words); the prompt asks for at most 30.
MAX_CHARS = 400


@dataclass(frozen=True, slots=True)
class SourceSentence:
    """One sentence chosen by the deterministic writer: its number, who said it (display name), what was said."""

    id: int
    speaker: str
    text: str


@dataclass(frozen=True, slots=True)
class _TaskSpec:
    max_sentences: int | None  # None: at most one per source
    tokens_per_sentence: int = 75  # 30 French words ~ 50 tokens, plus the JSON around them


_TASKS: dict[Task, _TaskSpec] = {"summary": _TaskSpec(max_sentences=5), "topic_points": _TaskSpec(max_sentences=None)}


def _bounds(task: Task, count: int) -> tuple[int, int]:
    spec = _TASKS[task]
    high = min(spec.max_sentences or count, count)
    return (min(3, high) if spec.max_sentences else 1), high


# What may follow the name: anything but a quote or a backslash, so the grammar never ends the JSON string early.
_PLAIN = r'[^"\\]'


def _literal(text: str) -> str:
    """`text` as a regular expression matching itself, escaping only what every regex dialect reads alike."""
    return re.sub(r"([.^$*+?()\[\]{}|\\-])", r"\\\1", text)


def _sentence(speaker: str, ids: list[int]) -> dict[str, Any]:
    """One sentence about one speaker: it cites only that speaker's statements and opens with the name."""
    return {
        "type": "object",
        "additionalProperties": False,
        "required": ["sources", "text"],
        "properties": {
            "sources": {"type": "array", "items": {"enum": ids}, "minItems": 1, "maxItems": 4},
            "text": {"type": "string", "pattern": f"^{_literal(speaker)} {_PLAIN}*$", "maxLength": MAX_CHARS},
        },
    }


def answer_schema(task: Task, sources: tuple[SourceSentence, ...]) -> dict[str, Any]:
    """The answer's JSON schema: sentences, each opening with a speaker's name and citing only that speaker.

    One variant per speaker, the statements' ids being disjoint: the first id the model cites picks the
    speaker, whose name must then begin the sentence. So a point cannot be lent to someone else.
    """
    low, high = _bounds(task, len(sources))
    variants = [_sentence(speaker, [s.id for s in said]) for speaker, said in _by_speaker(sources).items()]
    items = variants[0] if len(variants) == 1 else {"anyOf": variants}
    return {
        "type": "object",
        "additionalProperties": False,
        "required": ["sentences"],
        "properties": {"sentences": {"type": "array", "items": items, "minItems": low, "maxItems": high}},
    }


def max_tokens(task: Task, count: int) -> int:
    """The answer's token budget: enough for its longest allowed form, bounded so a runaway answer stops."""
    return _bounds(task, count)[1] * _TASKS[task].tokens_per_sentence + 32


def _by_speaker(sources: tuple[SourceSentence, ...]) -> dict[str, list[SourceSentence]]:
    """The sources grouped by speaker, speakers in the order they first speak, each one's sources in order."""
    grouped: dict[str, list[SourceSentence]] = {}
    for source in sources:
        grouped.setdefault(source.speaker, []).append(source)
    return grouped


def messages(task: Task, language: str, sources: tuple[SourceSentence, ...]) -> list[dict[str, str]]:
    """The chat messages for `task` over `sources`, in `language`: the statements grouped under each speaker."""
    wording, language_label = wording_for(language)
    low, high = _bounds(task, len(sources))
    span = wording.span.format(low=low, high=high) if low < high else str(high)
    blocks = [
        f"{speaker}:\n" + "\n".join(f"[{s.id}] {' '.join(s.text.split())}" for s in said)
        for speaker, said in _by_speaker(sources).items()
    ]
    instruction = (wording.summary if task == "summary" else wording.topic_points).format(span=span)
    return [
        {"role": "system", "content": wording.system.format(language=language_label)},
        {"role": "user", "content": f"{instruction}\n\n{wording.statements}\n\n" + "\n\n".join(blocks)},
    ]
