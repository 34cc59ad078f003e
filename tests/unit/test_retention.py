"""RGPD retention: off by default; deletes only what expired (recordings, failed recordings, derived
copies); keeps minutes, notes and reasons; records each deletion in the audit log and the ledger."""

from __future__ import annotations

import os
import sqlite3
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from pipeline.errors import ConfigError
from service.intake import RecordingLedger, archive_recording
from service.layout import Layout, write_note
from service.retention import (
    DECODED,
    FAILED,
    RESULT,
    AuditLog,
    RetentionPolicy,
    purge_archive,
    purge_derived,
    purge_failed,
)
from service.settings import ServiceSettings, load_config

NOW = datetime(2026, 3, 10, 9, 0)
DAY = 86_400


def _received(root: Path, ledger: RecordingLedger, name: str, sha: str) -> Path:
    processing = root / "processing/acme"
    processing.mkdir(parents=True, exist_ok=True)
    (processing / name).write_bytes(b"RIFF audio")
    ledger.receive("acme", sha, name, processing / name, name)
    ledger.update("acme", sha, state="processing")
    return processing / name


def _archived(root: Path, ledger: RecordingLedger, name: str, sha: str, day: date) -> Path:
    _received(root, ledger, name, sha)
    return archive_recording(root, ledger, "acme", sha, today=day)


def _audit(tmp_path: Path, days: int, now: datetime = NOW) -> AuditLog:
    return AuditLog(tmp_path / "logs/retention.log", tmp_path / "ledger.sqlite3", RetentionPolicy(days, now))


