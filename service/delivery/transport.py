"""How an email leaves: over SMTP (STARTTLS, implicit TLS or plain), or as an ``.eml`` file.

SMTP errors are sorted into two named errors so the caller knows whether to retry:
:class:`DeliveryTransientError` (server down, timeout, 4xx) and :class:`DeliveryRefusedError`
(5xx, rejected login, untrusted certificate, missing STARTTLS). The password is only ever
handed to ``smtplib.login``; no message here contains it.
"""

from __future__ import annotations

import ipaddress
import logging
import os
import smtplib
import ssl
import threading
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol

from pipeline.errors import ConfigError
from pipeline.outputs.names import fit_name
from service.errors import DeliveryError, DeliveryRefusedError, DeliveryTransientError
from service.layout import unique_target
from service.settings import EmailSettings

logger = logging.getLogger(__name__)

_EML_LOCK = threading.Lock()


@dataclass(frozen=True, slots=True)
class Refusal:
    """A recipient the server refused, with its reply code and text."""

    recipient: str
    code: int
    text: str


@dataclass(frozen=True, slots=True)
class SendResult:
    """What a transport did: who accepted the message, who was refused, where it was written."""

    accepted: tuple[str, ...]
    refused: tuple[Refusal, ...] = ()
    path: Path | None = None


class Transport(Protocol):
    """Role: hand one message to its envelope recipients."""

    name: str

    def send(self, message: EmailMessage, recipients: tuple[str, ...]) -> SendResult: ...


class EmlTransport:
    """Writes each message as an ``.eml`` file in `folder` (nothing leaves the machine)."""

    name = "eml"

    def __init__(self, folder: Path, stem: str = "email") -> None:
        self.folder = folder
        self.stem = stem

    def send(self, message: EmailMessage, recipients: tuple[str, ...]) -> SendResult:
        data = message.as_bytes()
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            with _EML_LOCK:
                # Both names within the file system's 255 bytes, however long the recording's name.
                target = unique_target(self.folder, f"{self.stem}.eml")
                staging = self.folder / fit_name(f".{target.name}", ".writing")
                staging.write_bytes(data)
                os.rename(staging, target)
        except OSError as e:
            raise DeliveryError(f"{self.folder}: cannot write the email file ({e.strerror or e})") from e
        logger.info("Wrote email for %d recipient(s) to %s", len(recipients), target)
        return SendResult(accepted=recipients, path=target)


class SmtpTransport:
    """Sends through an SMTP server as configured in :class:`EmailSettings`.

    Raises:
        ConfigError: a login would go over an unencrypted connection to another machine.
    """

    name = "smtp"

    def __init__(self, settings: EmailSettings) -> None:
        if not settings.host:
            raise ConfigError("[email] host is not set: use EmlTransport, or set the SMTP server")
        if settings.security == "plain" and settings.username and not _is_loopback(settings.host):
            raise ConfigError(
                f"[email] security = 'plain' with a login to {settings.host} would send the password "
                "unencrypted: use 'starttls' or 'tls'"
            )
        self._settings = settings

    def _context(self) -> ssl.SSLContext:
        ca = self._settings.ca_path
        return ssl.create_default_context(cafile=str(ca) if ca else None)

    def _connect(self) -> smtplib.SMTP:
        s = self._settings
        host, port = s.host or "", s.smtp_port
        if s.security == "tls":
            return smtplib.SMTP_SSL(host, port, timeout=s.timeout_s, context=self._context())
        smtp = smtplib.SMTP(host, port, timeout=s.timeout_s)
        if s.security == "starttls":
            try:
                smtp.starttls(context=self._context())
            except BaseException:
                smtp.close()
                raise
        return smtp

    def send(self, message: EmailMessage, recipients: tuple[str, ...]) -> SendResult:
        s = self._settings
        where = f"SMTP {s.host}:{s.smtp_port} ({s.security})"
        try:
            with self._connect() as smtp:
                if s.username:
                    smtp.login(s.username, s.password or "")
                refused_map = smtp.send_message(message, from_addr=s.sender, to_addrs=list(recipients))
        except smtplib.SMTPRecipientsRefused as e:  # every recipient refused: report them one by one
            refused_map = e.recipients
        except OSError as e:  # smtplib's errors are OSErrors too
            raise classify(e, where) from e
        refused = tuple(Refusal(r, code, _text(text)) for r, (code, text) in refused_map.items())
        refused_names = {r.recipient for r in refused}
        accepted = tuple(r for r in recipients if r not in refused_names)
        logger.info("%s accepted the message for %d recipient(s), refused %d", where, len(accepted), len(refused))
        return SendResult(accepted=accepted, refused=refused)


def make_transport(settings: EmailSettings, eml_folder: Path, eml_stem: str = "email") -> Transport:
    """SMTP when a host is configured, else ``.eml`` files in `eml_folder`."""
    if settings.host:
        return SmtpTransport(settings)
    return EmlTransport(eml_folder, eml_stem)


def classify(error: OSError, where: str) -> DeliveryError:
    """Turn an smtplib/socket/TLS error into a transient or a permanent delivery error."""
    if isinstance(error, smtplib.SMTPResponseException):
        text = f"{where}: the server replied {error.smtp_code} {_text(error.smtp_error)}"
        if isinstance(error, smtplib.SMTPAuthenticationError):
            text += " (login refused: check the user name and MINUTIER_SMTP_PASSWORD)"
        return DeliveryTransientError(text) if error.smtp_code < 500 else DeliveryRefusedError(text)
    if isinstance(error, smtplib.SMTPNotSupportedError):
        return DeliveryRefusedError(f"{where}: the server does not support it ({error}); check [email] security")
    if isinstance(error, ssl.SSLCertVerificationError):
        return DeliveryRefusedError(
            f"{where}: the server's certificate is not trusted ({error.verify_message}); "
            "set [email] ca_path for a private CA"
        )
    # Refused connection, timeout, DNS failure, disconnection, TLS handshake failure.
    return DeliveryTransientError(f"{where}: cannot reach the server ({error.strerror or error})")


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
