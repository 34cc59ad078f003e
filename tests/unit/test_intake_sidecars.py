"""A meeting's sidecar dropped beside its recording travels with it, and is never a file of its own."""

from __future__ import annotations

import json
from datetime import date, time
from pathlib import Path

import pytest

from pipeline.errors import CorruptAudioError
from pipeline.meeting_names import MeetingFacts, read_sidecar
from service.clients import Clients
from service.intake import Readiness, Ready, RecordingLedger, archive_recording, fail_recording, scan_inbox
from service.intake.sidecars import is_sidecar
from tests.unit import intake_site

# The shared fixtures (see tests/unit/intake_site.py), bound here for pytest to find.
clients = intake_site.clients
ledger = intake_site.ledger
root = intake_site.root

DAY = date(2026, 11, 20)
FACTS = {"title": "Comité de pilotage", "date": "2026-11-20", "time": "10:05"}
READ = MeetingFacts("Comité de pilotage", date(2026, 11, 20), time(10, 5))


def _drop(root: Path, name: str, content: bytes | str) -> Path:
    path = root / "inbox" / "acme" / name
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    return path


def _scan(root: Path, clients: Clients, ledger: RecordingLedger, **kwargs: object) -> tuple[Ready, ...]:
    return scan_inbox(root, clients, ledger, Readiness(0.0), today=DAY, **kwargs)  # type: ignore[arg-type]


def _names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def test_a_sidecar_goes_to_processing_with_its_recording(root: Path, clients: Clients, ledger: RecordingLedger) -> None:
    _drop(root, "reunion.json", json.dumps(FACTS))
    _drop(root, "reunion.m4a", b"audio")
    (ready,) = _scan(root, clients, ledger)
    processing = root / "processing" / "acme"
    assert ready.path == processing / "reunion.m4a" and ready.name == "reunion.m4a"
    assert _names(processing) == ["reunion.json", "reunion.m4a"] and _names(root / "inbox" / "acme") == []
    assert read_sidecar(ready.path) == READ  # the run reads it where the recording now is
    assert [e.name for e in ledger.entries()] == ["reunion.m4a"]  # never a recording of its own
    assert _scan(root, clients, ledger) == () and _scan(root, clients, ledger, resume=True) == (
        Ready("acme", ready.path, ready.sha256, ready.meeting_id, "reunion.m4a", resumed=True),
    )


def test_a_sidecar_alone_waits_for_its_recording(root: Path, clients: Clients, ledger: RecordingLedger) -> None:
    sidecar = _drop(root, "reunion.toml", 'title = "Comité de pilotage"\ndate = 2026-11-20\ntime = "10:05"\n')
    readiness = Readiness(0.0)
    for _ in range(2):
        assert scan_inbox(root, clients, ledger, readiness, today=DAY) == ()
    assert sidecar.exists() and not readiness.waiting, "a waiting sidecar must not keep the scan polling"
    assert _names(root / "failed" / "acme") == [] and ledger.entries() == ()
    _drop(root, "reunion.wav", b"audio")
    (ready,) = scan_inbox(root, clients, ledger, readiness, today=DAY)
    assert _names(root / "processing" / "acme") == ["reunion.toml", "reunion.wav"]
    assert read_sidecar(ready.path) == READ and not readiness.waiting


def test_renamed_on_the_way_the_sidecar_keeps_its_recordings_name(
    root: Path, clients: Clients, ledger: RecordingLedger
) -> None:
    (root / "processing" / "acme" / "reunion.wav").write_bytes(b"another meeting")  # already there
    _drop(root, "reunion.json", json.dumps(FACTS))
    _drop(root, "reunion.wav", b"audio")
    (ready,) = _scan(root, clients, ledger)
    assert ready.path.name == "reunion (2).wav" and read_sidecar(ready.path) == READ
    assert not read_sidecar(root / "processing" / "acme" / "reunion.wav").title, "the other meeting got no sidecar"


