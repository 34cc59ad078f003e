"""read_transcript(): any transcript file people already have -> SpeakerTranscript, without ASR.

The format is chosen by content first, then by extension: a ZIP container is a Word transcript
(Teams' .docx), text starting with "WEBVTT" is WebVTT, with "{" minutier's JSON, with an SRT cue
("1" then "00:00:01,000 --> ...") SRT; otherwise the extension decides (.vtt, .srt, .json) and
anything else is read as "Name: text" turns. The file is checked before it is parsed: at most
:data:`MAX_BYTES`, not empty, text rather than binary, UTF-8 (or UTF-16 with its byte-order mark),
no active web markup (``<script>``, ``<iframe>``...); each failure is a
:class:`TranscriptFormatError` that names the file and says what to do.
:func:`is_transcript_file` tells a transcript from a recording, for the shells that take both.
"""

from __future__ import annotations

import json
import logging
import re
import zipfile
from dataclasses import replace
from pathlib import Path

from pipeline.errors import TranscriptFormatError
from pipeline.merge import unattributed
from pipeline.serialize import from_data
from pipeline.transcripts.plain import parse_plain
from pipeline.transcripts.subtitles import parse_srt, parse_vtt
from pipeline.transcripts.teams_docx import parse_teams_docx
from pipeline.transcripts.turns import Turn, transcript_from_turns
from pipeline.types import SpeakerTranscript, Transcript

logger = logging.getLogger(__name__)

# A 3-hour meeting's transcript is about 0.2 MB; 20 MB is room for any real one and a bound on memory.
MAX_BYTES = 20 * 1024 * 1024
FORMATS = ("vtt", "srt", "json", "docx", "text")
# Files a shell reads as a transcript rather than a recording, whatever their content.
TRANSCRIPT_SUFFIXES = (".vtt", ".srt", ".json", ".txt", ".docx")

_SRT_START = re.compile(r"\s*\d+\s*\r?\n\s*\d{1,2}:\d{2}:\d{2}[,.]\d{1,3}\s*-->")
_ZIP = b"PK\x03\x04"
_BINARY_MAGIC = {
    b"%PDF": "a PDF",
    b"\xd0\xcf\x11\xe0": "an old (.doc) or password-protected Office document",
}
# Web markup that runs or loads something: no meeting tool writes it, a hostile file would.
_ACTIVE_MARKUP = re.compile(
    r"<\s*/?\s*(?:script|iframe|frame|object|embed|applet|style|svg|math|img|link|meta|base|form|html|body)\b",
    re.IGNORECASE,
)
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
            raise TranscriptFormatError(f"{path}: {what}, not a transcript; export it as .docx, .vtt, .srt or .txt")
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
    """Which reader a text file needs: "vtt", "srt", "json" or "text" (content first, then the extension).

    Word documents are told by their bytes (a ZIP container) before any text is decoded.
    """
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


def is_transcript_file(path: Path | str) -> bool:
    """Whether a shell should read `path` as a transcript rather than decode it as a recording.

    True for the transcript extensions (:data:`TRANSCRIPT_SUFFIXES`), whatever the content (a bad
    one then gets a :class:`TranscriptFormatError`, not an audio error), and for a file of
    another name whose content starts as WebVTT or SRT, or that is a Word document.
    """
    path = Path(path)
    if path.suffix.lower() in TRANSCRIPT_SUFFIXES:
        return True
    try:
        with path.open("rb") as handle:
            head = handle.read(4096)
    except OSError:  # unreadable here: the recording path will say why
        return False
    if head.startswith(_ZIP):
        try:
            with zipfile.ZipFile(path) as archive:
                return "word/document.xml" in archive.namelist()
        except (zipfile.BadZipFile, OSError, ValueError, EOFError):
            return False
    text = head.decode("utf-8-sig", errors="ignore")
    return text.lstrip().startswith("WEBVTT") or _SRT_START.match(text) is not None


def _refuse_active_markup(path: Path, text: str) -> None:
    if match := _ACTIVE_MARKUP.search(text):
        line = text[: match.start()].count("\n") + 1
        raise TranscriptFormatError(
            f"{path}: web markup {match.group().strip()!r}> on line {line}, which no meeting tool writes in a "
            "transcript; the file was not used. Export the transcript again from the meeting tool"
        )


def _turns(path: Path, text: str, fmt: str) -> list[Turn]:
    if fmt == "vtt":
        return parse_vtt(text, str(path))
    if fmt == "srt":
        return parse_srt(text, str(path))
    turns = parse_plain(text)
    if not any(t.speaker for t in turns):
        raise TranscriptFormatError(
            f"{path}: no 'Name: text' turn found; start each turn with the speaker, e.g. 'Marie Dupont : Bonjour'"
        )
    return turns


def read_transcript(path: Path | str, language: str | None = None) -> SpeakerTranscript:
    """Read a transcript written by a person or another tool.

    Args:
        path: A WebVTT (Teams, Zoom), SRT, Teams Word (.docx), minutier JSON or "Name: text" file.
        language: ISO 639-1 code of the meeting; when None, the JSON's own, or detected from the
            text (French or English, by function words: see :mod:`pipeline.transcripts.language`).

    Returns:
        The transcript, speakers as raw labels ``SPEAKER_0k`` named as in the file. Text
        transcripts have pseudo-times from word counts (2.5 words/s, from 0.0).

    Raises:
        FileNotFoundError: No file at `path`.
        TranscriptFormatError: The file is too large, empty, binary, not UTF-8, holds web markup,
            is malformed, or holds no speech (a WebVTT without cue, a text without any "Name: text" turn).
    """
    path = Path(path)
    data = _read_bytes(path)
    if data.startswith(_ZIP):
        fmt = "docx"
        turns = parse_teams_docx(data, str(path))
        _refuse_active_markup(path, "\n".join(t.text for t in turns))
        st = transcript_from_turns(turns, language)
    else:
        text = _decode(path, data)
        if not text.strip():
            raise TranscriptFormatError(f"{path}: the file is empty; was the export or the copy interrupted?")
        _refuse_active_markup(path, text)
        fmt = sniff_format(text, path.suffix)
        if fmt == "json":
            st = _from_json(path, text)
            st = replace(st, language=language) if language else st
        else:
            st = transcript_from_turns(_turns(path, text, fmt), language)
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
