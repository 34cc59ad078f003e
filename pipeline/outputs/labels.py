"""Shared formatting of the documents' fixed words (the words themselves are in ``pipeline.locale``)."""

from __future__ import annotations

from pipeline.locale import language_name, locale_for
from pipeline.locale.schema import DocumentLabels
from pipeline.summarize.humanize import format_date, format_duration, join_names
from pipeline.summarize.model import ActionItem, Minutes


def labels_for(language: str) -> DocumentLabels:
    """The document labels of `language`; English for languages without their own."""
    return locale_for(language).document


def drafted_by(minutes: Minutes, labels: DocumentLabels) -> str:
    """How the minutes were written, in words."""
    if minutes.provenance.fallback_reason:
        return labels.fallback
    return labels.llm if minutes.provenance.summarizer == "llm" else labels.offline


def due_label(item: ActionItem, language: str) -> str:
    """The due date as a date when resolved, else as said, else empty."""
    if item.due is not None:
        return format_date(item.due, language)
    return item.due_text or ""


def metadata_rows(minutes: Minutes, labels: DocumentLabels) -> tuple[tuple[str, str], ...]:
    """(label, value) rows of the metadata table; rows without a value are left out."""
    lang = minutes.language
    rows = [
        (labels.client, minutes.client or ""),
        (labels.date, format_date(minutes.held_on, lang) if minutes.held_on else ""),
        (labels.time, minutes.start_time.strftime("%H:%M") if minutes.start_time else ""),
        (labels.duration, format_duration(minutes.duration, lang) if minutes.duration else ""),
        (labels.participants, join_names([p.name for p in minutes.participants], lang)),
        (labels.language, language_name(minutes.language, lang)),
        (labels.models, ", ".join(minutes.provenance.models)),
        (labels.drafted_by, drafted_by(minutes, labels)),
    ]
    return tuple((k, v) for k, v in rows if v)


def speaker_prefix(name: str, language: str) -> str:
    """ "Marie : " in French typography, "Marie: " in English."""
    return f"{name}{locale_for(language).separator}"
