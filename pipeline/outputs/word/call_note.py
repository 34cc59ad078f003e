"""Note d'appel: a phone message form (caller, subject, request, callback number and time), then the message."""

from __future__ import annotations

from typing import Any

from pipeline.outputs.call_note import read_call_note
from pipeline.outputs.labels import View
from pipeline.outputs.word.base import actions, heading, label_table, paragraph, title_block


def render(document: Any, view: View) -> None:
    minutes, labels, words = view.minutes, view.labels, view.locale.call
    note = read_call_note(minutes)
    title_block(document, view)
    rows = (
        (labels.date, view.date() or words.not_given),
        (labels.time, minutes.start_time.strftime("%H:%M") if minutes.start_time else words.not_given),
        (words.caller, note.caller or words.not_given),
        (words.subject, note.subject or words.not_given),
        (words.request, note.request or words.not_given),
        (words.callback_number, note.callback_number or words.not_given),
        (words.callback_time, note.callback_time or words.not_given),
    )
    label_table(document, rows)
    heading(document, words.message, 1)
    paragraph(document, minutes.summary)
    if minutes.action_items:
        actions(document, view, words.to_do)
