"""Intake on real folders: complete files only, each recording once, odd names safe, nothing deleted."""

from __future__ import annotations

import errno
import logging
import os
import sqlite3
import threading
import time
from datetime import date
from pathlib import Path

import pytest

from pipeline.errors import CorruptAudioError, TranscriptFormatError
from service import layout as layout_module
from service.clients import Clients, parse_clients
from service.errors import IntakeError
from service.intake import (
    REASON_SUFFIX,
    InboxWatcher,
    Layout,
    Readiness,
    Ready,
    RecordingLedger,
    RecordingVanishedError,
    archive_recording,
    fail_recording,
    is_temporary,
    meeting_id,
    plain_reason,
    run_intake,
    scan_inbox,
)
from tests.unit import intake_site

# The shared fixtures (see tests/unit/intake_site.py), bound here for pytest to find.
ledger = intake_site.ledger
root = intake_site.root

DAY = date(2025, 3, 12)
ODD_NAMES = (
    "réunion du 12 mars.wav",
    "équipe 🎙️ point hebdo.m4a",
    'l\'"entretien" annuel.mp3',
    "-i.wav",
    "--output=x.wav",
    "a..b.wav",
    "rapport...final.mp3",
    " espace devant.wav",
    "$(rm -rf ~).wav",
)


@pytest.fixture
def clients(tmp_path: Path) -> Clients:
    data = {
        "clients": {
            "acme": {"recipients": ["a@acme.fr"]},
            "acme-corp": {"recipients": ["b@acme-corp.com"], "language": "en"},
        }
    }
    return parse_clients(data, tmp_path / "clients.toml")


def _drop(root: Path, client: str, name: str, content: bytes) -> Path:
    path = root / "inbox" / client / name
    path.write_bytes(content)
    return path


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file() or p.is_symlink())


def _recordings(root: Path) -> list[Path]:
    return [p for p in _files(root) if not p.name.endswith((".reason.txt", ".note.txt"))]


def _scan(root: Path, clients: Clients, ledger: RecordingLedger, **kwargs: object) -> tuple[Ready, ...]:
    return scan_inbox(root, clients, ledger, Readiness(0.0), today=DAY, **kwargs)  # type: ignore[arg-type]


def test_temporary_names() -> None:
    for name in (
        "a.wav.part",
        "a.WAV.PARTIAL",
        "~$doc.docx",
        "a.crdownload",
        "x.tmp",
        ".DS_Store",
        "._a.wav",
        "Thumbs.db",
        "desktop.ini",
    ):
        assert is_temporary(name), name
    for name in ("a.wav", "partie.wav", "temp.wav", "a~.wav", "a..b.wav"):
        assert not is_temporary(name), name


def test_temporary_file_is_taken_only_once_renamed(root: Path, clients: Clients, ledger: RecordingLedger) -> None:
    part = _drop(root, "acme", "meeting.wav.part", b"RIFF....")
    assert _scan(root, clients, ledger) == ()
    assert part.exists()
    part.rename(part.with_name("meeting.wav"))
    (ready,) = _scan(root, clients, ledger)
    assert ready.path == root / "processing" / "acme" / "meeting.wav" and ready.name == "meeting.wav"


def test_half_written_file_is_not_taken_early(root: Path, clients: Clients, ledger: RecordingLedger) -> None:
    chunks = [os.urandom(4096) for _ in range(6)]
    target = root / "inbox" / "acme" / "slow.wav"
    done = threading.Event()

    def write_slowly() -> None:
        with target.open("wb") as handle:
            for chunk in chunks:
                handle.write(chunk)
                handle.flush()
                time.sleep(0.1)
        done.set()

    readiness = Readiness(settle_s=0.35)
    writer = threading.Thread(target=write_slowly)
    writer.start()
    taken: list[Ready] = []
    while not done.is_set():
        taken += scan_inbox(root, clients, ledger, readiness, today=DAY)
        time.sleep(0.05)
    writer.join()
    assert taken == [], "a file still being written was taken"
    deadline = time.monotonic() + 5
    while not taken and time.monotonic() < deadline:
        taken += scan_inbox(root, clients, ledger, readiness, today=DAY)
        time.sleep(0.1)
    (ready,) = taken
    assert ready.path.read_bytes() == b"".join(chunks)


