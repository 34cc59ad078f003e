"""Compte rendu détaillé: summary, participants, decisions, actions, topics, open questions, transcript."""

from __future__ import annotations

from typing import Any

from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.shared import Cm, Pt

from pipeline.outputs.labels import View, speaker_prefix, speaking_time
from pipeline.outputs.word.base import (
    actions,
    decisions,
    heading,
    metadata,
    paragraph,
    row,
    small_grey,
    stamp,
    table,
    title_block,
)
from pipeline.summarize.humanize import format_share, format_timestamp

_PEOPLE_WIDTHS = (Cm(8.0), Cm(5.0), Cm(4.0))


def render(document: Any, view: View) -> None:
    title_block(document, view)
    metadata(document, view)
    heading(document, view.labels.summary, 1)
    paragraph(document, view.minutes.summary)
    _participants(document, view)
    decisions(document, view)
    actions(document, view)
    _topics(document, view)
    _open_questions(document, view)
    transcript(document, view)


def _participants(document: Any, view: View) -> None:
    minutes, labels = view.minutes, view.labels
    if not minutes.participants:
        return
    heading(document, labels.participants, 1)
    grid = table(document, _PEOPLE_WIDTHS, (labels.participant, labels.speaking_time, labels.share))
    for person in minutes.participants:
        values = (
            person.name,
            speaking_time(minutes, person.speaking_time, view.language),
            format_share(person.share, view.language),
        )
        for cell in row(grid, values, _PEOPLE_WIDTHS).cells[1:]:
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT


def _topics(document: Any, view: View) -> None:
    if not view.minutes.topics:
        return
    heading(document, view.labels.topics, 1)
    for number, topic in enumerate(view.minutes.topics, start=1):
        heading(document, f"{number}. {topic.title}", 2)
        span = paragraph(document, "")
        span.paragraph_format.keep_with_next = True
        small_grey(span.add_run(f"{format_timestamp(topic.start)} – {format_timestamp(topic.end)}"))
        for point in topic.key_points:
            paragraph(document, point.text, "List Bullet")


def _open_questions(document: Any, view: View) -> None:
    if not view.minutes.open_questions:
        return
    heading(document, view.labels.open_questions, 1)
    for question in view.minutes.open_questions:
        stamp(paragraph(document, question.text, "List Bullet"), question)


def transcript(document: Any, view: View) -> None:
    """The timed transcript on pages of its own, each speaker's name in bold."""
    st = view.minutes.transcript
    if not st.utterances:
        return
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    heading(document, view.labels.transcript, 1)
    for utt in st.utterances:
        line = document.add_paragraph()
        line.paragraph_format.space_after = Pt(3)
        small_grey(line.add_run(f"[{format_timestamp(utt.start)}]  "))
        if utt.speaker is not None:
            line.add_run(speaker_prefix(st.display_name(utt.speaker), view.language)).bold = True
        line.add_run(utt.text.strip())
        if utt.overlap:
            small_grey(line.add_run(f" {view.labels.overlap}"))
