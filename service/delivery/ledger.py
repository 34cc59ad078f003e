"""Which emails were sent: one row per (client, recording, recipient), so nothing is sent twice."""

from __future__ import annotations

from dataclasses import dataclass

from service.addresses import same_address
from service.ledger import LedgerTable, utc_now

_SCHEMA = """
CREATE TABLE IF NOT EXISTS deliveries (
    client     TEXT NOT NULL,
    sha256     TEXT NOT NULL,
    recipient  TEXT NOT NULL,
    message_id TEXT NOT NULL,
    transport  TEXT NOT NULL,
    sent_at    TEXT NOT NULL,
    PRIMARY KEY (client, sha256, recipient)
);
"""


@dataclass(frozen=True, slots=True)
class Delivery:
    """One recipient who was sent one recording's minutes.

    Attributes:
        client: Client folder.
        sha256: The recording's content hash.
        recipient: The address it went to.
        message_id: The email's Message-ID.
        transport: "smtp" or "eml" (written to the outbox).
        sent_at: When (UTC, ISO 8601).
    """

    client: str
    sha256: str
    recipient: str
    message_id: str
    transport: str
    sent_at: str


class DeliveryLedger(LedgerTable):
    """The deliveries table of the service ledger (see :func:`service.ledger.default_ledger_path`)."""

    SCHEMA = _SCHEMA

    def deliveries(self, client: str, sha256: str) -> tuple[Delivery, ...]:
        """Everyone this recording's minutes were sent to, for this client."""
        with self._lock:
            rows = self._db.execute(
                "SELECT client, sha256, recipient, message_id, transport, sent_at FROM deliveries"
                " WHERE client = ? AND sha256 = ? ORDER BY sent_at, rowid",
                (client, sha256),
            ).fetchall()
        return tuple(Delivery(*row) for row in rows)

    def was_sent(self, client: str, sha256: str, recipient: str) -> bool:
        return any(same_address(d.recipient, recipient) for d in self.deliveries(client, sha256))

    def record(self, client: str, sha256: str, recipients: tuple[str, ...], message_id: str, transport: str) -> None:
        """Record that `recipients` were sent the minutes (one transaction)."""
        now = utc_now()
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.executemany(
                    "INSERT OR IGNORE INTO deliveries (client, sha256, recipient, message_id, transport, sent_at)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    [(client, sha256, r, message_id, transport, now) for r in recipients],
                )
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
