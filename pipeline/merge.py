"""Pure functions that combine a Transcript with speakers. No model is touched here."""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace

from pipeline.attribution import DEFAULT_RULES, BoundaryRules, attribute_words, channel_speakers_of
from pipeline.speakers import speaker_label, speaker_numbers
from pipeline.types import Diarization, SpeakerTranscript, SpeakerTurn, Transcript, Utterance, Word

# A pause longer than this (seconds) starts a new utterance even when the speaker stays the same.
MAX_PAUSE = 2.0


def unattributed(transcript: Transcript) -> SpeakerTranscript:
    """A SpeakerTranscript with one speakerless utterance per segment (no diarization run)."""
    utterances = tuple(
        Utterance(speaker=None, start=s.start, end=s.end, text=s.text.strip(), words=s.words)
        for s in transcript.segments
        if s.text.strip()
    )
    return SpeakerTranscript(transcript.language, transcript.duration, utterances)


def assign_speakers(
    transcript: Transcript,
    diarization: Diarization,
    *,
    fill_nearest: bool = True,
    names: Mapping[str, str] | None = None,
    rules: BoundaryRules | None = DEFAULT_RULES,
) -> SpeakerTranscript:
    """Give every word its speaker: turn coverage smoothed along the sentence (see :mod:`pipeline.attribution`).

    Consecutive words of one speaker form an utterance; a segment that spans a speaker change
    is split at a word boundary, and a pause over ``MAX_PAUSE`` seconds also starts a new
    utterance. Segments without word timings are attributed as a whole. Words in overlapping
    speech (two speakers' turns at once) have ``overlap=True``, and so do their utterances.

    Args:
        transcript: speech-to-text result, ideally with word timestamps.
        diarization: speaker turns (full and exclusive).
        fill_nearest: words overlapping no turn get a speaker (the nearest turn's; else None).
        names: raw label -> display name (e.g. known voices); others get their public label.
        rules: how words at turn changes are attributed; None is each word on its own to the
            exclusive turn overlapping it most (the attribution before the rules, kept for comparison).

    Returns:
        The speaker-attributed transcript; raw ``SPEAKER_0k`` without a name shows as
        "Speaker k+1" (or, for French, "Intervenant k+1"), as in the RTTM.
    """
    pieces: list[tuple[Word, bool]] = []  # (word, is a whole wordless segment)
    segment_ends: set[int] = set()
    for segment in transcript.segments:
        if segment.text.strip():
            own = segment.words or (Word(segment.start, segment.end, segment.text, 1.0, channel=segment.channel),)
            pieces.extend((word, not segment.words) for word in own)
            segment_ends.add(len(pieces) - 1)
    words = [word for word, _ in pieces]
    exclusive = diarization.exclusive or diarization.turns
    if rules is None:
        index = _TurnIndex(sorted(exclusive, key=lambda t: (t.start, t.end)))
        speakers = [index.speaker_of(w.start, w.end, fill_nearest) for w in words]
        overlapped = [a.overlap for a in attribute_words(words, diarization.turns, fill_nearest=fill_nearest)]
    else:
        turns = diarization.turns if rules.overlapping else exclusive
        found = attribute_words(words, turns, rules, fill_nearest=fill_nearest, segment_ends=segment_ends)
        # Transcribed and diarized by channel: a word is its channel's speaker's, whoever else spoke then.
        by_channel = channel_speakers_of(words, diarization.channel_speakers)
        speakers = [a.speaker for a in found] if by_channel is None else list(by_channel)
        # Overlap is where the full turns overlap, whichever turns gave the speakers.
        full = found if rules.overlapping else attribute_words(words, diarization.turns, rules)
        overlapped = [a.overlap for a in full]
    units = [
        (speaker, replace(word, overlap=True) if over else word, wordless)
        for speaker, over, (word, wordless) in zip(speakers, overlapped, pieces, strict=True)
    ]
    utterances: list[Utterance] = []
    run: list[Word] = []
    run_speaker: str | None = None
    for speaker, word, _ in units:
        if run and (speaker != run_speaker or word.start - run[-1].end > MAX_PAUSE):
            utterances.append(_utterance(run_speaker, run))
            run = []
        run_speaker = speaker
        run.append(word)
    if run:
        utterances.append(_utterance(run_speaker, run))
    # Segments without word timings were wrapped in a pseudo word: drop it from the output.
    wordless = {id(word) for _, word, flag in units if flag}
    utterances = [replace(u, words=tuple(w for w in u.words if id(w) not in wordless)) for u in utterances]
    st = SpeakerTranscript(transcript.language, transcript.duration, tuple(u for u in utterances if u.text))
    return name_speakers(st, names or {})


