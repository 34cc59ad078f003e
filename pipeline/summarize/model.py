"""The minutes: what a secretary sends after a meeting, as frozen, JSON-round-trippable data.

A :class:`Summarizer` reads a speaker-attributed transcript and returns a :class:`Digest`
(summary, topics, decisions, actions, open questions); :func:`build_minutes` adds the meeting's
facts (title, date, participants and their speaking time) and the full transcript.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from typing import Protocol

from pipeline.types import SpeakerTranscript


@dataclass(frozen=True, slots=True)
class MeetingMeta:
    """Facts about the meeting that the recording does not tell.

    Attributes:
        title: Document title; a localised "Meeting minutes" when None.
        client: The client the minutes are written for.
        held_on: Meeting date; relative due dates ("by Friday") are resolved against it.
        start_time: Time the meeting started, if known.
        language: ISO 639-1 code overriding the transcript's detected language.
        models: Models that produced the transcript (ASR, diarization), shown in the document.
        write_in: The language the client reads (a client's ``minutes_language``) when it is not
            the spoken one: a writer that can translate writes in it; None is the spoken language.
    """

    title: str | None = None
    client: str | None = None
    held_on: date | None = None
    start_time: time | None = None
    language: str | None = None
    models: tuple[str, ...] = ()
    write_in: str | None = None


@dataclass(frozen=True, slots=True)
class Participant:
    """A speaker, with the time they spoke and their share of all speech (0..1)."""

    name: str
    speaker: str
    speaking_time: float
    share: float


@dataclass(frozen=True, slots=True)
class Statement:
    """A sentence-level item (key point, decision, open question) tied to where it was said."""

    text: str
    start: float
    end: float
    speaker: str | None = None
    # False for an item the reviewer wrote: its times only keep its place, it was not said there.
    timed: bool = True


@dataclass(frozen=True, slots=True)
class ActionItem:
    """Something someone must do.

    Attributes:
        text: What must be done.
        owner: Who does it (a participant's display name or a person named in the meeting).
        due: Resolved due date, when the phrase could be resolved.
        due_text: The due phrase as said ("d'ici vendredi"), kept even when unresolved.
        start: Start of the sentence it came from (seconds).
        end: End of that sentence.
        speaker: Who said it.
        timed: False for an item the reviewer wrote (its times only keep its place).
    """

    text: str
    owner: str | None = None
    due: date | None = None
    due_text: str | None = None
    start: float = 0.0
    end: float = 0.0
    speaker: str | None = None
    timed: bool = True


@dataclass(frozen=True, slots=True)
class Topic:
    """A stretch of the meeting about one subject, with its key points."""

    title: str
    start: float
    end: float
    key_points: tuple[Statement, ...] = ()


@dataclass(frozen=True, slots=True)
class GateCounts:
    """What the faithfulness gate removed (:mod:`~pipeline.summarize.grounding`).

    Attributes:
        owners_removed: Action owners who were neither a participant nor named where the action was said.
        dues_removed: Due dates not said as a date phrase where the action was said.
        items_dropped: Decisions, actions and open questions naming what the transcript never says.
        sentences_dropped: Summary sentences, key points and topic titles likewise.
    """

    owners_removed: int = 0
    dues_removed: int = 0
    items_dropped: int = 0
    sentences_dropped: int = 0


@dataclass(frozen=True, slots=True)
class Provenance:
    """How the minutes were written.

    Attributes:
        summarizer: "offline" or "llm", the one whose output was kept.
        models: Models involved (ASR, diarization, LLM).
        fallback_reason: Why the requested summariser was not used, or None.
        gate: What the faithfulness gate removed from the summariser's output.
        written_in: The language the writer translated the summary into, when it is not the spoken
            one; None: written in the spoken language.
        reviewed_by: The person who reviewed and approved the minutes before they were sent
            (their edits are not passed through the gate); None: sent as the machine wrote them.
    """

    summarizer: str
    models: tuple[str, ...] = ()
    fallback_reason: str | None = None
    gate: GateCounts = GateCounts()
    written_in: str | None = None
    reviewed_by: str | None = None


@dataclass(frozen=True, slots=True)
class Digest:
    """What a summariser produces from a transcript."""

    summary: str
    topics: tuple[Topic, ...]
    decisions: tuple[Statement, ...]
    action_items: tuple[ActionItem, ...]
    open_questions: tuple[Statement, ...]
    provenance: Provenance


@dataclass(frozen=True, slots=True)
class SummaryContext:
    """What a summariser needs besides the transcript.

    `language` is the spoken one; `write_in`, when set, the other language the client reads, for a
    writer that can translate (the offline writer cannot: it quotes what was said).
    """

    language: str
    held_on: date | None
    participants: tuple[str, ...]
    write_in: str | None = None

    @property
    def written_language(self) -> str:
        """The language a translating writer writes in."""
        return self.write_in or self.language


class Summarizer(Protocol):
    """Role: turn a named, speaker-attributed transcript into a :class:`Digest`."""

    def summarize(self, transcript: SpeakerTranscript, context: SummaryContext) -> Digest: ...


@dataclass(frozen=True, slots=True)
class Minutes:
    """Structured minutes of one meeting, ready to be written as DOCX, Markdown, JSON ..."""

    title: str
    client: str | None
    held_on: date | None
    start_time: time | None
    duration: float
    language: str
    participants: tuple[Participant, ...]
    summary: str
    topics: tuple[Topic, ...]
    decisions: tuple[Statement, ...]
    action_items: tuple[ActionItem, ...]
    open_questions: tuple[Statement, ...]
    transcript: SpeakerTranscript
    provenance: Provenance
