"""Audio ingest: every container people send decodes to 16 kHz mono float32; bad input gets a named error."""

from __future__ import annotations

import io
import os
import subprocess
from pathlib import Path

import numpy as np
import pytest

from pipeline.audio import decode_into, load_audio, probe
from pipeline.config import AudioSettings
from pipeline.errors import (
    AudioDecodeError,
    CorruptAudioError,
    EmptyRecordingError,
    NoAudioStreamError,
    NotMediaError,
    UnsupportedAudioError,
)
from tests.conftest import MakeMedia
from tests.media import run_ffmpeg, write_wav

TONE = "sine=frequency=440:duration=3"


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("a.wav", ()),
        ("a.mp3", ()),
        ("a.m4a", ("-c:a", "aac")),
        ("a.ogg", ("-c:a", "libvorbis")),
        ("a.opus", ("-c:a", "libopus")),
        ("a.flac", ()),
        ("a.webm", ("-c:a", "libopus")),
        ("a.mkv", ("-c:a", "flac")),
        ("a.wma", ("-c:a", "wmav2")),
    ],
)
def test_common_containers_decode_to_16k_mono_float32(make_media: MakeMedia, name: str, args: tuple[str, ...]) -> None:
    path = make_media(name, TONE, *args)
    audio = load_audio(path)
    assert audio.sample_rate == 16_000
    assert audio.samples.dtype == np.float32 and audio.samples.ndim == 1
    assert audio.duration == pytest.approx(3.0, abs=0.1)
    assert 0.1 < float(np.abs(audio.samples).max()) <= 1.0  # lavfi sine peaks at 1/8


def test_video_with_audio_track_decodes(make_media: MakeMedia) -> None:
    path = make_media(
        "call.mp4", "testsrc=duration=2:size=64x64:rate=10", "-f", "lavfi", "-i", "sine=duration=2", "-shortest"
    )
    info = probe(path)
    assert info.has_video and info.audio_codec
    assert load_audio(path).duration == pytest.approx(2.0, abs=0.15)


def test_multichannel_48k_is_downmixed(make_media: MakeMedia) -> None:
    path = make_media("eight.wav", "sine=frequency=300:duration=2:sample_rate=48000", "-ac", "8")
    info = probe(path)
    assert (info.channels, info.sample_rate) == (8, 48_000)
    audio = load_audio(path)
    assert audio.sample_rate == 16_000 and audio.duration == pytest.approx(2.0, abs=0.05)


def test_stereo_downmix_and_channel_choice(make_media: MakeMedia) -> None:
    # Left: a tone, right: silence. The down-mix keeps the tone at reduced level; channel 1 is silent.
    path = make_media(
        "stereo.wav",
        "sine=frequency=500:duration=2",
        "-f",
        "lavfi",
        "-i",
        "anullsrc=r=44100:cl=mono",
        "-filter_complex",
        "[0:a][1:a]amerge=inputs=2[a]",
        "-map",
        "[a]",
        "-t",
        "2",
    )
    mixed = load_audio(path)
    left = load_audio(path, channel=0)
    right = load_audio(path, channel=1)
    assert float(np.abs(right.samples).max()) < 1e-3
    assert float(np.abs(left.samples).max()) > 0.1  # lavfi sine peaks at 1/8
    assert 0.2 < float(np.abs(mixed.samples).max()) / float(np.abs(left.samples).max()) < 0.8


def test_telephone_8k_is_resampled(make_media: MakeMedia) -> None:
    path = make_media("phone.wav", "sine=frequency=300:duration=2:sample_rate=8000")
    assert probe(path).sample_rate == 8000
    assert len(load_audio(path).samples) == pytest.approx(32_000, abs=200)


@pytest.mark.parametrize(
    "name",
    ["réunion du 3 mars (équipe).wav", "-leading dash.wav", 'quote\'s "double".wav', "emoji 🎙️.wav", "a:b.wav"],
)
def test_odd_file_names(make_media: MakeMedia, tmp_path: Path, name: str) -> None:
    path = make_media("plain.wav", TONE)
    target = tmp_path / name
    path.rename(target)
    assert load_audio(target).duration == pytest.approx(3.0, abs=0.05)


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.wav"
    path.touch()
    with pytest.raises(EmptyRecordingError, match="empty.wav.*empty"):
        load_audio(path)


def test_text_renamed_m4a(tmp_path: Path) -> None:
    path = tmp_path / "notes.m4a"
    path.write_text("Compte rendu de la réunion du lundi\n" * 20, encoding="utf-8")
    with pytest.raises(NotMediaError, match="notes.m4a"):
        load_audio(path)


@pytest.mark.parametrize("name", ["notes.txt", "notes.nfo", "README"])
def test_plain_text_is_not_media(tmp_path: Path, name: str) -> None:
    # ffprobe reads a text file as an "ansi" video stream of the "tty" format: not a video without audio.
    path = tmp_path / name
    path.write_text("Compte rendu de la réunion du lundi\n" * 20, encoding="utf-8")
    with pytest.raises(NotMediaError, match=f"{name}: not a.* audio or video file"):
        probe(path)
    with pytest.raises(NotMediaError, match="not a.* audio or video file"):
        load_audio(path)


