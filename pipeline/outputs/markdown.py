"""Minutes as GitHub-flavoured Markdown, in the same document types as the Word document."""

from __future__ import annotations

from collections.abc import Callable

from pipeline.outputs.call_note import read_call_note
from pipeline.outputs.kinds import CALL_NOTE, DECISIONS, DETAILED, FORMAL
from pipeline.outputs.labels import (
    View,
    due_label,
    end_time,
    format_clock,
    metadata_rows,
    said_at,
    speaker_prefix,
    speaking_time,
    topic_decisions,
    view_of,
)
from pipeline.summarize.humanize import format_share, format_timestamp, join_names
from pipeline.summarize.model import Minutes


def to_markdown(minutes: Minutes, *, document_type: str = DETAILED, language: str | None = None) -> str:
    """The minutes as Markdown (tables for the header and the action items).

    Args:
        minutes: The minutes to write.
        document_type: "detailed", "decisions", "formal" or "call_note" (or a French or English name of one).
        language: The language of the labels and dates (default: the minutes' own).

    Raises:
        DocumentError: an unknown document type.
    """
    view = view_of(minutes, document_type, language)
    out = [f"# {view.title}", ""]
    subtitle = " · ".join(x for x in (view.kind_name, minutes.client) if x)
    out += [f"_{_escape(subtitle)}_", ""]
    out += _LAYOUTS[view.kind](view)
    return "\n".join(out).rstrip() + "\n"


def _escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _rows(rows: tuple[tuple[str, str], ...]) -> list[str]:
    return ["| | |", "|---|---|", *(f"| **{k}** | {_escape(v)} |" for k, v in rows if v), ""]


def _time(view: View) -> str:
    start = view.minutes.start_time
    return start.strftime("%H:%M") if start else ""


def _decisions(view: View, heading: str = "##") -> list[str]:
    out = [f"{heading} {view.labels.decisions}", ""]
    out += [f"{i}. {d.text}{said_at(d, ' `{}`')}" for i, d in enumerate(view.minutes.decisions, start=1)]
    return out + ([] if view.minutes.decisions else [view.labels.no_decisions]) + [""]


def _actions(view: View, title: str | None = None) -> list[str]:
    labels = view.labels
    out = [f"## {title or labels.actions}", ""]
    if not view.minutes.action_items:
        return [*out, labels.no_actions, ""]
    out += [f"| {labels.action} | {labels.owner} | {labels.due} |", "|---|---|---|"]
    out += [
        f"| {_escape(a.text)}{said_at(a, ' `{}`')} | {_escape(a.owner or labels.unassigned)} "
        f"| {_escape(due_label(a, view.language))} |"
        for a in view.minutes.action_items
    ]
    return [*out, ""]


def _detailed(view: View) -> list[str]:
    minutes, labels, lang = view.minutes, view.labels, view.language
    out = _rows(metadata_rows(view)) + [f"## {labels.summary}", "", minutes.summary, ""]
    if minutes.participants:
        out += [f"## {labels.participants}", "", f"| {labels.participant} | {labels.speaking_time} | {labels.share} |"]
        out.append("|---|---:|---:|")
        out += [
            f"| {_escape(p.name)} | {speaking_time(minutes, p.speaking_time, lang)} | {format_share(p.share, lang)} |"
            for p in minutes.participants
        ]
        out.append("")
    out += _decisions(view) + _actions(view)
    if minutes.topics:
        out += [f"## {labels.topics}", ""]
        for number, topic in enumerate(minutes.topics, start=1):
            out += [
                f"### {number}. {topic.title}",
                "",
                f"_{format_timestamp(topic.start)} – {format_timestamp(topic.end)}_",
            ]
            out += ["", *(f"- {p.text}" for p in topic.key_points), ""]
    if minutes.open_questions:
        out += [f"## {labels.open_questions}", ""]
        out += [f"- {q.text}{said_at(q, ' `{}`')}" for q in minutes.open_questions] + [""]
    if minutes.transcript.utterances:
        out += [f"## {labels.transcript}", ""]
        for utt in minutes.transcript.utterances:
            name = minutes.transcript.display_name(utt.speaker)
            who = f"**{speaker_prefix(name, lang).strip()}** " if utt.speaker else ""
            out += [f"`{format_timestamp(utt.start)}` {who}{utt.text.strip()}", ""]
    return out


def _short(view: View) -> list[str]:
    minutes, labels = view.minutes, view.labels
    people = join_names([p.name for p in minutes.participants], view.language)
    rows = ((labels.date, view.date()), (labels.time, _time(view)), (labels.participants, people))
    return _rows(rows) + _decisions(view) + _actions(view)


def _formal(view: View) -> list[str]:
    minutes, labels, words, sep = view.minutes, view.labels, view.locale.formal, view.locale.separator
    out = _rows(((labels.date, view.date()), (labels.time, _time(view))))
    out += [f"## {words.present}", "", *(f"- {p.name}" for p in minutes.participants), ""]
    if minutes.start_time is not None:
        out += [words.opening.format(time=format_clock(minutes.start_time, view.language)), ""]
    out += [f"## {words.agenda}", ""]
    out += [f"{n}. {t.title}" for n, t in enumerate(minutes.topics, start=1)] or [words.no_agenda]
    placed, others = topic_decisions(minutes)
    if placed or others:
        out += ["", f"## {words.proceedings}"]
    for number, (topic, decided) in enumerate(placed, start=1):
        out += ["", f"### {number}. {topic.title}", ""]
        for said in sorted([*topic.key_points, *decided], key=lambda s: s.start):
            decision = any(said is d for d in decided)
            out.append(f"**{words.decision}{sep}**{said.text}" if decision else f"- {said.text}")
    if others:
        out += ["", f"### {words.other_decisions}", ""]
        out += [f"**{words.decision}{sep}**{d.text}" for d in others]
    out.append("")
    if minutes.action_items:
        out += _actions(view, words.follow_up)
    ended = end_time(minutes)
    out += [words.closing.format(time=format_clock(ended, view.language)) if ended else words.closing_untimed, ""]
    out += [
        f"| {words.chair} | {words.secretary} |",
        "|---|---|",
        f"| {words.signature}{sep} | {words.signature}{sep} |",
    ]
    return out


def _call_note(view: View) -> list[str]:
    minutes, labels, words = view.minutes, view.labels, view.locale.call
    note = read_call_note(minutes)
    rows = (
        (labels.date, view.date() or words.not_given),
        (labels.time, _time(view) or words.not_given),
        (words.caller, note.caller or words.not_given),
        (words.subject, note.subject or words.not_given),
        (words.request, note.request or words.not_given),
        (words.callback_number, note.callback_number or words.not_given),
        (words.callback_time, note.callback_time or words.not_given),
    )
    out = _rows(rows) + [f"## {words.message}", "", minutes.summary, ""]
    return out + (_actions(view, words.to_do) if minutes.action_items else [])


_LAYOUTS: dict[str, Callable[[View], list[str]]] = {
    DETAILED: _detailed,
    DECISIONS: _short,
    FORMAL: _formal,
    CALL_NOTE: _call_note,
}
