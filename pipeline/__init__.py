"""minutier: meeting recordings to speaker-attributed transcripts and minutes, locally.

Importing this package loads no model library (torch, CTranslate2, pyannote): adapters load
their models lazily, on first use.
"""

from __future__ import annotations

from pipeline.audio import load_audio, probe
from pipeline.config import AsrSettings, AudioSettings, Settings, load_settings
from pipeline.errors import (
    AudioDecodeError,
    ConfigError,
    CorruptAudioError,
    EmptyRecordingError,
    ModelUnavailableError,
    NoAudioStreamError,
    NoSpeechError,
    NotMediaError,
    PipelineError,
    ToolMissingError,
    TranscriptFormatError,
    UnsupportedAudioError,
)
from pipeline.merge import assign_speakers, unattributed
from pipeline.roles import Diarizer, Transcriber
from pipeline.run import MeetingResult, minutes_from_transcript, run_meeting
from pipeline.speakers import number_speakers, parse_speaker_label, rename_speakers
from pipeline.stages import MeetingRequest, recording_settings, require_speech
from pipeline.types import (
    Audio,
    Diarization,
    MediaInfo,
    Recording,
    RejectedSegment,
    SpeakerTranscript,
    SpeakerTurn,
    Transcript,
    TranscriptSegment,
    Utterance,
    Word,
)

__all__ = [
    "NoSpeechError",
    "UnsupportedAudioError",
    "require_speech",
    "Diarizer",
    "MeetingRequest",
    "MeetingResult",
    "Transcriber",
    "assign_speakers",
    "number_speakers",
    "parse_speaker_label",
    "recording_settings",
    "rename_speakers",
    "run_meeting",
    "minutes_from_transcript",
    "TranscriptFormatError",
    "AsrSettings",
    "Audio",
    "AudioDecodeError",
    "AudioSettings",
    "ConfigError",
    "CorruptAudioError",
    "Diarization",
    "EmptyRecordingError",
    "MediaInfo",
    "ModelUnavailableError",
    "NoAudioStreamError",
    "NotMediaError",
    "PipelineError",
    "Recording",
    "RejectedSegment",
    "Settings",
    "SpeakerTranscript",
    "SpeakerTurn",
    "ToolMissingError",
    "Transcript",
    "TranscriptSegment",
    "Utterance",
    "Word",
    "load_audio",
    "load_settings",
    "probe",
    "unattributed",
]
