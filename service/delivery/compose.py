"""Emails as the client and the operators read them: the minutes with their DOCX, and failure alerts.

Only the standard library's :class:`email.message.EmailMessage`. The minutes email is written
in the client's minutes language and says what the attached document type holds; it comes from
the client's sender name and is signed with its sign-off (else ``[email]``'s); it is addressed
to that client's recipients and nobody else (no Cc, no Bcc), and carries a deterministic
Message-ID so a resumed send is recognisably the same email.

A recording's file name may hold anything a file system allows (line breaks, tabs, 255 bytes of
accents or emoji): what goes into a header loses its control characters
(:func:`service.names.one_line`), and the package's policy encodes the rest (RFC 2047 words,
RFC 2231 parameters) and folds long headers; nothing is cut.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate
from pathlib import Path

from pipeline.locale import locale_for, normalise_language
from pipeline.locale.schema import lookup
from pipeline.outputs.call_note import read_call_note
from pipeline.outputs.kinds import CALL_NOTE, DETAILED
from pipeline.outputs.labels import View, due_label, view_of
from pipeline.outputs.names import fit_name
from pipeline.summarize.humanize import format_numeric_date
from pipeline.summarize.model import Minutes
from service.clients import ClientConfig
from service.errors import DeliveryError
from service.names import one_line, visible, without_surrogates

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_MAX_SUMMARY_CHARS = 1500


def message_id_for(client: str, recording_sha256: str, sender: str) -> str:
    """The Message-ID of a recording's minutes for a client: the same on every (re)send."""
    tag = hashlib.sha256(f"{client}\0{recording_sha256}".encode()).hexdigest()[:24]
    domain = sender.rpartition("@")[2] or "localhost"
    return f"<minutes.{tag}@{domain}>"


def minutes_subject(minutes: Minutes, client: ClientConfig, document_type: str | None = None) -> str:
    """ "Compte rendu – Comité de pilotage – ACME SA – 12/03/2025" in the client's minutes language."""
    view = view_of(minutes, document_type or client.document_type, client.document_language)
    subject = lookup(view.locale.email.subjects, view.kind, view.kind_name)
    parts = [subject]
    if not view.title.lower().startswith(subject.lower()):
        parts.append(view.title)
    parts.append(client.name)
    if minutes.held_on is not None:
        parts.append(format_numeric_date(minutes.held_on, view.language))
    return " \u2013 ".join(one_line(p) for p in parts)


def minutes_body(
    minutes: Minutes, client: ClientConfig, *, document_type: str | None = None, signature: str | None = None
) -> str:
    """Plain-text body in the client's minutes language: greeting, what the document holds, sign-off, confidentiality.

    A detailed document's email carries its summary, decisions and actions; a record of decisions or
    formal minutes, the decisions and actions; a phone message, the caller, request and callback.

    Args:
        minutes: The minutes.
        client: The client: language, sign-off.
        document_type: The attached document's type (default: the client's).
        signature: The sign-off when the client has none of its own (``[email] signature``).
    """
    view = view_of(minutes, document_type or client.document_type, client.document_language)
    words = view.locale.email
    when = words.when.format(date=view.date()) if minutes.held_on else ""
    intro = lookup(words.intros, view.kind, lookup(words.intros, DETAILED, ""))
    lines = [words.hello, "", intro.format(title=view.title, when=when), ""]
    if view.kind == CALL_NOTE:
        lines += _call_lines(view)
    else:
        lines += _minutes_lines(view, summary=view.kind == DETAILED)
    lines += [
        "",
        lookup(words.attached, view.kind, ""),
        "",
        words.regards,
        client_signature(client, signature),
        "",
        "--",
        words.confidential,
        "",
    ]
    return "\n".join(lines)


def _minutes_lines(view: View, *, summary: bool) -> list[str]:
    minutes, labels, sep = view.minutes, view.labels, view.locale.separator
    lines: list[str] = []
    text = minutes.summary.strip()
    if summary and text:
        if len(text) > _MAX_SUMMARY_CHARS:
            text = text[:_MAX_SUMMARY_CHARS].rsplit(" ", 1)[0] + " […]"
        lines += [labels.summary, "-" * len(labels.summary), text, ""]
    lines += [labels.decisions, "-" * len(labels.decisions)]
    lines += [f"- {d.text}" for d in minutes.decisions] or [labels.no_decisions]
    lines += ["", labels.actions, "-" * len(labels.actions)]
    for item in minutes.action_items:
        details = [f"{labels.owner}{sep}{item.owner or labels.unassigned}"]
        due = due_label(item, view.language)
        if due:
            details.append(f"{labels.due}{sep}{due}")
        lines.append(f"- {item.text} ({'; '.join(details)})")
    if not minutes.action_items:
        lines.append(labels.no_actions)
    return lines


