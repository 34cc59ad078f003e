"""Typed, frozen results that flow one way through the pipeline.

Recording -> Audio -> Transcript + Diarization -> SpeakerTranscript -> Minutes.

Only the standard library and numpy are used here, so these types can be imported
anywhere (CLI, flows, tests) without loading a model library. Times are float seconds.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np

SAMPLE_RATE = 16_000

_HASH_CHUNK = 1 << 20


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of a file's content, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(_HASH_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass(frozen=True, slots=True)
class Recording:
    """A media file handed to the pipeline; `sha256` identifies its content."""

    path: Path
    meeting_id: str
    sha256: str

    @classmethod
    def from_path(cls, path: Path | str, meeting_id: str | None = None) -> Recording:
        path = Path(path)
        return cls(path=path, meeting_id=meeting_id or path.stem, sha256=sha256_file(path))


@dataclass(frozen=True, slots=True)
class MediaInfo:
    """What ffprobe says about a file before decoding it."""

    format_name: str
    duration: float | None
    audio_codec: str
    sample_rate: int
    channels: int
    has_video: bool
    # When the recorder says it started ("creation_time" tag of phones, Zoom, Teams), if it says so.
    created: datetime | None = None
    # How many audio tracks the file holds; only one is decoded (OBS, Teams and commentary exports hold several).
    audio_tracks: int = 1
    # The decoded track among them, 0-based (ffmpeg's "0:a:N"); codec, rate, channels and duration are its own.
    track_index: int = 0
    # The decoded track in words, for the log and the minutes' provenance:
    # "track 1 of 2 (default, 'eng', 2 channels)".
    track_description: str = ""
    # The participant heard on each channel, for participants' tracks assembled into one file
    # (:mod:`pipeline.audio_tracks`); empty for any other recording.
    participants: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, eq=False)
class ChannelScan:
    """What the channels of one recording hold, measured while it is decoded (see
    :mod:`pipeline.diarize.channel_scan`): each channel's levels, and the leaks between channels.

    Attributes:
        levels: (channels, frames) level of each 20 ms frame in dB (its variance: DC removed).
        leak_db: (channels, channels) power gain in dB of what channel i leaks into channel j
            (row i, column j); -120 on the diagonal and where nothing leaks.
        lag_frames: (channels, channels) frames by which the leak of i into j follows i.
        correlation: (channels, channels) zero-lag correlation of the waveforms (1: copies).
        shared: (channels, channels) share of the windows where either channel speaks that hold
            the same sound on both, at about the same level relative to each one's loud speech,
            within a few milliseconds: a copy, a pan, a centred voice of a mixdown, two room microphones.
        duration: Seconds of audio scanned.
        participants: The participant heard on each channel, for participants' tracks
            (:attr:`MediaInfo.participants`); empty for any other recording.
    """

    levels: np.ndarray
    leak_db: np.ndarray
    lag_frames: np.ndarray
    correlation: np.ndarray
    shared: np.ndarray
    duration: float
    participants: tuple[str, ...] = ()

    @property
    def channels(self) -> int:
        return int(self.levels.shape[0])


@dataclass(frozen=True, slots=True, eq=False)
class Audio:
    """Decoded 16 kHz mono float32 samples. Never passed through a Prefect result store.

    `channel_scan` is what the decode measured of every channel of a recording of several that
    may carry one speaker each (None otherwise, or where it was not asked for).
    """

    samples: np.ndarray
    sample_rate: int = SAMPLE_RATE
    channel_scan: ChannelScan | None = None

    @property
    def duration(self) -> float:
        return len(self.samples) / self.sample_rate


@dataclass(frozen=True, slots=True)
class Word:
    start: float
    end: float
    text: str
    probability: float
    # Said while another speaker talks (two speakers' turns overlap there); set when speakers are attributed.
    overlap: bool = False
    # The channel it was transcribed on (0-based), for a recording transcribed channel by channel
    # (:mod:`pipeline.asr.by_channel`); None when transcribed from the mix.
    channel: int | None = None


@dataclass(frozen=True, slots=True)
class TranscriptSegment:
    start: float
    end: float
    text: str
    words: tuple[Word, ...] = ()
    avg_logprob: float = 0.0
    no_speech_prob: float = 0.0
    # The channel it was transcribed on, as its words' (None: the mix).
    channel: int | None = None


@dataclass(frozen=True, slots=True)
class RejectedSegment:
    start: float
    end: float
    text: str
    reason: str


@dataclass(frozen=True, slots=True)
class Transcript:
    """Speech-to-text result. `language` is an ISO 639-1 code ("fr", "en")."""

    language: str
    duration: float
    model: str
    segments: tuple[TranscriptSegment, ...]
    language_probability: float = 1.0
    # Segments the hallucination guards removed, kept for the operator, never delivered as speech.
    rejected: tuple[RejectedSegment, ...] = ()

    @property
    def text(self) -> str:
        return " ".join(s.text.strip() for s in self.segments if s.text.strip())

    @property
    def words(self) -> tuple[Word, ...]:
        return tuple(w for s in self.segments for w in s.words)


@dataclass(frozen=True, slots=True)
class SpeakerTurn:
    start: float
    end: float
    speaker: str


@dataclass(frozen=True, slots=True)
class Diarization:
    """Speaker turns: `turns` may overlap; `exclusive` has at most one speaker at a time."""

    turns: tuple[SpeakerTurn, ...]
    exclusive: tuple[SpeakerTurn, ...]
    duration: float = 0.0
    # The model that found the turns, as the minutes name it ("pyannote segmentation-3.0 + CAM++").
    model: str = ""
    # Diarized by channel: the speaker of each channel (channel k's label at index k; "" for a
    # channel with no turn); empty otherwise.
    channel_speakers: tuple[str, ...] = ()

    @property
    def speakers(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for turn in sorted(self.turns, key=lambda t: t.start):
            seen.setdefault(turn.speaker, None)
        return tuple(seen)


@dataclass(frozen=True, slots=True)
class Utterance:
    speaker: str | None
    start: float
    end: float
    text: str
    words: tuple[Word, ...] = ()
    overlap: bool = False


@dataclass(frozen=True, slots=True)
class SpeakerTranscript:
    language: str
    duration: float
    utterances: tuple[Utterance, ...]
    # Raw diarization label -> display name ("SPEAKER_00" -> "Intervenant 1" or "Marie Dupont").
    speaker_names: tuple[tuple[str, str], ...] = ()
    # False when the times are estimates (a transcript file without times): no duration is then stated.
    timed: bool = True

    def display_name(self, speaker: str | None) -> str:
        return dict(self.speaker_names).get(speaker or "", speaker or "")