def test_subtitle_file_is_not_media(tmp_path: Path) -> None:
    path = tmp_path / "reunion.srt"
    path.write_text("1\n00:00:01,000 --> 00:00:02,500\nBonjour à tous.\n\n", encoding="utf-8")
    with pytest.raises(NotMediaError, match="reunion.srt: not an audio or video file"):
        load_audio(path)


def test_random_bytes_with_audio_extension(tmp_path: Path) -> None:
    path = tmp_path / "noise.mp3"
    path.write_bytes(np.random.default_rng(0).integers(0, 256, 50_000, dtype=np.uint8).tobytes())
    with pytest.raises(AudioDecodeError, match="noise.mp3"):
        load_audio(path)


def test_video_without_audio(make_media: MakeMedia) -> None:
    path = make_media("screen.mp4", "testsrc=duration=2:size=64x64:rate=10", "-an")
    with pytest.raises(NoAudioStreamError, match="screen.mp4.*no audio track"):
        load_audio(path)


def _truncate(path: Path, keep: float) -> Path:
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])
    return path


def test_truncated_wav(make_media: MakeMedia) -> None:
    path = _truncate(make_media("cut.wav", TONE), 0.4)
    with pytest.raises(CorruptAudioError, match="cut.wav.*truncated"):
        load_audio(path)


def test_truncated_mp3(make_media: MakeMedia) -> None:
    path = _truncate(make_media("cut.mp3", "sine=frequency=440:duration=20"), 0.4)
    with pytest.raises(CorruptAudioError, match="cut.mp3.*truncated"):
        load_audio(path)


def test_too_short_is_refused_with_configurable_minimum(make_media: MakeMedia) -> None:
    path = make_media("blip.wav", "sine=frequency=440:duration=0.3")
    with pytest.raises(EmptyRecordingError, match=r"blip.wav: only 0\.30 s"):
        load_audio(path)
    assert load_audio(path, AudioSettings(min_duration=0.1)).duration == pytest.approx(0.3, abs=0.01)


