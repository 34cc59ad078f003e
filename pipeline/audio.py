"""Probe any media file and decode its audio once, to 16 kHz mono float32, with ffmpeg.

ffmpeg-python builds the command lines; the processes run with their standard error captured in
a temporary file so that a long decode can never block on a full pipe.
"""

from __future__ import annotations

import json
import logging
import shutil
import struct
import subprocess
import tempfile
from datetime import date, datetime
from pathlib import Path
from typing import Any, BinaryIO

import ffmpeg
import numpy as np

from pipeline.config import AudioSettings
from pipeline.errors import (
    CorruptAudioError,
    EmptyRecordingError,
    NoAudioStreamError,
    NotMediaError,
    ToolMissingError,
    UnsupportedAudioError,
)
from pipeline.types import SAMPLE_RATE, Audio, MediaInfo

logger = logging.getLogger(__name__)

PROBE_TIMEOUT_S = 120
_READ_CHUNK = 1 << 20
_BYTES_PER_SAMPLE = 4
# Below this a file cannot hold speech (it needs about 2 kHz of bandwidth), and ffmpeg's resampler
# turns a few seconds at 1 Hz into nothing: refused by name rather than reported as truncated.
MIN_SAMPLE_RATE = 4000
# ffmpeg guesses a channel layout, and so can down-mix, for up to 8 channels; pan addresses 64.
_LAYOUT_GUESS_MAX = 8
_PAN_MAX_CHANNELS = 64
# ffmpeg exits with these words in its message when the input is not a media file at all.
_NOT_MEDIA_HINTS = ("Invalid data found", "moov atom not found", "Invalid argument", "could not find codec")
# ffprobe reads a plain text file (.txt, .nfo, .asc ...) as "ASCII art" video, and subtitle
# files as subtitle streams: neither is a recording, so they are refused as not media.
_TEXT_FORMATS = frozenset({"tty", "bin", "xbin", "idf", "adf"})
_TEXT_CODECS = frozenset({"ansi", "bintext", "xbin", "idf"})
# The container tag naming the participant of each channel (a JSON list), in files of participants' tracks.
PARTICIPANTS_TAG = "minutier_participants"


def _ffmpeg_url(path: Path) -> str:
    # "file:" stops ffmpeg reading a name such as "a:b.wav" as a protocol; absolute paths stop a
    # leading dash being read as an option.
    return "file:" + str(path.resolve())


def _require(tool: str) -> str:
    found = shutil.which(tool)
    if found is None:
        raise ToolMissingError(f"'{tool}' is not installed: install ffmpeg (e.g. 'apt-get install ffmpeg')")
    return found


def _check_file(path: Path) -> None:
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such file")
    if not path.is_file():
        raise NotMediaError(f"{path}: not a regular file")
    if path.stat().st_size == 0:
        raise EmptyRecordingError(f"{path}: the file is empty (0 bytes); was the copy interrupted?")


def _first_line(message: str, path: Path | None = None) -> str:
    lines = [line.strip() for line in message.splitlines() if line.strip()]
    line = lines[-1] if lines else "unknown error"
    return line.replace(_ffmpeg_url(path) + ": ", "") if path is not None else line


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


def _mono_filter(channels: int, channel: int | None, tracks: bool = False) -> str | None:
    """The pan filter that makes one channel of many, or None where ffmpeg's own down-mix applies.

    ffmpeg down-mixes by channel layout, and guesses one only up to 8 channels: past that (a
    32-channel array recorder) it refuses, so every channel is given the same weight instead.
    Participants' tracks (see :mod:`pipeline.audio_tracks`) are summed as a call mixes them: a
    layout's down-mix would drop the fourth ("LFE") and weigh the others unequally.
    """
    if channel is not None:
        return f"pan=mono|c0=c{channel}"
    if tracks and channels > 1:
        return "pan=mono|c0=" + "+".join(f"c{i}" for i in range(channels))
    if channels <= _LAYOUT_GUESS_MAX:
        return None
    weight = 1 / channels
    return "pan=mono|c0=" + "+".join(f"{weight!r}*c{i}" for i in range(channels))


def _decode_command(path: Path, info: MediaInfo, channel: int | None) -> list[str]:
    # A plain -af string: ffmpeg-python's filter graph over-escapes the '=' inside pan's argument.
    pan = _mono_filter(info.channels, channel, tracks=bool(info.participants))
    select = {"af": pan} if pan is not None else {}
    audio = ffmpeg.input(_ffmpeg_url(path))[f"a:{info.track_index}"]  # -map 0:a:N, that track alone
    out = ffmpeg.output(audio, "pipe:", format="f32le", acodec="pcm_f32le", ac=1, ar=SAMPLE_RATE, **select)
    quiet = out.global_args("-nostdin", "-hide_banner", "-nostats", "-v", "error")
    return ffmpeg.compile(quiet, cmd=_require("ffmpeg"))


