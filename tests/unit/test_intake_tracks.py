"""Participants' tracks in an inbox: a folder or zip is one recording, taken once complete, archived or
failed whole; a hostile zip or a folder that cannot be a meeting's tracks is set aside with its reason."""

from __future__ import annotations

import os
import stat
import zipfile
from datetime import date
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from pipeline import audio_tracks
from pipeline.audio_tracks import recording_from
from pipeline.config import Settings
from pipeline.errors import CorruptAudioError, PipelineError
from pipeline.meeting_names import meeting_facts, time_zone
from pipeline.stages import with_participants
from service.clients import Clients
from service.intake import (
    REASON_SUFFIX,
    Readiness,
    Ready,
    RecordingLedger,
    archive_recording,
    fail_recording,
    scan_inbox,
)
from service.intake import tracks as tracks_module
from tests.unit import intake_site

# The shared fixtures (see tests/unit/intake_site.py), bound here for pytest to find.
clients = intake_site.clients
ledger = intake_site.ledger
root = intake_site.root

DAY = date(2025, 3, 12)
RATE = 16_000


class _Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _tone(path: Path, hz: float, seconds: float = 2.0) -> Path:
    t = np.arange(int(seconds * RATE)) / RATE
    sf.write(path, (0.2 * np.sin(2 * np.pi * hz * t)).astype(np.float32), RATE)
    return path


def _tracks_folder(folder: Path) -> Path:
    folder.mkdir(parents=True)
    _tone(folder / "Marie Dupont.wav", 220)
    _tone(folder / "Jean Martin.wav", 330)
    return folder


def _scan(root: Path, clients: Clients, ledger: RecordingLedger, readiness: Readiness | None = None) -> list[Ready]:
    return list(scan_inbox(root, clients, ledger, readiness or Readiness(0.0), today=DAY))


def _reason(root: Path, name: str) -> str:
    return (root / "failed" / "acme" / (name + REASON_SUFFIX)).read_text(encoding="utf-8")


def test_a_folder_is_taken_once_nothing_in_it_changes(root: Path, clients: Clients, ledger: RecordingLedger) -> None:
    clock = _Clock()
    readiness = Readiness(settle_s=10.0, clock=clock)
    inbox = root / "inbox" / "acme"
    folder = inbox / "Comité de pilotage"
    folder.mkdir()
    _tone(folder / "Marie Dupont.wav", 220)
    assert _scan(root, clients, ledger, readiness) == []
    clock.now = 9.0
    _tone(folder / "Jean Martin.wav", 330)  # the copy goes on: the folder starts settling again
    assert _scan(root, clients, ledger, readiness) == []
    clock.now = 18.0
    assert _scan(root, clients, ledger, readiness) == [], "taken 9 s after its last change"
    clock.now = 19.5
    (ready,) = _scan(root, clients, ledger, readiness)
    assert ready.name == "Comité de pilotage" and ready.meeting_id.startswith("comite-de-pilotage-")
    assert ready.path == root / "processing" / "acme" / "Comité de pilotage"
    assert sorted(p.name for p in ready.path.iterdir()) == ["Jean Martin.wav", "Marie Dupont.wav"]
    assert not folder.exists() and _scan(root, clients, ledger, readiness) == []


def test_a_folder_holding_a_copy_in_progress_waits(root: Path, clients: Clients, ledger: RecordingLedger) -> None:
    folder = _tracks_folder(root / "inbox" / "acme" / "point hebdo")
    part = _tone(folder / "Zoë Lefèvre.wav", 440).rename(folder / "Zoë Lefèvre.wav.part")
    assert _scan(root, clients, ledger) == [] and folder.is_dir()  # however long it has not changed
    part.rename(folder / "Zoë Lefèvre.wav")
    (ready,) = _scan(root, clients, ledger)
    assert len(list(ready.path.iterdir())) == 3


def test_a_folder_is_archived_whole_and_a_copy_of_it_is_not_processed_again(
    root: Path, clients: Clients, ledger: RecordingLedger
) -> None:
    _tracks_folder(root / "inbox" / "acme" / "réunion")
    (ready,) = _scan(root, clients, ledger)
    archived = archive_recording(root, ledger, "acme", ready.sha256, today=DAY)
    assert archived == root / "archive" / "acme" / DAY.isoformat() / "réunion"
    assert sorted(p.name for p in archived.iterdir()) == ["Jean Martin.wav", "Marie Dupont.wav"]
    _tracks_folder(root / "inbox" / "acme" / "réunion bis")  # same tracks, another name
    assert _scan(root, clients, ledger) == []
    assert (root / "archive" / "acme" / DAY.isoformat() / "réunion bis" / "Marie Dupont.wav").is_file()


