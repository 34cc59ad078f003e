"""Which speaker said each word: turn coverage smoothed along the text. Pure; no model is touched.

Diarization turn edges are off by a few tenths of a second, short turns flicker in and out at
interjections and overlaps, and Whisper's word times stretch across pauses. Taking each word's
best-overlapping turn on its own therefore gives words at a turn change to the wrong person
("Speaker 2: Neither did" / "Speaker 1: I. Okay."). Here every word costs, for each speaker, the
share of it that speaker's turns do not cover (overlapping turns included: in crosstalk both
speakers cover it), and changing speaker between two words costs a penalty that is lower after a
sentence end. The cheapest sequence (Viterbi) then gives each word its speaker:

- a word straddling a turn change goes to the turn covering most of it;
- a sentence is not cut by a short turn unless enough of its words lie in that turn alone;
- at a speaker change, a sentence end next to the turn edge is where the cut goes;
- a word in no turn goes to the nearest turn within ``nearest`` seconds, else to its neighbours' speaker.

The penalties are in words: ``switch_mid = 1.0`` means a change of speaker inside a sentence needs
about one word's worth of evidence. Their values come from a sweep (docs/benchmarks.md, "cpWER").
"""

from __future__ import annotations

import bisect
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from pipeline.types import SpeakerTurn, Word

# Words shorter than this (seconds; Whisper gives some zero-length words) are widened to it around
# their middle before their coverage is measured.
_MIN_WIDTH = 0.1
# Punctuation that ends a sentence in Whisper's text (French and English; "…" and "?!" included).
_SENTENCE_END = (".", "?", "!", "…", "。")


@dataclass(frozen=True, slots=True)
class BoundaryRules:
    """How words at turn changes are given their speaker (see the module docstring).

    Attributes:
        overlapping: use the full turns, where two speakers may overlap (True), or the exclusive
            ones, one speaker at a time (False).
        switch_mid: cost, in words, of a change of speaker between two words of one sentence.
        switch_end: the same after a word that ends a sentence (or, with `segment_ends`, a
            speech-to-text segment).
        segment_ends: the end of a speech-to-text segment is a cut point like a sentence end
            (Whisper leaves some sentences unpunctuated but ends its segments at pauses).
        nearest: a word no turn covers goes to the nearest turn within this many seconds.
    """

    overlapping: bool = True
    switch_mid: float = 1.0
    switch_end: float = 0.0
    segment_ends: bool = True
    nearest: float = 1.0


DEFAULT_RULES = BoundaryRules()


@dataclass(frozen=True, slots=True)
class WordSpeaker:
    speaker: str | None
    overlap: bool


class TurnCoverage:
    """One speaker's turns merged into sorted disjoint intervals, with coverage and distance queries."""

    def __init__(self, turns: Sequence[SpeakerTurn]) -> None:
        merged: list[list[float]] = []
        for turn in sorted(turns, key=lambda t: t.start):
            if merged and turn.start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], turn.end)
            else:
                merged.append([turn.start, turn.end])
        self._starts = [m[0] for m in merged]
        self._ends = [m[1] for m in merged]

    def covered(self, start: float, end: float) -> float:
        """Seconds of [start, end] inside the intervals."""
        total = 0.0
        i = max(0, bisect.bisect_right(self._starts, start) - 1)
        while i < len(self._starts) and self._starts[i] < end:
            total += max(0.0, min(end, self._ends[i]) - max(start, self._starts[i]))
            i += 1
        return total

    def distance(self, start: float, end: float) -> float:
        """Seconds from [start, end] to the closest interval (0 when they touch); inf when there is none."""
        i = bisect.bisect_right(self._starts, end)
        best = float("inf")
        if i < len(self._starts):
            best = self._starts[i] - end
        if i > 0:
            best = min(best, max(0.0, start - self._ends[i - 1]))
        return best

    def intervals(self) -> list[tuple[float, float]]:
        return list(zip(self._starts, self._ends, strict=True))


def widened(word: Word) -> tuple[float, float]:
    """The word's span, widened around its middle to at least ``_MIN_WIDTH`` seconds."""
    if word.end - word.start >= _MIN_WIDTH:
        return word.start, word.end
    middle = (word.start + word.end) / 2
    return middle - _MIN_WIDTH / 2, middle + _MIN_WIDTH / 2


def channel_speakers_of(words: Sequence[Word], channel_speakers: Sequence[str]) -> list[str] | None:
    """Each word's speaker by the channel it was transcribed on, for a recording transcribed and
    diarized by channel (:mod:`pipeline.asr.by_channel`): channel k's words are channel k's speaker's.

    Returns:
        One speaker per word; None when a word has no channel, or its channel no speaker (the
        transcript came from the mix, or the diarization from the model or an older cache): the
        words are then attributed by time.
    """
    if not words or not channel_speakers:
        return None
    speakers: list[str] = []
    for word in words:
        channel = word.channel
        if channel is None or not 0 <= channel < len(channel_speakers) or not channel_speakers[channel]:
            return None
        speakers.append(channel_speakers[channel])
    return speakers


