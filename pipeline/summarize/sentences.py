"""Timed sentences from a speaker-attributed transcript, and the text helpers the summariser shares."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from pipeline.merge import join_words
from pipeline.summarize.lexicon import Lexicon
from pipeline.types import SpeakerTranscript, Utterance, Word

_SENTENCE_END = (".", "?", "!", "…")
_SPLIT = re.compile(r"(?<=[.?!…])\s+")
_TOKEN = re.compile(r"[^\W\d_]+(?:[-'][^\W\d_]+)*|\d+", re.UNICODE)
_STEM_CHARS = 6


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence, with who said it and when.

    Attributes:
        index: Position in the meeting (0-based).
        text: The sentence as transcribed, apostrophes normalised.
        start: Start time in seconds.
        end: End time in seconds.
        speaker: The speaker's display name, or None when unknown.
    """

    index: int
    text: str
    start: float
    end: float
    speaker: str | None


def normalize(text: str) -> str:
    """NFC text with typographic apostrophes and spaces made plain."""
    text = unicodedata.normalize("NFC", text).replace("’", "'").replace("\u00a0", " ").replace("\u202f", " ")
    return " ".join(text.split())


def _from_words(words: tuple[Word, ...]) -> Iterator[tuple[str, float, float]]:
    chunk: list[Word] = []
    for word in words:
        chunk.append(word)
        if word.text.strip().endswith(_SENTENCE_END):
            yield join_words(chunk), chunk[0].start, chunk[-1].end
            chunk = []
    if chunk:
        yield join_words(chunk), chunk[0].start, chunk[-1].end


def _from_text(utt: Utterance) -> Iterator[tuple[str, float, float]]:
    pieces = [p for p in _SPLIT.split(utt.text.strip()) if p]
    total = sum(len(p) for p in pieces) or 1
    start, span = utt.start, utt.end - utt.start
    for piece in pieces:
        end = start + span * len(piece) / total
        yield piece, start, end
        start = end


def split_sentences(transcript: SpeakerTranscript) -> tuple[Sentence, ...]:
    """Cut every utterance into sentences, timed from word times when there are any.

    Args:
        transcript: The speaker-attributed transcript.

    Returns:
        The sentences in spoken order; empty ones are dropped.
    """
    out: list[Sentence] = []
    for utt in transcript.utterances:
        name = transcript.display_name(utt.speaker) if utt.speaker else None
        pieces = _from_words(utt.words) if utt.words else _from_text(utt)
        for text, start, end in pieces:
            clean = normalize(text)
            if clean:
                out.append(Sentence(len(out), clean, start, max(end, start), name))
    return tuple(out)


def tokens(text: str) -> list[str]:
    """Lower-case word tokens ("l'équipe" gives "l'équipe"; digits kept)."""
    return [t.lower() for t in _TOKEN.findall(normalize(text))]


def content_terms(text: str, lexicon: Lexicon) -> list[str]:
    """Stems of the content words: stopwords, elisions and short words removed.

    Truncating to a fixed prefix is a crude, language-neutral stemmer that is enough to match
    "budget"/"budgets" or "livraison"/"livraisons" for lexical cohesion.
    """
    terms = []
    for tok in tokens(text):
        if "'" in tok:
            tok = tok.split("'", 1)[1]
        if len(tok) < 3 or tok in lexicon.stopwords or tok.isdigit():
            continue
        terms.append(tok[:_STEM_CHARS])
    return terms


def strip_fillers(text: str, lexicon: Lexicon) -> str:
    """Remove spoken fillers and their punctuation from the start of a sentence."""
    pattern = re.compile(r"^(?:(?:" + "|".join(lexicon.fillers) + r")\b[\s,.;:!…-]*)+", re.IGNORECASE)
    return pattern.sub("", text).strip()


def tidy(text: str) -> str:
    """Capitalise the first letter and end with one full stop (unless it is a question)."""
    text = text.strip().strip(",;:- ").rstrip(".…").strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text.endswith(("?", "!")) else text + "."
