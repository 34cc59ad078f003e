"""What the local model is asked: per task, the instruction, the answer's JSON schema and its token budget.

The model only rewrites sentences the deterministic writer chose; each sentence it writes names
the numbers of the source sentences it rests on. The schema lists those numbers as the only
allowed values, so llama.cpp's constrained decoding cannot cite a sentence that was not given.
"sources" comes before "text" in each item: the model picks its sources first and writes from them.

Instructions are in English (a 1.5B model follows them best there); the output language, and a
model sentence in that language, are named in the prompt.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from pipeline.locale import language_name, normalise_language

Task = Literal["summary", "topic_points"]
TASKS: tuple[Task, ...] = ("summary", "topic_points")


@dataclass(frozen=True, slots=True)
class SourceSentence:
    """One sentence chosen by the deterministic writer: its number, who said it (display name), what was said."""

    id: int
    speaker: str
    text: str


@dataclass(frozen=True, slots=True)
class _TaskSpec:
    instruction: str
    max_sentences: int | None  # None: at most one per source
    tokens_per_sentence: int = 90


_TASKS: dict[Task, _TaskSpec] = {
    "summary": _TaskSpec(
        "Write ONE paragraph of {span} sentences that summarises these statements: "
        "who argued, proposed or concluded what. Merge statements that make the same point.",
        max_sentences=6,
    ),
    "topic_points": _TaskSpec(
        "Rewrite the statements as the key points of one topic of the minutes, in their order: "
        "one clean sentence per point, at most one per statement; merge statements that make the same point.",
        max_sentences=None,
    ),
}

_SYSTEM = (
    "You are a professional minute-taker. You rewrite numbered statements from a meeting or a debate "
    "into the minutes, written in {language}. Rules: third person, reported speech, factual and neutral, "
    "no emotion and no opinion of your own. Name the speaker of each position with his or her full name "
    "as given and a reporting verb. Use only the facts, names, numbers, dates and places in the statements: "
    "never add any. Leave out hesitations, fillers, repetitions and questions to the audience. "
    'In "sources", list the numbers of the statements each sentence is based on. Answer with JSON only.'
)

# One model sentence per language: the register the minutes are written in.
_EXAMPLES = {
    "fr": "Exemple de style : « Jordan Bardella estime que la hausse des prix pèse sur les ménages. »",
    "en": 'Style example: "Marie Dupont proposes postponing the launch until the budget is approved."',
}


def _bounds(task: Task, count: int) -> tuple[int, int]:
    spec = _TASKS[task]
    high = min(spec.max_sentences or count, count)
    return (min(3, high) if spec.max_sentences else 1), high


def answer_schema(task: Task, ids: tuple[int, ...]) -> dict[str, Any]:
    """The answer's JSON schema: sentences, each citing at least one of `ids`."""
    low, high = _bounds(task, len(ids))
    sentence = {
        "type": "object",
        "additionalProperties": False,
        "required": ["sources", "text"],
        "properties": {
            "sources": {"type": "array", "items": {"enum": list(ids)}, "minItems": 1, "maxItems": 4},
            "text": {"type": "string", "minLength": 1, "maxLength": 400},
        },
    }
    return {
        "type": "object",
        "additionalProperties": False,
        "required": ["sentences"],
        "properties": {"sentences": {"type": "array", "items": sentence, "minItems": low, "maxItems": high}},
    }


def max_tokens(task: Task, count: int) -> int:
    """The answer's token budget: enough for its longest allowed form, bounded so a runaway answer stops."""
    return _bounds(task, count)[1] * _TASKS[task].tokens_per_sentence + 32


def messages(task: Task, language: str, sources: tuple[SourceSentence, ...]) -> list[dict[str, str]]:
    """The chat messages for `task` over `sources`, asking for minutes in `language`."""
    code = normalise_language(language)
    low, high = _bounds(task, len(sources))
    system = _SYSTEM.format(language=language_name(code, "en"))
    example = _EXAMPLES.get(code)
    lines = "\n".join(f"[{s.id}] {s.speaker}: {' '.join(s.text.split())}" for s in sources)
    user = _TASKS[task].instruction.format(span=f"{low} to {high}" if low < high else str(high))
    return [
        {"role": "system", "content": system + (f"\n{example}" if example else "")},
        {"role": "user", "content": f"{user}\n\nStatements:\n{lines}"},
    ]
