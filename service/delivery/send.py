"""Deliver minutes once per recipient, and alert operators.

``deliver_minutes`` is idempotent: the ledger records each (client, recording, recipient)
as soon as the server accepts it, so a re-run sends nothing new and an interrupted or
partly refused send resumes with the remaining recipients only. The one window left is a
crash between the server's acceptance and the ledger's commit (milliseconds), where a resend
is preferred to a lost email.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from pipeline.summarize.model import Minutes
from service.addresses import same_address
from service.clients import ClientConfig
from service.delivery.compose import compose_alert, compose_minutes_email, message_id_for
from service.delivery.ledger import DeliveryLedger
from service.delivery.transport import EmlTransport, Transport, make_transport
from service.errors import DeliveryError, DeliveryRefusedError, DeliveryTransientError
from service.names import visible
from service.settings import EmailSettings

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class DeliveryReport:
    """What :func:`deliver_minutes` did.

    Attributes:
        message_id: The email's Message-ID (the same on every attempt).
        transport: "smtp", "eml", or "none" when every recipient had it already.
        sent_to: Recipients sent to by this call.
        already_sent: Recipients skipped because an earlier call sent to them.
        eml_path: The ``.eml`` file written, with the eml transport.
    """

    message_id: str
    transport: str
    sent_to: tuple[str, ...]
    already_sent: tuple[str, ...]
    eml_path: Path | None = None


def deliver_minutes(
    minutes: Minutes,
    docx_path: Path,
    client: ClientConfig,
    recording_sha256: str,
    settings: EmailSettings,
    ledger: DeliveryLedger,
    *,
    transport: Transport | None = None,
    document_type: str | None = None,
) -> DeliveryReport:
    """Email the minutes to the client's recipients who do not have them yet.

    Args:
        minutes: The minutes (summary, decisions and actions go into the body).
        docx_path: The Word document to attach; with no SMTP host, the ``.eml`` is written next to it.
        client: The client: recipients (the only addresses used), language, display name.
        recording_sha256: The recording's content hash: with the client and the recipient, the
            idempotency key.
        settings: SMTP settings; with `host` unset, ``.eml`` files replace sending.
        ledger: Records each recipient sent to.
        transport: Replaces the transport made from `settings` (tests, other channels).
        document_type: The attached document's type, when the run asked another than the client's.

    Returns:
        Who was sent to now and who already had it.

    Raises:
        DeliveryTransientError: the server is unreachable or answered 4xx; retry later
            (recipients already accepted are recorded and will not be sent again).
        DeliveryRefusedError: the server refused for good (5xx); do not retry as is.
        DeliveryError: the document cannot be read or the ``.eml`` cannot be written.
    """
    message_id = message_id_for(client.folder, recording_sha256, settings.sender)
    done = ledger.deliveries(client.folder, recording_sha256)
    already = tuple(r for r in client.recipients if any(same_address(r, d.recipient) for d in done))
    remaining = tuple(r for r in client.recipients if r not in already)
    if not remaining:
        logger.info("Minutes of %s already sent to every recipient of %s", recording_sha256[:12], client.folder)
        return DeliveryReport(message_id, "none", (), already)
    message = compose_minutes_email(
        minutes,
        docx_path,
        client,
        settings.sender,
        recording_sha256,
        sender_name=settings.sender_name,
        signature=settings.signature,
        document_type=document_type,
    )
    transport = transport or make_transport(settings, docx_path.parent, docx_path.stem)
    result = transport.send(message, remaining)
    stray = [r for r in result.accepted if not client.is_recipient(r)]
    if stray:  # a transport must only ever return recipients it was given
        raise DeliveryError(f"transport {transport.name} reported recipients outside {client.folder}'s list")
    if result.accepted:
        ledger.record(client.folder, recording_sha256, result.accepted, message_id, transport.name)
    logger.info(
        "Minutes of %s for %s sent to %d recipient(s) via %s (%d already had them)",
        recording_sha256[:12],
        client.folder,
        len(result.accepted),
        transport.name,
        len(already),
    )
    if result.refused:
        detail = "; ".join(f"{r.recipient}: {r.code} {r.text}" for r in result.refused)
        permanent = any(r.code >= 500 for r in result.refused)
        error = DeliveryRefusedError if permanent else DeliveryTransientError
        raise error(f"minutes of {client.folder} not accepted for {len(result.refused)} recipient(s): {detail}")
    return DeliveryReport(message_id, transport.name, result.accepted, already, result.path)


def send_alert(
    settings: EmailSettings,
    alerts_dir: Path,
    *,
    client: str,
    recording: str,
    reason: str,
    run_url: str | None = None,
    language: str = "fr",
    transport: Transport | None = None,
) -> Path | None:
    """Email the operators that a run failed, or keep the alert as an ``.eml`` file in `alerts_dir`.

    An alert is never only logged. With no SMTP host it is written as ``.eml`` (nothing leaves the
    machine). With no operator address configured it is written as ``.eml`` too, even when an SMTP
    host is set, since there is nobody to send it to: that file is addressed to `settings.sender`,
    the service's own address, because a message needs a recipient and no operator address exists.
    Either way a log line says where the file is.

    Args:
        settings: SMTP settings; `operators` are the only recipients.
        alerts_dir: Where ``.eml`` alerts go (the service home's ``alerts/``).
        client: The client folder.
        recording: The recording's file name.
        reason: Why it failed.
        run_url: A link to the run in the orchestrator's UI.
        language: "fr" or "en".
        transport: Replaces the transport made from `settings` (for operators only).

    Returns:
        The ``.eml`` file written, or None when the alert went out by email.

    Raises:
        DeliveryTransientError: the server is unreachable; the caller may retry.
        DeliveryRefusedError: the server refused the alert.
        DeliveryError: the ``.eml`` file cannot be written.
    """
    operators = settings.operators
    recipients: tuple[str, ...] = operators or (settings.sender,)
    if not operators:
        transport = EmlTransport(alerts_dir, _alert_stem())
    else:
        transport = transport or make_transport(settings, alerts_dir, _alert_stem())
    message = compose_alert(
        settings.sender,
        recipients,
        client=client,
        recording=recording,
        reason=reason,
        run_url=run_url,
        language=language,
    )
    result = transport.send(message, recipients)
    if result.refused:
        detail = "; ".join(f"{r.recipient}: {r.code} {r.text}" for r in result.refused)
        raise DeliveryRefusedError(f"operator alert refused: {detail}")
    recording = visible(recording)  # one log line, whatever the file name holds
    if result.path is None:
        logger.info("Operator alert for %s / %s emailed to %s", client, recording, ", ".join(recipients))
    elif not operators:
        logger.warning(
            "Operator alert for %s / %s written to %s (no [email] operators: set them to have alerts emailed)",
            client,
            recording,
            result.path,
        )
    else:
        logger.warning(
            "Operator alert for %s / %s written to %s (no [email] host: nothing is sent)",
            client,
            recording,
            result.path,
        )
    return result.path


def _alert_stem() -> str:
    """``alert-20250312-1405``: alerts sort by time in their folder (a taken name gets " (2)")."""
    return f"alert-{datetime.now():%Y%m%d-%H%M%S}"
