"""Participants' tracks (a folder or a zip) as one meeting; hostile zips refused by name."""

from __future__ import annotations

import stat
import zipfile
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from pipeline import audio_tracks, stages
from pipeline.audio import load_audio, probe
from pipeline.audio_tracks import TracksError, participant_name, recording_from
from pipeline.config import DiarizeSettings
from pipeline.types import Audio, Diarization

RATE = 16_000


def _bursts(seconds: float, spans: list[tuple[float, float]], seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    out = (rng.standard_normal(int(seconds * RATE)) * 1e-4).astype(np.float32)
    for start, end in spans:
        i, j = int(start * RATE), int(end * RATE)
        t = np.arange(j - i) / RATE
        syllables = np.clip(np.sin(2 * np.pi * 3 * t), 0, None)
        out[i:j] += (0.2 * np.sign(np.sin(2 * np.pi * (110 + 60 * seed) * t)) * syllables).astype(np.float32)
    return out


def _tracks(folder: Path) -> Path:
    folder.mkdir(parents=True)
    sf.write(folder / "Marie Dupont.wav", _bursts(10, [(0.5, 3.5), (7, 9)], 1), RATE)
    # Another format, rate and length, a track number in front, stereo: still one participant.
    jean = _bursts(8, [(4, 6.5)], 2)
    sf.write(folder / "2-jean_martin.flac", np.stack([jean, jean], axis=1), RATE)
    (folder / ".DS_Store").write_bytes(b"\0")
    return folder


class _NoModel:
    device = "cpu"

    def diarize(self, audio: Audio) -> Diarization:
        raise AssertionError("participants' tracks need no diarization model")


def test_names_come_from_file_names() -> None:
    assert participant_name(Path("Marie Dupont.m4a")) == "Marie Dupont"
    assert participant_name(Path("1-jean_martin.flac")) == "jean martin"
    assert participant_name(Path("Zoë Lefèvre.ogg")) == "Zoë Lefèvre"


def _check_meeting(recording: Path) -> None:
    info = probe(recording)
    assert info.channels == 2
    assert info.participants == ("jean martin", "Marie Dupont")
    audio = load_audio(recording)
    assert audio.duration == pytest.approx(10.0, abs=0.05)  # the longest track; the other padded
    diarization = stages.diarize(audio, _NoModel(), recording, "mix")  # tracks are by channel whatever the mode
    assert set(diarization.speakers) == {"Marie Dupont", "jean martin"}
    marie = [(t.start, t.end) for t in diarization.turns if t.speaker == "Marie Dupont"]
    # Within the NIST collar (±0.25 s): the syllables fade in and out.
    assert marie[0][0] == pytest.approx(0.5, abs=0.25) and marie[-1][1] == pytest.approx(9.0, abs=0.25)
    names = stages.identify_speakers(audio, diarization, _NoModel(), DiarizeSettings())  # type: ignore[arg-type]
    assert names == {"Marie Dupont": "Marie Dupont", "jean martin": "jean martin"}


def test_a_folder_of_tracks_is_one_meeting(tmp_path: Path) -> None:
    folder = _tracks(tmp_path / "2026-11-20 Comité")
    with recording_from(folder) as recording:
        assert recording.name == "2026-11-20 Comité.mka"
        _check_meeting(recording)
    assert not recording.exists()  # assembled in a temporary folder
    assert sorted(p.name for p in folder.iterdir()) == [".DS_Store", "2-jean_martin.flac", "Marie Dupont.wav"]


def test_a_zip_of_tracks_is_one_meeting(tmp_path: Path) -> None:
    folder = _tracks(tmp_path / "tracks")
    archive = tmp_path / "Zoom meeting.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        for path in folder.iterdir():
            bundle.write(path, f"Zoom meeting/{path.name}")
        bundle.writestr("__MACOSX/._Marie Dupont.wav", b"\0")
    with recording_from(archive) as recording:
        assert recording.name == "Zoom meeting.mka"
        _check_meeting(recording)
    assert archive.exists()


def _zip(path: Path, members: dict[str, bytes], link: str | None = None) -> Path:
    with zipfile.ZipFile(path, "w") as bundle:
        for name, data in members.items():
            bundle.writestr(name, data)
        if link:
            info = zipfile.ZipInfo(link)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            bundle.writestr(info, "/etc/passwd")
    return path


@pytest.mark.parametrize(
    ("members", "link", "message"),
    [
        ({"../evil.wav": b"RIFF"}, None, "would unpack outside its folder"),
        ({"/tmp/evil.wav": b"RIFF"}, None, "would unpack outside its folder"),
        ({"C:/evil.wav": b"RIFF"}, None, "would unpack outside its folder"),
        ({"a.wav": b"RIFF"}, "b.wav", "is a link"),
        (
            {"a.wav": b"RIFF", "run.exe": b"MZ", "notes.txt": b"hi"},
            None,
            "not audio tracks \\('run.exe', 'notes.txt'\\)",
        ),
        ({}, None, "no audio track"),
    ],
)
def test_hostile_or_wrong_zips_are_refused_by_name(
    tmp_path: Path, members: dict[str, bytes], link: str | None, message: str
) -> None:
    archive = _zip(tmp_path / "tracks.zip", members, link)
    with pytest.raises(TracksError, match=message), recording_from(archive):
        pass
    assert not (tmp_path / "evil.wav").exists()
    assert archive.exists()


def test_a_zip_bomb_is_stopped_while_unpacking(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A small cap stands in for the real one: the bytes are counted as they come, whatever the headers say.
    monkeypatch.setattr(audio_tracks, "MAX_UNPACKED_BYTES", 1 << 20)
    archive = tmp_path / "bomb.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr("a.wav", bytes(600_000))
        bundle.writestr("b.wav", bytes(600_000))
    assert archive.stat().st_size < 10_000
    with pytest.raises(TracksError, match="unpacks to 1 MiB, over"), recording_from(archive):
        pass
    # Headers that lie about the size are caught by counting.
    monkeypatch.setattr(audio_tracks, "_check_members", lambda archive, members: None)
    with pytest.raises(TracksError, match="unpacks to more than"):
        audio_tracks.unpack_zip(archive, tmp_path / "out")


def test_a_corrupt_zip_and_a_folder_without_audio_are_named(tmp_path: Path) -> None:
    bad = tmp_path / "tracks.zip"
    bad.write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(TracksError, match="not a readable zip"), recording_from(bad):
        pass
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.txt").write_text("agenda")
    with pytest.raises(TracksError, match="no audio track in it"), recording_from(empty):
        pass
