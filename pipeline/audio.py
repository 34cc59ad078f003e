"""Probe any media file and decode its audio once, to 16 kHz mono float32, with ffmpeg.

ffprobe's metadata and the checks before and after a decode are here; the ffmpeg processes
themselves are run by :mod:`pipeline.audio_decode`.
"""

from __future__ import annotations

import json
import logging
import struct
import subprocess
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any, BinaryIO

import ffmpeg
import numpy as np

from pipeline.audio_decode import (
    BYTES_PER_SAMPLE,
    PAN_MAX_CHANNELS,
    ChannelSink,
    decode_command,
    mix_weights,
    run_channels,
    run_decode,
    stream_decode,
)
from pipeline.audio_decode import ffmpeg_url as _ffmpeg_url
from pipeline.audio_decode import first_line as _first_line
from pipeline.audio_decode import require as _require
from pipeline.config import AudioSettings
from pipeline.errors import (
    CorruptAudioError,
    EmptyRecordingError,
    NoAudioStreamError,
    NotMediaError,
    UnsupportedAudioError,
)
from pipeline.types import SAMPLE_RATE, Audio, MediaInfo

logger = logging.getLogger(__name__)

PROBE_TIMEOUT_S = 120
# Below this a file cannot hold speech (it needs about 2 kHz of bandwidth), and ffmpeg's resampler
# turns a few seconds at 1 Hz into nothing: refused by name rather than reported as truncated.
MIN_SAMPLE_RATE = 4000
# ffprobe reads a plain text file (.txt, .nfo, .asc ...) as "ASCII art" video, and subtitle
# files as subtitle streams: neither is a recording, so they are refused as not media.
_TEXT_FORMATS = frozenset({"tty", "bin", "xbin", "idf", "adf"})
_TEXT_CODECS = frozenset({"ansi", "bintext", "xbin", "idf"})
# The container tag naming the participant of each channel (a JSON list), in files of participants' tracks.
PARTICIPANTS_TAG = "minutier_participants"


def _check_file(path: Path) -> None:
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such file")
    if not path.is_file():
        raise NotMediaError(f"{path}: not a regular file")
    if path.stat().st_size == 0:
        raise EmptyRecordingError(f"{path}: the file is empty (0 bytes); was the copy interrupted?")


def probe(path: Path | str) -> MediaInfo:
    """Read a file's container and audio stream metadata with ffprobe.

    Of several audio tracks, the one flagged default (else the first) is the one described and
    decoded; the others are counted in `audio_tracks`.

    Raises:
        EmptyRecordingError: the file has no bytes.
        NotMediaError: ffprobe does not recognise the file as media.
        NoAudioStreamError: the container holds no audio track.
    """
    path = Path(path)
    _check_file(path)
    _require("ffprobe")
    try:
        data = ffmpeg.probe(_ffmpeg_url(path), timeout=PROBE_TIMEOUT_S)
    except ffmpeg.Error as e:
        reason = _first_line(e.stderr.decode("utf-8", "replace"), path)
        raise NotMediaError(f"{path}: not a readable audio or video file ({reason})") from e
    except subprocess.TimeoutExpired as e:
        raise CorruptAudioError(f"{path}: ffprobe did not finish in {PROBE_TIMEOUT_S} s") from e
    streams = data.get("streams", [])
    fmt = data.get("format", {})
    audio = [s for s in streams if s.get("codec_type") == "audio"]
    if not audio and _reads_as_text(str(fmt.get("format_name", "")), streams):
        raise NotMediaError(f"{path}: not an audio or video file (it holds text, not a recording)")
    if not audio:
        kinds = ", ".join(sorted({str(s.get("codec_type")) for s in streams})) or "none"
        raise NoAudioStreamError(f"{path}: the file has no audio track (streams: {kinds})")
    index = _choose_track(audio)
    stream = audio[index]
    info = MediaInfo(
        format_name=str(fmt.get("format_name", "")),
        duration=_stream_duration(stream, fmt),
        audio_codec=str(stream.get("codec_name", "")),
        sample_rate=int(stream.get("sample_rate") or 0),
        channels=int(stream.get("channels") or 0),
        has_video=any(s.get("codec_type") == "video" for s in streams),
        created=_creation_time(fmt.get("tags", {}) or stream.get("tags", {})),
        audio_tracks=len(audio),
        track_index=index,
        track_description=_describe_track(audio, index),
        participants=_participants(fmt.get("tags") or {}),
    )
    return info


def _is_default(stream: dict[str, Any]) -> bool:
    return bool((stream.get("disposition") or {}).get("default"))


def _choose_track(audio: list[dict[str, Any]]) -> int:
    """The one audio track to decode: the first flagged default, else the first.

    Mixing several tracks into one stream interleaves their samples into noise, and tracks
    are often not voices of one room (a commentary, a second language, a desktop capture).
    """
    return next((i for i, stream in enumerate(audio) if _is_default(stream)), 0)


