"""Transcripts that already exist (Teams or Zoom WebVTT, SRT, minutier JSON, "Name: text") -> SpeakerTranscript.

Pure Python, no model: ``read_transcript(path)`` picks the reader by content and extension.
"""

from __future__ import annotations

from pipeline.transcripts.language import detect_language
from pipeline.transcripts.plain import parse_plain
from pipeline.transcripts.read import MAX_BYTES, read_transcript, sniff_format
from pipeline.transcripts.subtitles import parse_srt, parse_vtt
from pipeline.transcripts.turns import WORDS_PER_SECOND, Turn, is_speaker_label, transcript_from_turns

__all__ = [
    "MAX_BYTES",
    "WORDS_PER_SECOND",
    "Turn",
    "detect_language",
    "is_speaker_label",
    "parse_plain",
    "parse_srt",
    "parse_vtt",
    "read_transcript",
    "sniff_format",
    "transcript_from_turns",
]