def test_directory_and_fifo_are_not_media(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.wav"
    os.mkfifo(fifo)
    with pytest.raises(NotMediaError, match="not a regular file"):
        load_audio(fifo)


def test_ffmpeg_sees_the_same_duration_as_python(make_media: MakeMedia) -> None:
    path = make_media("long.flac", "sine=frequency=440:duration=65")
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert load_audio(path).duration == pytest.approx(float(out.stdout), abs=0.05)


def _decoded_both_ways(path: Path) -> np.ndarray:
    """The samples of `load_audio`, checked equal to those the streaming `decode_into` writes."""
    in_memory = load_audio(path).samples
    out = io.BytesIO()
    count = decode_into(path, out)
    streamed = np.frombuffer(out.getvalue()[: count * 4], dtype=np.float32)
    np.testing.assert_array_equal(streamed, in_memory)
    return in_memory


def _ffmpeg_mono(path: Path, *select: str) -> np.ndarray:
    """ffmpeg's own 16 kHz mono down-mix of `path`, as a reference."""
    command = ["ffmpeg", "-nostdin", "-v", "error", "-i", str(path), *select, "-ac", "1", "-ar", "16000"]
    out = subprocess.run([*command, "-f", "f32le", "-"], capture_output=True, check=True)
    return np.frombuffer(out.stdout, dtype=np.float32)


def test_two_track_mp4_decodes_the_default_track_alone(eval_dir: Path, tmp_path: Path) -> None:
    # An OBS/Teams-style export: the speech track first (flagged default by the muxer), a tone second.
    speech = tmp_path / "speech.m4a"
    run_ffmpeg("-i", eval_dir / "faster_whisper" / "jfk.flac", "-c:a", "aac", speech)
    path = tmp_path / "call.mp4"
    run_ffmpeg("-i", speech, "-f", "lavfi", "-i", "sine=frequency=440:duration=11", "-map", "0:a", "-map", "1:a",
               "-c:a:0", "copy", "-c:a:1", "aac", path)  # fmt: skip
    info = probe(path)
    assert (info.audio_tracks, info.track_index) == (2, 0)
    assert info.track_description == "track 1 of 2 (default, 2 channels)"
    samples = _decoded_both_ways(path)
    # Exactly the speech track's samples: not both tracks interleaved into twice as many.
    np.testing.assert_array_equal(samples, load_audio(speech).samples)
    assert len(samples) / 16_000 == pytest.approx(11.0, abs=0.1)


def test_two_track_mkv_decodes_the_track_flagged_default(eval_dir: Path, tmp_path: Path) -> None:
    # A 30 s tone first, not default; the 11 s speech second, flagged default: the container says
    # 30 s, the chosen track's own length (Matroska's DURATION tag) is what the decode is held to.
    jfk = eval_dir / "faster_whisper" / "jfk.flac"
    path = tmp_path / "commentary.mkv"
    run_ffmpeg("-f", "lavfi", "-i", "sine=frequency=440:duration=30", "-i", jfk, "-map", "0:a", "-map", "1:a",
               "-c:a", "flac", "-metadata:s:a:1", "language=eng", "-metadata:s:a:1", "title=Room",
               "-disposition:a:0", "0", "-disposition:a:1", "default", path)  # fmt: skip
    info = probe(path)
    assert (info.audio_tracks, info.track_index, info.channels) == (2, 1, 2)
    assert info.track_description == "track 2 of 2 (default, 'eng', 'Room', 2 channels)"
    assert info.duration == pytest.approx(11.0, abs=0.01)
    samples = _decoded_both_ways(path)
    np.testing.assert_array_equal(samples, load_audio(jfk).samples)


def test_tracks_without_default_flag_decode_the_first(make_media: MakeMedia, caplog: pytest.LogCaptureFixture) -> None:
    path = make_media("two.mkv", "sine=frequency=500:duration=3", "-f", "lavfi", "-i", "anullsrc=r=48000:cl=mono",
                      "-t", "3", "-map", "0:a", "-map", "1:a", "-c:a", "flac", "-disposition:a", "0")  # fmt: skip
    info = probe(path)
    assert (info.audio_tracks, info.track_index) == (2, 0)
    assert info.track_description == "track 1 of 2 (first, none flagged default, 1 channel)"
    with caplog.at_level("INFO", logger="pipeline.audio"):
        samples = _decoded_both_ways(path)
    assert "two.mkv: 2 audio tracks; using track 1 of 2 (first" in caplog.text
    assert len(samples) == pytest.approx(48_000, abs=200)
    assert float(np.abs(samples).max()) > 0.1  # the tone, not the silent second track


def test_single_track_is_described_as_the_only_one(make_media: MakeMedia) -> None:
    info = probe(make_media("one.wav", TONE))
    assert (info.audio_tracks, info.track_index) == (1, 0)
    assert info.track_description == "track 1 of 1 (only track, 1 channel)"


@pytest.mark.parametrize("channels", [1, 2, 6, 8])
def test_up_to_eight_channels_keep_ffmpegs_own_downmix(make_media: MakeMedia, channels: int) -> None:
    path = make_media(f"c{channels}.wav", "sine=frequency=300:duration=2:sample_rate=48000", "-ac", str(channels))
    np.testing.assert_array_equal(_decoded_both_ways(path), _ffmpeg_mono(path))


def test_32_channel_wav_is_downmixed_with_equal_weights(make_media: MakeMedia) -> None:
    # A microphone-array recorder: the tone on the first channel, silence on the 31 others. ffmpeg
    # has no layout to down-mix 32 channels by, and refused it as unreadable.
    source = "aevalsrc=0.5*sin(2*PI*300*t)" + "|0" * 31 + ":s=48000:d=2"
    path = make_media("array.wav", source)
    assert probe(path).channels == 32
    samples = _decoded_both_ways(path)
    assert len(samples) == pytest.approx(32_000, abs=10)
    assert float(np.abs(samples).max()) == pytest.approx(0.5 / 32, rel=0.05)
    # Choosing one channel still works past 8 channels.
    assert float(np.abs(load_audio(path, channel=0).samples).max()) == pytest.approx(0.5, rel=0.05)
    assert float(np.abs(load_audio(path, channel=31).samples).max()) < 1e-3


def test_more_channels_than_ffmpeg_mixes_is_refused_by_name(tmp_path: Path) -> None:
    frames = np.zeros((16_000, 65))
    frames[:, 0] = 0.5 * np.sin(2 * np.pi * 300 * np.arange(16_000) / 16_000)
    path = write_wav(tmp_path / "huge.wav", frames, 16_000)
    for decode in (load_audio, lambda p: decode_into(p, io.BytesIO())):
        with pytest.raises(UnsupportedAudioError, match="huge.wav: 65 audio channels: ffmpeg mixes at most 64"):
            decode(path)


def test_one_hertz_wav_is_refused_for_its_sample_rate(make_media: MakeMedia) -> None:
    path = make_media("slow.wav", "anoisesrc=duration=5:sample_rate=8000", "-ar", "1")
    assert probe(path).sample_rate == 1
    for decode in (load_audio, lambda p: decode_into(p, io.BytesIO())):
        with pytest.raises(UnsupportedAudioError, match="slow.wav: sample rate 1 Hz: not a recording") as caught:
            decode(path)
        assert not isinstance(caught.value, CorruptAudioError)  # valid, not "truncated or damaged"


def test_telephone_8k_streams_like_it_loads(make_media: MakeMedia) -> None:
    path = make_media("phone.wav", "sine=frequency=300:duration=2:sample_rate=8000")
    assert len(_decoded_both_ways(path)) == pytest.approx(32_000, abs=200)
