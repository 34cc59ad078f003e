"""Minutes by email to each client's recipients only, once per recipient; operator alerts.

Typical use in a run::

    with DeliveryLedger(default_ledger_path(home)) as ledger:
        report = deliver_minutes(minutes, docx_path, client, recording.sha256, settings.email, ledger)
"""

from __future__ import annotations

from service.delivery.compose import DOCX_MIME, compose_alert, compose_minutes_email, message_id_for
from service.delivery.ledger import Delivery, DeliveryLedger
from service.delivery.send import DeliveryReport, deliver_minutes, send_alert
from service.delivery.transport import EmlTransport, Refusal, SendResult, SmtpTransport, Transport, make_transport

__all__ = [
    "DOCX_MIME",
    "Delivery",
    "DeliveryLedger",
    "DeliveryReport",
    "EmlTransport",
    "Refusal",
    "SendResult",
    "SmtpTransport",
    "Transport",
    "compose_alert",
    "compose_minutes_email",
    "deliver_minutes",
    "make_transport",
    "message_id_for",
    "send_alert",
]
