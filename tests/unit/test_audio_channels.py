"""One decode for the mono audio and the channel scan: the same samples as ffmpeg's down-mix, the same
scan as a second read of the file, nothing more for mono files; the scan kept beside the service's audio."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from pipeline import stages
from pipeline.audio import decode_into, load_audio
from pipeline.audio_channels import read_channels
from pipeline.config import AudioSettings
from pipeline.diarize.by_channel import ChannelsWhileDecoding, diarize_channels
from pipeline.diarize.channel_scan import ChannelAccumulator, load_scan, save_scan
from pipeline.errors import CorruptAudioError, NotMediaError
from pipeline.types import Audio, ChannelScan, Diarization, MediaInfo, Recording
from pipeline.workspace import channel_scan_path, decode_to_file, discard_decoded, load_decoded
from tests.conftest import MakeMedia
from tests.media import run_ffmpeg

RATE = 16_000


class _Blocks:
    """Every channel the decode hands over, and the metadata it was asked with."""

    def __init__(self) -> None:
        self.infos: list[MediaInfo] = []
        self.blocks: list[np.ndarray] = []

    def __call__(self, info: MediaInfo) -> object:
        self.infos.append(info)
        return lambda block: self.blocks.append(block.copy())

    def samples(self) -> np.ndarray:
        return np.concatenate(self.blocks)


def _ffmpeg(path: Path, channels: int) -> np.ndarray:
    """ffmpeg's own 16 kHz output of `path` with `channels` channels (1: its down-mix)."""
    command = ["ffmpeg", "-nostdin", "-v", "error", "-i", str(path), "-ac", str(channels), "-ar", "16000"]
    out = subprocess.run([*command, "-f", "f32le", "-"], capture_output=True, check=True)
    return np.frombuffer(out.stdout, dtype=np.float32).reshape(-1, channels)


