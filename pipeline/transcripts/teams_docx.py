"""Teams' Word transcripts (.docx), in the two layouts Teams has exported them:

- cues, as in its WebVTT: a time range, the speaker, then what was said::

      0:0:3.120 --> 0:0:7.450
      Marie Dupont
      Bonjour à tous.

- turns headed by the speaker and the time into the meeting, after a preamble (title, date,
  duration, "Marie Dupont started transcription")::

      Marie Dupont   0:03
      Bonjour à tous.

Each line may be a paragraph of its own or a line break inside one. A Word document in neither
layout is read as "Name: text" turns, as a person would type a transcript. The file is unzipped
under bounds (members, expanded size) before python-docx reads it, and any failure to read it is a
:class:`~pipeline.errors.TranscriptFormatError` naming the file.
"""

from __future__ import annotations

import io
import logging
import re
import zipfile

from pipeline.errors import TranscriptFormatError
from pipeline.transcripts.plain import parse_plain
from pipeline.transcripts.turns import WORDS_PER_SECOND, Turn, is_speaker_label, merge_turns

logger = logging.getLogger(__name__)

# A 3-hour transcript's document.xml is a few MB; the bounds stop a ZIP bomb before it is expanded.
MAX_UNZIPPED_BYTES = 64 * 1024 * 1024
MAX_MEMBERS = 1_000

_TIME = r"(\d{1,2}):(\d{1,2}):(\d{1,2}(?:[.,]\d+)?)"
_CUE = re.compile(rf"{_TIME}\s*-->\s*{_TIME}")
# "Marie Dupont   0:03", "Marie Dupont 1:02:15": a name, then minutes:seconds or hours:minutes:seconds.
_HEADER = re.compile(r"(?P<name>\S.*?)(?P<gap>\s+)(?P<time>(?:\d{1,2}:)?\d{1,2}:\d{2})")
_EVENT = re.compile(
    r"\b(?:started|stopped) transcription\b|\ba (?:démarré|commencé|lancé|arrêté) la transcription\b", re.IGNORECASE
)
_MAX_NAME_WORDS = 8
_MAX_NAME_CHARS = 80
_WORD = re.compile(r"\w+")


def parse_teams_docx(data: bytes, name: str = "transcript") -> list[Turn]:
    """The turns of a Teams Word transcript (or of a Word document of "Name: text" turns).

    Args:
        data: The file's bytes (already bounded by the caller).
        name: How to name the file in an error message.

    Returns:
        Turns in order: timed for Teams' two layouts (consecutive turns of one speaker merged),
        untimed for "Name: text".

    Raises:
        TranscriptFormatError: Not a readable Word document, too large once unzipped, or no turn
            with a speaker in it.
    """
    lines = _lines(data, name)
    if any(_CUE.fullmatch(line) for line in lines):
        return merge_turns(_cue_turns(lines))
    if turns := _header_turns(lines):
        return merge_turns(turns)
    turns = parse_plain("\n".join(lines))
    if not any(t.speaker for t in turns):
        raise TranscriptFormatError(
            f"{name}: a Word document, but not a Teams transcript (no '0:0:3.120 --> 0:0:7.450' cue, "
            "no 'Marie Dupont   0:03' heading, no 'Marie Dupont : text' turn); download the transcript "
            "from Teams again, or export it as .vtt"
        )
    return turns


def _lines(data: bytes, name: str) -> list[str]:
    """The document's non-empty lines, in order (a line break inside a paragraph splits it)."""
    _check_container(data, name)
    import docx  # imported here so `import pipeline` stays light

    try:
        document = docx.Document(io.BytesIO(data))
        paragraphs = [p.text for p in document.paragraphs]
    except Exception as e:  # a hostile file can fail python-docx anywhere (XML, parts, relations): all are "unreadable"
        raise TranscriptFormatError(f"{name}: not a readable Word document ({type(e).__name__}: {e})") from e
    # Spacing inside a line is kept: a wide gap or a tab is what tells a heading's name from its time.
    lines = [line.strip() for text in paragraphs for line in text.splitlines()]
    return [line for line in lines if line and not _EVENT.search(line)]


