"""Decisions, action items and open questions found from each language's cues.

Every item keeps the time of the sentence it came from. Owners are resolved from the sentence's
structure: "je"/"I" is the speaker, a name is matched to a participant (first name is enough),
"tu peux ...?" / "can you ...?" goes to whoever accepts it in the next turn.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date

from pipeline.summarize.clean import clean_spoken
from pipeline.summarize.dates import DueDate, find_due_date
from pipeline.summarize.lexicon import Lexicon
from pipeline.summarize.model import ActionItem, Statement
from pipeline.summarize.sentences import Sentence, content_terms, strip_fillers, tidy, tokens

_MIN_TERMS = 2
# An action or decision with fewer content words is a fragment of talk ("Find out").
_ITEM_TERMS = 2
_LOOKBACK = 3
_SAME_TASK = 0.6


@dataclass(frozen=True, slots=True)
class Findings:
    """What the cues found in a meeting."""

    decisions: tuple[Statement, ...]
    action_items: tuple[ActionItem, ...]
    open_questions: tuple[Statement, ...]


@dataclass(frozen=True, slots=True)
class _Action:
    item: ActionItem
    source: int


class CueExtractor:
    """Finds decisions, actions and open questions in timed sentences of one language.

    Args:
        lexicon: The language's cues.
        language: ISO 639-1 code (for date parsing).
        held_on: Meeting date, for relative due dates.
        participants: Display names of the speakers, to resolve named owners.
    """

    def __init__(self, lexicon: Lexicon, language: str, held_on: date | None, participants: tuple[str, ...]) -> None:
        self._lx = lexicon
        self._language = language
        self._held_on = held_on
        self._participants = participants
        flags = re.IGNORECASE
        self._decisions = tuple(re.compile(p, flags) for p in lexicon.decisions)
        self._actions = tuple(re.compile(p) for p in lexicon.actions)
        self._requests = tuple(re.compile(p, flags) for p in lexicon.requests)
        self._team = tuple(re.compile(p, flags) for p in lexicon.team_actions)
        self._questions = tuple(re.compile(p, flags) for p in lexicon.questions)

    def extract(self, sentences: tuple[Sentence, ...]) -> Findings:
        """Scan the sentences in order.

        Args:
            sentences: The meeting's sentences.

        Returns:
            Decisions, action items and open questions, in spoken order.
        """
        decisions: list[Statement] = []
        actions: list[_Action] = []
        questions: list[Statement] = []
        for sentence in sentences:
            clean = strip_fillers(sentence.text, self._lx)
            if not clean:
                continue
            decision = self._decision(sentence, clean)
            if decision is not None:
                decisions.append(decision)
            action = self._action(sentences, sentence, clean, team_allowed=decision is None)
            if action is not None:
                _add(action, actions, self._lx)
            if any(p.search(clean) for p in self._questions) and decision is None:
                questions.append(Statement(tidy(clean), sentence.start, sentence.end, sentence.speaker))
        return Findings(tuple(decisions), tuple(a.item for a in actions), tuple(questions))

    def _decision(self, sentence: Sentence, clean: str) -> Statement | None:
        for pattern in self._decisions:
            match = pattern.search(clean)
            if match is None:
                continue
            what = match.groupdict().get("what") or ""
            text = clean_spoken(what if len(content_terms(what, self._lx)) >= _MIN_TERMS else clean, self._lx)
            if not self._substantial(text) or text.endswith("?"):
                return None  # "on garde nos options ?" asks, "on reste là-dessus" says nothing a reader can use
            return Statement(text, sentence.start, sentence.end, sentence.speaker)
        return None

    def _substantial(self, text: str) -> bool:
        """Enough content words to stand alone in the minutes, and not opening on a pronoun ("Put it in there")."""
        first = " ".join(text.lower().split()[:2])
        vague_start = first.split(" ")[-1].strip(".,") in self._lx.vague_objects or first in self._lx.vague_objects
        return len(content_terms(text, self._lx)) >= _ITEM_TERMS and not vague_start

    def _action(
        self, sentences: tuple[Sentence, ...], sentence: Sentence, clean: str, team_allowed: bool
    ) -> _Action | None:
        prepared = _lower_first(clean, self._lx)
        owner, what, source = self._committed(prepared, sentence)
        if what is None:
            owner, what = self._requested(sentences, sentence, prepared)
        team = what is None
        if what is None:
            what = self._team_action(prepared) if team_allowed else None
            if what is None:
                return None
        due = find_due_date(what, self._lx, self._language, self._held_on)
        if team and (due is None or self._is_vague(_without(what, due))):
            return None  # "on va voir" is talk; "on doit livrer le lot 2 d'ici lundi" is a commitment
        if self._is_vague(_without(what, due)):
            earlier = self._antecedent(sentences, sentence)
            if earlier is None:
                return None
            source = earlier.index
            base = strip_fillers(earlier.text, self._lx)
            what = self._request_object(_lower_first(base, self._lx)) or base
            due = due or find_due_date(what, self._lx, self._language, self._held_on)
        text = clean_spoken(_action_text(_without(what, due)), self._lx)
        if not text or not self._substantial(text):
            return None
        item = ActionItem(
            text=text,
            owner=owner,
            due=due.due if due else None,
            due_text=due.text if due else None,
            start=sentence.start,
            end=sentence.end,
            speaker=sentence.speaker,
        )
        return _Action(item, source)

    def _committed(self, prepared: str, sentence: Sentence) -> tuple[str | None, str | None, int]:
        for pattern in self._actions:
            for match in pattern.finditer(prepared):
                owner = self._resolve_owner(match.group("who"), sentence.speaker)
                if owner is None:
                    continue
                what = match.groupdict().get("what") or ""
                future = match.groupdict().get("future")
                if future:
                    what = self._infinitive(future) + what[len(future) :]
                return owner, what, sentence.index
        return None, None, sentence.index

    def _requested(
        self, sentences: tuple[Sentence, ...], sentence: Sentence, prepared: str
    ) -> tuple[str | None, str | None]:
        what = self._request_object(prepared)
        if what is None:
            return None, None
        reply = _next_turn(sentences, sentence)
        if reply is not None and self._accepts(reply.text):
            return reply.speaker, what
        return None, None

    def _request_object(self, prepared: str) -> str | None:
        for pattern in self._requests:
            match = pattern.search(prepared)
            if match is not None:
                return match.group("what")
        return None

    def _team_action(self, prepared: str) -> str | None:
        for pattern in self._team:
            match = pattern.search(prepared)
            if match is not None:
                return match.group("what")
        return None

    def _accepts(self, text: str) -> bool:
        lowered = " ".join(tokens(text.replace("’", "'")))
        return any(lowered == a or lowered.startswith(a + " ") for a in self._lx.acceptances)

    def _infinitive(self, future: str) -> str:
        """ "préparerai" -> "préparer", "prendra" -> "prendre", "enverrai" -> "envoyer"."""
        stem = future[:-2] if future.endswith("ai") else future[:-1]
        for irregular, infinitive in self._lx.irregular_futures:
            if stem.lower() == irregular:
                return infinitive
        return stem if len(stem) > 2 and stem[-2] in "aeiouéèêy" else stem + "e"

    def _is_vague(self, what: str) -> bool:
        terms = content_terms(what, self._lx)
        stripped = what.strip(" .,!?").lower()
        return not terms or stripped in self._lx.vague_objects

    def _antecedent(self, sentences: tuple[Sentence, ...], sentence: Sentence) -> Sentence | None:
        for earlier in reversed(sentences[max(0, sentence.index - _LOOKBACK) : sentence.index]):
            clean = strip_fillers(earlier.text, self._lx)
            if earlier.speaker != sentence.speaker and len(content_terms(clean, self._lx)) >= _MIN_TERMS:
                return earlier
        return None

    def _resolve_owner(self, who: str, speaker: str | None) -> str | None:
        lowered = who.lower().rstrip("'")
        if lowered in self._lx.self_pronouns or lowered + "'" in self._lx.self_pronouns:
            return speaker
        words = who.split()
        if any(w.lower() in self._lx.stopwords or not w[0].isupper() for w in words):
            return None
        for name in self._participants:
            if name.lower() == who.lower():
                return name
        same_first = [n for n in self._participants if n.split()[0].lower() == words[0].lower()]
        return same_first[0] if len(same_first) == 1 else who


def _lower_first(text: str, lexicon: Lexicon) -> str:
    """Lower-case a sentence's first word unless it may be a name, so cues match at the start."""
    first = text.split(maxsplit=1)[0] if text else ""
    head = first.lower().split("'")[0]
    if head in lexicon.stopwords or head + "'" in lexicon.self_pronouns or head in lexicon.self_pronouns:
        return text[0].lower() + text[1:]
    return text