def test_same_recording_under_two_names_is_processed_once(
    root: Path, clients: Clients, ledger: RecordingLedger
) -> None:
    _drop(root, "acme", "lundi.wav", b"same audio")
    (first,) = _scan(root, clients, ledger)
    # While the first copy is processing, a second copy is archived with a note.
    _drop(root, "acme", "copie de lundi.wav", b"same audio")
    assert _scan(root, clients, ledger) == ()
    archived = archive_recording(root, ledger, "acme", first.sha256, today=DAY)
    assert archived == root / "archive" / "acme" / DAY.isoformat() / "lundi.wav"
    assert archive_recording(root, ledger, "acme", first.sha256, today=DAY) == archived  # idempotent
    # After it is done, the same content under a third name is not processed again either.
    _drop(root, "acme", "lundi (1).wav", b"same audio")
    assert _scan(root, clients, ledger) == ()
    day_dir = root / "archive" / "acme" / DAY.isoformat()
    assert sorted(p.name for p in day_dir.iterdir()) == [
        "copie de lundi.wav",
        "copie de lundi.wav.note.txt",
        "lundi (1).wav",
        "lundi (1).wav.note.txt",
        "lundi.wav",
    ]
    note = (day_dir / "lundi (1).wav.note.txt").read_text(encoding="utf-8")
    assert "déjà été reçu" in note and "lundi.wav" in note and "traité" in note
    assert ledger.get("acme", first.sha256).state == "done"  # type: ignore[union-attr]
    assert len(ledger.entries()) == 1


def test_same_content_for_two_clients_is_two_recordings(root: Path, clients: Clients, ledger: RecordingLedger) -> None:
    _drop(root, "acme", "x.wav", b"shared")
    _drop(root, "acme-corp", "x.wav", b"shared")
    taken = _scan(root, clients, ledger)
    assert sorted(r.client for r in taken) == ["acme", "acme-corp"]
    assert {r.path.parent for r in taken} == {root / "processing" / "acme", root / "processing" / "acme-corp"}


def test_look_alike_clients_stay_apart(
    root: Path, clients: Clients, ledger: RecordingLedger, caplog: pytest.LogCaptureFixture
) -> None:
    _drop(root, "acme-corp", "corp.wav", b"corp")
    _drop(root, "acme", "acme.wav", b"acme")
    stray = root / "inbox" / "acme-co"
    stray.mkdir()
    (stray / "lost.wav").write_bytes(b"lost")
    (root / "inbox" / "loose.wav").write_bytes(b"loose")
    readiness = Readiness(0.0)
    with caplog.at_level(logging.WARNING, logger="service.intake"):
        taken = {r.name: r for r in scan_inbox(root, clients, ledger, readiness)}
        scan_inbox(root, clients, ledger, readiness)
    assert taken["corp.wav"].client == "acme-corp" and taken["acme.wav"].client == "acme"
    assert taken["corp.wav"].path.parent.name == "acme-corp"
    assert (stray / "lost.wav").exists() and (root / "inbox" / "loose.wav").exists()
    warnings = [r.getMessage() for r in caplog.records if "not a configured client folder" in r.getMessage()]
    assert len(warnings) == 2, warnings  # each stray reported once, not on every scan


