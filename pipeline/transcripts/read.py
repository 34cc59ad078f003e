"""read_transcript(): any transcript file people already have -> SpeakerTranscript, without ASR.

The format is chosen by content first, then by extension: text starting with "WEBVTT" is WebVTT,
with "{" minutier's JSON, with an SRT cue ("1" then "00:00:01,000 --> ...") SRT; otherwise the
extension decides (.vtt, .srt, .json) and anything else is read as "Name: text" turns. The file is
checked before it is parsed: at most :data:`MAX_BYTES`, not empty, text rather than binary,
UTF-8 (or UTF-16 with its byte-order mark); each failure is a :class:`TranscriptFormatError`
that names the file and says what to do.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import replace
from pathlib import Path

from pipeline.errors import TranscriptFormatError
from pipeline.merge import unattributed
from pipeline.serialize import from_data
from pipeline.transcripts.plain import parse_plain
from pipeline.transcripts.subtitles import parse_srt, parse_vtt
from pipeline.transcripts.turns import transcript_from_turns
from pipeline.types import SpeakerTranscript, Transcript

logger = logging.getLogger(__name__)

# A 3-hour meeting's transcript is about 0.2 MB; 20 MB is room for any real one and a bound on memory.
MAX_BYTES = 20 * 1024 * 1024
FORMATS = ("vtt", "srt", "json", "text")

_SRT_START = re.compile(r"\s*\d+\s*\r?\n\s*\d{1,2}:\d{2}:\d{2}[,.]\d{1,3}\s*-->")
_BINARY_MAGIC = {
    b"PK\x03\x04": "a ZIP container (a DOCX?)",
    b"%PDF": "a PDF",
    b"\xd0\xcf\x11\xe0": "an old Office document",
}
_CONTROL_SHARE = 0.01  # more C0 control characters than this (tabs and line breaks aside): not text
_C0 = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
# Windows-1252 punctuation stored as Unicode C1 controls (U+0092 for "’"), as some exports do.
_C1 = re.compile(r"[\x80-\x9f]")


def _from_c1(match: re.Match[str]) -> str:
    return bytes([ord(match.group())]).decode("cp1252", errors="ignore")


def _read_bytes(path: Path) -> bytes:
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such file")
    if not path.is_file():
        raise TranscriptFormatError(f"{path}: not a regular file")
    with path.open("rb") as handle:  # bounded even when the size on disk lies (a pipe, a growing file)
        data = handle.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise TranscriptFormatError(
            f"{path}: larger than {MAX_BYTES // (1024 * 1024)} MB, which no meeting transcript is; "
            "is it really a transcript?"
        )
    return data


def _decode(path: Path, data: bytes) -> str:
    for magic, what in _BINARY_MAGIC.items():
        if data.startswith(magic):
            raise TranscriptFormatError(f"{path}: {what}, not a transcript; export it as .vtt, .srt or .txt")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16").lstrip("\ufeff")
        except UnicodeDecodeError as e:
            raise TranscriptFormatError(f"{path}: damaged UTF-16 text ({e.reason}); save it as UTF-8") from e
    if b"\x00" in data[:8192]:
        raise TranscriptFormatError(f"{path}: binary data, not a text transcript (.vtt, .srt, .json or .txt)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise TranscriptFormatError(
            f"{path}: not UTF-8 text (byte 0x{data[e.start]:02x} on line {line}); save it as UTF-8 "
            "(e.g. iconv -f WINDOWS-1252 -t UTF-8)"
        ) from e
    if len(_C0.findall(text)) > _CONTROL_SHARE * len(text):
        raise TranscriptFormatError(f"{path}: binary data, not a text transcript (.vtt, .srt, .json or .txt)")
    return _C1.sub(_from_c1, text)


def sniff_format(text: str, suffix: str = "") -> str:
    """Which reader a file needs: "vtt", "srt", "json" or "text" (content first, then the extension)."""
    head = text.lstrip()
    if head.startswith("WEBVTT"):
        return "vtt"
    if head.startswith("{"):
        return "json"
    if _SRT_START.match(text):
        return "srt"
    return {".vtt": "vtt", ".srt": "srt", ".json": "json"}.get(suffix.lower(), "text")


def _from_json(path: Path, text: str) -> SpeakerTranscript:
    """minutier's JSON: a SpeakerTranscript, the Minutes that hold one, or an unattributed Transcript."""
    try:
        data = json.loads(text)
        kind = data.get("type") if isinstance(data, dict) else None
        if kind == "SpeakerTranscript":
            return from_data(SpeakerTranscript, data)
        if kind == "Minutes":
            return from_data(SpeakerTranscript, data["transcript"])
        if kind == "Transcript":
            return unattributed(from_data(Transcript, data))
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError) as e:
        raise TranscriptFormatError(f"{path}: not a minutier JSON transcript ({type(e).__name__}: {e})") from e
    raise TranscriptFormatError(
        f'{path}: JSON, but not minutier\'s (expected "type": "SpeakerTranscript", "Minutes" or "Transcript", '
        f"got {kind!r})"
    )


def read_transcript(path: Path | str, language: str | None = None) -> SpeakerTranscript:
    """Read a transcript written by a person or another tool.

    Args:
        path: A WebVTT (Teams, Zoom), SRT, minutier JSON or "Name: text" file.
        language: ISO 639-1 code of the meeting; when None, the JSON's own, or detected from the
            text (French or English, by function words: see :mod:`pipeline.transcripts.language`).

    Returns:
        The transcript, speakers as raw labels ``SPEAKER_0k`` named as in the file. Text
        transcripts have pseudo-times from word counts (2.5 words/s, from 0.0).

    Raises:
        FileNotFoundError: No file at `path`.
        TranscriptFormatError: The file is too large, empty, binary, not UTF-8, malformed, or
            holds no speech (a WebVTT without cue, a text without any "Name: text" turn).
    """
    path = Path(path)
    text = _decode(path, _read_bytes(path))
    if not text.strip():
        raise TranscriptFormatError(f"{path}: the file is empty; was the export or the copy interrupted?")
    fmt = sniff_format(text, path.suffix)
    if fmt == "json":
        st = _from_json(path, text)
        st = replace(st, language=language) if language else st
    else:
        if fmt == "vtt":
            turns = parse_vtt(text, str(path))
        elif fmt == "srt":
            turns = parse_srt(text, str(path))
        else:
            turns = parse_plain(text)
            if not any(t.speaker for t in turns):
                raise TranscriptFormatError(
                    f"{path}: no 'Name: text' turn found; "
                    "start each turn with the speaker, e.g. 'Marie Dupont : Bonjour'"
                )
        st = transcript_from_turns(turns, language)
    if not st.utterances:
        raise TranscriptFormatError(f"{path}: no cue or turn with text in this {fmt} file")
    logger.info(
        "Read %s (%s): %d utterances, %d speakers, language %s",
        path.name,
        fmt,
        len(st.utterances),
        len(st.speaker_names),
        st.language,
    )
    return st
