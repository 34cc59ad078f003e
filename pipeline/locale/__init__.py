"""Languages in one place: how a language code is read, and every fixed wording of each language.

A language is a module of this package (``fr.py``, ``en.py``) holding one :class:`Locale`;
adding a language is adding such a module and naming it in ``_MODULES``. Everything else
(documents, emails, notes, summaries, speaker labels) looks its words up here by the
normalised code, and a language without its own module reads as English.

The summariser's cue words are not wording and stay in ``pipeline.summarize.lexicon``,
keyed by the same normalised codes.
"""

from __future__ import annotations

import re

from pipeline.locale import en, fr
from pipeline.locale.schema import Locale, lookup

__all__ = [
    "FALLBACK_LANGUAGE",
    "SUPPORTED",
    "Locale",
    "language_name",
    "locale_for",
    "locales",
    "normalise_language",
]

# What a code that names no language ("", "??", None) normalises to, and whose wording a
# language without a module of its own gets.
FALLBACK_LANGUAGE = "en"

_MODULES = (fr, en)
_LOCALES: dict[str, Locale] = {m.LOCALE.code: m.LOCALE for m in _MODULES}
SUPPORTED: tuple[str, ...] = tuple(_LOCALES)

# An ISO 639 code, optionally followed by a region or script: "fr", "fr-CA", "pt_BR", "zh-Hant-TW".
_CODE = re.compile(r"([a-z]{2,3})(?:[-_][a-z0-9]+)*")


def normalise_language(code: str | None) -> str:
    """The base language code, lowercase: "fr-CA" -> "fr", "EN" -> "en", "de_AT" -> "de".

    Args:
        code: A language code or tag, as Whisper, a client file or a person writes it.

    Returns:
        The base code; :data:`FALLBACK_LANGUAGE` when `code` is empty or is not a language code.
        A well-formed code without wording of its own ("de") is kept: its name still shows
        in the documents, and :func:`locale_for` gives it the English wording.
    """
    match = _CODE.fullmatch((code or "").strip().lower())
    return match.group(1) if match else FALLBACK_LANGUAGE


def locale_for(language: str | None) -> Locale:
    """Every wording of `language` (any form :func:`normalise_language` reads); English when it has none."""
    return _LOCALES.get(normalise_language(language)) or _LOCALES[FALLBACK_LANGUAGE]


def locales() -> tuple[Locale, ...]:
    """The wording of every supported language, in :data:`SUPPORTED` order."""
    return tuple(_LOCALES.values())


def language_name(code: str | None, in_language: str | None) -> str:
    """The name of language `code` written in `in_language`: ("fr", "fr") -> "français", ("fr", "en") -> "French".

    A language without a name in the table keeps its code.
    """
    base = normalise_language(code)
    return lookup(locale_for(in_language).language_names, base, base)
