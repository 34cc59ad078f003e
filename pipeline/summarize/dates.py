"""Due dates in a sentence ("d'ici vendredi", "by next Monday"), resolved with dateparser.

The date arithmetic is dateparser's; this module only chooses which words of a sentence to
hand it, and widens the chosen span over the cue before it ("d'ici", "by") and qualifiers
after it ("prochain", "morning") so that the span can be cut out of the action's text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

import dateparser

from pipeline.summarize.lexicon import Lexicon

_WORD = re.compile(r"[\w'/-]+", re.UNICODE)
_MAX_WORDS = 5
_MIN_SOLO_CHARS = 4


@dataclass(frozen=True, slots=True)
class DueDate:
    """A deadline found in a sentence.

    Attributes:
        text: The words as said, cue included ("d'ici vendredi").
        due: The resolved date, or None when the meeting date is unknown.
        span: Character offsets of `text` in the sentence.
    """

    text: str
    due: date | None
    span: tuple[int, int]


@lru_cache(maxsize=4096)
def _parse(phrase: str, language: str, base: date, last_day: bool) -> date | None:
    settings: dict[str, object] = {
        "RELATIVE_BASE": datetime(base.year, base.month, base.day, 12, 0),
        "PREFER_DATES_FROM": "future",
        "RETURN_AS_TIMEZONE_AWARE": False,
    }
    if last_day:
        settings["PREFER_DAY_OF_MONTH"] = "last"
    parsed = dateparser.parse(phrase, languages=[language], settings=settings)  # type: ignore[arg-type]
    if parsed is None or parsed == settings["RELATIVE_BASE"]:
        return None  # "now", "today", "this week": no deadline worth writing down
    return parsed.date()


def _acceptable(words: list[str], after_cue: bool, lexicon: Lexicon) -> bool:
    # "d'une" is "une": an elided article does not make a word long enough to be a date.
    lowered = [w.lower().split("'", 1)[-1] for w in words]
    if lowered[0] in lexicon.stopwords and (len(words) == 1 or lowered[0] not in lexicon.due_cues):
        return False
    if not after_cue and (lowered[0].isdigit() or lowered[0] in lexicon.numbers):
        return False  # "trois semaines de recette" is an amount of work, not a deadline
    content = [w for w in lowered if w not in lexicon.stopwords and not w.isdigit() and w not in lexicon.numbers]
    if any(len(w) >= _MIN_SOLO_CHARS for w in content):
        return True
    return after_cue and any(w.isdigit() or "/" in w for w in lowered)


def find_due_date(sentence: str, lexicon: Lexicon, language: str, held_on: date | None) -> DueDate | None:
    """Find the first deadline in `sentence`.

    Args:
        sentence: One sentence of the transcript.
        lexicon: Cues of the sentence's language.
        language: ISO 639-1 code passed to dateparser.
        held_on: Meeting date that relative dates are counted from; None leaves them unresolved.

    Returns:
        The deadline, or None when the sentence names no date.
    """
    matches = list(_WORD.finditer(sentence))
    words = [m.group() for m in matches]
    base = held_on or date(2000, 1, 3)
    for i in range(len(words)):
        after_cue = i > 0 and words[i - 1].lower() in lexicon.due_cues
        for n in range(min(_MAX_WORDS, len(words) - i), 0, -1):
            chunk = words[i : i + n]
            if not _acceptable(chunk, after_cue, lexicon):
                continue
            before = [w.lower() for w in words[max(0, i - 3) : i]]
            last_day = any(w in lexicon.end_of for w in before)
            found = _parse(" ".join(chunk), language, base, last_day)
            if found is None:
                continue
            return _widen(sentence, matches, i, i + n, found if held_on else None, lexicon)
    return None


def _widen(
    sentence: str, matches: list[re.Match[str]], first: int, stop: int, due: date | None, lexicon: Lexicon
) -> DueDate:
    lowered = [m.group().lower() for m in matches]
    end = stop
    while end < len(lowered) and lowered[end] in lexicon.date_suffixes:
        end += 1
    while end > stop and lowered[end - 1] in lexicon.stopwords:
        end -= 1
    start = first
    while start > 0 and (lowered[start - 1] in lexicon.due_cues or lowered[start - 1] in lexicon.end_of):
        start -= 1
    span = (matches[start].start(), matches[end - 1].end())
    return DueDate(sentence[span[0] : span[1]], due, span)