def _aged(path: Path, days: float, content: bytes = b"x") -> Path:
    """A real file whose last write was `days` ago."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    stamp = datetime.now().timestamp() - days * DAY
    os.utime(path, (stamp, stamp))
    return path


def test_retention_is_off_by_default_and_never_negative(tmp_path: Path) -> None:
    assert ServiceSettings().retention_days is None and load_config().service.retention_days is None
    config = tmp_path / "minutier.toml"
    config.write_text("[service]\nretention_days = -1\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="retention_days = -1"):
        load_config(config)
    with pytest.raises(ConfigError, match="retention_days"):
        RetentionPolicy(-1, NOW)


def test_expired_audio_is_deleted_and_logged_minutes_and_recent_audio_kept(tmp_path: Path) -> None:
    minutes = tmp_path / "outbox/acme/old/old.docx"
    minutes.parent.mkdir(parents=True)
    minutes.write_bytes(b"docx")
    with RecordingLedger(tmp_path / "ledger.sqlite3") as ledger, _audit(tmp_path, 2) as audit:
        old = _archived(tmp_path, ledger, "old.wav", "b" * 64, date(2026, 3, 7))
        note = old.with_name("old.wav.note.txt")
        note.write_text("duplicate note", encoding="utf-8")
        recent = _archived(tmp_path, ledger, "recent.wav", "c" * 64, date(2026, 3, 9))
        purged = purge_archive(tmp_path, ledger, audit.policy, audit)
    assert [p.item for p in purged] == [str(old)] and purged[0].sha256 == "b" * 64
    assert not old.exists() and recent.exists() and minutes.exists() and note.exists()
    [line] = (tmp_path / "logs/retention.log").read_text(encoding="utf-8").splitlines()
    assert "\tdeleted\tacme\t" in line and "old.wav" in line and f"sha256={'b' * 64}" in line
    assert "since=2026-03-07\tarchived recording\tretention period of 2 day(s) passed" in line
    with sqlite3.connect(tmp_path / "ledger.sqlite3") as db:
        rows = db.execute("SELECT client, sha256, archived, kind FROM purges").fetchall()
    assert rows == [("acme", "b" * 64, "2026-03-07", "archived recording")]


def test_failed_recording_is_deleted_after_the_period_and_its_reason_says_so(tmp_path: Path) -> None:
    outside = tmp_path / "outside.wav"
    outside.write_bytes(b"RIFF not the service's")
    failed = tmp_path / "failed/acme"
    with RecordingLedger(tmp_path / "ledger.sqlite3") as ledger:
        taken = _received(tmp_path, ledger, "abîmé.mp3", "d" * 64)
        recording = Layout(tmp_path).failed("acme") / taken.name
        recording.parent.mkdir(parents=True)
        taken.rename(recording)  # filed now, as fail_recording does
        ledger.update("acme", "d" * 64, state="failed", path=recording, reason="truncated")
        reason = write_note(failed, "abîmé.mp3.reason.txt", "Ce fichier n'a pas pu être traité.\n")
        link = failed / "raccourci.wav"
        link.symlink_to(outside)
        now = datetime.now()
        with _audit(tmp_path, 2, now + timedelta(days=1)) as audit:  # filed a day ago: kept
            assert purge_failed(tmp_path, ledger, audit.policy, audit, {"acme": "fr"}) == ()
        with _audit(tmp_path, 2, now + timedelta(days=3)) as audit:
            purged = purge_failed(tmp_path, ledger, audit.policy, audit, {"acme": "fr"})
    assert sorted((p.kind, Path(p.item).name, p.sha256) for p in purged) == [
        (FAILED, "abîmé.mp3", "d" * 64),
        (FAILED, "raccourci.wav", None),
    ]
    assert not recording.exists() and not os.path.lexists(link) and outside.exists(), "a link must never be followed"
    text = reason.read_text(encoding="utf-8")
    assert text.startswith("Ce fichier n'a pas pu être traité.")
    assert "L'enregistrement a été supprimé le" in text and "durée de conservation de 2 jour(s)" in text
    assert not (failed / "raccourci.wav.reason.txt").exists()


def test_derived_copies_go_after_the_period_and_never_within_a_day(tmp_path: Path) -> None:
    audio = tmp_path / "home/work/audio"
    crashed = _aged(audio / f"{'e' * 64}.f32.npy", 2)
    staging = _aged(audio / ".decode-x1y2.npy", 1.5)
    running = _aged(audio / f"{'f' * 64}.f32.npy", 0.2)  # a run still using it
    storage = tmp_path / "home/prefect/storage"
    old_result = _aged(storage / f"transcribe-{'e' * 64}-0123456789abcdef", 31, b'{"result": "Bonjour"}')
    old_parameters = _aged(storage / "parameters/7c1e", 31)
    young_result = _aged(storage / f"diarize-{'f' * 64}-0123456789abcdef", 10)
    with _audit(tmp_path, 0, datetime.now()) as audit:
        decoded = purge_derived(audio, DECODED, audit.policy, audit)
    with _audit(tmp_path, 30, datetime.now()) as audit:
        results = purge_derived(storage, RESULT, audit.policy, audit)
    assert sorted(p.item for p in decoded) == sorted([str(crashed), str(staging)])
    assert running.exists() and young_result.exists() and (storage / "parameters").is_dir()
    assert sorted(p.item for p in results) == sorted([str(old_result), str(old_parameters)])
    assert not old_result.exists() and not old_parameters.exists()
    kinds = [line.split("\t")[6] for line in (tmp_path / "logs/retention.log").read_text().splitlines()]
    assert kinds == [DECODED, DECODED, RESULT, RESULT]


def test_audit_log_upgrades_a_ledger_from_before_kinds(tmp_path: Path) -> None:
    with sqlite3.connect(tmp_path / "ledger.sqlite3") as db:
        db.execute(
            "CREATE TABLE purges (client TEXT NOT NULL, path TEXT NOT NULL, sha256 TEXT, archived TEXT NOT NULL,"
            " purged_at TEXT NOT NULL, reason TEXT NOT NULL)"
        )
        db.execute("INSERT INTO purges VALUES ('acme', '/a.wav', NULL, '2026-01-01', '2026-02-01', 'old')")
    with _audit(tmp_path, 0, datetime.now()) as audit:
        purge_derived(_aged(tmp_path / "work/audio/x.npy", 2).parent, DECODED, audit.policy, audit)
    with sqlite3.connect(tmp_path / "ledger.sqlite3") as db:
        assert db.execute("SELECT path, kind FROM purges ORDER BY rowid").fetchall() == [
            ("/a.wav", "archived recording"),
            (str(tmp_path / "work/audio/x.npy"), DECODED),
        ]


def test_a_folder_of_participants_tracks_goes_whole_after_the_period_and_no_link_in_it_is_followed(
    tmp_path: Path,
) -> None:
    outside = tmp_path / "outside.wav"
    outside.write_bytes(b"RIFF not the service's")
    with RecordingLedger(tmp_path / "ledger.sqlite3") as ledger, _audit(tmp_path, 2) as audit:
        day = Layout(tmp_path).archive("acme", date(2026, 3, 7))
        tracks = day / "Comité des pistes"
        tracks.mkdir(parents=True)
        (tracks / "Marie Dupont.wav").write_bytes(b"RIFF one")
        (tracks / "Jean Martin.wav").symlink_to(outside)
        failed = Layout(tmp_path).failed("acme") / "Réunion ratée"
        failed.mkdir(parents=True)
        (failed / "Paul.wav").write_bytes(b"RIFF two")
        stamp = datetime.now().timestamp() - 5 * DAY
        os.utime(failed, (stamp, stamp))
        purged = purge_archive(tmp_path, ledger, audit.policy, audit)
        with _audit(tmp_path, 2, datetime.now() + timedelta(days=3)) as later:
            purged += purge_failed(tmp_path, ledger, later.policy, later, {"acme": "fr"})
    assert sorted(Path(p.item).name for p in purged) == ["Comité des pistes", "Réunion ratée"]
    assert not tracks.exists() and not failed.exists() and outside.exists()


def test_a_decided_review_loses_its_listening_copy_after_the_period_a_waiting_one_never(tmp_path: Path) -> None:
    from service.retention import LISTENING, purge_listening
    from service.review import audio_path, mark_decided, open_review
    from tests.unit.minutes_samples import board_minutes

    def review(meeting: str) -> Any:
        minutes = board_minutes("fr")
        record = open_review(tmp_path, client="acme", meeting_id=meeting, flow_run_id="5f0c8a2e",
                             recording_name="x.wav", minutes=minutes, heard=None, template=None)  # fmt: skip
        audio_path(record).write_bytes(b"OggS client audio")
        return record

    approved = mark_decided(review("approuvee-0001"), state="approved", who="claire")
    waiting = review("en-attente-0002")
    with _audit(tmp_path, 30, datetime.now() + timedelta(days=10)) as audit:
        assert purge_listening(tmp_path, audit.policy, audit) == ()  # decided 10 days ago: kept
    with _audit(tmp_path, 30, datetime.now() + timedelta(days=31)) as audit:
        purged = purge_listening(tmp_path, audit.policy, audit)
    assert [(p.kind, p.client, p.item) for p in purged] == [(LISTENING, "acme", str(audio_path(approved)))]
    assert not audio_path(approved).exists() and (approved.folder / "draft.json").exists()
    assert audio_path(waiting).exists()