def _describe_track(audio: list[dict[str, Any]], index: int) -> str:
    """The chosen track in words: "track 1 of 2 (default, 'eng', 'Commentary', 2 channels)"."""
    stream = audio[index]
    if len(audio) == 1:
        why = "only track"
    else:
        why = "default" if _is_default(stream) else "first, none flagged default"
    tags = stream.get("tags") or {}
    words = [why]
    language = str(tags.get("language") or "")
    if language and language != "und":
        words.append(repr(language))
    if tags.get("title"):
        words.append(repr(str(tags["title"])))
    channels = int(stream.get("channels") or 0)
    words.append(f"{channels} channel{'s' if channels != 1 else ''}")
    return f"track {index + 1} of {len(audio)} ({', '.join(words)})"


def _stream_duration(stream: dict[str, Any], fmt: dict[str, Any]) -> float | None:
    """The chosen track's own length: Matroska gives it only as a DURATION tag (HH:MM:SS.nnn).

    The container's duration is that of its longest track, which a shorter chosen track would
    otherwise fail as truncated.
    """
    raw = stream.get("duration")
    if raw not in (None, "N/A"):
        return float(raw)
    tag = (stream.get("tags") or {}).get("DURATION")
    if tag:
        try:
            hours, minutes, seconds = str(tag).split(":")
            return int(hours) * 3600 + int(minutes) * 60 + float(seconds)
        except ValueError:
            pass
    raw = fmt.get("duration")
    return float(raw) if raw not in (None, "N/A") else None


def _participants(tags: dict[str, str]) -> tuple[str, ...]:
    """The participant of each channel, as :mod:`pipeline.audio_tracks` tags the tracks it assembles."""
    raw = next((v for k, v in tags.items() if k.lower() == PARTICIPANTS_TAG), None)
    if not raw:
        return ()
    try:
        names = json.loads(raw)
    except ValueError:
        return ()
    return tuple(str(n) for n in names) if isinstance(names, list) else ()


def _reads_as_text(format_name: str, streams: list[dict[str, object]]) -> bool:
    """Whether ffprobe's idea of the file is text: ANSI art for plain text, or subtitles only."""
    if set(format_name.split(",")) & _TEXT_FORMATS:
        return True
    kinds = {(s.get("codec_type"), s.get("codec_name")) for s in streams}
    return bool(kinds) and all(kind == "subtitle" or codec in _TEXT_CODECS for kind, codec in kinds)


def _creation_time(tags: dict[str, str]) -> datetime | None:
    value = tags.get("creation_time") or tags.get("date")
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def recorded_on(path: Path, info: MediaInfo) -> date:
    """The meeting's date: the recorder's own timestamp, else the file's modification date."""
    if info.created is not None:
        return info.created.astimezone().date() if info.created.tzinfo else info.created.date()
    return datetime.fromtimestamp(path.stat().st_mtime).date()


def _wav_declared_bytes(path: Path) -> tuple[int, int] | None:
    """(declared end of the data chunk, file size) for a RIFF/WAVE file, else None.

    ffprobe measures a WAV file by its size, so a WAV cut short looks healthy to it; the data
    chunk's own length tells how long the recording was meant to be.
    """
    size = path.stat().st_size
    with path.open("rb") as handle:
        header = handle.read(12)
        if len(header) < 12 or header[:4] != b"RIFF" or header[8:12] != b"WAVE":
            return None
        offset = 12
        while True:
            handle.seek(offset)
            chunk = handle.read(8)
            if len(chunk) < 8:
                return None
            chunk_id, chunk_size = chunk[:4], struct.unpack("<I", chunk[4:])[0]
            if chunk_id == b"data":
                # 0 and 0xFFFFFFFF mean "length unknown" (streamed or still recording).
                if chunk_size in (0, 0xFFFFFFFF):
                    return None
                return offset + 8 + chunk_size, size
            offset += 8 + chunk_size + (chunk_size & 1)


def _check_before_decode(path: Path, channel: int | None) -> MediaInfo:
    info = probe(path)
    if info.audio_tracks > 1:
        logger.info("%s: %d audio tracks; using %s", path.name, info.audio_tracks, info.track_description)
    if channel is not None and not 0 <= channel < max(info.channels, 1):
        raise CorruptAudioError(f"{path}: channel {channel} requested but the file has {info.channels}")
    if 0 < info.sample_rate < MIN_SAMPLE_RATE:
        raise UnsupportedAudioError(
            f"{path}: sample rate {info.sample_rate} Hz: not a recording ffmpeg can resample to speech"
            f" (at least {MIN_SAMPLE_RATE} Hz is needed; telephone audio is 8000 Hz)"
        )
    if info.channels > PAN_MAX_CHANNELS:
        raise UnsupportedAudioError(
            f"{path}: {info.channels} audio channels: ffmpeg mixes at most {PAN_MAX_CHANNELS};"
            " export the microphones you need to a file with fewer channels"
        )
    declared = _wav_declared_bytes(path)
    if declared is not None and declared[0] > declared[1]:
        missing = declared[0] - declared[1]
        raise CorruptAudioError(
            f"{path}: the WAV file is truncated ({missing} bytes of audio missing); copy it again from the source"
        )
    return info


