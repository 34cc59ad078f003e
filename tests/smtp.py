"""A real SMTP server on loopback for the tests (aiosmtpd), recording what it accepts."""

from __future__ import annotations

import email
import email.policy
from email.message import EmailMessage
from typing import Any

from flows.server import free_port

__all__ = ["Recorder", "free_port"]


class Recorder:
    """An aiosmtpd handler that keeps every accepted message and refuses chosen recipients."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], EmailMessage]] = []
        self.refuse: dict[str, str] = {}

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), parsed))  # type: ignore[arg-type]
        return "250 Message accepted"
