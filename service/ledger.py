"""The service's durable ledger: one SQLite file (WAL) shared by intake and delivery.

Several processes use it at once (the watcher, each flow run), so every connection waits for
locks instead of failing, and every write is one short transaction.
"""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Self

LEDGER_FILE = "ledger.sqlite3"
_BUSY_TIMEOUT_MS = 30_000


def default_ledger_path(home_dir: Path) -> Path:
    """Where the ledger lives in the service home: ``<home>/ledger.sqlite3``."""
    return home_dir / LEDGER_FILE


def connect(path: Path, schema: str) -> sqlite3.Connection:
    """Open (creating if needed) the ledger at `path` and apply `schema` (idempotent DDL).

    Autocommit mode: callers group writes with ``BEGIN IMMEDIATE`` ... ``COMMIT``.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path, timeout=_BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False)
    db.row_factory = sqlite3.Row
    db.execute(f"PRAGMA busy_timeout = {_BUSY_TIMEOUT_MS}")
    db.execute("PRAGMA journal_mode = WAL")
    # FULL: a transaction reported committed survives a power cut, which exactly-once relies on.
    db.execute("PRAGMA synchronous = FULL")
    db.executescript(schema)
    return db


def utc_now() -> str:
    """The current time as an ISO 8601 UTC string, the ledger's timestamp format."""
    return datetime.now(UTC).isoformat(timespec="seconds")


class LedgerTable:
    """One table of the service ledger: an open connection with its schema, usable as a context manager.

    Subclasses set `SCHEMA` (idempotent DDL) and guard their statements with `self._lock`.
    """

    SCHEMA = ""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._db = connect(path, self.SCHEMA)
        self._lock = threading.Lock()

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
