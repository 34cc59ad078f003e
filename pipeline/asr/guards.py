"""Guards against Whisper's known failure modes, applied to every decoded segment.

Whisper was trained on subtitles: on silence, noise or music it can emit subtitle credits, and
it can fall into loops repeating a phrase. Such text is removed from the transcript and kept as
a RejectedSegment with its reason, so it is never delivered as speech but stays visible.
"""

from __future__ import annotations

import logging
import re
import unicodedata
import zlib
from collections.abc import Iterable
from dataclasses import replace

from pipeline.merge import join_words
from pipeline.roles import Progress
from pipeline.types import RejectedSegment, TranscriptSegment, Word

logger = logging.getLogger(__name__)

# Whole-segment texts that come from subtitle credits in Whisper's training data, not from meetings.
_CREDIT_PATTERNS = tuple(
    re.compile(p, re.IGNORECASE)
    for p in (
        r"amara\.org",
        r"sous-?titr(es|age)\b.*\b(par|by|st'?\s*\d+)",
        r"\bsubtitles? by\b",
        r"\bmerci d'avoir regardé\b",
        r"\bthanks? (you )?for watching\b",
        r"\bplease subscribe\b",
        r"\babonnez-vous\b",
        r"^\W*(musique|music|applause|applaudissements|rires|laughter)\W*$",
    )
)
# Texts made only of symbols Whisper uses for non-speech (♪, brackets, dots).
_NON_SPEECH = re.compile(r"^[\s\W♪♫]*$")
MAX_COMPRESSION_RATIO = 2.4
MAX_CREDIT_CHARS = 90
MIN_LOOP_REPEATS = 4
MAX_LOOP_NGRAM = 8


def _normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def compression_ratio(text: str) -> float:
    """Bytes over zlib-compressed bytes: high for looping, repetitive text."""
    data = text.encode("utf-8")
    return len(data) / max(len(zlib.compress(data)), 1)


def _tokens(segment: TranscriptSegment) -> list[str]:
    if segment.words:
        return [re.sub(r"\W", "", w.text.lower()) for w in segment.words]
    return [re.sub(r"\W", "", t.lower()) for t in segment.text.split()]


def find_loop(tokens: list[str]) -> tuple[int, int] | None:
    """First run of an n-gram repeated MIN_LOOP_REPEATS+ times in a row: (keep_until, loop_end)."""
    count = len(tokens)
    for n in range(1, MAX_LOOP_NGRAM + 1):
        for start in range(count - n * MIN_LOOP_REPEATS + 1):
            gram = tokens[start : start + n]
            if not any(gram):
                continue
            repeats, pos = 1, start + n
            while pos + n <= count and tokens[pos : pos + n] == gram:
                repeats, pos = repeats + 1, pos + n
            if repeats >= MIN_LOOP_REPEATS:
                return start + n, pos
    return None


def _without_loop(segment: TranscriptSegment) -> tuple[TranscriptSegment | None, RejectedSegment | None]:
    tokens = _tokens(segment)
    loop = find_loop(tokens)
    if loop is None:
        return segment, None
    keep, end = loop
    if segment.words:
        kept: tuple[Word, ...] = segment.words[:keep] + segment.words[end:]
        dropped = segment.words[keep:end]
        rejected = RejectedSegment(dropped[0].start, dropped[-1].end, join_words(dropped), "repetition loop")
        if not kept:
            return None, rejected
        text = join_words(kept)
        return replace(segment, start=kept[0].start, end=kept[-1].end, text=text, words=kept), rejected
    words = segment.text.split()
    rejected = RejectedSegment(segment.start, segment.end, " ".join(words[keep:end]), "repetition loop")
    return replace(segment, text=" ".join(words[:keep] + words[end:])), rejected


def screen_segment(segment: TranscriptSegment) -> tuple[TranscriptSegment | None, RejectedSegment | None]:
    """Return the segment to keep (None if dropped whole) and what was rejected, if anything."""
    text = _normalise(segment.text)

    def reject(reason: str) -> tuple[None, RejectedSegment]:
        return None, RejectedSegment(segment.start, segment.end, text, reason)

    if not text or _NON_SPEECH.match(text):
        return reject("no speech") if text else (None, None)
    # Only short segments: a credit phrase inside a long real sentence is speech.
    if len(text) <= MAX_CREDIT_CHARS and any(p.search(text) for p in _CREDIT_PATTERNS):
        return reject("subtitle credit or non-speech annotation (Whisper hallucination)")
    kept, rejected = _without_loop(segment)
    if kept is not None and compression_ratio(kept.text) > MAX_COMPRESSION_RATIO and len(kept.text) > 60:
        return reject(f"repetitive text (compression ratio {compression_ratio(kept.text):.1f})")
    return kept, rejected


def _clamp(segment: TranscriptSegment, duration: float) -> TranscriptSegment:
    """Keep times monotonic and inside the recording (Whisper can overshoot the end by a frame)."""
    words = tuple(
        Word(min(w.start, duration), min(max(w.end, w.start), duration), w.text, w.probability) for w in segment.words
    )
    start = min(segment.start, duration)
    return TranscriptSegment(
        start=start,
        end=min(max(segment.end, start), duration),
        text=segment.text,
        words=words,
        avg_logprob=segment.avg_logprob,
        no_speech_prob=segment.no_speech_prob,
    )


def screen_segments(
    raw: Iterable[TranscriptSegment], duration: float, progress: Progress | None = None
) -> tuple[tuple[TranscriptSegment, ...], tuple[RejectedSegment, ...]]:
    """The segments kept (times clamped to `duration`) and those rejected by :func:`screen_segment`."""
    kept: list[TranscriptSegment] = []
    rejected: list[RejectedSegment] = []
    for segment in raw:
        good, bad = screen_segment(_clamp(segment, duration))
        if good is not None and good.text:
            kept.append(good)
        if bad is not None:
            logger.info("Dropped %.1f-%.1f s (%s): %r", bad.start, bad.end, bad.reason, bad.text[:80])
            rejected.append(bad)
        if progress is not None:
            progress(min(segment.end, duration))
    return tuple(kept), tuple(rejected)