def speaker_order(utterances: Iterable[Utterance]) -> tuple[str, ...]:
    """Raw speaker labels in order of first appearance."""
    seen: dict[str, None] = {}
    for u in sorted(utterances, key=lambda u: u.start):
        if u.speaker is not None:
            seen.setdefault(u.speaker, None)
    return tuple(seen)


def generic_speaker_name(number: int, language: str) -> str:
    """ "Speaker 3", or "Intervenant 3" when `language` is French."""
    return speaker_label(number, language)


def speaker_names(
    speakers: Sequence[str], language: str, names: Mapping[str, str] | None = None
) -> tuple[tuple[str, str], ...]:
    """Display names: `names` where given, the others their public label.

    Raw ``SPEAKER_0k`` is always number k+1, whoever else is named; labels of another form
    take the free numbers in the given order.
    """
    names = names or {}
    numbers = speaker_numbers(speakers)
    return tuple(
        (speaker, names.get(speaker, "").strip() or speaker_label(numbers[speaker], language)) for speaker in speakers
    )


def name_speakers(st: SpeakerTranscript, names: Mapping[str, str]) -> SpeakerTranscript:
    """The same transcript with display names from `names` (raw label -> name), others their public label."""
    return replace(st, speaker_names=speaker_names(speaker_order(st.utterances), st.language, names))


def join_words(words: Iterable[Word]) -> str:
    """The words' texts as one line of text.

    Whisper's words carry their leading space (" bonjour"), but the first word of a decoding
    window does not: a space goes wherever neither side of a join has one, so that
    "correspondante." and "en" never read "correspondante.en".
    """
    pieces: list[str] = []
    for word in words:
        if pieces and not word.text[:1].isspace() and not pieces[-1][-1:].isspace():
            pieces.append(" ")
        pieces.append(word.text)
    return " ".join("".join(pieces).split())


def _utterance(speaker: str | None, words: list[Word]) -> Utterance:
    start, end = words[0].start, max(w.end for w in words)
    return Utterance(speaker, start, end, join_words(words), tuple(words), any(w.overlap for w in words))


class _TurnIndex:
    """Sorted turns with binary search, so attribution stays O(words x log turns)."""

    def __init__(self, turns: list[SpeakerTurn]) -> None:
        self._turns = turns
        self._starts = [t.start for t in turns]
        # Turns may nest (full diarization); the running max end bounds the backwards scan.
        self._max_end: list[float] = []
        best = float("-inf")
        for t in turns:
            best = max(best, t.end)
            self._max_end.append(best)

    def speaker_of(self, start: float, end: float, fill_nearest: bool) -> str | None:
        """Speaker of the turn overlapping [start, end] most (the later turn on a tie)."""
        if not self._turns:
            return None
        i = bisect.bisect_right(self._starts, end)
        best, best_overlap = None, -1.0
        j = i - 1
        while j >= 0 and self._max_end[j] >= start:
            t = self._turns[j]
            overlap = min(end, t.end) - max(start, t.start)
            # A zero-length word inside a turn overlaps it by 0: still counts as inside.
            if overlap >= 0 and overlap > best_overlap and (overlap > 0 or t.start <= start <= t.end):
                best, best_overlap = t, overlap
            j -= 1
        if best is not None:
            return best.speaker
        if not fill_nearest:
            return None
        nearby = self._turns[max(0, i - 8) : i + 1]
        return min(nearby, key=lambda t: (max(t.start - end, start - t.end, 0.0), -t.start)).speaker
