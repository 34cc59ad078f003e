"""The faithfulness gate: nothing reaches the client that was not said.

Whatever wrote the digest (rules, a local model, a server), every item is checked against the
transcript before it is kept:

- an action's **owner** must be a participant, or a person named in the stretch it came from
  (a full name, a title and a name — "Mme Durand" — or a capitalised word the meeting never
  writes in lower case, unlike "Gouvernement"); otherwise the owner is removed;
- its **due date** must come from a date phrase said in that stretch, resolved to a day between
  the meeting and :data:`HORIZON_DAYS` after it; otherwise the due date is removed;
- every sentence of the summary, and every point, decision, action and open question, may only
  mention **names, numbers and dates** that occur in the transcript (or the participants' names);
  a sentence that does not is dropped.

What the gate removed is counted in the minutes' provenance (:class:`GateCounts`).
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, timedelta

from pipeline.summarize.dates import find_due_date
from pipeline.summarize.lexicon import lexicon_for, lexicon_language
from pipeline.summarize.model import ActionItem, Digest, GateCounts, Statement, Topic
from pipeline.types import SpeakerTranscript

# A due date further than this after the meeting is a quantity misread as a date ("à 65 ans").
HORIZON_DAYS = 3 * 366
# Seconds around an item's sentence that count as where it was said (a cue and its reply).
_SPAN_PAD = 15.0
_ALPHA = re.compile(r"[^\W\d_]+")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_SENTENCE = re.compile(r"(?<=[.!?…])\s+")
_OPENING_QUOTE = "«“\"'("
_TITLED = re.compile(
    r"^(?:M\.|Mme|Mlle|Madame|Monsieur|Mr\.?|Mrs\.?|Ms\.?|Dr\.?)\s+[A-ZÀ-Ý][\w'-]+$|^[A-ZÀ-Ý][\w'-]+(?:\s+[A-ZÀ-Ý][\w'-]+)+$"
)


def _fold(text: str) -> str:
    return " ".join(text.casefold().replace("’", "'").split())


class Gate:
    """Checks a digest against the transcript it was written from.

    Args:
        transcript: The named, speaker-attributed transcript.
        participants: Display names of the speakers.
        held_on: Meeting date (due dates must fall after it), or None.
        language: The meeting's language, to read date phrases.
        facts: What the minutes may state without its being said: the meeting's facts as written
            (its duration, "Réunion de 45 min …"), from the recording, not from speech.
    """

    def __init__(
        self,
        transcript: SpeakerTranscript,
        participants: tuple[str, ...],
        held_on: date | None,
        language: str,
        facts: tuple[str, ...] = (),
    ) -> None:
        self._transcript = transcript
        self._language = lexicon_language(language)
        self._lexicon = lexicon_for(language)
        self._people = {_fold(p) for p in participants}
        said = " ".join([*(u.text for u in transcript.utterances), *participants, *facts])
        # Words the meeting writes in lower case somewhere are common words ("Gouvernement", "Évidemment").
        self._common = {w for w in _ALPHA.findall(" ".join(u.text for u in transcript.utterances)) if w.islower()}
        self._vocabulary = {w.casefold() for w in _ALPHA.findall(said)} | set(_NUMBER.findall(said))
        self._held_on = held_on
        self.counts = GateCounts()

    def check(self, digest: Digest) -> Digest:
        """The digest with what fails the gate removed; :attr:`counts` says how much (with what the writer removed)."""
        self.counts = digest.provenance.gate
        summary = " ".join(s for s in _SENTENCE.split(digest.summary) if self._keep(s))
        topics = tuple(
            Topic(t.title, t.start, t.end, tuple(p for p in t.key_points if self._keep(p.text)))
            for t in digest.topics
            if not self._title_missing(t.title)
        )
        dropped_topics = len(digest.topics) - len(topics)
        self.counts = replace(self.counts, sentences_dropped=self.counts.sentences_dropped + dropped_topics)
        return replace(
            digest,
            summary=summary,
            topics=topics,
            decisions=self._statements(digest.decisions),
            action_items=tuple(a for a in (self._action(a) for a in digest.action_items) if a is not None),
            open_questions=self._statements(digest.open_questions),
            provenance=replace(digest.provenance, gate=self.counts),
        )

    def mentions_missing(self, text: str) -> list[str]:
        """The names, numbers and date words of `text` that the transcript never says."""
        missing = []
        for sentence in _SENTENCE.split(text):
            words = list(_ALPHA.finditer(sentence))
            for i, match in enumerate(words):
                word = match.group()
                opens = i == 0 or sentence[: match.start()].rstrip().endswith(tuple(_OPENING_QUOTE + ":"))
                if not opens and len(word) > 1 and word[0].isupper() and word.casefold() not in self._vocabulary:
                    missing.append(word)
            missing += [n for n in _NUMBER.findall(sentence) if n not in self._vocabulary]
        return missing

    def _title_missing(self, title: str) -> list[str]:
        """A title is capitalised by design: its first word is checked like any other."""
        return [w for w in _ALPHA.findall(title) if w[0].isupper() and w.casefold() not in self._vocabulary] + [
            n for n in _NUMBER.findall(title) if n not in self._vocabulary
        ]

    def _grounded(self, text: str) -> bool:
        return not self.mentions_missing(text)

    def _keep(self, text: str) -> bool:
        if self._grounded(text):
            return True
        self.counts = replace(self.counts, sentences_dropped=self.counts.sentences_dropped + 1)
        return False

    def _statements(self, items: tuple[Statement, ...]) -> tuple[Statement, ...]:
        kept = tuple(s for s in items if self._grounded(s.text))
        self.counts = replace(self.counts, items_dropped=self.counts.items_dropped + len(items) - len(kept))
        return kept

    def _span(self, start: float, end: float) -> str:
        return _fold(
            " ".join(
                u.text for u in self._transcript.utterances if u.end >= start - _SPAN_PAD and u.start <= end + _SPAN_PAD
            )
        )

    def _action(self, item: ActionItem) -> ActionItem | None:
        if not self._grounded(item.text):
            self.counts = replace(self.counts, items_dropped=self.counts.items_dropped + 1)
            return None
        span = self._span(item.start, item.end)
        if item.owner and not self._owner_ok(item.owner, span):
            item = replace(item, owner=None)
            self.counts = replace(self.counts, owners_removed=self.counts.owners_removed + 1)
        if item.due and (not item.due_text or _fold(item.due_text) not in span):
            # A writer that gave only the date ("2025-03-14"): the phrase said for it, if one was.
            item = replace(item, due_text=self._phrase_for(item.due, item.start, item.end))
        if (item.due or item.due_text) and not self._due_ok(item, span):
            item = replace(item, due=None, due_text=None)
            self.counts = replace(self.counts, dues_removed=self.counts.dues_removed + 1)
        return item

    def _phrase_for(self, due: date, start: float, end: float) -> str | None:
        """The date phrase said near the item that resolves to `due` (a writer that gave only the date)."""
        if self._held_on is None:
            return None
        for utt in self._transcript.utterances:
            if utt.end >= start - _SPAN_PAD and utt.start <= end + _SPAN_PAD:
                for sentence in _SENTENCE.split(utt.text):
                    found = find_due_date(sentence, self._lexicon, self._language, self._held_on)
                    if found is not None and found.due == due:
                        return found.text
        return None

    def _owner_ok(self, owner: str, span: str) -> bool:
        """A participant, or a person named where the action was said: a name, not a capitalised common word."""
        if _fold(owner) in self._people:
            return True
        words = owner.split()
        person = bool(_TITLED.match(owner.strip())) or (len(words) == 1 and owner.lower() not in self._common)
        said = re.search(rf"(?<![\w'-]){re.escape(_fold(owner))}(?![\w'-])", span) is not None
        return person and owner[:1].isupper() and said

    def _due_ok(self, item: ActionItem, span: str) -> bool:
        """Said in the span, a date phrase, resolving (from the meeting, else today) within the horizon."""
        if not item.due_text or _fold(item.due_text) not in span:
            return False
        base = self._held_on or date.today()
        found = find_due_date(item.due_text, self._lexicon, self._language, base)
        if found is None or found.due is None or not base <= found.due <= base + timedelta(days=HORIZON_DAYS):
            return False
        return item.due is None or (self._held_on is not None and item.due == found.due)
