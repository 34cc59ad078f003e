"""RGPD retention: archived recordings are deleted after a configurable number of days; minutes stay.

The age of an archived file is the day it was archived: the ``archive/<client>/<yyyy-mm-dd>/``
folder it lies in. Each deletion is written to an audit log a person can read
(``<home>/logs/retention.log``) and to the ``purges`` table of the service ledger, so the
question "when was this recording deleted, and why" always has an answer. Notes left next to
duplicates (``.note.txt``) hold no audio and are kept with the minutes.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from pipeline.errors import ConfigError
from pipeline.intake.ledger import RecordingLedger
from pipeline.intake.notes import NOTE_SUFFIX
from pipeline.ledger import connect

logger = logging.getLogger(__name__)

AUDIT_LOG = Path("logs") / "retention.log"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS purges (
    client     TEXT NOT NULL,
    path       TEXT NOT NULL,
    sha256     TEXT,
    archived   TEXT NOT NULL,
    purged_at  TEXT NOT NULL,
    reason     TEXT NOT NULL
);
"""


@dataclass(frozen=True, slots=True)
class Purge:
    """One archived recording deleted by :func:`purge_archive`.

    Attributes:
        client: Client folder.
        path: Where the file was.
        sha256: The recording's content hash, when the ledger knows the file.
        archived: The day it was archived.
    """

    client: str
    path: Path
    sha256: str | None
    archived: date


def expired_days(archive_root: Path, days: int, today: date) -> tuple[tuple[str, date, Path], ...]:
    """``(client, day, folder)`` of every ``archive/<client>/<day>/`` folder past the retention period."""
    found: list[tuple[str, date, Path]] = []
    if not archive_root.is_dir():
        return ()
    for client_dir in sorted(p for p in archive_root.iterdir() if p.is_dir() and not p.is_symlink()):
        for day_dir in sorted(p for p in client_dir.iterdir() if p.is_dir() and not p.is_symlink()):
            try:
                day = date.fromisoformat(day_dir.name)
            except ValueError:  # not a folder the service made: never touched
                continue
            if day + timedelta(days=days) <= today:
                found.append((client_dir.name, day, day_dir))
    return tuple(found)


def purge_archive(root: Path, ledger: RecordingLedger, days: int | None, now: datetime,
                  audit_log: Path) -> tuple[Purge, ...]:
    """Delete archived recordings older than `days` days; log each deletion; keep minutes and notes.

    Args:
        root: The service root (holding archive/ and outbox/; outbox/ is never touched).
        ledger: The recordings ledger; deletions are recorded in its database (table ``purges``).
        days: The retention period; None keeps everything (the default), 0 deletes at the next
            run everything archived until today.
        now: The current time (local), which decides what has expired.
        audit_log: The text file each deletion is appended to.

    Returns:
        What was deleted.

    Raises:
        ConfigError: `days` is negative.
    """
    if days is None:
        return ()
    if days < 0:
        raise ConfigError(f"[service] retention_days = {days}: must be 0 or more (or unset to keep recordings)")
    purged: list[Purge] = []
    db = connect(ledger.path, _SCHEMA)
    try:
        for client, day, folder in expired_days(root / "archive", days, now.date()):
            for path in sorted(folder.iterdir()):
                if path.name.endswith(NOTE_SUFFIX) or path.is_dir():
                    continue
                entry = ledger.by_path(path)
                purge = Purge(client, path, entry.sha256 if entry else None, day)
                path.unlink()
                _record(db, audit_log, purge, days, now)
                purged.append(purge)
            if not any(folder.iterdir()):
                folder.rmdir()
    finally:
        db.close()
    if purged:
        logger.warning("Retention (%d days): deleted %d archived recording(s); see %s", days, len(purged), audit_log)
    return tuple(purged)


def _record(db: sqlite3.Connection, audit_log: Path, purge: Purge, days: int, now: datetime) -> None:
    stamp = now.astimezone().isoformat(timespec="seconds")
    reason = f"retention period of {days} day(s) passed"
    audit_log.parent.mkdir(parents=True, exist_ok=True)
    line = (f"{stamp}\tdeleted\t{purge.client}\t{purge.path}\tsha256={purge.sha256 or '?'}\t"
            f"archived={purge.archived.isoformat()}\t{reason}\n")
    with audit_log.open("a", encoding="utf-8") as log:
        log.write(line)
        log.flush()
        os.fsync(log.fileno())
    db.execute(
        "INSERT INTO purges (client, path, sha256, archived, purged_at, reason) VALUES (?, ?, ?, ?, ?, ?)",
        (purge.client, str(purge.path), purge.sha256, purge.archived.isoformat(), stamp, reason),
    )
    logger.info("Deleted %s (archived %s): %s", purge.path, purge.archived, reason)
