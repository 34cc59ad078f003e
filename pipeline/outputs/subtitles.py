"""SRT and WebVTT from a SpeakerTranscript, cut into cues people can read.

Cues follow common broadcast guidance: at most two lines of ~42 characters, at most ~7 s on
screen, a new cue at each change of speaker and after a long pause.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from dataclasses import dataclass

from pipeline.merge import join_words
from pipeline.types import SpeakerTranscript, Utterance, Word

LINE_CHARS = 42
MAX_LINES = 2
MAX_CUE_SECONDS = 7.0
PAUSE_SECONDS = 1.2
_SENTENCE_END = (".", "?", "!", "…")


@dataclass(frozen=True, slots=True)
class Cue:
    start: float
    end: float
    speaker: str | None
    text: str


def _cue_text(words: list[Word]) -> str:
    return join_words(words)


def _fits(text: str) -> bool:
    return len(textwrap.wrap(text, LINE_CHARS)) <= MAX_LINES


def _split_words(utt: Utterance, prefix: str) -> Iterator[tuple[float, float, str]]:
    """Group an utterance's words into cue-sized chunks (the speaker prefix counts on screen)."""
    chunk: list[Word] = []
    for word in utt.words:
        if chunk:
            candidate = _cue_text([*chunk, word])
            too_long = not _fits(prefix + candidate) or word.end - chunk[0].start > MAX_CUE_SECONDS
            paused = word.start - chunk[-1].end > PAUSE_SECONDS
            sentence_done = chunk[-1].text.strip().endswith(_SENTENCE_END) and len(_cue_text(chunk)) > LINE_CHARS
            if too_long or paused or sentence_done:
                yield chunk[0].start, chunk[-1].end, _cue_text(chunk)
                chunk = []
        chunk.append(word)
    if chunk:
        yield chunk[0].start, chunk[-1].end, _cue_text(chunk)


def _split_text(utt: Utterance, prefix: str) -> Iterator[tuple[float, float, str]]:
    """Without word times, cut the text and share the utterance's time by character count."""
    lines = textwrap.wrap(prefix + utt.text, LINE_CHARS) or [utt.text]
    pieces = [" ".join(lines[i : i + MAX_LINES]) for i in range(0, len(lines), MAX_LINES)]
    pieces[0] = pieces[0][len(prefix) :]
    total = sum(len(p) for p in pieces) or 1
    start, span = utt.start, utt.end - utt.start
    for piece in pieces:
        end = start + span * len(piece) / total
        yield start, end, piece
        start = end


def build_cues(transcript: SpeakerTranscript) -> tuple[Cue, ...]:
    cues: list[Cue] = []
    for utt in transcript.utterances:
        name = transcript.display_name(utt.speaker) if utt.speaker else None
        prefix = f"{name}: " if name else ""
        chunks = _split_words(utt, prefix) if utt.words else _split_text(utt, prefix)
        for start, end, text in chunks:
            if text:
                cues.append(Cue(start, max(end, start + 0.01), name, text))
    return tuple(cues)


def _lines(cue: Cue, vtt: bool) -> str:
    if cue.speaker is None:
        return "\n".join(textwrap.wrap(cue.text, LINE_CHARS)) or cue.text
    if vtt:
        return f"<v {cue.speaker}>" + "\n".join(textwrap.wrap(cue.text, LINE_CHARS))
    return "\n".join(textwrap.wrap(f"{cue.speaker}: {cue.text}", LINE_CHARS))


def _timestamp(seconds: float, sep: str) -> str:
    millis = max(0, round(seconds * 1000))
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{sep}{millis:03d}"


def to_srt(transcript: SpeakerTranscript) -> str:
    blocks = [
        f"{i}\n{_timestamp(c.start, ',')} --> {_timestamp(c.end, ',')}\n{_lines(c, vtt=False)}\n"
        for i, c in enumerate(build_cues(transcript), start=1)
    ]
    return "\n".join(blocks)


def to_vtt(transcript: SpeakerTranscript) -> str:
    blocks = ["WEBVTT\n"]
    blocks += [
        f"{_timestamp(c.start, '.')} --> {_timestamp(c.end, '.')}\n{_lines(c, vtt=True)}\n"
        for c in build_cues(transcript)
    ]
    return "\n".join(blocks)
