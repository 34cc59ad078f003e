"""Named errors. Each message says which file (or setting) and what to do about it."""

from __future__ import annotations


class PipelineError(Exception):
    """Base class of every error the pipeline raises on purpose."""


class ConfigError(PipelineError):
    """A setting or configuration file is invalid."""


class AudioDecodeError(PipelineError):
    """A recording cannot be turned into audio samples."""


class NotMediaError(AudioDecodeError):
    """The file is not a media file ffmpeg understands (text, random bytes, ...)."""


class NoAudioStreamError(AudioDecodeError):
    """The file is a media container without any audio track (e.g. a silent screen capture)."""


class CorruptAudioError(AudioDecodeError):
    """The audio stream is damaged or truncated (incomplete upload or copy)."""


class EmptyRecordingError(AudioDecodeError):
    """The file is empty, or its audio is shorter than the configured minimum."""


class UnsupportedAudioError(AudioDecodeError):
    """The audio is readable but outside what the pipeline decodes (a sample rate below 4000 Hz,
    more channels than ffmpeg can mix)."""


class NoSpeechError(PipelineError):
    """The recording decoded, but no speech was found in it: silence, noise, music, a wrong track.

    A PipelineError, not an AudioDecodeError: the audio was read whole, and it is what the models
    found in it that stops the run, so "the recording could not be read" would be untrue.
    """


class ModelUnavailableError(PipelineError):
    """A model cannot be found or loaded (missing package, wrong path, gated hub model)."""


class ToolMissingError(PipelineError):
    """An external program the pipeline drives (ffmpeg, ffprobe) is not installed."""


class SummarizerError(PipelineError):
    """A summariser could not produce minutes (LLM server unreachable, invalid answer)."""


class DocumentError(PipelineError):
    """A document cannot be written (unknown format, unreadable template, unwritable folder)."""


class TranscriptFormatError(PipelineError):
    """A transcript file (WebVTT, SRT, "Name: text", minutier JSON) cannot be read: binary, empty, too large,
    not UTF-8, or without any cue or turn."""
