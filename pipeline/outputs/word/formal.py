"""Procès-verbal: present, opening, agenda, the proceedings topic by topic as they came, closing, signatures."""

from __future__ import annotations

from typing import Any

from docx.shared import Cm, Pt

from pipeline.outputs.labels import View, end_time, format_clock, topic_decisions
from pipeline.outputs.word.base import (
    actions,
    heading,
    label_table,
    paragraph,
    row,
    stamp,
    table,
    title_block,
)
from pipeline.summarize.model import Statement

_SIGNATURE_WIDTHS = (Cm(8.5), Cm(8.5))


def render(document: Any, view: View) -> None:
    minutes, labels, words = view.minutes, view.labels, view.locale.formal
    title_block(document, view)
    rows = (
        (labels.date, view.date()),
        (labels.time, minutes.start_time.strftime("%H:%M") if minutes.start_time else ""),
    )
    label_table(document, tuple((k, v) for k, v in rows if v))
    heading(document, words.present, 1)
    for person in minutes.participants:
        paragraph(document, person.name, "List Bullet")
    if minutes.start_time is not None:
        paragraph(document, words.opening.format(time=format_clock(minutes.start_time, view.language)))
    heading(document, words.agenda, 1)
    for number, topic in enumerate(minutes.topics, start=1):
        paragraph(document, f"{number}. {topic.title}")
    if not minutes.topics:
        paragraph(document, words.no_agenda)
    _proceedings(document, view)
    if minutes.action_items:
        actions(document, view, words.follow_up)
    ended = end_time(minutes)
    closing = words.closing.format(time=format_clock(ended, view.language)) if ended else words.closing_untimed
    paragraph(document, closing).paragraph_format.space_before = Pt(12)
    _signatures(document, view)


def _proceedings(document: Any, view: View) -> None:
    words = view.locale.formal
    placed, others = topic_decisions(view.minutes)
    if not placed and not others:
        return
    heading(document, words.proceedings, 1)
    for number, (topic, decided) in enumerate(placed, start=1):
        heading(document, f"{number}. {topic.title}", 2)
        said = sorted([*topic.key_points, *decided], key=lambda s: s.start)  # in the order it happened
        for statement in said:
            if any(statement is d for d in decided):
                _decision(document, statement, view)
            else:
                paragraph(document, statement.text, "List Bullet")
    if others:
        heading(document, words.other_decisions, 2)
        for decision in others:
            _decision(document, decision, view)


def _decision(document: Any, decision: Statement, view: View) -> None:
    line = paragraph(document, "")
    line.add_run(f"{view.locale.formal.decision}{view.locale.separator}").bold = True
    line.add_run(decision.text)
    stamp(line, decision)


def _signatures(document: Any, view: View) -> None:
    words = view.locale.formal
    paragraph(document, "")
    grid = table(document, _SIGNATURE_WIDTHS, (words.chair, words.secretary))
    cells = row(
        grid,
        (f"{words.signature}{view.locale.separator}", f"{words.signature}{view.locale.separator}"),
        _SIGNATURE_WIDTHS,
    )
    for cell in cells.cells:
        cell.paragraphs[0].paragraph_format.space_after = Pt(48)  # room to sign
