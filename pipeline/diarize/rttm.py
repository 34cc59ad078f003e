"""RTTM (NIST Rich Transcription Time Marked) output for diarization results.

Speakers are written with their public label (``SPEAKER_00`` -> ``Speaker_1``, the transcript's
"Speaker 1"); any label is read back as it is, so references keep their own.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import TextIO

from pipeline.speakers import rttm_label
from pipeline.types import Diarization, SpeakerTurn

_UNSAFE = re.compile(r"\s+")


def format_rttm(diarization: Diarization, uri: str, *, exclusive: bool = False) -> str:
    """RTTM lines (``SPEAKER <uri> 1 <start> <duration> <NA> <NA> <speaker> <NA> <NA>``).

    Args:
        diarization: the turns to write.
        uri: the file identifier column; whitespace becomes "_" (RTTM is space-separated).
        exclusive: write the one-speaker-at-a-time turns instead of all (overlapping) turns.

    Raw ``SPEAKER_0k`` is written ``Speaker_<k+1>``, the public label the documents show
    ("Speaker k+1"); other labels are written as they are, whitespace made "_".

    Returns:
        The RTTM text, one line per turn, with a final newline (empty string when no turn).
    """
    turns: Iterable[SpeakerTurn] = diarization.exclusive if exclusive else diarization.turns
    uri = _UNSAFE.sub("_", uri.strip()) or "audio"
    lines = [
        f"SPEAKER {uri} 1 {t.start:.3f} {t.end - t.start:.3f} <NA> <NA> {rttm_label(t.speaker)} <NA> <NA>"
        for t in sorted(turns, key=lambda t: (t.start, t.end))
    ]
    return "".join(line + "\n" for line in lines)


def write_rttm(diarization: Diarization, out: Path | TextIO, uri: str, *, exclusive: bool = False) -> None:
    """Write :func:`format_rttm` output to a path or an open text stream (e.g. ``sys.stdout``)."""
    text = format_rttm(diarization, uri, exclusive=exclusive)
    if isinstance(out, Path):
        out.write_text(text, encoding="utf-8")
    else:
        out.write(text)


def read_rttm(text: str) -> dict[str, tuple[SpeakerTurn, ...]]:
    """Parse RTTM text into turns per file identifier (SPEAKER lines only); labels are kept as written."""
    result: dict[str, list[SpeakerTurn]] = {}
    for line in text.splitlines():
        fields = line.split()
        if len(fields) >= 8 and fields[0] == "SPEAKER":
            start, duration = float(fields[3]), float(fields[4])
            result.setdefault(fields[1], []).append(SpeakerTurn(start, round(start + duration, 6), fields[7]))
    return {uri: tuple(sorted(turns, key=lambda t: t.start)) for uri, turns in result.items()}
