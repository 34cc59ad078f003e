"""The last valid clients file a running service read, kept in the service ledger.

A clients file edited into an invalid state while the service runs must not stop it: each of its
processes (a reconcile, a recording's run) goes on with the last valid version, and the problem is
reported once per version of the file, however many processes read it. Both facts live in the
ledger, which every process of the service shares.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import ConfigError
from service.clients import Clients, parse_clients_file, read_clients_file
from service.ledger import LedgerTable, utc_now

logger = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS clients_files (
    path     TEXT PRIMARY KEY,
    text     TEXT NOT NULL,
    saved_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS clients_problems (
    path   TEXT NOT NULL,
    digest TEXT NOT NULL,
    PRIMARY KEY (path, digest)
);
"""


class KnownClients(LedgerTable):
    """The last valid text of each clients file, and which invalid versions were already reported."""

    SCHEMA = _SCHEMA

    def remember(self, path: Path, text: str) -> bool:
        """Keep `text` as the last valid version of `path`; True if an invalid version had been reported."""
        key = str(path)
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.execute(
                    "INSERT INTO clients_files (path, text, saved_at) VALUES (?, ?, ?) ON CONFLICT (path)"
                    " DO UPDATE SET text = excluded.text, saved_at = excluded.saved_at"
                    " WHERE clients_files.text != excluded.text",
                    (key, text, utc_now()),
                )
                fixed = self._db.execute("DELETE FROM clients_problems WHERE path = ?", (key,)).rowcount > 0
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        return fixed

    def last_valid(self, path: Path) -> str | None:
        """The last valid text of `path`, or None if it never was valid while the service ran."""
        with self._lock:
            row = self._db.execute("SELECT text FROM clients_files WHERE path = ?", (str(path),)).fetchone()
        return str(row["text"]) if row is not None else None

    def first_report(self, path: Path, digest: str) -> bool:
        """True the first time this invalid version of `path` is seen, by any process."""
        with self._lock:
            cursor = self._db.execute(
                "INSERT OR IGNORE INTO clients_problems (path, digest) VALUES (?, ?)", (str(path), digest)
            )
        return cursor.rowcount == 1


@dataclass(frozen=True, slots=True)
class RunningClients:
    """The clients a running service works with.

    Attributes:
        clients: The clients to use: the file's, or its last valid version while it is invalid;
            None when the file is invalid and never was valid.
        problem: Why the file itself was not used (its one-line ConfigError), or None.
    """

    clients: Clients | None
    problem: str | None = None


def load_running_clients(path: Path, ledger_path: Path) -> RunningClients:
    """Load the clients file for a running service, keeping its last valid version while it is invalid.

    The problem of an invalid version is logged once (ERROR, one line: the file, the line or
    field, and what to do), by whichever process of the service meets it first; its return to a
    valid state is logged once too.

    Args:
        path: The clients file.
        ledger_path: The service ledger, shared by the service's processes.

    Raises:
        ConfigError: the file is missing (no clients is not a problem the last version can hide).
    """
    data = read_clients_file(path)
    with KnownClients(ledger_path) as known:
        try:
            clients = parse_clients_file(data, path)
        except ConfigError as e:
            last = known.last_valid(path)
            kept = parse_clients_file(last.encode("utf-8"), path) if last is not None else None
            if known.first_report(path, hashlib.sha256(data).hexdigest()):
                logger.error("%s; %s", e, _keeping(kept))
            return RunningClients(kept, str(e))
        if known.remember(path, data.decode("utf-8")):
            logger.info("%s is valid again: %d client(s)", path, len(clients))
    return RunningClients(clients)


def load_start_clients(path: Path, ledger_path: Path) -> Clients:
    """Load the clients file as the service starts: an invalid one stops the start (no old version is used
    unasked while an operator is there to fix it); a valid one becomes the version to keep.

    Raises:
        ConfigError: the file is missing or invalid (one line: the file, the line or field, what to do).
    """
    data = read_clients_file(path)
    clients = parse_clients_file(data, path)
    with KnownClients(ledger_path) as known:
        known.remember(path, data.decode("utf-8"))
    return clients


def _keeping(kept: Clients | None) -> str:
    if kept is None:
        return "no client folder is watched until it is fixed"
    return (
        f"until it is fixed the service keeps its last valid version ({len(kept)} client(s): {', '.join(kept.folders)})"
    )
