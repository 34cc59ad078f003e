"""Relevé de décisions: a short header, then the decisions and the action items only."""

from __future__ import annotations

from typing import Any

from pipeline.outputs.labels import View
from pipeline.outputs.word.base import actions, decisions, label_table, title_block
from pipeline.summarize.humanize import join_names


def render(document: Any, view: View) -> None:
    minutes, labels = view.minutes, view.labels
    title_block(document, view)
    rows = (
        (labels.date, view.date()),
        (labels.time, minutes.start_time.strftime("%H:%M") if minutes.start_time else ""),
        (labels.participants, join_names([p.name for p in minutes.participants], view.language)),
    )
    label_table(document, tuple((k, v) for k, v in rows if v))
    decisions(document, view)
    actions(document, view)