@pytest.fixture(scope="module")
def two_voices(eval_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 44.1 kHz 16-bit stereo WAV: JFK on the left, a LibriVox reader on the right (resampled on decode)."""
    path = tmp_path_factory.mktemp("stereo") / "two voices.wav"
    reader = eval_dir / "librivox" / "sense_and_sensibility_01_austen_64kb-0870.wav"
    graph = "[0:a]pan=mono|c0=c0[l];[1:a]pan=mono|c0=c0[r];[l][r]amerge=inputs=2,aresample=44100[a]"
    jfk = eval_dir / "faster_whisper" / "jfk.flac"
    run_ffmpeg("-i", jfk, "-i", reader, "-filter_complex", graph, "-map", "[a]", "-t", "7", "-c:a", "pcm_s16le", path)
    return path


@pytest.mark.parametrize("clip", ["two_voices", "stereo_clip"])
def test_stereo_mix_is_ffmpegs_downmix_and_blocks_are_its_channels(clip: str, two_voices: Path, eval_dir: Path) -> None:
    path = two_voices if clip == "two_voices" else eval_dir / "faster_whisper" / "stereo_diarization.wav"
    blocks = _Blocks()
    audio = load_audio(path, every_channel=blocks)  # type: ignore[arg-type]
    # Within float rounding of ffmpeg's own -ac 1 (and of today's mono decode): the weights are its own.
    np.testing.assert_allclose(audio.samples, _ffmpeg(path, 1)[:, 0], rtol=0, atol=1e-6)
    np.testing.assert_allclose(audio.samples, load_audio(path).samples, rtol=0, atol=1e-6)
    np.testing.assert_array_equal(blocks.samples(), _ffmpeg(path, 2))
    assert [info.channels for info in blocks.infos] == [2]
    streamed = _Blocks()
    out = io.BytesIO()
    count = decode_into(path, out, every_channel=streamed)  # type: ignore[arg-type]
    np.testing.assert_array_equal(np.frombuffer(out.getvalue()[: count * 4], np.float32), audio.samples)
    np.testing.assert_array_equal(streamed.samples(), blocks.samples())


def test_an_array_recorder_split_by_channel_is_mixed_with_equal_weights(make_media: MakeMedia) -> None:
    # 24 microphones, a different tone on each of the first three: past 8 channels every one weighs 1/24.
    source = "|".join([f"0.3*sin(2*PI*{hz}*t)" for hz in (200, 310, 470)] + ["0"] * 21) + ":s=48000:d=2"
    path = make_media("array.wav", "aevalsrc=" + source)
    decoded = stages.decode(path, AudioSettings(), "split")  # "auto" leaves an array to the model
    assert decoded.channel_scan is not None and decoded.channel_scan.channels == 24
    # ffmpeg's pan mixes 16-bit input in 16 bits, rounding the mix to a 16-bit step before resampling;
    # mixed here in float after resampling: the same samples within that step.
    np.testing.assert_allclose(decoded.samples, load_audio(path).samples, rtol=0, atol=1 / 32768)


def test_mono_and_surround_files_decode_as_before(make_media: MakeMedia, two_voices: Path) -> None:
    blocks = _Blocks()
    mono = make_media("mono.wav", "sine=frequency=300:duration=2")
    np.testing.assert_array_equal(load_audio(mono, every_channel=blocks).samples, load_audio(mono).samples)  # type: ignore[arg-type]
    # 5.1: a down-mix of its own (centre, surrounds, no LFE) that only ffmpeg knows: mono as ever, no channels.
    surround = make_media("six.wav", "sine=frequency=300:duration=2:sample_rate=48000", "-ac", "6")
    np.testing.assert_array_equal(load_audio(surround, every_channel=blocks).samples, load_audio(surround).samples)  # type: ignore[arg-type]
    assert blocks.infos == [] and blocks.blocks == []
    assert stages.decode(two_voices, AudioSettings(), "mix").channel_scan is None
    assert stages.decode(mono, AudioSettings(), "auto").channel_scan is None


def _clip(path: Path) -> np.ndarray:
    """A shared clip, 16 kHz mono."""
    return np.array(load_audio(path).samples)


def test_participants_tracks_are_summed_as_their_pan_sums_them(tmp_path: Path, eval_dir: Path) -> None:
    jfk = _clip(eval_dir / "faster_whisper" / "jfk.flac")
    path = tmp_path / "tracks.mka"
    sf.write(tmp_path / "pair.wav", np.stack([jfk[: 5 * RATE], jfk[RATE : 6 * RATE] * 0.5], axis=1), RATE)
    run_ffmpeg("-i", tmp_path / "pair.wav", "-c:a", "flac", "-metadata", 'minutier_participants=["Ann", "Bob"]', path)
    decoded = stages.decode(path, AudioSettings(), "mix")  # tracks are scanned whatever the mode
    # ffmpeg's pan sums 16-bit tracks in 16 bits, clipping where the voices add past full scale; the
    # sum here is in float, so it differs there only, and there it is the unclipped sum.
    today = load_audio(path).samples
    clipped = np.abs(today) > 0.9999
    np.testing.assert_allclose(decoded.samples[~clipped], today[~clipped], rtol=0, atol=1e-6)
    assert np.all(np.abs(decoded.samples[clipped]) >= np.abs(today[clipped]))
    assert decoded.channel_scan is not None and decoded.channel_scan.participants == ("Ann", "Bob")


def _call(tmp_path: Path, eval_dir: Path) -> Path:
    """Two sides of a call, each leaking faintly into the other 30 ms later."""
    jfk = _clip(eval_dir / "faster_whisper" / "jfk.flac")
    reader = _clip(eval_dir / "librivox" / "sense_and_sensibility_01_austen_64kb-0880.wav")
    left, right = np.zeros(13 * RATE, np.float32), np.zeros(13 * RATE, np.float32)
    left[: 6 * RATE] = jfk[: 6 * RATE]
    said = reader[: 7 * RATE]
    right[6 * RATE : 6 * RATE + len(said)] = said
    delay = np.zeros(480, np.float32)
    leak_of_right, leak_of_left = (0.05 * np.concatenate([delay, side[:-480]]) for side in (right, left))
    stereo = np.stack([left + leak_of_right, right + leak_of_left], axis=1)
    path = tmp_path / "call.flac"
    sf.write(path, stereo, RATE, subtype="PCM_16")
    return path


def _same_scan(a: ChannelScan, b: ChannelScan) -> None:
    for field in ("levels", "leak_db", "lag_frames", "correlation", "shared"):
        np.testing.assert_array_equal(getattr(a, field), getattr(b, field), err_msg=field)
    assert (a.duration, a.participants) == (b.duration, b.participants)


class _NoModel:
    device = "cpu"

    def diarize(self, audio: Audio) -> Diarization:
        raise AssertionError("a call with one side per channel needs no diarization model")


def test_the_decodes_scan_is_the_second_reads(tmp_path: Path, eval_dir: Path) -> None:
    path = _call(tmp_path, eval_dir)
    audio = stages.decode(path, AudioSettings(), "auto")
    assert audio.channel_scan is not None
    second = ChannelAccumulator(13.0)
    read_channels(path, second.add)
    _same_scan(audio.channel_scan, second.result())
    by_scan = stages.diarize(audio, _NoModel(), None, "auto")  # type: ignore[arg-type]
    again = stages.diarize(Audio(audio.samples), _NoModel(), path, "auto")  # type: ignore[arg-type]
    assert by_scan == again and by_scan.speakers == ("SPEAKER_00", "SPEAKER_01")
    assert diarize_channels(path, "mix", audio.channel_scan) is None  # the mode still rules


def test_the_service_keeps_the_scan_beside_the_decoded_audio(tmp_path: Path, eval_dir: Path) -> None:
    path = _call(tmp_path, eval_dir)
    recording = Recording.from_path(path)
    decoded = decode_to_file(recording, AudioSettings(), tmp_path / "work", "auto")
    loaded = load_decoded(decoded)
    assert channel_scan_path(decoded).name == f"{recording.sha256}.f32.channels.npz"
    assert loaded.channel_scan is not None
    _same_scan(loaded.channel_scan, stages.decode(path, AudioSettings(), "auto").channel_scan)  # type: ignore[arg-type]
    # An older cache (audio, no scan): the model worker reads the channels again, with the same result.
    channel_scan_path(decoded).unlink()
    assert load_decoded(decoded).channel_scan is None
    read_again = stages.diarize(load_decoded(decoded), _NoModel(), path, "auto")  # type: ignore[arg-type]
    assert read_again == stages.diarize(loaded, _NoModel(), path, "auto")  # type: ignore[arg-type]
    decode_to_file(Recording(path, "x", "0" * 64), AudioSettings(), tmp_path / "work", "auto")
    discard_decoded(tmp_path / "work", Recording(path, "x", "0" * 64))
    assert sorted(p.name for p in decoded.parent.iterdir()) == [decoded.name]


def test_scan_file_round_trip_and_foreign_files(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    accumulator = ChannelAccumulator(4.0, participants=("Zoë", "Jean"))
    accumulator.add(rng.standard_normal((4 * RATE, 2)).astype(np.float32) * 0.1)
    scan = accumulator.result()
    save_scan(scan, tmp_path / "a.channels.npz")
    _same_scan(load_scan(tmp_path / "a.channels.npz"), scan)  # type: ignore[arg-type]
    assert load_scan(tmp_path / "missing.npz") is None
    (tmp_path / "bad.npz").write_bytes(b"not a zip")
    assert load_scan(tmp_path / "bad.npz") is None
    np.savez(tmp_path / "future.npz", format=np.array(99))
    assert load_scan(tmp_path / "future.npz") is None


def test_channels_while_decoding_follows_the_mode() -> None:
    stereo = MediaInfo("wav", 10.0, "pcm_s16le", 16_000, 2, False)
    assert ChannelsWhileDecoding("mix")(stereo) is None
    assert ChannelsWhileDecoding("auto")(stereo) is not None
    many = MediaInfo("wav", 10.0, "pcm_s16le", 16_000, 24, False)
    assert ChannelsWhileDecoding("auto")(many) is None  # a microphone array: the model diarizes
    assert ChannelsWhileDecoding("split")(many) is not None
    scanning = ChannelsWhileDecoding("auto")
    assert scanning.scan() is None  # nothing fed, nothing to judge


def test_leakage_sample_stays_bounded_without_an_announced_length() -> None:
    accumulator = ChannelAccumulator(None)  # a stream whose container gives no duration
    block = np.random.default_rng(1).standard_normal((8 * RATE, 2)).astype(np.float32) * 0.1
    for _ in range(60):  # 8 minutes
        accumulator.add(block)
    seconds = [second for second, _ in accumulator.kept]
    assert len(seconds) <= 60 and seconds[-1] >= 400  # bounded, and still spread over the whole length
    assert accumulator.result().duration == 480.0


@pytest.mark.parametrize("name", ["cut.wav", "cut.mp3"])
def test_damaged_stereo_files_fail_by_name_when_scanned_too(make_media: MakeMedia, name: str) -> None:
    path = make_media(name, "sine=frequency=440:duration=20", "-ac", "2")
    path.write_bytes(path.read_bytes()[: int(path.stat().st_size * 0.4)])
    with pytest.raises(CorruptAudioError, match=f"{name}.*truncated"):
        stages.decode(path, AudioSettings(), "auto")
    blocks = _Blocks()
    with pytest.raises(CorruptAudioError, match=f"{name}.*truncated"):
        decode_into(path, io.BytesIO(), every_channel=blocks)  # type: ignore[arg-type]
    garbage = path.with_name("noise.wav")
    garbage.write_bytes(np.random.default_rng(0).bytes(50_000))
    with pytest.raises(NotMediaError):
        stages.decode(garbage, AudioSettings(), "auto")