def ends_sentence(text: str) -> bool:
    """Whether a word of Whisper's text ends a sentence ("distant.", "vraiment ?", "non…")."""
    return text.rstrip().rstrip("\"')»”").endswith(_SENTENCE_END)


def _overlap_coverage(per_speaker: Sequence[TurnCoverage]) -> TurnCoverage:
    """Where two or more speakers' turns lie at once, as a coverage of its own."""
    events = sorted(
        [(s, 1) for cov in per_speaker for s, _ in cov.intervals()]
        + [(e, -1) for cov in per_speaker for _, e in cov.intervals()]
    )
    regions: list[SpeakerTurn] = []
    active, opened = 0, 0.0
    for time, delta in events:
        if active < 2 <= active + delta:
            opened = time
        elif active >= 2 > active + delta and time > opened:
            regions.append(SpeakerTurn(opened, time, ""))
        active += delta
    return TurnCoverage(regions)


def attribute_words(
    words: Sequence[Word],
    turns: Sequence[SpeakerTurn],
    rules: BoundaryRules = DEFAULT_RULES,
    *,
    fill_nearest: bool = True,
    segment_ends: Collection[int] = (),
) -> tuple[WordSpeaker, ...]:
    """Each word's speaker and whether it lies in overlapped speech.

    Args:
        words: the words in spoken order (a segment without word times as one pseudo-word).
        turns: the speaker turns to use (full or exclusive, as `rules.overlapping` says).
        rules: penalties and bounds.
        fill_nearest: words no turn covers get a speaker (nearest turn, else their neighbours');
            when False they get None.
        segment_ends: indices of the words that end a speech-to-text segment.

    Returns:
        One WordSpeaker per word, in the same order.
    """
    speakers = sorted({t.speaker for t in turns})
    if not words or not speakers:
        return tuple(WordSpeaker(None, False) for _ in words)
    coverage = [TurnCoverage([t for t in turns if t.speaker == s]) for s in speakers]
    both = _overlap_coverage(coverage)
    costs: list[list[float]] = []
    uncovered: list[bool] = []
    overlapped: list[bool] = []
    for word in words:
        start, end = widened(word)
        shares = [cov.covered(start, end) / (end - start) for cov in coverage]
        # Overlapped speech: most of the word lies where two speakers' turns overlap.
        overlapped.append(both.covered(start, end) / (end - start) > 0.5)
        uncovered.append(max(shares) <= 0.0)
        if uncovered[-1]:
            # In no turn: the nearest turn within the bound is cheapest; beyond it every speaker costs
            # the same and the word follows its neighbours.
            gaps = [cov.distance(start, end) for cov in coverage]
            costs.append([min(1.0, g / rules.nearest) if rules.nearest > 0 else 1.0 for g in gaps])
        else:
            costs.append([1.0 - share for share in shares])
    cuts = [ends_sentence(w.text) or (rules.segment_ends and i in segment_ends) for i, w in enumerate(words)]
    path = _cheapest_path(costs, cuts, rules)
    return tuple(
        WordSpeaker(None if (is_out and not fill_nearest) else speakers[k], over)
        for k, is_out, over in zip(path, uncovered, overlapped, strict=True)
    )


def _cheapest_path(costs: list[list[float]], cuts: list[bool], rules: BoundaryRules) -> list[int]:
    """Viterbi over speakers: word costs plus a switch penalty between consecutive words.

    `cuts[i]` says a change of speaker after word i costs `switch_end` rather than `switch_mid`.
    """
    n = len(costs[0])
    total = list(costs[0])
    back: list[list[int]] = []
    for i in range(1, len(costs)):
        # The tiny extra keeps a word with its neighbour when the evidence is even.
        switch = (rules.switch_end if cuts[i - 1] else rules.switch_mid) + 1e-6
        best_prev = min(range(n), key=lambda k: total[k])
        pointers, new_total = [], []
        for k in range(n):
            # Staying wins ties, so equal evidence never moves a word to another speaker.
            if total[k] <= total[best_prev] + switch:
                pointers.append(k)
                new_total.append(total[k] + costs[i][k])
            else:
                pointers.append(best_prev)
                new_total.append(total[best_prev] + switch + costs[i][k])
        back.append(pointers)
        total = new_total
    k = min(range(n), key=lambda s: total[s])
    path = [k]
    for pointers in reversed(back):
        k = pointers[k]
        path.append(k)
    return path[::-1]
