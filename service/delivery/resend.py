"""Send again minutes that were written but not delivered (mail server down), without the audio.

A run whose email could not be sent keeps its documents in ``outbox/<client>/<meeting>/`` (the
Word file and the JSON minutes). Once the server is back, :func:`resend_minutes` rebuilds the
minutes from that JSON and delivers them to the recipients who do not have them yet; the
delivery ledger makes it safe to call again.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.outputs.text import minutes_from_json
from service.addresses import same_address
from service.clients import ClientConfig
from service.delivery.ledger import DeliveryLedger
from service.delivery.send import DeliveryReport, deliver_minutes
from service.errors import DeliveryError
from service.intake.ledger import LedgerEntry, RecordingLedger
from service.layout import Layout
from service.settings import EmailSettings


def undelivered(
    recordings: RecordingLedger, deliveries: DeliveryLedger, client: ClientConfig
) -> tuple[LedgerEntry, ...]:
    """The client's processed recordings that some recipient has not received, oldest first."""
    pending: list[LedgerEntry] = []
    for entry in recordings.entries(client.folder, state="done"):
        sent = deliveries.deliveries(client.folder, entry.sha256)
        if any(not any(same_address(r, d.recipient) for d in sent) for r in client.recipients):
            pending.append(entry)
    return tuple(pending)


def _only(folder: Path, suffix: str) -> Path:
    found = sorted(p for p in folder.glob(f"*{suffix}") if not p.name.startswith("."))
    if len(found) != 1:
        raise DeliveryError(
            f"{folder}: expected one {suffix} file of minutes, found {len(found)}; "
            "process the recording again to rewrite them"
        )
    return found[0]


def resend_minutes(
    root: Path, client: ClientConfig, entry: LedgerEntry, settings: EmailSettings, deliveries: DeliveryLedger
) -> DeliveryReport:
    """Deliver the written minutes of `entry` to the recipients who do not have them yet.

    Args:
        root: The service root (the minutes are under ``outbox/<client>/<meeting>/``).
        client: The recording's client: its recipients are the only addresses used.
        entry: The recording's ledger row (its meeting folder and content hash).
        settings: SMTP settings.
        deliveries: The delivery ledger (idempotency per recipient).

    Raises:
        DeliveryError: the minutes are missing, or the server refused or is still down.
    """
    if entry.client != client.folder:
        raise DeliveryError(f"recording {entry.sha256[:12]} belongs to {entry.client!r}, not {client.folder!r}")
    folder = Layout(root).outbox(client.folder, entry.meeting_id)
    docx, data = _only(folder, ".docx"), _only(folder, ".json")
    try:
        minutes = minutes_from_json(data.read_text(encoding="utf-8"))
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise DeliveryError(f"{data}: the minutes cannot be read back ({e})") from e
    return deliver_minutes(minutes, docx, client, entry.sha256, settings, deliveries)