def test_a_failed_folder_goes_whole_to_failed_with_its_reason(
    root: Path, clients: Clients, ledger: RecordingLedger
) -> None:
    _tracks_folder(root / "inbox" / "acme" / "comité")
    (ready,) = _scan(root, clients, ledger)
    failed = fail_recording(root, ledger, clients.require("acme"), ready.sha256, CorruptAudioError("track 2"))
    assert failed == root / "failed" / "acme" / "comité" and len(list(failed.iterdir())) == 2
    assert "track 2" in _reason(root, "comité")


def test_a_folder_interrupted_in_processing_is_resumed(root: Path, clients: Clients, ledger: RecordingLedger) -> None:
    _tracks_folder(root / "inbox" / "acme" / "interrompu")
    (ready,) = _scan(root, clients, ledger)
    ledger.update("acme", ready.sha256, state="received", path=root / "inbox" / "acme" / "interrompu")
    (again,) = scan_inbox(root, clients, ledger, Readiness(0.0), resume=True, today=DAY)
    assert again.path == ready.path and again.sha256 == ready.sha256


def test_folders_that_cannot_be_tracks_are_set_aside_with_a_reason(
    tmp_path: Path, root: Path, clients: Clients, ledger: RecordingLedger
) -> None:
    inbox = root / "inbox" / "acme"
    (inbox / "vide").mkdir()
    linked = _tracks_folder(inbox / "lien")
    secret = _tone(tmp_path / "autre client.wav", 500)
    os.symlink(secret, linked / "Paul.wav")
    notes = _tracks_folder(inbox / "notes seules")
    for track in notes.iterdir():
        track.rename(track.with_suffix(".txt"))
    months = inbox / "réunions de mars"  # several meetings filed together, not one meeting's tracks
    for week, hz in (("semaine 1", 220), ("semaine 2", 330)):
        (months / week).mkdir(parents=True)
        _tone(months / week / "point.wav", hz)
    clock = _Clock()
    readiness = Readiness(settle_s=10.0, clock=clock)
    assert _scan(root, clients, ledger, readiness) == []
    clock.now = 10.0
    assert _scan(root, clients, ledger, readiness) == []
    assert "audio files in its sub-folders (semaine 1, semaine 2)" in _reason(root, "réunions de mars")
    assert "'Paul.wav' is a link" in _reason(root, "lien")
    # A folder without audio may be one made by hand, its tracks about to be dragged in: it waits.
    clock.now = tracks_module.EMPTY_FOLDER_S - 1
    assert _scan(root, clients, ledger, readiness) == [] and (inbox / "vide").is_dir()
    clock.now = tracks_module.EMPTY_FOLDER_S
    assert _scan(root, clients, ledger, readiness) == []
    assert "vide: no audio track" in _reason(root, "vide") and str(inbox) not in _reason(root, "vide")
    assert "no audio track" in _reason(root, "notes seules")
    assert (root / "failed" / "acme" / "lien" / "Paul.wav").is_symlink() and secret.is_file()
    assert list(inbox.iterdir()) == []


def _zip(path: Path, members: dict[str, bytes], link: str | None = None) -> Path:
    with zipfile.ZipFile(path, "w") as bundle:
        for name, data in members.items():
            bundle.writestr(name, data)
        if link is not None:
            info = zipfile.ZipInfo(link)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            bundle.writestr(info, "/etc/passwd")
    return path


@pytest.mark.parametrize(
    ("members", "link", "why"),
    [
        ({"../../evil.wav": b"x", "Marie.wav": b"x"}, None, "would unpack outside its folder"),
        ({"Marie.wav": b"x"}, "Jean.wav", "is a link"),
        ({"Marie.wav": b"x", "run.sh": b"rm -rf /"}, None, "not audio tracks"),
        ({"Marie.wav": b"\0" * (2 << 20)}, None, "unpacks to 2 MiB, over"),
        ({}, None, "no audio track"),
    ],
)
def test_a_hostile_zip_is_set_aside_with_its_reason(
    root: Path,
    clients: Clients,
    ledger: RecordingLedger,
    monkeypatch: pytest.MonkeyPatch,
    members: dict[str, bytes],
    link: str | None,
    why: str,
) -> None:
    monkeypatch.setattr(audio_tracks, "MAX_UNPACKED_BYTES", 1 << 20)
    _zip(root / "inbox" / "acme" / "pistes.zip", members, link)
    assert _scan(root, clients, ledger) == []
    assert (root / "failed" / "acme" / "pistes.zip").is_file()
    reason = _reason(root, "pistes.zip")
    assert why in reason and "n'est pas un enregistrement audio" in reason  # plain words, then the details
    assert list((root / "processing" / "acme").iterdir()) == [] and list((root / "inbox" / "acme").iterdir()) == []


