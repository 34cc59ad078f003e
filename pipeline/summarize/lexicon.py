"""Per-language cue lexicons for the offline summariser (French and English).

Cues are regular expressions matched case-insensitively on one sentence. They describe how
people phrase decisions, commitments, requests and open points in meetings; owners and objects
are captured by the named groups ``who`` and ``what``. Adding a language means adding a
:class:`Lexicon`; no code changes.
"""

from __future__ import annotations

from pipeline.locale import FALLBACK_LANGUAGE, normalise_language
from pipeline.summarize.lexicon_en import ENGLISH
from pipeline.summarize.lexicon_fr import FRENCH
from pipeline.summarize.lexicon_model import Lexicon

__all__ = ["ENGLISH", "FRENCH", "Lexicon", "lexicon_for", "lexicon_language"]

# Keyed by the codes of pipeline.locale, like every other table of a language.
_LEXICONS = {"fr": FRENCH, "en": ENGLISH}


def lexicon_for(language: str) -> Lexicon:
    """The lexicon of `language` (any code :func:`~pipeline.locale.normalise_language` reads); English without one."""
    return _LEXICONS[lexicon_language(language)]


def lexicon_language(language: str) -> str:
    """The code of the lexicon :func:`lexicon_for` gives `language` (its dates are parsed in that language)."""
    code = normalise_language(language)
    return code if code in _LEXICONS else FALLBACK_LANGUAGE