def _check_container(data: bytes, name: str) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, EOFError) as e:
        raise TranscriptFormatError(f"{name}: a damaged ZIP container, not a readable Word document ({e})") from e
    if len(members) > MAX_MEMBERS or sum(m.file_size for m in members) > MAX_UNZIPPED_BYTES:
        raise TranscriptFormatError(
            f"{name}: a ZIP container that expands to more than {MAX_UNZIPPED_BYTES // (1024 * 1024)} MB "
            f"or {MAX_MEMBERS} files, which no Word transcript does; it was not opened"
        )
    if not any(m.filename == "word/document.xml" for m in members):
        raise TranscriptFormatError(
            f"{name}: a ZIP archive, not a Word document (no word/document.xml); export the transcript as .docx or .vtt"
        )


def _seconds(hours: str, minutes: str, seconds: str) -> float:
    return int(hours) * 3600 + int(minutes) * 60 + float(seconds.replace(",", "."))


def _looks_like_name(line: str) -> bool:
    """A Teams display name ("Marie Dupont", "Dupont, Marie (ACME)", "marie.dupont@acme.fr"), not a sentence."""
    words = line.split()
    short = 0 < len(words) <= _MAX_NAME_WORDS and len(line) <= _MAX_NAME_CHARS
    return short and not line.endswith((".", "?", "!", "…"))


def _cue_turns(lines: list[str]) -> list[Turn]:
    """Older layout: a cue line opens a block whose first line is the speaker (when another line follows)."""
    blocks: list[tuple[float, float, list[str]]] = []
    for line in lines:
        if match := _CUE.fullmatch(line):
            blocks.append((_seconds(*match.groups()[:3]), _seconds(*match.groups()[3:]), []))
        elif blocks:
            blocks[-1][2].append(line)
        # lines before the first cue are the document's title, not speech
    turns = []
    for start, end, block in blocks:
        if len(block) >= 2 and _looks_like_name(block[0]):
            speaker, said = block[0], " ".join(block[1:])
        else:
            speaker, said = None, " ".join(block)
        if said:
            turns.append(Turn(speaker, said, start, max(start, end)))
    return turns


def _header(line: str, last_start: float) -> tuple[str, float] | None:
    """(speaker, start) when `line` heads a turn of the newer layout.

    The speaker must read as a name: loosely ("Dupont, Marie") when a wide gap or a tab separates
    it from the time, as Teams writes it, strictly (the "Name: text" label rule) after a single
    space, so that a sentence ending with a time ("Rendez-vous demain 10:30") does not open a turn.
    Times never go back.
    """
    match = _HEADER.fullmatch(line)
    if match is None:
        return None
    speaker, gap = match["name"], match["gap"]
    loose = len(gap) >= 2 or "\t" in gap
    if not (_looks_like_name(speaker) if loose else is_speaker_label(speaker)):
        return None
    parts = [int(p) for p in match["time"].split(":")]
    start = float(parts[-1] + 60 * parts[-2] + (3600 * parts[0] if len(parts) == 3 else 0))
    return (speaker, start) if start >= last_start else None


def _header_turns(lines: list[str]) -> list[Turn]:
    """Newer layout: a "Name   0:03" line opens a turn that ends where the next one starts."""
    opened: list[tuple[str, float, list[str]]] = []
    for line in lines:
        if head := _header(line, opened[-1][1] if opened else 0.0):
            opened.append((head[0], head[1], []))
        elif opened:
            opened[-1][2].append(line)
        # lines before the first heading are the preamble: title, date, duration
    turns = []
    for i, (speaker, start, said) in enumerate(opened):
        text = " ".join(said)
        if not text:
            continue
        following = next((s for _, s, t in opened[i + 1 :] if t), None)
        end = following if following is not None else start + len(_WORD.findall(text)) / WORDS_PER_SECOND
        turns.append(Turn(speaker, text, start, max(start, end)))
    return turns
