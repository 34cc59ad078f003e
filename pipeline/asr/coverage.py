"""Speech that Whisper skipped, found and put back.

Whisper (base especially) sometimes ends a 30 s window after its first sentence when the speech
that follows is unrelated (another speaker, a new topic, VAD having removed the pause between
them). Sequential decoding then jumps to the next window, and batched decoding, which decodes
each chunk once, drops the rest of the chunk: on the 60-minute benchmark every word of 9 clips was
lost that way. The voice-activity spans that no decoded word covers are decoded again on their own.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

from pipeline.merge import join_words
from pipeline.types import TranscriptSegment

Span = tuple[float, float]

# A word covers the speech this far around it (Whisper's word edges are approximate).
WORD_MARGIN_S = 0.4
# Uncovered pieces closer than this are decoded together; shorter ones are left alone
# (a cough, a breath), and none is longer than one Whisper window.
JOIN_S = 1.0
MIN_UNCOVERED_S = 1.0
MAX_PIECE_S = 30.0


def _subtract(span: Span, covered: Sequence[Span]) -> list[Span]:
    pieces: list[Span] = []
    cursor, end = span
    for lo, hi in covered:
        if hi <= cursor or lo >= end:
            continue
        if lo > cursor:
            pieces.append((cursor, lo))
        cursor = max(cursor, hi)
    if cursor < end:
        pieces.append((cursor, end))
    return pieces


def uncovered_speech(speech: Iterable[Span], words: Iterable[Span]) -> tuple[Span, ...]:
    """Speech spans (seconds) no word comes near, joined when close, long enough to decode again."""
    covered = sorted((start - WORD_MARGIN_S, end + WORD_MARGIN_S) for start, end in words)
    pieces: list[Span] = []
    for span in sorted(speech):
        for lo, hi in _subtract(span, covered):
            if pieces and lo - pieces[-1][1] < JOIN_S and hi - pieces[-1][0] <= MAX_PIECE_S:
                pieces[-1] = (pieces[-1][0], hi)
            else:
                pieces.append((lo, hi))
    return tuple(p for p in pieces if p[1] - p[0] >= MIN_UNCOVERED_S)


def _absorb(segment: TranscriptSegment, extra: TranscriptSegment) -> TranscriptSegment:
    words = tuple(sorted(segment.words + extra.words, key=lambda w: (w.start, w.end)))
    if segment.words and extra.words:
        text = join_words(words)
    else:
        first, second = sorted((segment, extra), key=lambda s: s.start)
        text = f"{first.text} {second.text}".strip()
    return replace(
        segment, start=min(segment.start, extra.start), end=max(segment.end, extra.end), text=text, words=words
    )


def merge_recovered(
    segments: Sequence[TranscriptSegment], recovered: Iterable[TranscriptSegment]
) -> tuple[TranscriptSegment, ...]:
    """Segments in time order with the recovered ones added.

    A recovered segment inside a decoded segment's span (batched decoding gives one segment per
    30 s chunk) is folded into it, so that words stay in time order across the transcript.
    """
    merged = list(segments)
    for extra in recovered:
        host = next((i for i, s in enumerate(merged) if extra.start < s.end and extra.end > s.start), None)
        if host is None:
            merged.append(extra)
        else:
            merged[host] = _absorb(merged[host], extra)
    return tuple(sorted(merged, key=lambda s: (s.start, s.end)))
