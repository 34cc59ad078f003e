"""Spoken sentences made readable: hesitations, stutters, repeated words and opening fillers removed.

What people say is not what minutes quote. "Euh, je je pense que, euh, le budget…" becomes
"Je pense que le budget…". Only what carries no content is removed — hesitation sounds, cut-off
word fragments ("th-"), a word or two-word phrase said twice in a row, and the discourse fillers
of the language at the start of the sentence; the words and their order are otherwise kept, so a
cleaned sentence can still be found in the transcript.
"""

from __future__ import annotations

import re

from pipeline.summarize.lexicon import Lexicon
from pipeline.summarize.sentences import strip_fillers, tidy

# Hesitation sounds in French and English transcripts, whatever the ASR spelled ("euh", "heu", "uhm").
_HESITATION = re.compile(
    r"(?:,\s*)?(?<![\w'-])(?:m+-?h+m+|u+h+-h+u+h+|h+u+m+|e+u+h+|h+e+u+|u+h+m*|u+m+|e+r+m*|h+m+|m+h*m+|a+h+|o+h+)(?![\w'-])[,.…]*\s*",
    re.IGNORECASE,
)
# A word cut off by its speaker ("th- the", "pro- projet"), as transcribers write it.
_FRAGMENT = re.compile(r"(?<![\w'-])[^\W\d_]{1,4}-(?=\s)\s*")
# Bracketed annotations: [inaudible], (rires), {vocalsound}.
_ANNOTATION = re.compile(r"\[[^\]]{0,40}\]|\([^)]{0,40}\)|\{[^}]{0,40}\}")
# The same one or two words said twice in a row ("je je", "in the in the").
_REPEAT = re.compile(r"\b(\w+(?:'\w+)?(?:\s+\w+)?)(?:[\s,]+\1\b)+", re.IGNORECASE)
_SPACE_BEFORE_PUNCT = re.compile(r"\s+([,.…])")
_DOUBLE_PUNCT = re.compile(r"([,;:])(?:\s*[,;:])+")
# Fillers set off by commas inside a sentence ("they all, you know, call me").
_INNER_FILLERS = re.compile(
    r",\s*(?:you know|I mean|tu vois|vous voyez|tu sais|vous savez)\s*(?=[,.!?…])", re.IGNORECASE
)
# Conjunctions that tie a sentence to the previous turn, meaningless once it stands alone in minutes.
_LINKS = re.compile(r"^(?:(?:et|mais|donc|or|puis|and|but|so|then)\b[\s,]*)+", re.IGNORECASE)


def clean_spoken(text: str, lexicon: Lexicon) -> str:
    """The sentence without its disfluencies, capitalised and ended; "" when nothing is left.

    Args:
        text: One transcribed sentence.
        lexicon: The language's fillers.

    Returns:
        The readable sentence.
    """
    text = _ANNOTATION.sub(" ", text)
    text = _HESITATION.sub(" ", text)
    text = _FRAGMENT.sub(" ", text)
    text = _REPEAT.sub(r"\1", text)
    text = _INNER_FILLERS.sub("", text)
    text = strip_fillers(" ".join(text.split()), lexicon)
    text = strip_fillers(_LINKS.sub("", text), lexicon)
    text = _DOUBLE_PUNCT.sub(r"\1", _SPACE_BEFORE_PUNCT.sub(r"\1", text))
    return tidy(text) if re.search(r"\w", text) else ""
