"""Which recordings the service has received, keyed by (client, content SHA-256).

A recording's state goes received -> processing -> done | failed. The same content dropped
again for the same client finds its row, whatever its file name; a row left in a non-final
state by a crash is resumed by the next reconcile. A failed recording dropped again starts a
new life (``retries`` counts them), which is a new run, not the failed one found again.
``attempts`` counts the runs started in the current life, which bounds how often a crash is
tried again.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from service.ledger import LedgerTable, utc_now

STATES = ("received", "processing", "done", "failed")
FINAL_STATES = frozenset({"done", "failed"})

_SCHEMA = """
CREATE TABLE IF NOT EXISTS recordings (
    client      TEXT NOT NULL,
    sha256      TEXT NOT NULL,
    name        TEXT NOT NULL,
    path        TEXT NOT NULL,
    meeting_id  TEXT NOT NULL,
    state       TEXT NOT NULL CHECK (state IN ('received', 'processing', 'done', 'failed')),
    attempts    INTEGER NOT NULL DEFAULT 0,
    retries     INTEGER NOT NULL DEFAULT 0,
    reason      TEXT,
    received_at TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (client, sha256)
);
CREATE INDEX IF NOT EXISTS recordings_path ON recordings (path);
"""
# Columns added since the table was first released: (name, definition), added to older ledgers.
_ADDED_COLUMNS = (("retries", "INTEGER NOT NULL DEFAULT 0"),)


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    """One recording the service has taken.

    Attributes:
        client: Client folder.
        sha256: Content hash: the recording's identity.
        name: File name as the secretary dropped it (first time).
        path: Where the file is now (processing/, archive/ or failed/).
        meeting_id: Output folder name under ``outbox/<client>/``.
        state: received, processing, done or failed.
        attempts: How many runs were started for it in its current life: one when it is taken
            from the inbox (its run is created), one more each time that run is scheduled again
            after a crash. A reconcile that merely finds it in processing/ counts nothing.
        reason: Why it failed, when it did.
        retries: How many times it was dropped again after a failed run: each such drop is a
            new run (its submission key includes this count).
        received_at: First seen (UTC, ISO 8601).
        updated_at: Last change (UTC, ISO 8601).
    """

    client: str
    sha256: str
    name: str
    path: Path
    meeting_id: str
    state: str
    attempts: int
    reason: str | None
    received_at: str
    updated_at: str
    retries: int = 0

    @property
    def final(self) -> bool:
        return self.state in FINAL_STATES


def _entry(row: sqlite3.Row | None) -> LedgerEntry | None:
    if row is None:
        return None
    return LedgerEntry(
        row["client"],
        row["sha256"],
        row["name"],
        Path(row["path"]),
        row["meeting_id"],
        row["state"],
        row["attempts"],
        row["reason"],
        row["received_at"],
        row["updated_at"],
        row["retries"],
    )


class RecordingLedger(LedgerTable):
    """The recordings table of the service ledger. Safe to share between threads of one process."""

    SCHEMA = _SCHEMA

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        with self._lock:
            present = {row["name"] for row in self._db.execute("PRAGMA table_info(recordings)")}
            for name, definition in _ADDED_COLUMNS:
                if name not in present:
                    _add_column(self._db, name, definition)

    def get(self, client: str, sha256: str) -> LedgerEntry | None:
        """The row of this client's recording with this content, or None."""
        with self._lock:
            row = self._db.execute(
                "SELECT * FROM recordings WHERE client = ? AND sha256 = ?", (client, sha256)
            ).fetchone()
        return _entry(row)

    def by_path(self, path: Path) -> LedgerEntry | None:
        """The row whose file is at `path` now, or None."""
        with self._lock:
            row = self._db.execute("SELECT * FROM recordings WHERE path = ?", (str(path),)).fetchone()
        return _entry(row)

    def entries(self, client: str | None = None, state: str | None = None) -> tuple[LedgerEntry, ...]:
        """Rows, oldest first, optionally of one client and/or one state."""
        query, args = "SELECT * FROM recordings WHERE 1 = 1", list[str]()
        if client is not None:
            query, args = query + " AND client = ?", [*args, client]
        if state is not None:
            query, args = query + " AND state = ?", [*args, state]
        with self._lock:
            rows = self._db.execute(query + " ORDER BY received_at, rowid", args).fetchall()
        return tuple(e for e in map(_entry, rows) if e is not None)

    def receive(self, client: str, sha256: str, name: str, path: Path, meeting_id: str) -> LedgerEntry:
        """Record a new recording (state received), or restart a failed one (one more retry, no attempt
        yet in its new life); returns the row.

        A row already present in another state is returned unchanged: the caller treats the
        file as a duplicate or as the resumption of the same recording.
        """
        now = utc_now()
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.execute(
                    "INSERT INTO recordings (client, sha256, name, path, meeting_id, state, received_at, updated_at)"
                    " VALUES (?, ?, ?, ?, ?, 'received', ?, ?) ON CONFLICT (client, sha256) DO UPDATE SET"
                    " state = 'received', path = excluded.path, reason = NULL, retries = recordings.retries + 1,"
                    " attempts = 0, updated_at = excluded.updated_at"
                    " WHERE recordings.state = 'failed'",
                    (client, sha256, name, str(path), meeting_id, now, now),
                )
                row = self._db.execute(
                    "SELECT * FROM recordings WHERE client = ? AND sha256 = ?", (client, sha256)
                ).fetchone()
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        entry = _entry(row)
        if entry is None:  # the row was just inserted or found under the same lock
            raise RuntimeError(f"{self.path}: recording {sha256[:12]} of {client!r} vanished from the ledger")
        return entry

    def retry(self, client: str, sha256: str) -> int:
        """Count one more life for a recording whose last run failed without the ledger knowing; the new count."""
        return self._increment("retries", client, sha256)

    def count_attempt(self, client: str, sha256: str) -> int:
        """Count one more run started for the recording (its run scheduled again); the new count."""
        return self._increment("attempts", client, sha256)

    def _increment(self, column: Literal["retries", "attempts"], client: str, sha256: str) -> int:
        with self._lock:
            rows = self._db.execute(  # fetchall: the statement completes, so autocommit commits it
                f"UPDATE recordings SET {column} = {column} + 1, updated_at = ? WHERE client = ? AND sha256 = ?"
                f" RETURNING {column}",
                (utc_now(), client, sha256),
            ).fetchall()
        if not rows:
            raise KeyError(f"{self.path}: no recording {sha256[:12]} of {client!r}")
        return int(rows[0][column])

    def update(
        self,
        client: str,
        sha256: str,
        *,
        state: str,
        path: Path | None = None,
        reason: str | None = None,
        attempt: bool = False,
    ) -> None:
        """Move a recording to `state` (and record where its file is now, and why it failed); `attempt`
        counts one more run started for it (see :attr:`LedgerEntry.attempts`)."""
        if state not in STATES:
            raise ValueError(f"unknown ledger state {state!r}")
        with self._lock:
            self._db.execute(
                "UPDATE recordings SET state = ?, path = COALESCE(?, path), reason = ?,"
                " attempts = attempts + ?, updated_at = ? WHERE client = ? AND sha256 = ?",
                (state, str(path) if path is not None else None, reason, int(attempt), utc_now(), client, sha256),
            )


def _add_column(db: sqlite3.Connection, name: str, definition: str) -> None:
    """Add a column to an older ledger; another process opening it at the same moment may have won."""
    try:
        db.execute(f"ALTER TABLE recordings ADD COLUMN {name} {definition}")
    except sqlite3.OperationalError as e:
        if "duplicate column" not in str(e):
            raise