def test_a_sound_zip_is_taken_as_one_recording(root: Path, clients: Clients, ledger: RecordingLedger) -> None:
    folder = _tracks_folder(root / "source")
    _zip(root / "inbox" / "acme" / "Zoom 12 mars.zip", {p.name: p.read_bytes() for p in folder.iterdir()})
    (ready,) = _scan(root, clients, ledger)
    assert ready.path == root / "processing" / "acme" / "Zoom 12 mars.zip"
    assert ready.meeting_id.startswith("zoom-12-mars-")


def test_a_folder_moves_whole_across_file_systems(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = _tracks_folder(tmp_path / "inbox" / "réunion")
    monkeypatch.setattr(tracks_module, "_same_file_system", lambda source, folder: False)
    target = tracks_module.move_tree(source, tmp_path / "processing")
    assert target == tmp_path / "processing" / "réunion" and not source.exists()
    assert sorted(p.name for p in target.iterdir()) == ["Jean Martin.wav", "Marie Dupont.wav"]
    assert [p.name for p in (tmp_path / "processing").iterdir()] == ["réunion"]  # no staging copy left


def test_the_participants_lead_whisper_vocabulary(tmp_path: Path) -> None:
    settings = Settings()
    plain = _tone(tmp_path / "seul.wav", 220)
    assert with_participants(settings, plain) == settings
    with recording_from(_tracks_folder(tmp_path / "réunion"), tmp_path / "work") as heard:
        assert heard.parent.parent == tmp_path / "work"
        vocabulary = with_participants(settings, heard).asr.vocabulary
    assert vocabulary[:2] == ("Jean Martin", "Marie Dupont")
    assert list((tmp_path / "work").iterdir()) == []  # the assembled recording is gone with its run


def test_a_folder_copied_from_a_mac_keeps_its_tracks_only(tmp_path: Path) -> None:
    folder = _tracks_folder(tmp_path / "réunion")
    (folder / "._Marie Dupont.wav").write_bytes(b"\0\5\26\7 Mac OS X resource fork")  # not audio
    (folder / ".DS_Store").write_bytes(b"\0")
    assert sorted(t.participant for t in audio_tracks.tracks_in(folder)) == ["Jean Martin", "Marie Dupont"]


def test_an_unreadable_track_fails_the_meeting_with_a_reason_naming_it(
    tmp_path: Path, root: Path, clients: Clients, ledger: RecordingLedger
) -> None:
    folder = _tracks_folder(root / "inbox" / "acme" / "comité")
    (folder / "Paul Durand.wav").write_bytes(np.random.default_rng(5).bytes(50_000))
    (ready,) = _scan(root, clients, ledger)  # taken: only decoding tells a damaged track
    with pytest.raises(PipelineError) as caught, recording_from(ready.path, tmp_path / "work"):
        pass
    failed = fail_recording(root, ledger, clients.require("acme"), ready.sha256, caught.value)
    assert len(list(failed.iterdir())) == 3 and "Paul Durand.wav" in _reason(root, "comité")


def test_a_folder_sidecar_goes_with_it_and_titles_its_meeting(
    tmp_path: Path, root: Path, clients: Clients, ledger: RecordingLedger
) -> None:
    inbox = root / "inbox" / "acme"
    (inbox / "comite.json").write_text('{"title": "Comité de pilotage", "date": "2026-11-20"}', encoding="utf-8")
    _tracks_folder(inbox / "comite")
    (ready,) = _scan(root, clients, ledger)
    assert (ready.path.parent / "comite.json").is_file() and not list(inbox.iterdir())
    with recording_from(ready.path, tmp_path / "work") as heard:
        facts = meeting_facts(heard, None, language="fr", zone=time_zone(None))
    assert (facts.title, facts.held_on) == ("Comité de pilotage", date(2026, 11, 20))