def _run_decode(path: Path, command: list[str], expected_seconds: float | None) -> tuple[np.ndarray, str]:
    capacity = int((expected_seconds or 60.0) * SAMPLE_RATE * 1.05) * _BYTES_PER_SAMPLE + _READ_CHUNK
    buffer = bytearray(capacity)
    filled = 0
    with tempfile.TemporaryFile() as err:
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=err)
        assert process.stdout is not None
        try:
            while True:
                if filled + _READ_CHUNK > len(buffer):
                    buffer.extend(bytes(len(buffer) // 2 + _READ_CHUNK))
                view = memoryview(buffer)[filled : filled + _READ_CHUNK]
                count = process.stdout.readinto(view)  # type: ignore[attr-defined]
                view.release()
                if not count:
                    break
                filled += count
        finally:
            process.stdout.close()
            returncode = process.wait()
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
    _raise_if_failed(path, returncode, stderr, filled)
    del buffer[filled - filled % _BYTES_PER_SAMPLE :]  # shrink in place: no second copy of the audio
    samples = np.frombuffer(buffer, dtype=np.float32)
    return samples, stderr


def _raise_if_failed(path: Path, returncode: int, stderr: str, produced: int) -> None:
    """Name ffmpeg's failure: not media at all (nothing decoded), or damaged audio."""
    if returncode == 0:
        return
    hint = _first_line(stderr, path)
    if any(h in stderr for h in _NOT_MEDIA_HINTS) and produced == 0:
        raise NotMediaError(f"{path}: ffmpeg cannot read this file ({hint})")
    raise CorruptAudioError(f"{path}: the audio cannot be decoded ({hint})")


def _stream_decode(path: Path, command: list[str], out: BinaryIO) -> tuple[int, str]:
    """Copy ffmpeg's output to `out` chunk by chunk: memory stays at one chunk whatever the length."""
    written = 0
    with tempfile.TemporaryFile() as err:
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=err)
        assert process.stdout is not None
        try:
            for chunk in iter(lambda: process.stdout.read(_READ_CHUNK), b""):  # type: ignore[union-attr]
                out.write(chunk)
                written += len(chunk)
        finally:
            process.stdout.close()
            returncode = process.wait()
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
    _raise_if_failed(path, returncode, stderr, written)
    return written - written % _BYTES_PER_SAMPLE, stderr


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
    if info.channels > _PAN_MAX_CHANNELS:
        raise UnsupportedAudioError(
            f"{path}: {info.channels} audio channels: ffmpeg mixes at most {_PAN_MAX_CHANNELS};"
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


def load_audio(path: Path | str, settings: AudioSettings | None = None, *, channel: int | None = None) -> Audio:
    """Decode one audio track to 16 kHz mono float32; channels are down-mixed unless one is chosen.

    The track is the one :func:`probe` chose (default, else first): several are never mixed.

    Args:
        path: any file ffmpeg can read (wav, mp3, m4a, ogg/opus, flac, webm, mp4, mkv, amr, wma ...).
        settings: minimum duration and truncation tolerance.
        channel: keep only this input channel (0-based) instead of down-mixing.

    Raises:
        EmptyRecordingError: empty file, or audio shorter than `settings.min_duration`.
        NotMediaError, NoAudioStreamError: not a media file / no audio track.
        CorruptAudioError: damaged or truncated audio.
        UnsupportedAudioError: a sample rate too low for speech, or more channels than ffmpeg can mix.
    """
    settings = settings or AudioSettings()
    path = Path(path)
    info = _check_before_decode(path, channel)
    samples, stderr = _run_decode(path, _decode_command(path, info, channel), info.duration)
    _check_after_decode(path, info, len(samples) / SAMPLE_RATE, stderr, settings)
    return Audio(samples=samples, sample_rate=SAMPLE_RATE)


def decode_into(path: Path | str, out: BinaryIO, settings: AudioSettings | None = None) -> int:
    """Decode a recording like :func:`load_audio`, writing the float32 samples to `out` as they come.

    Memory stays bounded whatever the recording's length (a 3-hour meeting is 690 MB of samples).

    Returns:
        The number of samples written (trailing partial bytes, if any, are to be ignored).

    Raises:
        The same errors as :func:`load_audio`; `out` then holds a partial stream to discard.
    """
    settings = settings or AudioSettings()
    path = Path(path)
    info = _check_before_decode(path, None)
    written, stderr = _stream_decode(path, _decode_command(path, info, None), out)
    samples = written // _BYTES_PER_SAMPLE
    _check_after_decode(path, info, samples / SAMPLE_RATE, stderr, settings)
    return samples
