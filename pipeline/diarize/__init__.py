"""Speaker diarization: who speaks when, and who they are.

Importing this package loads no model library; :class:`PyannoteDiarizer` loads pyannote.audio
and torch on first use.
"""

from __future__ import annotations

from pipeline.diarize.pyannote import PyannoteDiarizer
from pipeline.diarize.rttm import format_rttm, read_rttm, write_rttm
from pipeline.diarize.voices import KnownVoice, KnownVoices, VoiceEmbedder

__all__ = [
    "KnownVoice",
    "KnownVoices",
    "PyannoteDiarizer",
    "VoiceEmbedder",
    "format_rttm",
    "read_rttm",
    "write_rttm",
]
