"""Minutes as plain text (the detailed type, for email bodies and terminals) and as lossless JSON."""

from __future__ import annotations

import textwrap

from pipeline.outputs.labels import due_label, metadata_rows, said_at, speaker_prefix, view_of
from pipeline.serialize import dumps, loads
from pipeline.summarize.humanize import format_timestamp
from pipeline.summarize.model import Minutes

_WIDTH = 88


def to_json(minutes: Minutes) -> str:
    """Everything in the minutes (transcript included), as JSON that :func:`minutes_from_json` reads back."""
    return dumps(minutes) + "\n"


def minutes_from_json(text: str) -> Minutes:
    """Rebuild minutes from :func:`to_json` output, e.g. to render them again without re-running ASR."""
    return loads(Minutes, text)


def _underline(text: str, char: str) -> list[str]:
    return [text, char * len(text)]


def _wrapped(text: str, indent: str = "", first: str = "") -> list[str]:
    return textwrap.wrap(text, _WIDTH, initial_indent=first or indent, subsequent_indent=indent) or [first]


def to_text(minutes: Minutes, *, language: str | None = None) -> str:
    """The minutes as plain text, wrapped for e-mail bodies and terminals.

    Args:
        minutes: The minutes to write.
        language: The language of the labels and dates (default: the minutes' own).
    """
    view = view_of(minutes, language=language)
    labels, lang = view.labels, view.language
    out = _underline(view.title.upper(), "=") + [""]
    rows = metadata_rows(view)
    width = max((len(k) for k, _ in rows), default=0)
    for key, value in rows:
        out += _wrapped(value, " " * (width + 3), f"{key.ljust(width)} : ")
    out += [""] + _underline(labels.summary, "-") + _wrapped(minutes.summary) + [""]
    out += _underline(labels.decisions, "-")
    for i, d in enumerate(minutes.decisions, start=1):
        out += _wrapped(f"{d.text}{said_at(d)}", "    ", f"{i:>2}. ")
    out += [] if minutes.decisions else [labels.no_decisions]
    out += [""] + _underline(labels.actions, "-")
    for a in minutes.action_items:
        out += _wrapped(f"{a.text}{said_at(a)}", "    ", "  - ")
        details = speaker_prefix(labels.owner, lang) + (a.owner or labels.unassigned)
        due = due_label(a, lang)
        out.append(f"    {details}" + (f" ; {speaker_prefix(labels.due, lang)}{due}" if due else ""))
    out += [] if minutes.action_items else [labels.no_actions]
    if minutes.topics:
        out += [""] + _underline(labels.topics, "-")
        for number, topic in enumerate(minutes.topics, start=1):
            out.append(f"{number}. {topic.title} ({format_timestamp(topic.start)} – {format_timestamp(topic.end)})")
            for point in topic.key_points:
                out += _wrapped(point.text, "     ", "   - ")
    if minutes.open_questions:
        out += [""] + _underline(labels.open_questions, "-")
        for q in minutes.open_questions:
            out += _wrapped(f"{q.text}{said_at(q)}", "    ", "  - ")
    if minutes.transcript.utterances:
        out += [""] + _underline(labels.transcript, "-")
        for utt in minutes.transcript.utterances:
            who = speaker_prefix(minutes.transcript.display_name(utt.speaker), lang) if utt.speaker else ""
            out += _wrapped(f"[{format_timestamp(utt.start)}] {who}{utt.text.strip()}", "           ")
    return "\n".join(out).rstrip() + "\n"
