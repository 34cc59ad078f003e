"""The words a meeting is likely to use (participants' names, a client's terms) as a hint to Whisper.

Whisper can be given text that comes "before" what it decodes; it then prefers the spellings it
has just seen ("Lefèvre", not "Le Fèvre"). That text is bounded: the decoder holds 448 tokens, and
faster-whisper keeps at most half of them (223 after the start-of-previous token) for a hint,
silently cutting the rest. The hint is built here, term by term in order of importance, so a term
is either whole or left out, never cut in the middle.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Callable, Iterable
from typing import Any

logger = logging.getLogger(__name__)

# Whisper's decoder holds 448 tokens; faster-whisper keeps at most 448 // 2 - 1 of them as a hint.
MAX_HINT_TOKENS = 223
_MAX_TERM_CHARS = 60
_SEPARATOR = ", "
# A text is the hint written back when at least this share of its pieces are vocabulary terms.
ECHO_SHARE = 0.75
_PIECES = re.compile(r"[,.;:!?]")

CountTokens = Callable[[str], int]
"""The number of tokens the model's tokenizer makes of a text (as faster-whisper encodes a hint)."""


def clean_terms(terms: Iterable[str]) -> tuple[str, ...]:
    """`terms` stripped, in Unicode NFC, once each (the first spelling of a case-insensitive twin wins).

    Raises:
        ValueError: a term is empty, longer than 60 characters, on several lines or holds a comma.
    """
    kept: list[str] = []
    seen: set[str] = set()
    for raw in terms:
        term = unicodedata.normalize("NFC", " ".join(str(raw).split()))
        if not term:
            raise ValueError("an empty term: give words or names, e.g. 'Lefèvre', 'SIRH'")
        if len(term) > _MAX_TERM_CHARS or "\n" in str(raw).strip():
            raise ValueError(f"{term[:30]!r}…: a term is one word or name, at most {_MAX_TERM_CHARS} characters")
        if "," in term:
            raise ValueError(f"{term!r}: one term per item (the comma separates terms)")
        if term.casefold() not in seen:
            seen.add(term.casefold())
            kept.append(term)
    return tuple(kept)


def hint_terms(*groups: Iterable[str]) -> tuple[str, ...]:
    """The terms of `groups`, most important group first, once each; names that cannot be a term
    (a comma in "Martin, Claire") are left out rather than refused: they come from elsewhere."""
    kept: list[str] = []
    for term in (term for group in groups for term in group):
        try:
            kept += clean_terms([term])
        except ValueError:
            continue
    return clean_terms(kept)


def parse_terms(text: str) -> tuple[str, ...]:
    """Terms written one per line or separated by commas ("Lefèvre, SIRH"); blank lines and '#' comments are skipped.

    Raises:
        ValueError: a term is too long (see :func:`clean_terms`).
    """
    items = (item for line in text.splitlines() if not line.lstrip().startswith("#") for item in line.split(","))
    return clean_terms(item for item in items if item.strip())


def bounded_hint(terms: Iterable[str], count_tokens: CountTokens, limit: int = MAX_HINT_TOKENS) -> str:
    """The hint text: as many of `terms` as fit in `limit` tokens, in their order, whole.

    Args:
        terms: Cleaned terms, most important first (see :func:`clean_terms`).
        count_tokens: The model tokenizer's count of a text.
        limit: Token budget of the hint.

    Returns:
        "Claire Martin, Lefèvre, SIRH" (empty when no term fits).
    """
    kept: list[str] = []
    for term in terms:
        candidate = _SEPARATOR.join([*kept, term])
        if count_tokens(candidate) <= limit:
            kept.append(term)
    return _SEPARATOR.join(kept)


def tokenizer_hint(terms: tuple[str, ...], tokenizer: Any) -> str:
    """:func:`bounded_hint` counted with a Whisper model's `tokenizers.Tokenizer`, as faster-whisper
    encodes a hint (with a leading space); logs the terms left out."""
    hint = bounded_hint(terms, lambda text: len(tokenizer.encode(" " + text, add_special_tokens=False).ids))
    kept = len(hint.split(_SEPARATOR)) if hint else 0
    if kept < len(terms):
        logger.warning("Vocabulary: %d of %d terms fit in Whisper's prompt; the first ones are kept", kept, len(terms))
    return hint


def echoes_hint(text: str, terms: Iterable[str]) -> bool:
    """Whether a decoded text is Whisper copying its hint rather than hearing speech.

    On noise or speech it cannot make out, Whisper may write its hint back ("Lefèvre, SIRH,
    Qualiopi, Claire Martin"): a text of two or more comma- or period-separated pieces that are
    almost all vocabulary terms. A sentence that names terms has other words between them.
    """
    known = {term.casefold() for term in terms}
    pieces = [p.strip().casefold() for p in _PIECES.split(text) if p.strip()]
    matched = sum(1 for p in pieces if p in known)
    return matched >= 2 and matched >= ECHO_SHARE * len(pieces)
