"""The shape of one language's wording: every table a language module must fill.

Each field is a fixed word, a sentence, or a ``str.format`` template whose named fields the
code fills in. Tables keyed by something (language names, file states, failure kinds) are
tuples of (key, text) pairs, so that a missing key in one language is caught by the tests.
"""

from __future__ import annotations

from dataclasses import dataclass

Pairs = tuple[tuple[str, str], ...]


def lookup(pairs: Pairs, key: str, default: str) -> str:
    """The text of `key` in a (key, text) table, or `default`."""
    return next((text for k, text in pairs if k == key), default)


@dataclass(frozen=True, slots=True)
class DateWords:
    """Calendar words and date layouts.

    Attributes:
        months: January to December.
        weekdays: Monday to Sunday.
        first_of_month: How the 1st is written in a long date ("1er" in French).
        long_date: Template with ``weekday``, ``day``, ``month``, ``year``.
        short_date: Template with ``day``, ``month`` (number), ``mon`` (abbreviated name), ``year``.
        numeric_date: Template with ``day``, ``month`` and ``year`` as numbers (email subjects).
        clock: A time of day in a sentence, template with ``hour`` and ``minute`` ("9 h 30", "09:30").
    """

    months: tuple[str, ...]
    weekdays: tuple[str, ...]
    first_of_month: str
    long_date: str
    short_date: str
    numeric_date: str
    clock: str


@dataclass(frozen=True, slots=True)
class DocumentLabels:
    """Every fixed word of the minutes documents (DOCX, Markdown, text).

    Attributes:
        kinds: Document type id ("detailed", "decisions", "formal", "call_note") -> its name,
            shown under the title and in the page header.
        titles: Document type id -> the title of a document that was given none.
        models: Operator view only (the client's documents do not name models), as are
            drafted_by, offline, llm, fallback, gate, gate_counts and translated.
        gate_counts: What the faithfulness gate removed, with ``owners``, ``dues``, ``items`` and
            ``sentences`` (see :class:`pipeline.summarize.model.GateCounts`).
    """

    document: str
    client: str
    date: str
    time: str
    duration: str
    participants: str
    language: str
    models: str
    drafted_by: str
    summary: str
    decisions: str
    actions: str
    action: str
    owner: str
    due: str
    topics: str
    open_questions: str
    transcript: str
    participant: str
    speaking_time: str
    share: str
    page: str
    page_of: str
    no_decisions: str
    no_actions: str
    unassigned: str
    offline: str
    llm: str
    fallback: str
    gate: str
    gate_counts: str
    translated: str
    # Before the name of the person who reviewed the minutes before they were sent ("Relu par Claire").
    reviewed_by: str
    audio_track: str
    # After a transcript passage part of which was said over another speaker.
    overlap: str
    kinds: Pairs
    titles: Pairs


@dataclass(frozen=True, slots=True)
class FormalWording:
    """The procès-verbal: present, agenda, the proceedings in order, the closing formula, signatures.

    Attributes:
        opening: Template with ``time``, when the start time is known.
        closing: Template with ``time``, when the end time is known.
        closing_untimed: The closing formula without a time.
    """

    present: str
    agenda: str
    proceedings: str
    decision: str
    other_decisions: str
    follow_up: str
    no_agenda: str
    opening: str
    closing: str
    closing_untimed: str
    chair: str
    secretary: str
    signature: str


@dataclass(frozen=True, slots=True)
class CallNoteWording:
    """The phone message: who called, about what, what they ask, how and when to call back."""

    caller: str
    subject: str
    request: str
    callback_number: str
    callback_time: str
    message: str
    to_do: str
    not_given: str


@dataclass(frozen=True, slots=True)
class SummaryWording:
    """Sentences of the offline summariser: who met (``meeting`` when its length is known, ``between``
    when it is not, as for a transcript file without times) and what it says of an empty meeting."""

    meeting: str
    meeting_one: str
    between: str
    empty: str


@dataclass(frozen=True, slots=True)
class EmailWording:
    """The email that carries the minutes to a client.

    Attributes:
        subjects: Document type id -> the subject's first words.
        intros: Document type id -> template with ``title`` and ``when``.
        when: Template with ``date``, filled into an intro when the date is known.
        attached: Document type id -> what the attached document holds.
        signature: The sign-off's default, under `regards` (a client's own replaces it).
    """

    subjects: Pairs
    hello: str
    intros: Pairs
    when: str
    attached: Pairs
    regards: str
    signature: str
    confidential: str


@dataclass(frozen=True, slots=True)
class AlertWording:
    """The failure alert sent to the operators."""

    subject: str
    failed: str
    client: str
    recording: str
    date: str
    reason: str
    run: str


@dataclass(frozen=True, slots=True)
class NoteWording:
    """Notes left next to a file for the client's secretary.

    Attributes:
        separator: Between a label and its value in the plain-text notes.
        states: A recording's state ("received", "processing", "done", "failed") in words.
        reasons: Why processing failed, by kind of failure (see ``service.intake.notes``).
        intake: Why intake refused a file: "link_outside", "link" or "special".
        deleted: Template with ``day`` and ``days``, added when the retention deletes a recording.
    """

    separator: str
    failed: str
    file: str
    client: str
    when: str
    reason: str
    details: str
    advice: str
    duplicate: str
    first: str
    state: str
    dup_advice: str
    states: Pairs
    reasons: Pairs
    intake: Pairs
    deleted: str


@dataclass(frozen=True, slots=True)
class Locale:
    """Everything one language writes.

    Attributes:
        code: The normalised language code ("fr").
        tag: The BCP 47 tag documents are marked with, for spelling and hyphenation ("fr-FR").
        separator: Between a label and its value ("Owner: ", "Responsable : ").
        percent: Template with ``n``, a whole percentage.
        conjunction: The last link of a list ("A, B and C").
        speaker: The generic word for a speaker without a name ("Speaker 2").
        default_title: Title of minutes that were given none.
        language_names: Language code -> its name in this language.
    """

    code: str
    tag: str
    separator: str
    percent: str
    conjunction: str
    speaker: str
    default_title: str
    language_names: Pairs
    dates: DateWords
    document: DocumentLabels
    formal: FormalWording
    call: CallNoteWording
    summary: SummaryWording
    email: EmailWording
    alert: AlertWording
    notes: NoteWording
