"""The deterministic offline summariser: extractive, rule-based, French and English.

Same transcript in, same minutes out: no model, no network. The summary is the meeting's most
central, least redundant sentences (:mod:`~pipeline.summarize.select`), cleaned of disfluencies
and reported in the third person under their speaker's name; topics come from lexical cohesion,
their points chosen the same way; decisions, action items and open questions from the language's
cues.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from pipeline.locale import locale_for, normalise_language
from pipeline.summarize.clean import clean_spoken
from pipeline.summarize.extract import CueExtractor
from pipeline.summarize.humanize import format_duration, join_names
from pipeline.summarize.lexicon import Lexicon, lexicon_for, lexicon_language
from pipeline.summarize.model import Digest, Provenance, SummaryContext
from pipeline.summarize.reported import report, reporting_for
from pipeline.summarize.select import MAX_WORDS, MIN_WORDS, Candidate, select
from pipeline.summarize.sentences import Sentence, content_terms, split_sentences
from pipeline.summarize.topics import KEY_POINTS, TopicBuilder, segment
from pipeline.types import SpeakerTranscript

logger = logging.getLogger(__name__)

OFFLINE = "offline"
# The summary paragraph's length in words: a tenth of the meeting, within what a reader takes in at a glance.
SUMMARY_SHARE = 0.1
SUMMARY_MIN_WORDS = 60
SUMMARY_MAX_WORDS = 220
# Fewer quotable sentences than this and shorter ones are considered (a two-minute call).
FEW = 4
SHORT_MIN_WORDS = 5


def summary_budget(words: int) -> int:
    """Words the summary paragraph may hold for a meeting of `words` words."""
    return max(SUMMARY_MIN_WORDS, min(SUMMARY_MAX_WORDS, int(words * SUMMARY_SHARE)))


def candidates(sentences: tuple[Sentence, ...], lexicon: Lexicon) -> tuple[list[Candidate], list[list[str]]]:
    """The sentences fit to be quoted (cleaned, long enough, not questions) and every sentence's terms.

    A short call is made of short sentences ("This is Diane in New Jersey."): when fewer than
    :data:`FEW` are long enough, shorter ones (:data:`SHORT_MIN_WORDS`) are taken too.
    """
    cleaned = [clean_spoken(s.text, lexicon) for s in sentences]
    context = [content_terms(text, lexicon) for text in cleaned]

    def pool(min_words: int) -> list[Candidate]:
        return [
            Candidate(s.index, text, tuple(terms))
            for s, text, terms in zip(sentences, cleaned, context, strict=True)
            if min_words <= len(text.split()) <= MAX_WORDS and not text.endswith("?") and terms
        ]

    found = pool(MIN_WORDS)
    return (found if len(found) >= FEW else pool(SHORT_MIN_WORDS)), context


@dataclass(frozen=True, slots=True)
class Draft:
    """The offline digest, the (sentence, cleaned text) pairs its summary quotes, and the duration stated."""

    digest: Digest
    quoted: tuple[tuple[Sentence, str], ...]
    duration: float | None


class OfflineSummarizer:
    """Extractive, rule-based minutes in French or English.

    Args:
        key_points: Most key points kept per topic.
    """

    def __init__(self, key_points: int = KEY_POINTS) -> None:
        self._key_points = key_points

    def summarize(self, transcript: SpeakerTranscript, context: SummaryContext) -> Digest:
        """Summarise a named, speaker-attributed transcript.

        Args:
            transcript: The transcript, with display names for its speakers.
            context: Language, meeting date and participants.

        Returns:
            The digest, with ``provenance.summarizer == "offline"``.
        """
        return self.draft(transcript, context).digest

    def draft(self, transcript: SpeakerTranscript, context: SummaryContext) -> Draft:
        """The digest and the sentences its summary quotes (what a rewriting writer starts from)."""
        lexicon = lexicon_for(context.language)
        sentences = split_sentences(transcript)
        pool, terms = candidates(sentences, lexicon)
        extractor = CueExtractor(lexicon, lexicon_language(context.language), context.held_on, context.participants)
        found = extractor.extract(sentences)
        total_words = sum(len(s.text.split()) for s in sentences)
        chosen = select(pool, terms, summary_budget(total_words))
        rules = reporting_for(normalise_language(context.language))
        topics = TopicBuilder(lexicon, rules, self._key_points).build(
            sentences, segment(sentences, lexicon), pool, frozenset(c.index for c in chosen)
        )
        logger.info(
            "Offline summary: %d sentences, %d quoted, %d topics, %d decisions, %d actions, %d open questions",
            len(sentences),
            len(chosen),
            len(topics),
            len(found.decisions),
            len(found.action_items),
            len(found.open_questions),
        )
        duration = transcript.duration if transcript.timed else None
        quoted = tuple((sentences[c.index], c.text) for c in chosen)
        digest = Digest(
            summary=write_summary(context, duration, list(quoted)),
            topics=topics,
            decisions=found.decisions,
            action_items=found.action_items,
            open_questions=found.open_questions,
            provenance=Provenance(summarizer=OFFLINE),
        )
        return Draft(digest, quoted, duration)


def reported_sentences(chosen: list[tuple[Sentence, str]], language: str) -> list[str]:
    """The chosen (sentence, cleaned text) pairs as reported speech, in order."""
    rules = reporting_for(language)
    out: list[str] = []
    previous: str | None = None
    for sentence, text in chosen:
        if sentence.speaker is None:
            out.append(text)
        else:
            out.append(report(text, sentence.speaker, rules, same_speaker=sentence.speaker == previous))
        previous = sentence.speaker
    return out


def opening(context: SummaryContext, duration: float | None) -> str | None:
    """Who met and for how long ("Réunion de 45 min entre …"), or None for one person of unknown duration."""
    lang = normalise_language(context.language)
    people = join_names(context.participants, lang)
    words = locale_for(lang).summary
    if people and duration is not None:
        form = words.meeting if len(context.participants) > 1 else words.meeting_one
        return form.format(duration=format_duration(duration, lang), people=people)
    if len(context.participants) > 1:
        return words.between.format(people=people)
    return None


def write_summary(context: SummaryContext, duration: float | None, chosen: list[tuple[Sentence, str]]) -> str:
    """A factual paragraph: who met and for how long, then what was said that matters most, attributed.

    Args:
        context: Language and participants.
        duration: Meeting length in seconds; None when the times are estimates (none is stated then).
        chosen: The selected sentences with their cleaned text, in spoken order.

    Returns:
        The summary in the meeting's language.
    """
    lang = normalise_language(context.language)
    words = locale_for(lang).summary
    if not chosen:
        return words.empty
    first = opening(context, duration)
    parts = [first] if first else []
    parts += reported_sentences(chosen, lang)
    return " ".join(parts)
