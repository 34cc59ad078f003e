"""The deterministic offline summariser: extractive, rule-based, French and English.

Same transcript in, same minutes out: no model, no network. It segments the meeting into topics,
picks key points, finds decisions, action items and open questions from the language's cues,
and writes a factual summary from what it found.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from pipeline.summarize.extract import CueExtractor
from pipeline.summarize.humanize import base_language, format_duration, join_names
from pipeline.summarize.lexicon import lexicon_for
from pipeline.summarize.model import Digest, Provenance, SummaryContext, Topic
from pipeline.summarize.sentences import split_sentences
from pipeline.summarize.topics import TopicBuilder, segment
from pipeline.types import SpeakerTranscript

logger = logging.getLogger(__name__)

OFFLINE = "offline"


@dataclass(frozen=True, slots=True)
class _Wording:
    meeting: str
    meeting_one: str
    topics: str
    outcome: str
    decision: tuple[str, str, str]  # zero, one, many
    action: tuple[str, str, str]
    open: tuple[str, str, str]
    empty: str


_WORDING = {
    "fr": _Wording(
        meeting="Réunion de {duration} entre {people}.",
        meeting_one="Réunion de {duration} avec {people}.",
        topics="Sujets abordés : {topics}.",
        outcome="Bilan : {decisions}, {actions}.",
        decision=("aucune décision", "une décision", "{n} décisions"),
        action=("aucune action", "une action", "{n} actions"),
        open=("", "Un point reste en suspens.", "{n} points restent en suspens."),
        empty="Aucun propos exploitable n'a été enregistré.",
    ),
    "en": _Wording(
        meeting="A {duration} meeting between {people}.",
        meeting_one="A {duration} meeting with {people}.",
        topics="Topics discussed: {topics}.",
        outcome="Outcome: {decisions}, {actions}.",
        decision=("no decision", "one decision", "{n} decisions"),
        action=("no action item", "one action item", "{n} action items"),
        open=("", "One point remains open.", "{n} points remain open."),
        empty="No usable speech was recorded.",
    ),
}


def _count(forms: tuple[str, str, str], n: int) -> str:
    return forms[min(n, 2)].format(n=n)


class OfflineSummarizer:
    """Extractive, rule-based minutes in French or English.

    Args:
        key_points: Most key points kept per topic.
    """

    def __init__(self, key_points: int = 4) -> None:
        self._key_points = key_points

    def summarize(self, transcript: SpeakerTranscript, context: SummaryContext) -> Digest:
        """Summarise a named, speaker-attributed transcript.

        Args:
            transcript: The transcript, with display names for its speakers.
            context: Language, meeting date and participants.

        Returns:
            The digest, with ``provenance.summarizer == "offline"``.
        """
        lexicon = lexicon_for(context.language)
        sentences = split_sentences(transcript)
        topics = TopicBuilder(lexicon, self._key_points).build(sentences, segment(sentences, lexicon))
        found = CueExtractor(lexicon, base_language(context.language), context.held_on, context.participants).extract(
            sentences
        )
        logger.info(
            "Offline summary: %d sentences, %d topics, %d decisions, %d actions, %d open questions",
            len(sentences),
            len(topics),
            len(found.decisions),
            len(found.action_items),
            len(found.open_questions),
        )
        summary = write_summary(
            context,
            transcript.duration,
            topics,
            len(found.decisions),
            len(found.action_items),
            len(found.open_questions),
        )
        return Digest(
            summary=summary,
            topics=topics,
            decisions=found.decisions,
            action_items=found.action_items,
            open_questions=found.open_questions,
            provenance=Provenance(summarizer=OFFLINE),
        )


def write_summary(
    context: SummaryContext,
    duration: float,
    topics: tuple[Topic, ...],
    decisions: int,
    actions: int,
    open_questions: int,
) -> str:
    """A factual paragraph: who met, for how long, about what, with what outcome.

    Args:
        context: Language and participants.
        duration: Meeting length in seconds.
        topics: The topics found.
        decisions: Number of decisions.
        actions: Number of action items.
        open_questions: Number of open questions.

    Returns:
        The summary in the meeting's language.
    """
    lang = base_language(context.language)
    words = _WORDING[lang]
    if not topics:
        return words.empty
    people = join_names(context.participants, lang)
    opening = words.meeting if len(context.participants) > 1 else words.meeting_one
    parts = [opening.format(duration=format_duration(duration, lang), people=people)] if people else []
    titles = [t.title[:1].lower() + t.title[1:] for t in topics]
    parts.append(words.topics.format(topics=join_names(titles, lang)))
    parts.append(
        words.outcome.format(decisions=_count(words.decision, decisions), actions=_count(words.action, actions))
    )
    if open_questions:
        parts.append(_count(words.open, open_questions))
    return " ".join(parts)