def test_archived_or_failed_the_sidecar_stays_beside_its_recording(
    root: Path, clients: Clients, ledger: RecordingLedger
) -> None:
    _drop(root, "fait.json", json.dumps(FACTS))
    _drop(root, "fait.wav", b"done")
    _drop(root, "rate.json", json.dumps({"title": "Point budget"}))
    _drop(root, "rate.wav", b"failed")
    taken = {r.name: r for r in _scan(root, clients, ledger)}
    archived = archive_recording(root, ledger, "acme", taken["fait.wav"].sha256, today=DAY)
    assert _names(archived.parent) == ["fait.json", "fait.wav"] and read_sidecar(archived) == READ
    failed = fail_recording(root, ledger, clients.require("acme"), taken["rate.wav"].sha256, CorruptAudioError("x"))
    assert _names(failed.parent) == ["rate.json", "rate.wav", "rate.wav.reason.txt"]
    assert _names(root / "processing" / "acme") == []


def test_a_duplicate_is_archived_with_its_sidecar(root: Path, clients: Clients, ledger: RecordingLedger) -> None:
    _drop(root, "lundi.wav", b"same audio")
    (first,) = _scan(root, clients, ledger)
    _drop(root, "copie.json", json.dumps(FACTS))
    _drop(root, "copie.wav", b"same audio")
    assert _scan(root, clients, ledger) == ()
    day = root / "archive" / "acme" / DAY.isoformat()
    assert _names(day) == ["copie.json", "copie.wav", "copie.wav.note.txt"]
    assert _names(root / "inbox" / "acme") == []


def test_a_json_transcript_is_not_a_sidecar_and_may_have_one(
    root: Path, clients: Clients, ledger: RecordingLedger
) -> None:
    transcript = json.dumps({"language": "fr", "utterances": [{"speaker": "Marie", "text": "Bonjour"}]})
    _drop(root, "appel.json", transcript)
    _drop(root, "appel.toml", 'title = "Appel Durand"\n')
    (ready,) = _scan(root, clients, ledger)
    assert ready.name == "appel.json" and _names(root / "processing" / "acme") == ["appel.json", "appel.toml"]
    assert read_sidecar(ready.path).title == "Appel Durand"


@pytest.mark.parametrize(
    ("name", "content", "sidecar"),
    [
        ("a.json", json.dumps(FACTS), True),
        ("a.toml", 'date = "2026-11-20"\n', True),
        ("a.json", json.dumps({"title": "x", "utterances": []}), False),  # a transcript
        ("a.json", "{}", False),
        ("a.json", '{"title": "Comité', False),  # being written, or damaged: taken (and refused) as a file
        ("a.JSON", json.dumps(FACTS), False),  # the minutes look for reunion.json only
        ("a.txt", json.dumps(FACTS), False),
        ("a.json", json.dumps({"title": "x" * 70_000}), False),  # too large for a few facts
    ],
)
def test_what_is_a_sidecar(tmp_path: Path, name: str, content: str, sidecar: bool) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    assert is_sidecar(path) is sidecar


def test_a_sidecar_still_being_written_holds_its_recording_back(
    root: Path, clients: Clients, ledger: RecordingLedger
) -> None:
    now = [0.0]
    readiness = Readiness(settle_s=5.0, clock=lambda: now[0])
    _drop(root, "reunion.wav", b"audio")
    sidecar = _drop(root, "reunion.json", '{"title": "Comité de pil')
    assert scan_inbox(root, clients, ledger, readiness, today=DAY) == ()
    now[0] = 4.0
    sidecar.write_text(json.dumps(FACTS), encoding="utf-8")  # the copy ends
    now[0] = 6.0  # the recording has settled; the sidecar changed 2 s ago
    assert scan_inbox(root, clients, ledger, readiness, today=DAY) == ()
    now[0] = 12.0
    (ready,) = scan_inbox(root, clients, ledger, readiness, today=DAY)
    assert read_sidecar(ready.path) == READ and not readiness.waiting