def test_failed_recording_gets_a_readable_reason_and_can_be_retried(
    root: Path, clients: Clients, ledger: RecordingLedger
) -> None:
    _drop(root, "acme", "coupé.mp3", b"truncated")
    (ready,) = _scan(root, clients, ledger)
    failed = fail_recording(
        root,
        ledger,
        clients.require("acme"),
        ready.sha256,
        CorruptAudioError("coupé.mp3: decoded 12 s of 300 s announced"),
    )
    assert failed == root / "failed" / "acme" / "coupé.mp3"
    reason = (root / "failed" / "acme" / "coupé.mp3.reason.txt").read_text(encoding="utf-8")
    assert "endommagé ou incomplet" in reason and "decoded 12 s of 300 s" in reason and "Que faire" in reason
    # Dropping it again retries it (a secretary's way to say "try again").
    _drop(root, "acme", "coupé.mp3", b"truncated")
    (again,) = _scan(root, clients, ledger)
    entry = ledger.get("acme", ready.sha256)
    assert entry is not None and again.sha256 == ready.sha256 and again.retry == 1
    # A new life: its own run, and all its attempts (the crash budget) again.
    assert (entry.state, entry.retries, entry.attempts) == ("processing", 1, 1)
    fail_recording(root, ledger, clients.require("acme"), again.sha256, "Refusé par l'opérateur : mauvais client")
    assert (root / "failed" / "acme" / "coupé (2).mp3.reason.txt").exists()


def test_a_reconcile_finding_a_recording_in_processing_counts_no_attempt(
    root: Path, clients: Clients, ledger: RecordingLedger
) -> None:
    # Every reconcile resumes what is in processing/: its run may be going on. Only a run started counts
    # (its creation when taken from the inbox here; the submission counts a run it schedules again).
    _drop(root, "acme", "long.wav", b"a long meeting")
    (ready,) = _scan(root, clients, ledger)
    for _ in range(3):
        (resumed,) = _scan(root, clients, ledger, resume=True)
        assert resumed.resumed and resumed.path == ready.path
    assert ledger.get("acme", ready.sha256).attempts == 1  # type: ignore[union-attr]
    assert ledger.count_attempt("acme", ready.sha256) == 2


def test_english_client_reason(root: Path, clients: Clients, ledger: RecordingLedger) -> None:
    _drop(root, "acme-corp", "call.m4a", b"x")
    (ready,) = _scan(root, clients, ledger)
    fail_recording(root, ledger, clients.require("acme-corp"), ready.sha256, CorruptAudioError("bad"))
    text = (root / "failed" / "acme-corp" / "call.m4a.reason.txt").read_text(encoding="utf-8")
    assert text.startswith("This file could not be processed.") and "What to do" in text


def test_a_transcript_is_taken_like_a_recording_and_a_bad_one_filed_with_its_reason(
    root: Path, clients: Clients, ledger: RecordingLedger
) -> None:
    _drop(root, "acme", "Comité.vtt", b"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Marie>Bonjour</v>\n")
    _drop(root, "acme", "piège.txt", b"Marie : <script>alert(1)</script>\n")
    taken = {ready.name: ready for ready in _scan(root, clients, ledger)}
    assert sorted(taken) == ["Comité.vtt", "piège.txt"]
    assert taken["piège.txt"].path == root / "processing" / "acme" / "piège.txt"
    error = TranscriptFormatError(f"{taken['piège.txt'].path}: web markup '<script'> on line 1")
    fail_recording(root, ledger, clients.require("acme"), taken["piège.txt"].sha256, error)
    note = (root / "failed" / "acme" / "piège.txt.reason.txt").read_text(encoding="utf-8")
    assert plain_reason(error, "fr") in note and "web markup '<script'> on line 1" in note and "Que faire" in note
    # Told in its own words: what to do is export the transcript again.
    assert "Ce fichier de transcription n'a pas pu être lu" in note and "exportez-le à nouveau" in note
    assert plain_reason(error, "en") == (
        "This transcript file could not be read (empty, damaged, wrongly encoded or containing code); "
        "export it again from the meeting tool (.vtt, .docx, .srt or .txt)."
    )


def test_symlink_outside_the_inbox_is_refused_not_followed(
    tmp_path: Path, root: Path, clients: Clients, ledger: RecordingLedger
) -> None:
    secret = tmp_path / "secret.wav"
    secret.write_bytes(b"not yours")
    link = root / "inbox" / "acme" / "innocent.wav"
    link.symlink_to(secret)
    assert _scan(root, clients, ledger) == ()
    moved = root / "failed" / "acme" / "innocent.wav"
    assert moved.is_symlink() and os.readlink(moved) == str(secret)  # the link moved, its target untouched
    assert secret.read_bytes() == b"not yours"
    assert "hors du dossier du client" in (root / "failed" / "acme" / "innocent.wav.reason.txt").read_text("utf-8")
    assert ledger.entries() == ()


