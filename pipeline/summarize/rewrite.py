"""Extract-then-rewrite: the deterministic writer chooses, the local model only rewrites.

The offline writer picks the meeting's central sentences (:mod:`~pipeline.summarize.select`);
the local model turns them into a paragraph of minutes prose, each sentence citing the numbers
of the sentences it rests on. A rewritten sentence is kept only if every participant it names
is the speaker of one of its sources or is named in them — a small model otherwise hands one
person's position to another. Everything else the model writes goes through the faithfulness
gate like any writer's (:mod:`~pipeline.summarize.grounding`). Topics, decisions and actions stay
the offline writer's: they are already sentences said, cited by time.

If the model cannot answer (missing, crashed, timed out, invalid answer) or no sentence
survives the checks, the offline summary is kept and the reason is in the provenance.
"""

from __future__ import annotations

import logging
import re
from dataclasses import replace

from pipeline.config import MinutesSettings
from pipeline.errors import SummarizerError
from pipeline.summarize.local import LocalRewriter, Rewrite, RewriteUsage, SourceSentence
from pipeline.summarize.model import Digest, Provenance, SummaryContext
from pipeline.summarize.offline import OfflineSummarizer, opening
from pipeline.types import SpeakerTranscript

logger = logging.getLogger(__name__)

LOCAL = "local"


def _names_in(text: str, people: tuple[str, ...]) -> set[str]:
    """The participants `text` names, by full name or by surname."""
    found = set()
    for person in people:
        parts = [person, *(p for p in person.split()[1:] if len(p) > 2)]
        if any(re.search(rf"(?<!\w){re.escape(p)}(?!\w)", text) for p in parts):
            found.add(person)
    return found


class RewritingSummarizer:
    """Minutes whose summary the local model rewrites from the offline writer's chosen sentences.

    Args:
        settings: The ``[minutes] local_*`` settings (model, threads, context, timeout).
        rewriter: The local model's rewriter; built from `settings` on first use when None.
        offline: The deterministic writer that chooses (and is kept on any failure).
    """

    def __init__(
        self,
        settings: MinutesSettings,
        rewriter: LocalRewriter | None = None,
        offline: OfflineSummarizer | None = None,
    ) -> None:
        self._settings = settings
        self._rewriter = rewriter
        self._offline = offline or OfflineSummarizer()
        # What each rewrite cost (tokens, tokens/s, seconds), for benchmarks and the operator's log.
        self.usage: list[RewriteUsage] = []

    def summarize(self, transcript: SpeakerTranscript, context: SummaryContext) -> Digest:
        """The offline digest with its summary paragraph rewritten by the local model, checked."""
        draft = self._offline.draft(transcript, context)
        if not draft.quoted:
            return draft.digest
        sources = tuple(
            SourceSentence(i, sentence.speaker or "?", text) for i, (sentence, text) in enumerate(draft.quoted)
        )
        try:
            if self._rewriter is None:
                self._rewriter = LocalRewriter.from_settings(self._settings)
            rewrite = self._rewriter.rewrite(context.written_language, sources, "summary")
        except SummarizerError as e:
            logger.warning("Local model unavailable, the offline summary is kept: %s", e)
            return _fallback(draft.digest, str(e))
        self.usage.append(rewrite.usage)
        kept = self._attributed(rewrite, sources, context.participants)
        dropped = len(rewrite.sentences) - len(kept)
        if not kept:
            return _fallback(draft.digest, f"{rewrite.model}: no rewritten sentence kept its speakers right")
        first = opening(replace(context, language=context.written_language), draft.duration)
        summary = " ".join([first, *kept] if first else kept)
        gate = replace(draft.digest.provenance.gate, sentences_dropped=dropped)
        logger.info(
            "Summary rewritten by %s: %d sentence(s) kept, %d dropped for misattribution (%.1f s)",
            rewrite.model,
            len(kept),
            dropped,
            rewrite.usage.seconds,
        )
        return replace(
            draft.digest,
            summary=summary,
            provenance=Provenance(summarizer=LOCAL, models=(rewrite.model,), gate=gate, written_in=context.write_in),
        )

    @staticmethod
    def _attributed(rewrite: Rewrite, sources: tuple[SourceSentence, ...], people: tuple[str, ...]) -> list[str]:
        """The rewritten sentences whose named participants spoke, or were named, in their sources."""
        by_id = {s.id: s for s in sources}
        kept = []
        for sentence in rewrite.sentences:
            cited = [by_id[i] for i in sentence.sources]
            allowed = {s.speaker for s in cited} | {n for s in cited for n in _names_in(s.text, people)}
            if _names_in(sentence.text, people) <= allowed:
                kept.append(sentence.text)
            else:
                logger.info("Rewritten sentence dropped, speakers not in its sources: %s", sentence.text)
        return kept


def _fallback(digest: Digest, reason: str) -> Digest:
    return replace(digest, provenance=replace(digest.provenance, fallback_reason=reason))
