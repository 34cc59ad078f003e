"""build_minutes(): a speaker-attributed transcript and the meeting's facts -> Minutes."""

from __future__ import annotations

import logging
from dataclasses import replace

from pipeline.config import MinutesSettings
from pipeline.locale import locale_for, normalise_language
from pipeline.merge import name_speakers
from pipeline.speakers import given_names
from pipeline.summarize.grounding import Gate
from pipeline.summarize.humanize import format_duration
from pipeline.summarize.initials import expand_initials
from pipeline.summarize.model import MeetingMeta, Minutes, Participant, Summarizer, SummaryContext
from pipeline.summarize.offline import OfflineSummarizer
from pipeline.types import SpeakerTranscript

logger = logging.getLogger(__name__)

# The language of minutes whose transcript and request name none.
DEFAULT_LANGUAGE = "fr"


def speaking_shares(transcript: SpeakerTranscript) -> tuple[Participant, ...]:
    """Each speaker's total speaking time and share of all attributed speech, most talkative first.

    Args:
        transcript: The transcript (named or not).

    Returns:
        One participant per speaker who said something.
    """
    totals: dict[str, float] = {}
    for utt in transcript.utterances:
        if utt.speaker is not None:
            totals[utt.speaker] = totals.get(utt.speaker, 0.0) + max(0.0, utt.end - utt.start)
    overall = sum(totals.values()) or 1.0
    people = [Participant(transcript.display_name(s), s, round(t, 2), round(t / overall, 4)) for s, t in totals.items()]
    return tuple(sorted(people, key=lambda p: (-p.speaking_time, p.name)))


def build_minutes(st: SpeakerTranscript, summarizer: Summarizer, meta: MeetingMeta) -> Minutes:
    """Write the minutes of a meeting.

    Args:
        st: Speaker-attributed transcript of the meeting.
        summarizer: Produces the summary, topics, decisions, actions and open questions
            (:class:`~pipeline.summarize.offline.OfflineSummarizer` or
            :class:`~pipeline.summarize.llm.LlmSummarizer`).
        meta: Facts the recording does not tell (title, client, date, language override, models).

    Returns:
        The minutes, including the full transcript with every speaker named.
    """
    language = normalise_language(meta.language or st.language or DEFAULT_LANGUAGE)
    # Speakers without a name of their own get their public label in the minutes' language
    # ("Intervenant 2" even when the transcript, in English, showed "Speaker 2").
    named = expand_initials(name_speakers(replace(st, language=language), given_names(st)))
    participants = speaking_shares(named)
    write_in = normalise_language(meta.write_in) if meta.write_in else None
    context = SummaryContext(
        language, meta.held_on, tuple(p.name for p in participants), write_in if write_in != language else None
    )
    facts = (format_duration(named.duration, language),) if named.timed else ()
    gate = Gate(named, context.participants, meta.held_on, language, facts)
    digest = gate.check(summarizer.summarize(named, context))
    provenance = replace(digest.provenance, models=tuple(dict.fromkeys((*meta.models, *digest.provenance.models))))
    if context.write_in and provenance.written_in != context.write_in:
        logger.info(
            "The minutes' text stays in the spoken language (%s), not %s: the %s writer did not translate it "
            '(set [minutes] summarizer = "local" or "llm" to have it written in the client\'s language)',
            language,
            context.write_in,
            provenance.summarizer,
        )
    logger.info(
        "Minutes written by the %s summariser: %d topics, %d decisions, %d action items; the gate removed %s",
        provenance.summarizer,
        len(digest.topics),
        len(digest.decisions),
        len(digest.action_items),
        provenance.gate,
    )
    return Minutes(
        title=meta.title or locale_for(language).default_title,
        client=meta.client,
        held_on=meta.held_on,
        start_time=meta.start_time,
        duration=st.duration,
        language=language,
        participants=participants,
        summary=digest.summary,
        topics=digest.topics,
        decisions=digest.decisions,
        action_items=digest.action_items,
        open_questions=digest.open_questions,
        transcript=named,
        provenance=provenance,
    )


def make_summarizer(settings: MinutesSettings) -> Summarizer:
    """The summariser the settings ask for.

    Args:
        settings: ``summarizer`` is "offline", "llm" (with its URL, model, key and timeout) or
            "local" (the bundled model rewrites the offline writer's chosen sentences).

    Returns:
        An :class:`OfflineSummarizer`, or an ``LlmSummarizer`` or ``RewritingSummarizer`` that falls back to it.
    """
    if settings.summarizer == "llm":
        from pipeline.summarize.llm import LlmSummarizer  # httpx is only needed on this path

        return LlmSummarizer(settings)
    if settings.summarizer == "local":
        from pipeline.summarize.rewrite import RewritingSummarizer

        return RewritingSummarizer(settings)
    return OfflineSummarizer()