def _check_after_decode(path: Path, info: MediaInfo, duration: float, stderr: str, settings: AudioSettings) -> None:
    if info.duration and duration < info.duration * settings.min_decoded_ratio:
        raise CorruptAudioError(
            f"{path}: truncated or damaged: decoded {duration:.1f} s of the {info.duration:.1f} s announced"
        )
    if duration < settings.min_duration:
        raise EmptyRecordingError(f"{path}: only {duration:.2f} s of audio (minimum {settings.min_duration:.2f} s)")
    if stderr.strip():
        logger.warning("%s: decoded with warnings: %s", path, _first_line(stderr, path))
    logger.info(
        "Decoded %s: %.1f s, %s %d Hz x%d", path.name, duration, info.audio_codec, info.sample_rate, info.channels
    )


# Called with a recording's metadata once probed: a sink for every channel of it, block by block,
# while it is decoded (see :func:`load_audio`), or None when its channels are not wanted.
EveryChannel = Callable[[MediaInfo], ChannelSink | None]


def _channel_sink(info: MediaInfo, every_channel: EveryChannel | None) -> tuple[np.ndarray, ChannelSink] | None:
    """The mix weights and the sink when the decode is to give every channel too, else None (mono as ever)."""
    if every_channel is None:
        return None
    weights = mix_weights(info)
    if weights is None:  # a layout whose down-mix only ffmpeg knows: its channels are read apart, later
        return None
    sink = every_channel(info)
    return None if sink is None else (weights, sink)


def load_audio(
    path: Path | str,
    settings: AudioSettings | None = None,
    *,
    channel: int | None = None,
    every_channel: EveryChannel | None = None,
) -> Audio:
    """Decode one audio track to 16 kHz mono float32; channels are down-mixed unless one is chosen.

    The track is the one :func:`probe` chose (default, else first): several are never mixed.

    Args:
        path: any file ffmpeg can read (wav, mp3, m4a, ogg/opus, flac, webm, mp4, mkv, amr, wma ...).
        settings: minimum duration and truncation tolerance.
        channel: keep only this input channel (0-based) instead of down-mixing.
        every_channel: given the file's metadata, a sink for every channel of it, or None. With a
            sink, the same ffmpeg process gives every channel: they are mixed here with ffmpeg's
            weights (the same samples within float rounding) and each block is handed to the sink,
            so channel analysis needs no second read. Not consulted for mono files, nor for the
            3-8 channel layouts whose down-mix only ffmpeg knows.

    Raises:
        EmptyRecordingError: empty file, or audio shorter than `settings.min_duration`.
        NotMediaError, NoAudioStreamError: not a media file / no audio track.
        CorruptAudioError: damaged or truncated audio.
        UnsupportedAudioError: a sample rate too low for speech, or more channels than ffmpeg can mix.
    """
    settings = settings or AudioSettings()
    path = Path(path)
    info = _check_before_decode(path, channel)
    wanted = _channel_sink(info, every_channel) if channel is None else None
    if wanted is None:
        samples, stderr = run_decode(path, decode_command(path, info, channel), info.duration)
    else:
        weights, sink = wanted
        command = decode_command(path, info, None, every_channel=True)
        mono, _, stderr = run_channels(path, command, weights, sink, None, info.duration)
        assert mono is not None
        samples = mono
    _check_after_decode(path, info, len(samples) / SAMPLE_RATE, stderr, settings)
    return Audio(samples=samples, sample_rate=SAMPLE_RATE)


def decode_into(
    path: Path | str, out: BinaryIO, settings: AudioSettings | None = None, *, every_channel: EveryChannel | None = None
) -> int:
    """Decode a recording like :func:`load_audio`, writing the float32 samples to `out` as they come.

    Memory stays bounded whatever the recording's length (a 3-hour meeting is 690 MB of samples).
    `every_channel` is :func:`load_audio`'s.

    Returns:
        The number of samples written (trailing partial bytes, if any, are to be ignored).

    Raises:
        The same errors as :func:`load_audio`; `out` then holds a partial stream to discard.
    """
    settings = settings or AudioSettings()
    path = Path(path)
    info = _check_before_decode(path, None)
    wanted = _channel_sink(info, every_channel)
    if wanted is None:
        written, stderr = stream_decode(path, decode_command(path, info, None), out)
        samples = written // BYTES_PER_SAMPLE
    else:
        weights, sink = wanted
        command = decode_command(path, info, None, every_channel=True)
        _, samples, stderr = run_channels(path, command, weights, sink, out, info.duration)
    _check_after_decode(path, info, samples / SAMPLE_RATE, stderr, settings)
    return samples
