"""Extract-then-rewrite: what the local model writes is kept only with its speakers right; failures fall back."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from pipeline.config import MinutesSettings
from pipeline.summarize import MeetingMeta, OfflineSummarizer, build_minutes
from pipeline.summarize.local import LocalModelError, Rewrite, RewriteUsage, RewrittenSentence, SourceSentence
from pipeline.summarize.rewrite import RewritingSummarizer
from pipeline.transcripts import Turn, transcript_from_turns

TURNS = [
    Turn("Marie Dupont", "Je pense que le budget de la communication doit baisser de dix pour cent cette année."),
    Turn("Paul Martin", "Le budget de la communication a déjà baissé l'an dernier, il faut garder les salons."),
    Turn("Marie Dupont", "Les salons coûtent cher et rapportent peu de contacts à la communication du cabinet."),
    Turn("Paul Martin", "Je propose de garder un seul salon et de réduire le budget des annonces en ligne."),
]


@dataclass
class FakeRewriter:
    """Answers with `write(sources)`; records what it was given."""

    write: Any
    given: list[Sequence[SourceSentence]] = field(default_factory=list)

    def rewrite(self, language: str, sources: Sequence[SourceSentence], task: str = "summary") -> Rewrite:
        self.given.append(sources)
        sentences = self.write(sources)
        return Rewrite("summary", language, tuple(sentences), "fake-1.5b", RewriteUsage(10, 20, None, None, 0.1))


def _minutes(rewriter: FakeRewriter, usage: list[RewriteUsage] | None = None):  # type: ignore[no-untyped-def]
    writer = RewritingSummarizer(MinutesSettings(summarizer="local"), rewriter=rewriter)  # type: ignore[arg-type]
    minutes = build_minutes(transcript_from_turns(TURNS, "fr"), writer, MeetingMeta())
    if usage is not None:
        usage += writer.usage
    return minutes


def _by_speaker(sources: Sequence[SourceSentence], name: str) -> int:
    return next(s.id for s in sources if s.speaker == name)


def test_rewritten_sentences_are_kept_only_when_their_speakers_said_them() -> None:
    def write(sources: Sequence[SourceSentence]) -> list[RewrittenSentence]:
        marie, paul = _by_speaker(sources, "Marie Dupont"), _by_speaker(sources, "Paul Martin")
        return [
            RewrittenSentence("Marie Dupont souhaite réduire le budget de la communication.", (marie,)),
            # Paul's position handed to Marie: the kind of slip a small model makes.
            RewrittenSentence("Marie Dupont propose de garder un seul salon.", (paul,)),
            RewrittenSentence("Paul Martin rappelle que le budget a déjà baissé.", (paul,)),
        ]

    fake = FakeRewriter(write)
    usage: list[RewriteUsage] = []
    minutes = _minutes(fake, usage)
    assert [(u.prompt_tokens, u.completion_tokens) for u in usage] == [(10, 20)]  # what the rewrite cost, kept
    assert fake.given and all(s.speaker in ("Marie Dupont", "Paul Martin") for s in fake.given[0])
    assert minutes.summary.endswith(
        "Marie Dupont souhaite réduire le budget de la communication. Paul Martin rappelle que le budget a déjà baissé."
    )
    assert "garder un seul salon" not in minutes.summary
    assert minutes.provenance.summarizer == "local" and minutes.provenance.models == ("fake-1.5b",)
    assert minutes.provenance.gate.sentences_dropped == 1


def test_a_model_that_fails_leaves_the_offline_summary_and_says_why() -> None:
    def fail(sources: Sequence[SourceSentence]) -> list[RewrittenSentence]:
        raise LocalModelError("local model fake-1.5b: its server died (exit -9)")

    minutes = _minutes(FakeRewriter(fail))
    assert minutes.provenance.summarizer == "offline"
    assert minutes.provenance.fallback_reason == "local model fake-1.5b: its server died (exit -9)"
    assert "Marie Dupont pense que le budget de la communication doit baisser" in minutes.summary


def test_nothing_kept_means_the_offline_summary() -> None:
    def misattribute(sources: Sequence[SourceSentence]) -> list[RewrittenSentence]:
        return [
            RewrittenSentence(
                "Paul Martin veut baisser le budget de dix pour cent.", (_by_speaker(sources, "Marie Dupont"),)
            )
        ]

    minutes = _minutes(FakeRewriter(misattribute))
    assert minutes.provenance.summarizer == "offline"
    assert "speakers" in (minutes.provenance.fallback_reason or "")
    assert "Paul Martin veut" not in minutes.summary


def test_a_client_reading_english_gets_the_summary_written_in_english_and_the_provenance_says_so() -> None:
    languages: list[str] = []

    class English(FakeRewriter):
        def rewrite(self, language: str, sources: Sequence[SourceSentence], task: str = "summary") -> Rewrite:
            languages.append(language)
            return super().rewrite(language, sources, task)

    def write(sources: Sequence[SourceSentence]) -> list[RewrittenSentence]:
        marie = _by_speaker(sources, "Marie Dupont")
        return [RewrittenSentence("Marie Dupont wants the communication budget cut by ten percent.", (marie,))]

    writer = RewritingSummarizer(MinutesSettings(summarizer="local"), rewriter=English(write))  # type: ignore[arg-type]
    minutes = build_minutes(transcript_from_turns(TURNS, "fr"), writer, MeetingMeta(write_in="en"))
    assert languages == ["en"]
    assert minutes.language == "fr" and minutes.provenance.written_in == "en"
    assert minutes.summary.startswith("Discussion between Paul Martin and Marie Dupont.")  # untimed turns
    assert minutes.summary.endswith("Marie Dupont wants the communication budget cut by ten percent.")
    # The offline writer cannot translate: the same request leaves French text, and says nothing was translated.
    offline = build_minutes(transcript_from_turns(TURNS, "fr"), OfflineSummarizer(), MeetingMeta(write_in="en"))
    assert offline.provenance.written_in is None and "Marie Dupont pense que" in offline.summary
