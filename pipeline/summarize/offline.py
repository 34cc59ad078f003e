"""The deterministic offline summariser: extractive, rule-based, French and English.

Same transcript in, same minutes out: no model, no network. It segments the meeting into topics,
picks key points, finds decisions, action items and open questions from the language's cues,
and writes a factual summary from what it found.
"""

from __future__ import annotations

import logging

from pipeline.locale import locale_for, normalise_language
from pipeline.summarize.extract import CueExtractor
from pipeline.summarize.humanize import format_duration, join_names
from pipeline.summarize.lexicon import lexicon_for, lexicon_language
from pipeline.summarize.model import Digest, Provenance, SummaryContext, Topic
from pipeline.summarize.sentences import split_sentences
from pipeline.summarize.topics import TopicBuilder, segment
from pipeline.types import SpeakerTranscript

logger = logging.getLogger(__name__)

OFFLINE = "offline"


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
        extractor = CueExtractor(lexicon, lexicon_language(context.language), context.held_on, context.participants)
        found = extractor.extract(sentences)
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
    lang = normalise_language(context.language)
    words = locale_for(lang).summary
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
