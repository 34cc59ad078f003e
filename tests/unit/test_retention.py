"""RGPD retention of archived recordings: off by default, deletes only what expired, logs each deletion."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime
from pathlib import Path

import pytest

from pipeline.config import ServiceSettings
from pipeline.errors import ConfigError
from pipeline.intake import RecordingLedger, archive_recording
from pipeline.retention import purge_archive

NOW = datetime(2026, 3, 10, 9, 0)


def _archived(root: Path, ledger: RecordingLedger, name: str, sha: str, day: date) -> Path:
    processing = root / "processing/acme"
    processing.mkdir(parents=True, exist_ok=True)
    (processing / name).write_bytes(b"RIFF audio")
    ledger.receive("acme", sha, name, processing / name, name)
    ledger.update("acme", sha, state="processing")
    return archive_recording(root, ledger, "acme", sha, today=day)


def test_retention_is_off_by_default(tmp_path: Path) -> None:
    assert ServiceSettings().retention_days is None
    with RecordingLedger(tmp_path / "ledger.sqlite3") as ledger:
        old = _archived(tmp_path, ledger, "a.wav", "a" * 64, date(2020, 1, 1))
        assert purge_archive(tmp_path, ledger, None, NOW, tmp_path / "audit.log") == ()
    assert old.exists() and not (tmp_path / "audit.log").exists()


def test_expired_audio_is_deleted_and_logged_minutes_and_recent_audio_kept(tmp_path: Path) -> None:
    minutes = tmp_path / "outbox/acme/old/old.docx"
    minutes.parent.mkdir(parents=True)
    minutes.write_bytes(b"docx")
    with RecordingLedger(tmp_path / "ledger.sqlite3") as ledger:
        old = _archived(tmp_path, ledger, "old.wav", "b" * 64, date(2026, 3, 7))
        note = old.with_name("old.wav.note.txt")
        note.write_text("duplicate note", encoding="utf-8")
        recent = _archived(tmp_path, ledger, "recent.wav", "c" * 64, date(2026, 3, 9))
        purged = purge_archive(tmp_path, ledger, 2, NOW, tmp_path / "logs/retention.log")
    assert [p.path for p in purged] == [old] and purged[0].sha256 == "b" * 64
    assert not old.exists() and recent.exists() and minutes.exists() and note.exists()
    [line] = (tmp_path / "logs/retention.log").read_text(encoding="utf-8").splitlines()
    assert "\tdeleted\tacme\t" in line and "old.wav" in line and f"sha256={'b' * 64}" in line
    with sqlite3.connect(tmp_path / "ledger.sqlite3") as db:
        rows = db.execute("SELECT client, sha256, archived FROM purges").fetchall()
    assert rows == [("acme", "b" * 64, "2026-03-07")]


def test_negative_retention_is_refused(tmp_path: Path) -> None:
    with RecordingLedger(tmp_path / "ledger.sqlite3") as ledger, pytest.raises(ConfigError, match="retention_days"):
        purge_archive(tmp_path, ledger, -1, NOW, tmp_path / "audit.log")
