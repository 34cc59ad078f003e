"""A cheap guess of a transcript's language: French or English, by counting function words.

No model: the words below are frequent in one language and (almost) absent from the other, so
their counts over the first few thousand words separate French from English reliably on
anything longer than a sentence. Other languages are not told apart; a text with no function
word of either list gets the caller's default.
"""

from __future__ import annotations

import re

# The minutes' own default language (pipeline.summarize.minutes.DEFAULT_LANGUAGE) when nothing can be told.
DEFAULT_LANGUAGE = "fr"

# Only words that are not also words of the other language ("on", "a", "en", "me", "as" are left out).
_FRENCH = frozenset(
    "le la les des du une est et que qui pas pour dans vous nous je ce cette sont avec mais sur au aux il elle "
    "ils très être avoir fait comme tout plus ça oui non alors donc parce aussi leur leurs".split()
)
_ENGLISH = frozenset(
    "the and is are of to that you we it this with not for was have be they what there but so yeah just "
    "think about would will can do don our your yes no which been were because".split()
)
_SAMPLE_WORDS = 5_000
_WORD = re.compile(r"\w+")


def detect_language(text: str, default: str = DEFAULT_LANGUAGE) -> str:
    """ "fr" or "en", whichever has more of its function words in the first 5,000 words of `text`.

    Args:
        text: Any amount of transcript text.
        default: The answer when neither list is found more often (an empty text, a tie).

    Returns:
        An ISO 639-1 code.
    """
    french = english = 0
    for i, match in enumerate(_WORD.finditer(text.casefold())):
        if i >= _SAMPLE_WORDS:
            break
        word = match.group()
        french += word in _FRENCH
        english += word in _ENGLISH
    if french > english:
        return "fr"
    if english > french:
        return "en"
    return default
