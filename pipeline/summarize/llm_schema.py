"""The JSON schema an LLM must answer with, the prompts that ask for it, and the answer's checks."""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any

import jsonschema

from pipeline.errors import SummarizerError
from pipeline.locale import language_name as name_of_language

TIMESTAMP = r"^\d{1,2}:\d{2}:\d{2}$"
_TS = {"type": "string", "pattern": TIMESTAMP, "description": "HH:MM:SS copied from the transcript line"}
_TEXT = {"type": "string", "minLength": 1}


def _object(properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "additionalProperties": False, "required": list(properties), "properties": properties}


def _list(item: dict[str, Any]) -> dict[str, Any]:
    return {"type": "array", "items": item}


DIGEST_SCHEMA: dict[str, Any] = _object(
    {
        "summary": _TEXT,
        "topics": _list(_object({"title": _TEXT, "start": _TS, "end": _TS, "key_points": _list(_TEXT)})),
        "decisions": _list(_object({"text": _TEXT, "at": _TS})),
        "action_items": _list(
            _object(
                {
                    "text": _TEXT,
                    "owner": {"type": ["string", "null"]},
                    "due": {"type": ["string", "null"], "description": "YYYY-MM-DD, resolved from the meeting date"},
                    "at": _TS,
                }
            )
        ),
        "open_questions": _list(_object({"text": _TEXT, "at": _TS})),
    }
)

SUMMARY_SCHEMA: dict[str, Any] = _object({"summary": _TEXT})

_SYSTEM = (
    "You write the minutes of a business meeting for a professional secretary. "
    "Use only what the transcript says; never invent names, figures or dates. "
    "Write in {language}. Each transcript line is '[HH:MM:SS] Speaker: text'. "
    "For every decision, action item and open question, give in 'at' the timestamp of the line it comes from. "
    "An action item's owner is the participant or named person who will do it (null if nobody), "
    "and its due date is an ISO date (YYYY-MM-DD) computed from the meeting date, or null. "
    "Topics are the subjects discussed, in order, with the timestamps where each starts and ends "
    "and 2 to 4 key points. Answer with JSON only."
)

_REDUCE = (
    "You merge partial summaries of one meeting into a single summary paragraph of 3 to 6 sentences, "
    "written in {language}, without adding facts. Answer with JSON only."
)


def language_name(code: str) -> str:
    """English name of a language code, for the prompt ("fr" -> "French")."""
    return name_of_language(code, "en")


def digest_messages(
    chunk: str, language: str, held_on: date | None, participants: tuple[str, ...], part: int, parts: int
) -> list[dict[str, str]]:
    """Chat messages asking for the digest of one transcript chunk."""
    facts = [
        f"Meeting date: {held_on.isoformat() if held_on else 'unknown'}",
        f"Participants: {', '.join(participants) or 'unknown'}",
    ]
    if parts > 1:
        facts.append(f"This is part {part} of {parts} of the transcript.")
    return [
        {"role": "system", "content": _SYSTEM.format(language=language_name(language))},
        {"role": "user", "content": "\n".join(facts) + "\n\nTranscript:\n" + chunk},
    ]


def reduce_messages(summaries: list[str], language: str) -> list[dict[str, str]]:
    """Chat messages asking to merge the summaries of several chunks."""
    joined = "\n\n".join(f"Part {i}: {s}" for i, s in enumerate(summaries, start=1))
    return [
        {"role": "system", "content": _REDUCE.format(language=language_name(language))},
        {"role": "user", "content": joined},
    ]


def response_format(name: str, schema: dict[str, Any]) -> dict[str, Any]:
    """The OpenAI-compatible ``response_format`` that constrains the answer to `schema`."""
    return {"type": "json_schema", "json_schema": {"name": name, "strict": True, "schema": schema}}


_FENCE = re.compile(r"^```(?:json)?\s*(.*?)\s*```$", re.DOTALL)


def parse_answer(content: Any, schema: dict[str, Any]) -> dict[str, Any]:
    """Decode the model's message and check it against `schema`.

    Raises:
        SummarizerError: the content is not JSON or does not match the schema.
    """
    if not isinstance(content, str):
        raise SummarizerError("the answer has no text content")
    fenced = _FENCE.match(content.strip())
    try:
        data = json.loads(fenced.group(1) if fenced else content)
    except json.JSONDecodeError as e:
        raise SummarizerError(f"the answer is not JSON ({e.msg} at char {e.pos})") from e
    try:
        jsonschema.validate(data, schema)
    except jsonschema.ValidationError as e:
        where = "/".join(str(p) for p in e.absolute_path) or "answer"
        raise SummarizerError(f"the answer does not match the schema at {where}: {e.message}") from e
    if not isinstance(data, dict):
        raise SummarizerError("the answer is not a JSON object")
    return data
