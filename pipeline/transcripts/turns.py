"""Turns read from a transcript file -> :class:`~pipeline.types.SpeakerTranscript`.

Every reader produces :class:`Turn` objects (who, what, and when if the file says) and this module
builds the transcript once, the same way for every format:

- Speakers become raw labels ``SPEAKER_00``, ``SPEAKER_01`` ... in order of first turn, as a
  diarizer's would be (so "Speaker 2" means the second to speak, and renames work as for audio),
  with the names written in the file as display names. Names that differ only in case, spacing
  or a trailing dot ("Nicolas SARKOZY", "Nicolas Sarkozy") are one speaker, shown as first written.
- Times are the file's when every turn has them. A format without times (plain "Name: text") gets
  pseudo-times from cumulative word counts at :data:`WORDS_PER_SECOND` (2.5 words/s, a common
  speaking rate), starting at 0.0: durations and speaking shares are then proportional to words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pipeline.transcripts.language import detect_language
from pipeline.types import SpeakerTranscript, Utterance

WORDS_PER_SECOND = 2.5
# Cues of one speaker closer than this are one turn: tools cut turns into cues for display, not at pauses.
MERGE_GAP = 2.0

# Label rule for "Name: text" lines (plain text, Zoom VTT, SRT): up to 5 words, each capitalised,
# a digit-led code ("P1"), a particle ("de", "d'Arvor") or an initial ("M.", "J."). This keeps
# "Marie Dupont", "JB", "M. CHIRAC", "Patrick Poivre d'Arvor" and rejects prose such as
# "deux choses : ..." or "http://...".
_LABEL_LINE = re.compile(r"(?P<label>[^\W\d_][\w.'’ -]{0,47}?)\s*:(?!//)\s*(?P<text>.*)", re.DOTALL)
_PARTICLES = frozenset({"de", "des", "du", "la", "le", "van", "von", "der", "den", "da", "di", "dos", "y", "el", "al"})
_ELIDED = re.compile(r"[dl]['’]\w", re.IGNORECASE)
_MAX_LABEL_WORDS = 5
_WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class Turn:
    """One turn as a file gives it.

    Attributes:
        speaker: The speaker's name as written in the file, or None when the turn names nobody.
        text: What was said.
        start: Start in seconds, when the format has times.
        end: End in seconds, when the format has times.
    """

    speaker: str | None
    text: str
    start: float | None = None
    end: float | None = None


def is_speaker_label(label: str) -> bool:
    """Whether `label` (the part before a colon) reads as a speaker's name or code, not as prose."""
    words = label.split()
    if not words or len(words) > _MAX_LABEL_WORDS or not words[0][0].isupper():
        return False
    return all(w[0].isupper() or w[0].isdigit() or w.casefold() in _PARTICLES or _ELIDED.match(w) for w in words)


def split_label(line: str) -> tuple[str | None, str]:
    """ "Marie Dupont : Bonjour" -> ("Marie Dupont", "Bonjour"); a line without a label -> (None, line).

    French typography's space before the colon and a missing space after it are both accepted.
    """
    match = _LABEL_LINE.fullmatch(line.strip())
    if match is None or not is_speaker_label(match["label"]):
        return None, line.strip()
    return " ".join(match["label"].split()), match["text"].strip()


def merge_turns(turns: Iterable[Turn]) -> list[Turn]:
    """Consecutive timed turns of one speaker less than :data:`MERGE_GAP` seconds apart, as one turn."""
    out: list[Turn] = []
    for turn in turns:
        last = out[-1] if out else None
        if (
            last is not None
            and last.speaker == turn.speaker
            and last.end is not None
            and turn.start is not None
            and turn.start - last.end < MERGE_GAP
        ):
            out[-1] = Turn(last.speaker, f"{last.text} {turn.text}", last.start, max(last.end, turn.end or last.end))
        else:
            out.append(turn)
    return out


def _speaker_key(name: str) -> str:
    return " ".join(name.split()).casefold().rstrip(".").strip()


def _timed(turns: Sequence[Turn]) -> list[tuple[float, float]]:
    """The file's times when every turn has them, else pseudo-times from cumulative word counts."""
    if all(t.start is not None and t.end is not None for t in turns):
        return [(float(t.start or 0.0), max(float(t.start or 0.0), float(t.end or 0.0))) for t in turns]
    spans, words = [], 0
    for turn in turns:
        count = len(_WORD.findall(turn.text))
        spans.append((words / WORDS_PER_SECOND, (words + count) / WORDS_PER_SECOND))
        words += count
    return spans


def transcript_from_turns(turns: Sequence[Turn], language: str | None = None) -> SpeakerTranscript:
    """Build the speaker-attributed transcript of a file's turns.

    Args:
        turns: The turns in the file's order; turns without text are left out.
        language: ISO 639-1 code of the meeting; detected from the text (French or English) when None.

    Returns:
        A transcript whose utterances carry raw labels ``SPEAKER_0k`` and whose ``speaker_names``
        map them to the names written in the file. It may hold no utterance (the caller decides
        whether that is an error).
    """
    kept = [Turn(t.speaker, " ".join(t.text.split()), t.start, t.end) for t in turns if t.text.strip()]
    labels: dict[str, str] = {}
    names: list[tuple[str, str]] = []
    utterances = []
    for turn, (start, end) in zip(kept, _timed(kept), strict=True):
        raw = None
        if turn.speaker is not None and (key := _speaker_key(turn.speaker)):
            if key not in labels:
                labels[key] = f"SPEAKER_{len(labels):02d}"
                names.append((labels[key], " ".join(turn.speaker.split())))
            raw = labels[key]
        utterances.append(Utterance(raw, round(start, 3), round(end, 3), turn.text))
    text = " ".join(u.text for u in utterances)
    return SpeakerTranscript(
        language=language or detect_language(text),
        duration=max((u.end for u in utterances), default=0.0),
        utterances=tuple(utterances),
        speaker_names=tuple(names),
        timed=all(t.start is not None and t.end is not None for t in kept),
    )
