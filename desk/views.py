"""What the desk's templates show, built from the review store's records and minutes (pure functions)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from desk.i18n import clock_text, duration_text
from pipeline.speakers import public_labels
from pipeline.summarize import Minutes
from service.review import AuditEntry, ReviewRecord


@dataclass(frozen=True, slots=True)
class QueueRow:
    """One recording in the queue: where it links, and what the secretary reads before opening it."""

    url: str
    client: str
    title: str
    recording: str
    duration: str
    speakers: int
    waited: str
    state: str
    decided_by: str


def queue_row(record: ReviewRecord, client_name: str, now: datetime) -> QueueRow:
    since = record.decided_at or record.created_at
    return QueueRow(
        url=record_url(record),
        client=client_name,
        title=record.title,
        recording=record.recording_name,
        duration=duration_text(record.duration_s),
        speakers=record.speakers,
        waited=duration_text((now - since).total_seconds()),
        state=record.state,
        decided_by=record.decided_by or "",
    )


def record_url(record: ReviewRecord) -> str:
    return f"/c/{record.client}/r/{record.review_id}"


def speaker_names(minutes: Minutes) -> dict[str, str]:
    """Speaker id -> the name shown: the name given, else the public label ("Intervenant 2")."""
    labels = public_labels(minutes.transcript, minutes.language)
    named = dict(minutes.transcript.speaker_names)
    ids = dict.fromkeys(u.speaker for u in minutes.transcript.utterances if u.speaker)
    return {s: named.get(s) or labels.get(s) or s for s in ids}


def transcript_html(minutes: Minutes, names: Mapping[str, str], escape: Callable[[str], str]) -> str:
    """The transcript as compact HTML: one ``<p>`` per utterance, one ``<span data-t>`` per word.

    Built as one string rather than by a template loop: a 60-minute meeting has ~9,000 words, and the
    page must open in well under a second. Every piece of text goes through `escape`.
    """
    parts = []
    for u_index, utterance in enumerate(minutes.transcript.utterances):
        speaker = utterance.speaker or ""
        name = escape(names.get(speaker, speaker) or "?")
        words = (
            "".join(f'<span data-t="{w.start:.2f}">{escape(w.text.strip())}</span> ' for w in utterance.words)
            if utterance.words
            else f'<span class="untimed" data-t="{utterance.start:.2f}">{escape(utterance.text)}</span>'
        )
        parts.append(
            f'<p class="u" data-u="{u_index}"><b class="sp" data-speaker="{escape(speaker)}">{name}</b>'
            f'<time data-t="{utterance.start:.2f}">{clock_text(utterance.start)}</time> {words}</p>'
        )
    return "\n".join(parts)


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    value: str
    kind: str = "text"  # "text", "textarea" or "date"


@dataclass(frozen=True, slots=True)
class Item:
    index: int
    fields: tuple[Field, ...]


def minutes_sections(minutes: Minutes) -> dict[str, tuple[Item, ...]]:
    """The editable items of each section, in the edit API's section names."""
    return {
        "topics": tuple(
            Item(i, (Field("title", t.title), Field("text", "\n".join(p.text for p in t.key_points), "textarea")))
            for i, t in enumerate(minutes.topics)
        ),
        "decisions": tuple(Item(i, (Field("text", d.text, "textarea"),)) for i, d in enumerate(minutes.decisions)),
        "actions": tuple(
            Item(
                i,
                (
                    Field("text", a.text, "textarea"),
                    Field("owner", a.owner or ""),
                    Field("due", a.due.isoformat() if a.due else "", "date"),
                    Field("due_text", a.due_text or ""),
                ),
            )
            for i, a in enumerate(minutes.action_items)
        ),
        "questions": tuple(Item(i, (Field("text", q.text, "textarea"),)) for i, q in enumerate(minutes.open_questions)),
    }


def describe_edit(edit: Mapping[str, Any]) -> str:
    """One line saying what an edit changed, for the audit trail (shown escaped)."""
    op = str(edit.get("op", "?"))
    if op == "word":
        return f"{op} #{edit.get('u')}.{edit.get('w')} → “{edit.get('text', '')}”"
    if op == "rename_speaker":
        return f"{op} {edit.get('speaker')} → “{edit.get('name', '')}”"
    if op == "merge_speakers":
        return f"{op} {edit.get('speaker')} → {edit.get('into')}"
    if op in ("summary", "template"):
        value = str(edit.get("text", edit.get("value", "")))
        return f"{op}: “{value[:80]}{'…' if len(value) > 80 else ''}”"
    if op.startswith("item_"):
        fields = edit.get("fields") or {}
        shown = ", ".join(f"{k}=“{str(v)[:60]}”" for k, v in fields.items()) if isinstance(fields, dict) else ""
        to = f" → {edit.get('to')}" if op == "item_move" else ""
        return f"{op} {edit.get('section')}[{edit.get('index')}]{to} {shown}".rstrip()
    return op


@dataclass(frozen=True, slots=True)
class AuditLine:
    at: str
    who: str
    what: str


def audit_line(entry: AuditEntry) -> AuditLine:
    at = entry.at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    return AuditLine(at, entry.who, describe_edit(entry.edit))


def utc_now() -> datetime:
    return datetime.now(UTC)