def test_odd_names_stay_inside_their_client_folders(root: Path, clients: Clients, ledger: RecordingLedger) -> None:
    for i, name in enumerate(ODD_NAMES):
        _drop(root, "acme", name, f"content {i}".encode())
    taken = _scan(root, clients, ledger)
    assert sorted(r.name for r in taken) == sorted(ODD_NAMES)
    layout = Layout(root)
    for ready in taken:
        assert ready.path.parent == root / "processing" / "acme" and ready.path.name == ready.name
        assert layout.outbox("acme", ready.meeting_id).parent == root / "outbox" / "acme"
        assert ready.meeting_id.isascii() and "/" not in ready.meeting_id and not ready.meeting_id.startswith(".")
        fail_recording(root, ledger, clients.require("acme"), ready.sha256, "test")
    assert sorted(p.name for p in (root / "failed" / "acme").iterdir() if not p.name.endswith(".txt")) == sorted(
        ODD_NAMES
    )
    assert {p.parent for p in _files(root)} <= {root / "failed" / "acme"}


def test_meeting_id_is_a_safe_slug() -> None:
    sha = "3fa81c2e" + "0" * 56
    assert meeting_id("Réunion du 12 mars.m4a", sha) == "reunion-du-12-mars-3fa81c2e"
    assert meeting_id("../../etc/passwd", sha) == "passwd-3fa81c2e"
    assert meeting_id("a..b.wav", sha) == "a-b-3fa81c2e"
    assert meeting_id("🎙️.wav", sha) == "recording-3fa81c2e"
    with pytest.raises(IntakeError):
        Layout(Path("/srv")).outbox("acme", "../other")
    with pytest.raises(IntakeError):
        Layout(Path("/srv")).inbox("../acme")


def test_collisions_get_a_suffix_never_overwrite(root: Path, clients: Clients, ledger: RecordingLedger) -> None:
    _drop(root, "acme", "point.wav", b"first")
    (first,) = _scan(root, clients, ledger)
    _drop(root, "acme", "point.wav", b"second, different")
    (second,) = _scan(root, clients, ledger)
    assert second.path.name == "point (2).wav" and first.path.read_bytes() == b"first"
    assert first.meeting_id != second.meeting_id


def test_long_names_are_shortened_to_fit(root: Path, clients: Clients, ledger: RecordingLedger) -> None:
    name = "é" * 120 + ".wav"  # 244 bytes: " (2)" would not fit
    for content in (b"one", b"two"):
        _drop(root, "acme", name, content)
        _scan(root, clients, ledger)
    names = sorted(p.name for p in (root / "processing" / "acme").iterdir())
    assert len(names) == 2 and all(len(os.fsencode(n)) <= 255 for n in names)


def test_crash_in_processing_is_resumed_once(root: Path, clients: Clients, ledger: RecordingLedger) -> None:
    _drop(root, "acme", "interrompu.wav", b"audio")
    (ready,) = _scan(root, clients, ledger)
    # The service restarts: a plain scan does not resubmit, the start-up reconcile does.
    assert _scan(root, clients, ledger) == ()
    (resumed,) = _scan(root, clients, ledger, resume=True)
    assert resumed.resumed and resumed.sha256 == ready.sha256 and resumed.path == ready.path
    # A crash between the move and the ledger update: the file is found by its content.
    ledger.update("acme", ready.sha256, state="received", path=root / "inbox" / "acme" / "interrompu.wav")
    (again,) = _scan(root, clients, ledger, resume=True)
    assert again.path == ready.path and ledger.get("acme", ready.sha256).state == "processing"  # type: ignore[union-attr]
    # Finished but not yet moved to the archive: the reconcile finishes the move.
    ledger.update("acme", ready.sha256, state="done")
    assert _scan(root, clients, ledger, resume=True) == ()
    assert (root / "archive" / "acme" / DAY.isoformat() / "interrompu.wav").exists()