def _call_lines(view: View) -> list[str]:
    note, words, sep = read_call_note(view.minutes), view.locale.call, view.locale.separator
    rows = (
        (words.caller, note.caller),
        (words.subject, note.subject),
        (words.request, note.request),
        (words.callback_number, note.callback_number),
        (words.callback_time, note.callback_time),
    )
    return [f"{label}{sep}{value or words.not_given}" for label, value in rows]


def client_signature(client: ClientConfig, default: str | None = None) -> str:
    """Who signs the client's emails: the client's own sign-off, else `default`, else "Le secrétariat"."""
    return client.signature or default or locale_for(client.document_language).email.signature


def compose_minutes_email(
    minutes: Minutes,
    docx_path: Path,
    client: ClientConfig,
    sender: str,
    recording_sha256: str,
    *,
    sender_name: str | None = None,
    signature: str | None = None,
    document_type: str | None = None,
) -> EmailMessage:
    """The email carrying one meeting's minutes to one client.

    Args:
        minutes: The minutes (their summary, decisions and actions go into the body).
        docx_path: The Word document, attached as ``application/vnd.openxmlformats-...document``.
        client: The client: language, display name, sender name, sign-off and the only recipients (To).
        sender: The From address.
        recording_sha256: The recording's content hash (makes the Message-ID stable).
        sender_name: The From name when the client has none (``[email] sender_name``).
        signature: The sign-off when the client has none (``[email] signature``).
        document_type: The attached document's type (default: the client's).

    Returns:
        The message, addressed (To) to every recipient of the client and nobody else.

    Raises:
        DeliveryError: the document cannot be read.
    """
    try:
        document = docx_path.read_bytes()
    except OSError as e:
        raise DeliveryError(f"{docx_path}: cannot read the document to attach ({e.strerror or e})") from e
    message = EmailMessage()
    message["Subject"] = minutes_subject(minutes, client, document_type)
    name = one_line(client.sender_name or sender_name or "")
    message["From"] = Address(display_name=name, addr_spec=sender) if name else sender
    message["To"] = ", ".join(client.recipients)
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = message_id_for(client.folder, recording_sha256, sender)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(minutes_body(minutes, client, document_type=document_type, signature=signature))
    maintype, subtype = DOCX_MIME.split("/")
    message.add_attachment(document, maintype=maintype, subtype=subtype, filename=attachment_name(docx_path))
    # After the content: set_content() and add_attachment() move Content-* headers to the parts.
    message["Content-Language"] = normalise_language(client.document_language)
    return message


def compose_alert(
    sender: str,
    operators: tuple[str, ...],
    *,
    client: str,
    recording: str,
    reason: str,
    run_url: str | None = None,
    when: datetime | None = None,
    language: str = "fr",
) -> EmailMessage:
    """An operator alert: which recording of which client failed, and why. No meeting content.

    Raises:
        DeliveryError: no operator address is configured.
    """
    if not operators:
        raise DeliveryError("no operator address configured: set [email] operators")
    stamp = (when or datetime.now()).strftime("%Y-%m-%d %H:%M")
    locale = locale_for(language)
    words, sep = locale.alert, locale.separator
    message = EmailMessage()
    message["Subject"] = one_line(f"[minutier] {words.subject} {client} / {recording}")
    message["From"] = sender
    message["To"] = ", ".join(operators)
    message["Date"] = formatdate(localtime=True)
    message["Auto-Submitted"] = "auto-generated"
    lines = [
        words.failed,
        "",
        f"{words.client}{sep}{visible(client)}",
        f"{words.recording}{sep}{visible(recording)}",
        f"{words.date}{sep}{stamp}",
        f"{words.reason}{sep}{without_surrogates(reason)}",
    ]
    if run_url:
        lines.append(f"{words.run}{sep}{run_url}")
    message.set_content("\n".join(lines) + "\n")
    return message


def attachment_name(path: Path) -> str:
    """The file name an attachment is offered under: header-safe, within 255 bytes, never empty."""
    stem = one_line(path.stem) or "minutes"
    return fit_name(stem, one_line(path.suffix))
