"""What every writer of one document shares: its type, the language of its words, its title and fixed rows.

The words themselves are in :mod:`pipeline.locale`. The language of the labels (``View.language``)
may differ from the language that was spoken (``Minutes.language``): a client's minutes carry
its own language's labels whatever the meeting's language; the summary's text stays as written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from pipeline.locale import language_name, locale_for, locales, normalise_language
from pipeline.locale.schema import DocumentLabels, Locale, lookup
from pipeline.outputs.kinds import DETAILED, parse_document_type
from pipeline.summarize.humanize import format_date, format_duration, format_timestamp, join_names
from pipeline.summarize.model import ActionItem, Minutes, Statement, Topic


@dataclass(frozen=True, slots=True)
class View:
    """One document to write: the minutes, the document type, and the language of its words.

    Attributes:
        minutes: What the document says.
        kind: A document type id (:data:`pipeline.outputs.kinds.DOCUMENT_TYPES`).
        language: Normalised code of the labels, dates and fixed sentences.
    """

    minutes: Minutes
    kind: str
    language: str

    @property
    def locale(self) -> Locale:
        return locale_for(self.language)

    @property
    def labels(self) -> DocumentLabels:
        return self.locale.document

    @property
    def kind_name(self) -> str:
        """ "Relevé de décisions", "Phone message"."""
        return lookup(self.labels.kinds, self.kind, self.kind)

    @property
    def title(self) -> str:
        """The minutes' own title, or this type's default title in the labels' language when it was given none."""
        if is_default_title(self.minutes.title):
            return lookup(self.labels.titles, self.kind, self.minutes.title)
        return self.minutes.title

    def date(self) -> str:
        """The meeting date in words ("mercredi 12 mars 2025"), empty when unknown."""
        held_on = self.minutes.held_on
        return format_date(held_on, self.language) if held_on else ""


def view_of(minutes: Minutes, document_type: str = DETAILED, language: str | None = None) -> View:
    """The view of `minutes` as a `document_type` document with `language`'s words (default: the minutes' own).

    Raises:
        DocumentError: `document_type` names no document type.
    """
    return View(minutes, parse_document_type(document_type), normalise_language(language or minutes.language))


def is_default_title(title: str) -> bool:
    """Whether `title` is a default title of some language and type (the minutes were given none)."""
    defaults = {loc.default_title for loc in locales()} | {t for loc in locales() for _, t in loc.document.titles}
    return title in defaults


def drafted_by(minutes: Minutes, labels: DocumentLabels) -> str:
    """How the minutes were written, in words (operator view only)."""
    if minutes.provenance.fallback_reason:
        return labels.fallback
    # A language model, served or local ("llm", "local"), wrote it unless the offline writer did.
    return labels.offline if minutes.provenance.summarizer == "offline" else labels.llm


def reviewed_line(view: View) -> str:
    """ "Relu par Claire Martin" when a person reviewed the minutes before they were sent, else empty."""
    who = view.minutes.provenance.reviewed_by
    return f"{view.labels.reviewed_by} {who}" if who else ""


def said_at(item: Statement | ActionItem, pattern: str = " [{}]") -> str:
    """Where in the recording an item was said, as `pattern`; "" for an item the reviewer wrote."""
    return pattern.format(format_timestamp(item.start)) if item.timed else ""


def due_label(item: ActionItem, language: str) -> str:
    """The due date as a date when resolved, else as said, else empty."""
    if item.due is not None:
        return format_date(item.due, language)
    return item.due_text or ""


def format_clock(moment: time, language: str) -> str:
    """A time of day in a sentence: "9 h 30" in French, "09:30" in English."""
    return locale_for(language).dates.clock.format(hour=moment.hour, minute=moment.minute)


def end_time(minutes: Minutes) -> time | None:
    """When the meeting ended: its start time plus the recording's duration, if the start is known."""
    if minutes.start_time is None or minutes.held_on is None:
        return None
    started = datetime.combine(minutes.held_on, minutes.start_time)
    return (started + timedelta(seconds=minutes.duration)).time().replace(second=0, microsecond=0)


def topic_decisions(minutes: Minutes) -> tuple[tuple[tuple[Topic, tuple[Statement, ...]], ...], tuple[Statement, ...]]:
    """Each topic with the decisions taken while it was discussed, and the decisions outside every topic."""
    placed: list[tuple[Topic, tuple[Statement, ...]]] = []
    taken: set[int] = set()
    for topic in minutes.topics:
        inside = tuple(d for d in minutes.decisions if topic.start <= d.start < topic.end and id(d) not in taken)
        taken.update(id(d) for d in inside)
        placed.append((topic, inside))
    return tuple(placed), tuple(d for d in minutes.decisions if id(d) not in taken)


def timed(minutes: Minutes) -> bool:
    """Whether the meeting's times were measured (a recording, a timed transcript), not estimated."""
    return minutes.transcript.timed


def speaking_time(minutes: Minutes, seconds: float, language: str) -> str:
    """A participant's speaking time, or a dash when the times are estimates (the share still holds)."""
    return format_duration(seconds, language) if timed(minutes) else "—"


def metadata_rows(view: View) -> tuple[tuple[str, str], ...]:
    """(label, value) rows of page 1's table: date, time, duration, participants, language; empty rows left out.

    The client's name is in the title block and the models in the operator's view, not here.
    """
    minutes, labels, lang = view.minutes, view.labels, view.language
    rows = [
        (labels.date, view.date()),
        (labels.time, minutes.start_time.strftime("%H:%M") if minutes.start_time else ""),
        # A transcript file without times has estimated ones: no duration is stated from them.
        (labels.duration, format_duration(minutes.duration, lang) if minutes.duration and timed(minutes) else ""),
        (labels.participants, join_names([p.name for p in minutes.participants], lang)),
        (labels.language, language_name(minutes.language, lang)),
    ]
    return tuple((k, v) for k, v in rows if v)


def provenance_rows(minutes: Minutes, language: str | None = None) -> tuple[tuple[str, str], ...]:
    """(label, value) rows saying how the minutes were made (models, writer, what the faithfulness
    gate removed), for the operator, never the client."""
    labels = locale_for(language or minutes.language).document
    gate = minutes.provenance.gate
    counts = labels.gate_counts.format(
        owners=gate.owners_removed, dues=gate.dues_removed, items=gate.items_dropped, sentences=gate.sentences_dropped
    )
    rows = [
        (labels.models, ", ".join(minutes.provenance.models)),
        (labels.drafted_by, drafted_by(minutes, labels)),
        (labels.gate, counts),
        (labels.translated, minutes.provenance.written_in or ""),
    ]
    return tuple((k, v) for k, v in rows if v)


def speaker_prefix(name: str, language: str) -> str:
    """ "Marie : " in French typography, "Marie: " in English."""
    return f"{name}{locale_for(language).separator}"