def test_move_across_file_systems_copies_then_renames(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = tmp_path / "inbox" / "a.wav"
    source.parent.mkdir()
    source.write_bytes(b"data")
    real_rename = os.rename
    calls: list[str] = []

    def rename(src: object, dst: object) -> None:
        calls.append(str(src))
        if len(calls) == 1:
            raise OSError(errno.EXDEV, "Invalid cross-device link")
        real_rename(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(layout_module.os, "rename", rename)
    target = layout_module.move_file(source, tmp_path / "processing")
    assert target.read_bytes() == b"data" and not source.exists()
    assert [p.name for p in (tmp_path / "processing").iterdir()] == ["a.wav"]


def test_nothing_is_ever_deleted(tmp_path: Path, root: Path, clients: Clients, ledger: RecordingLedger) -> None:
    outside = tmp_path / "outside.wav"
    outside.write_bytes(b"outside")
    names = [*ODD_NAMES[:4], "dup.wav", "dup copy.wav", "ok.wav"]
    contents = [b"1", b"2", b"3", b"4", b"dup", b"dup", b"ok"]
    for name, content in zip(names, contents, strict=True):
        _drop(root, "acme", name, content)
    (root / "inbox" / "acme" / "link.wav").symlink_to(outside)
    (root / "inbox" / "acme" / "still.wav.part").write_bytes(b"partial")
    before = len(_recordings(root))
    taken = _scan(root, clients, ledger)
    for i, ready in enumerate(taken):
        if i % 2:
            archive_recording(root, ledger, "acme", ready.sha256, today=DAY)
        else:
            fail_recording(root, ledger, clients.require("acme"), ready.sha256, "test")
    _scan(root, clients, ledger, resume=True)
    after = _recordings(root)
    assert len(after) == before == 9, after
    assert outside.read_bytes() == b"outside"
    assert len(taken) == 6  # the duplicate and the link are not taken, the .part is left in the inbox


def test_watchers_signal_changes(tmp_path: Path) -> None:
    for polling in (False, True):
        inbox = tmp_path / f"inbox-{polling}"
        (inbox / "acme").mkdir(parents=True)
        seen = threading.Event()
        with InboxWatcher(inbox, lambda _p, seen=seen: seen.set(), polling=polling, poll_interval_s=0.2):
            time.sleep(0.3)
            (inbox / "acme" / "new.wav").write_bytes(b"x")
            assert seen.wait(5), f"no event (polling={polling})"


def test_run_intake_submits_once_and_retries_when_submit_fails(
    root: Path, clients: Clients, ledger: RecordingLedger
) -> None:
    submitted: list[Ready] = []
    attempts = {"n": 0}

    def submit(ready: Ready) -> None:
        attempts["n"] += 1
        if attempts["n"] == 1:
            raise ConnectionError("orchestrator down")
        submitted.append(ready)

    _drop(root, "acme", "avant-démarrage.wav", b"dropped while stopped")
    stop = threading.Event()
    loop = threading.Thread(
        target=run_intake,
        args=(root, clients, ledger, submit, stop),
        kwargs={"readiness": Readiness(0.2), "reconcile_s": 0.5, "polling": True},
    )
    loop.start()
    try:
        deadline = time.monotonic() + 10
        while len(submitted) < 1 and time.monotonic() < deadline:
            time.sleep(0.05)
        _drop(root, "acme", "pendant.wav", b"dropped while running")
        _drop(root, "acme", "pendant copie.wav", b"dropped while running")
        while len(submitted) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.3)
    finally:
        stop.set()
        loop.join(10)
    assert not loop.is_alive()
    assert sorted(r.name for r in submitted) == ["avant-démarrage.wav", "pendant copie.wav"] or sorted(
        r.name for r in submitted
    ) == ["avant-démarrage.wav", "pendant.wav"]


def test_recording_gone_from_processing_is_filed_with_its_note_and_a_new_drop_is_a_new_life(
    tmp_path: Path, root: Path, clients: Clients, ledger: RecordingLedger
) -> None:
    _drop(root, "acme", "comité.wav", b"RIFF comite")
    (ready,) = _scan(root, clients, ledger)
    assert ready.retry == 0
    os.rename(ready.path, tmp_path / "moved by hand.wav")  # an operator tidies processing/ mid-run
    error = RecordingVanishedError(f"{ready.path}: the recording disappeared from processing/ during its run")
    failed = fail_recording(root, ledger, clients.require("acme"), ready.sha256, error)
    assert failed == root / "failed" / "acme" / "comité.wav" and not os.path.lexists(failed)
    note = (root / "failed" / "acme" / "comité.wav.reason.txt").read_text(encoding="utf-8")
    assert "déplacé ou supprimé du dossier de traitement" in note and "disappeared from processing/" in note
    entry = ledger.get("acme", ready.sha256)
    assert entry is not None and entry.state == "failed" and entry.path == failed and entry.reason == str(error)
    # Filing it again is a no-op (the crash hook and the failure hook may both try).
    assert fail_recording(root, ledger, clients.require("acme"), ready.sha256, "again") == failed

    # Dropped again: taken, as a new life of the recording (its own run, not the failed one).
    os.rename(tmp_path / "moved by hand.wav", root / "inbox" / "acme" / "comité.wav")
    (again,) = _scan(root, clients, ledger)
    assert again.sha256 == ready.sha256 and again.retry == 1 and again.path.exists()
    assert ledger.get("acme", ready.sha256).state == "processing"  # type: ignore[union-attr]
    # A crash resumes the same life; only a drop after another failure starts the next one.
    (resumed,) = _scan(root, clients, ledger, resume=True)
    assert resumed.resumed and resumed.retry == 1
    assert ledger.retry("acme", ready.sha256) == 2 and ledger.get("acme", ready.sha256).retries == 2  # type: ignore[union-attr]
    # The second file under the same name never takes the first one's note.
    fail_recording(root, ledger, clients.require("acme"), ready.sha256, CorruptAudioError("bad"))
    assert (root / "failed" / "acme" / "comité (2).wav").exists()


def test_a_ledger_from_before_retries_is_upgraded_in_place(tmp_path: Path) -> None:
    path = tmp_path / "old" / "ledger.sqlite3"
    path.parent.mkdir()
    with sqlite3.connect(path) as db:
        db.execute(
            "CREATE TABLE recordings (client TEXT NOT NULL, sha256 TEXT NOT NULL, name TEXT NOT NULL,"
            " path TEXT NOT NULL, meeting_id TEXT NOT NULL, state TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,"
            " reason TEXT, received_at TEXT NOT NULL, updated_at TEXT NOT NULL, PRIMARY KEY (client, sha256))"
        )
        db.execute(
            "INSERT INTO recordings VALUES ('acme', 'ab', 'a.wav', '/x/a.wav', 'a-ab', 'failed', 1, 'bad', 't', 't')"
        )
    db.close()
    with RecordingLedger(path) as first, RecordingLedger(path) as second:  # the second finds it upgraded
        assert first.get("acme", "ab").retries == 0  # type: ignore[union-attr]
        assert second.receive("acme", "ab", "a.wav", Path("/x/b.wav"), "a-ab").retries == 1


def test_a_long_name_keeps_its_reason_note_beside_it(root: Path, clients: Clients, ledger: RecordingLedger) -> None:
    name = "é" * 123 + ".wav"  # 250 bytes: "<name>.reason.txt" would be over the limit
    _drop(root, "acme", name, b"damaged")
    (ready,) = _scan(root, clients, ledger)
    failed = fail_recording(root, ledger, clients.require("acme"), ready.sha256, CorruptAudioError("damaged"))
    note = failed.with_name(failed.name + REASON_SUFFIX)  # where retention and secretaries look for it
    assert note.is_file() and len(os.fsencode(note.name)) <= 255
