"""Minutes as Markdown, as plain text, and as lossless JSON."""

from __future__ import annotations

import textwrap

from pipeline.locale.schema import DocumentLabels
from pipeline.outputs.labels import due_label, labels_for, metadata_rows, speaker_prefix
from pipeline.serialize import dumps, loads
from pipeline.summarize.humanize import format_duration, format_share, format_timestamp
from pipeline.summarize.model import Minutes

_WIDTH = 88


def to_json(minutes: Minutes) -> str:
    """Everything in the minutes (transcript included), as JSON that :func:`minutes_from_json` reads back."""
    return dumps(minutes) + "\n"


def minutes_from_json(text: str) -> Minutes:
    """Rebuild minutes from :func:`to_json` output, e.g. to render them again without re-running ASR."""
    return loads(Minutes, text)


def _md_escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def to_markdown(minutes: Minutes) -> str:
    """The minutes as GitHub-flavoured Markdown (tables for metadata and action items)."""
    labels = labels_for(minutes.language)
    lang = minutes.language
    out = [f"# {minutes.title}", "", "| | |", "|---|---|"]
    out += [f"| **{k}** | {_md_escape(v)} |" for k, v in metadata_rows(minutes, labels)]
    out += ["", f"## {labels.summary}", "", minutes.summary, ""]
    if minutes.participants:
        out += [
            f"## {labels.participants}",
            "",
            f"| {labels.participant} | {labels.speaking_time} | {labels.share} |",
            "|---|---:|---:|",
        ]
        out += [
            f"| {_md_escape(p.name)} | {format_duration(p.speaking_time, lang)} | {format_share(p.share, lang)} |"
            for p in minutes.participants
        ]
        out.append("")
    out += [f"## {labels.decisions}", ""]
    out += [f"{i}. {d.text} `{format_timestamp(d.start)}`" for i, d in enumerate(minutes.decisions, start=1)]
    out += [] if minutes.decisions else [labels.no_decisions]
    out += ["", f"## {labels.actions}", ""]
    if minutes.action_items:
        out += [f"| {labels.action} | {labels.owner} | {labels.due} |", "|---|---|---|"]
        out += [
            f"| {_md_escape(a.text)} `{format_timestamp(a.start)}` | {_md_escape(a.owner or labels.unassigned)} "
            f"| {_md_escape(due_label(a, lang))} |"
            for a in minutes.action_items
        ]
    else:
        out.append(labels.no_actions)
    out += _md_topics(minutes, labels)
    if minutes.open_questions:
        out += ["", f"## {labels.open_questions}", ""]
        out += [f"- {q.text} `{format_timestamp(q.start)}`" for q in minutes.open_questions]
    if minutes.transcript.utterances:
        out += ["", f"## {labels.transcript}", ""]
        for utt in minutes.transcript.utterances:
            who = (
                f"**{speaker_prefix(minutes.transcript.display_name(utt.speaker), minutes.language).strip()}** "
                if utt.speaker
                else ""
            )
            out += [f"`{format_timestamp(utt.start)}` {who}{utt.text.strip()}", ""]
    return "\n".join(out).rstrip() + "\n"


def _md_topics(minutes: Minutes, labels: DocumentLabels) -> list[str]:
    if not minutes.topics:
        return []
    out = ["", f"## {labels.topics}"]
    for number, topic in enumerate(minutes.topics, start=1):
        out += [
            "",
            f"### {number}. {topic.title}",
            "",
            f"_{format_timestamp(topic.start)} – {format_timestamp(topic.end)}_",
            "",
        ]
        out += [f"- {p.text}" for p in topic.key_points]
    return out


def _underline(text: str, char: str) -> list[str]:
    return [text, char * len(text)]


def _wrapped(text: str, indent: str = "", first: str = "") -> list[str]:
    return textwrap.wrap(text, _WIDTH, initial_indent=first or indent, subsequent_indent=indent) or [first]


def to_text(minutes: Minutes) -> str:
    """The minutes as plain text, wrapped for e-mail bodies and terminals."""
    labels = labels_for(minutes.language)
    lang = minutes.language
    out = _underline(minutes.title.upper(), "=") + [""]
    rows = metadata_rows(minutes, labels)
    width = max((len(k) for k, _ in rows), default=0)
    for key, value in rows:
        out += _wrapped(value, " " * (width + 3), f"{key.ljust(width)} : ")
    out += [""] + _underline(labels.summary, "-") + _wrapped(minutes.summary) + [""]
    out += _underline(labels.decisions, "-")
    for i, d in enumerate(minutes.decisions, start=1):
        out += _wrapped(f"{d.text} [{format_timestamp(d.start)}]", "    ", f"{i:>2}. ")
    out += [] if minutes.decisions else [labels.no_decisions]
    out += [""] + _underline(labels.actions, "-")
    for a in minutes.action_items:
        out += _wrapped(f"{a.text} [{format_timestamp(a.start)}]", "    ", "  - ")
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
            out += _wrapped(f"{q.text} [{format_timestamp(q.start)}]", "    ", "  - ")
    if minutes.transcript.utterances:
        out += [""] + _underline(labels.transcript, "-")
        for utt in minutes.transcript.utterances:
            who = speaker_prefix(minutes.transcript.display_name(utt.speaker), minutes.language) if utt.speaker else ""
            out += _wrapped(f"[{format_timestamp(utt.start)}] {who}{utt.text.strip()}", "           ")
    return "\n".join(out).rstrip() + "\n"
