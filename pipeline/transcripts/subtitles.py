"""Timed transcripts: WebVTT (Teams, Zoom, minutier's own) and SRT.

Who speaks is read from the cue text, in the two ways meeting tools write it:
- a WebVTT voice span, ``<v Marie Dupont>Bonjour</v>`` (Teams; one cue may hold several voices,
  which then share the cue's time in proportion to their words);
- a "Name: text" prefix, ``Marie Dupont: Bonjour`` (Zoom, most SRT exports), with the same
  label rule as plain-text transcripts.
Other tags (``<b>``, ``<c.yellow>``, ``<00:01.000>``, ``<font>``) are removed and HTML entities
decoded. Consecutive cues of one speaker are one turn (see :func:`~pipeline.transcripts.turns.merge_turns`).
"""

from __future__ import annotations

import html
import re

from pipeline.errors import TranscriptFormatError
from pipeline.transcripts.turns import Turn, merge_turns, split_label

_VOICE = re.compile(r"<v(?:\.[^\s>]*)?\s+([^>]*)>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
_WORD = re.compile(r"\w+")


def _clean(text: str) -> str:
    return " ".join(html.unescape(_TAG.sub(" ", text)).split())


def _voices(payload: str) -> list[tuple[str | None, str]]:
    """(speaker, text) pieces of one cue's payload, in order."""
    spans = list(_VOICE.finditer(payload))
    if not spans:
        speaker, said = split_label(_clean(payload))
        return [(speaker, said)]
    pieces: list[tuple[str | None, str]] = []
    if lead := _clean(payload[: spans[0].start()]):
        pieces.append((None, lead))
    for i, span in enumerate(spans):
        stop = spans[i + 1].start() if i + 1 < len(spans) else len(payload)
        name = " ".join(html.unescape(span.group(1)).split()) or None
        pieces.append((name, _clean(payload[span.end() : stop])))
    return pieces


def _cue_turns(start: float, end: float, payload: str) -> list[Turn]:
    pieces = [(speaker, text) for speaker, text in _voices(payload) if text]
    counts = [max(1, len(_WORD.findall(text))) for _, text in pieces]
    total, done, turns = sum(counts), 0, []
    for (speaker, text), count in zip(pieces, counts, strict=True):
        first = start + (end - start) * done / total
        done += count
        turns.append(Turn(speaker, text, first, start + (end - start) * done / total))
    return turns


def _seconds(hours: int, minutes: int, seconds: int, milliseconds: int) -> float:
    return hours * 3600 + minutes * 60 + seconds + milliseconds / 1000


def parse_vtt(text: str, name: str = "transcript") -> list[Turn]:
    """The turns of a WebVTT file.

    Args:
        text: The file's text (starting with "WEBVTT").
        name: How to name the file in an error message.

    Returns:
        Timed turns, consecutive cues of one speaker merged.

    Raises:
        TranscriptFormatError: The text is not WebVTT.
    """
    import webvtt  # the WebVTT grammar is webvtt-py's; imported here so `import pipeline` stays light
    from webvtt.errors import MalformedFileError

    try:
        captions = webvtt.from_string(text).captions
    except (MalformedFileError, ValueError, IndexError) as e:
        raise TranscriptFormatError(f"{name}: not a valid WebVTT file ({e or 'no WEBVTT header'})") from e
    turns = []
    for cue in captions:
        start, end = _seconds(*cue.start_time.to_tuple()), _seconds(*cue.end_time.to_tuple())
        turns.extend(_cue_turns(start, end, cue.raw_text))
    return merge_turns(turns)


def parse_srt(text: str, name: str = "transcript") -> list[Turn]:
    """The turns of an SRT file.

    Args:
        text: The file's text.
        name: How to name the file in an error message.

    Returns:
        Timed turns, consecutive cues of one speaker merged.

    Raises:
        TranscriptFormatError: The text is not SRT.
    """
    import srt

    try:
        subtitles = list(srt.parse(text))
    except (srt.SRTParseError, ValueError) as e:
        raise TranscriptFormatError(f"{name}: not a valid SRT file ({e})") from e
    turns = []
    for sub in subtitles:
        turns.extend(_cue_turns(sub.start.total_seconds(), sub.end.total_seconds(), sub.content))
    return merge_turns(turns)
