"""Emails as the client and the operators read them: the minutes with their DOCX, and failure alerts.

Only the standard library's :class:`email.message.EmailMessage`. The minutes email is written
in the client's language, addressed to that client's recipients and nobody else (no Cc, no
Bcc), and carries a deterministic Message-ID so a resumed send is recognisably the same email.
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime
from email.message import EmailMessage
from email.utils import formatdate
from pathlib import Path

from pipeline.outputs.labels import due_label, labels_for
from pipeline.summarize.humanize import base_language, format_date
from pipeline.summarize.model import Minutes
from service.clients import ClientConfig
from service.errors import DeliveryError

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_MAX_SUMMARY_CHARS = 1500

_WORDS = {
    "fr": {
        "subject": "Compte rendu",
        "hello": "Bonjour,",
        "intro": "Veuillez trouver ci-joint le compte rendu de la réunion « {title} »{when}.",
        "when": " du {date}",
        "attached": "Le compte rendu complet et la transcription figurent dans le document Word joint.",
        "regards": "Bien cordialement,",
        "confidential": (
            "Ce message et sa pièce jointe sont confidentiels et destinés uniquement à leurs "
            "destinataires. Si vous l'avez reçu par erreur, merci de le supprimer et de nous "
            "en informer."
        ),
        "sep": "\u00a0: ",
    },
    "en": {
        "subject": "Minutes",
        "hello": "Hello,",
        "intro": "Please find attached the minutes of the meeting \u201c{title}\u201d{when}.",
        "when": " held on {date}",
        "attached": "The full minutes and the transcript are in the attached Word document.",
        "regards": "Kind regards,",
        "confidential": (
            "This message and its attachment are confidential and intended solely for their "
            "recipients. If you received it in error, please delete it and let us know."
        ),
        "sep": ": ",
    },
}


def message_id_for(client: str, recording_sha256: str, sender: str) -> str:
    """The Message-ID of a recording's minutes for a client: the same on every (re)send."""
    tag = hashlib.sha256(f"{client}\0{recording_sha256}".encode()).hexdigest()[:24]
    domain = sender.rpartition("@")[2] or "localhost"
    return f"<minutes.{tag}@{domain}>"


def minutes_subject(minutes: Minutes, client: ClientConfig) -> str:
    """ "Compte rendu – Comité de pilotage – 12/03/2025" in the client's language."""
    words = _WORDS[_lang(client.language)]
    parts = [words["subject"]]
    if minutes.title and not minutes.title.lower().startswith(words["subject"].lower()):
        parts.append(minutes.title)
    parts.append(client.name)
    if minutes.held_on is not None:
        parts.append(
            minutes.held_on.strftime("%d/%m/%Y") if _lang(client.language) == "fr" else minutes.held_on.isoformat()
        )
    return " \u2013 ".join(_one_line(p) for p in parts)


def minutes_body(minutes: Minutes, client: ClientConfig) -> str:
    """Plain-text body: greeting, summary, decisions, actions (owner, due date), confidentiality note."""
    lang = _lang(client.language)
    words, labels = _WORDS[lang], labels_for(lang)
    when = words["when"].format(date=format_date(minutes.held_on, lang)) if minutes.held_on else ""
    summary = minutes.summary.strip()
    if len(summary) > _MAX_SUMMARY_CHARS:
        summary = summary[:_MAX_SUMMARY_CHARS].rsplit(" ", 1)[0] + " […]"
    lines = [words["hello"], "", words["intro"].format(title=minutes.title, when=when), ""]
    if summary:
        lines += [labels.summary, "-" * len(labels.summary), summary, ""]
    lines += [labels.decisions, "-" * len(labels.decisions)]
    lines += [f"- {d.text}" for d in minutes.decisions] or [labels.no_decisions]
    lines += ["", labels.actions, "-" * len(labels.actions)]
    for item in minutes.action_items:
        details = [f"{labels.owner}{words['sep']}{item.owner or labels.unassigned}"]
        due = due_label(item, lang)
        if due:
            details.append(f"{labels.due}{words['sep']}{due}")
        lines.append(f"- {item.text} ({'; '.join(details)})")
    if not minutes.action_items:
        lines.append(labels.no_actions)
    lines += [
        "",
        words["attached"],
        "",
        words["regards"],
        client_signature(client),
        "",
        "--",
        words["confidential"],
        "",
    ]
    return "\n".join(lines)


def client_signature(client: ClientConfig) -> str:
    return "Le secrétariat" if _lang(client.language) == "fr" else "The secretariat"


def compose_minutes_email(
    minutes: Minutes, docx_path: Path, client: ClientConfig, sender: str, recording_sha256: str
) -> EmailMessage:
    """The email carrying one meeting's minutes to one client.

    Args:
        minutes: The minutes (their summary, decisions and actions go into the body).
        docx_path: The Word document, attached as ``application/vnd.openxmlformats-...document``.
        client: The client: language, display name and the only recipients (To).
        sender: The From address.
        recording_sha256: The recording's content hash (makes the Message-ID stable).

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
    message["Subject"] = minutes_subject(minutes, client)
    message["From"] = sender
    message["To"] = ", ".join(client.recipients)
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = message_id_for(client.folder, recording_sha256, sender)
    message["Content-Language"] = _lang(client.language)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(minutes_body(minutes, client))
    maintype, subtype = DOCX_MIME.split("/")
    message.add_attachment(document, maintype=maintype, subtype=subtype, filename=docx_path.name)
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
    fr = _lang(language) == "fr"
    message = EmailMessage()
    word = "Échec\u00a0:" if fr else "Failure:"
    message["Subject"] = _one_line(f"[minutier] {word} {client} / {recording}")
    message["From"] = sender
    message["To"] = ", ".join(operators)
    message["Date"] = formatdate(localtime=True)
    message["Auto-Submitted"] = "auto-generated"
    sep = "\u00a0: " if fr else ": "
    lines = [
        "Un traitement a échoué." if fr else "A run failed.",
        "",
        f"Client{sep}{client}",
        f"{'Enregistrement' if fr else 'Recording'}{sep}{recording}",
        f"Date{sep}{stamp}",
        f"{'Raison' if fr else 'Reason'}{sep}{reason}",
    ]
    if run_url:
        lines.append(f"{'Exécution' if fr else 'Run'}{sep}{run_url}")
    message.set_content("\n".join(lines) + "\n")
    return message


def _lang(language: str) -> str:
    return base_language(language)


def _one_line(text: str) -> str:
    """Header text on one line: line breaks would start new headers."""
    return " ".join(re.split(r"[\r\n\t\v\f\x1c-\x1e\x85\u2028\u2029]+", text)).strip()
