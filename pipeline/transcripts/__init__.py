"""Transcripts that already exist -> SpeakerTranscript: Teams or Zoom WebVTT, Teams .docx, SRT, minutier JSON,
"Name: text".

Pure Python, no model: ``read_transcript(path)`` picks the reader by content and extension.
"""

from __future__ import annotations

from pipeline.transcripts.language import detect_language
from pipeline.transcripts.plain import parse_plain
from pipeline.transcripts.read import (
    MAX_BYTES,
    TRANSCRIPT_SUFFIXES,
    is_transcript_file,
    read_transcript,
    sniff_format,
)
from pipeline.transcripts.subtitles import parse_srt, parse_vtt
from pipeline.transcripts.teams_docx import parse_teams_docx
from pipeline.transcripts.turns import WORDS_PER_SECOND, Turn, is_speaker_label, merge_turns, transcript_from_turns

__all__ = [
    "MAX_BYTES",
    "TRANSCRIPT_SUFFIXES",
    "WORDS_PER_SECOND",
    "Turn",
    "detect_language",
    "is_speaker_label",
    "is_transcript_file",
    "merge_turns",
    "parse_plain",
    "parse_srt",
    "parse_teams_docx",
    "parse_vtt",
    "read_transcript",
    "sniff_format",
    "transcript_from_turns",
]