def _without(what: str, due: DueDate | None) -> str:
    if due is None or due.text not in what:
        return what
    return " ".join(what.replace(due.text, " ").split())


def _action_text(what: str) -> str:
    text = what.strip().rstrip("?!.… ").strip(" ,;:")
    return tidy(text) if text else ""


def _next_turn(sentences: tuple[Sentence, ...], sentence: Sentence) -> Sentence | None:
    for later in sentences[sentence.index + 1 : sentence.index + 1 + _LOOKBACK]:
        if later.speaker != sentence.speaker:
            return later
    return None


def _similar(a: ActionItem, b: ActionItem, lexicon: Lexicon) -> bool:
    terms_a, terms_b = set(content_terms(a.text, lexicon)), set(content_terms(b.text, lexicon))
    smaller = min(len(terms_a), len(terms_b))
    return smaller > 0 and len(terms_a & terms_b) / smaller >= _SAME_TASK


def _add(action: _Action, previous: list[_Action], lexicon: Lexicon) -> None:
    """Append `action`, or fold it into a recent one that says the same thing for the same owner.

    "Tom, can you update the articles?" then Tom's "I will update the articles and train the team"
    is one task: the fuller wording is kept, with the earlier time and any due date either gave.
    """
    for position in range(len(previous) - 1, max(-1, len(previous) - 1 - _LOOKBACK), -1):
        earlier = previous[position]
        if earlier.item.owner != action.item.owner:
            continue
        if earlier.source == action.source or _similar(earlier.item, action.item, lexicon):
            longer = action.item if len(action.item.text) > len(earlier.item.text) else earlier.item
            merged = replace(
                earlier.item,
                text=longer.text,
                due=earlier.item.due or action.item.due,
                due_text=earlier.item.due_text or action.item.due_text,
            )
            previous[position] = _Action(merged, earlier.source)
            return
    previous.append(action)
