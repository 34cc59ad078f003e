"""Notes a secretary reads next to a file: why it failed, or why it was not processed twice.

Written in the client's language (French or English), in plain words first, with the
technical message underneath for the operator.
"""

from __future__ import annotations

from datetime import datetime

from pipeline.errors import (
    AudioDecodeError,
    CorruptAudioError,
    DocumentError,
    EmptyRecordingError,
    ModelUnavailableError,
    NoAudioStreamError,
    NotMediaError,
    PipelineError,
)
from service.errors import DeliveryError

REASON_SUFFIX = ".reason.txt"
NOTE_SUFFIX = ".note.txt"

# Most specific class first: the first match wins.
_PLAIN: tuple[tuple[type[BaseException], str, str], ...] = (
    (
        EmptyRecordingError,
        "Le fichier est vide ou l'enregistrement est trop court.",
        "The file is empty or the recording is too short.",
    ),
    (
        NoAudioStreamError,
        "Le fichier ne contient pas de piste audio (vidéo sans son ?).",
        "The file has no audio track (a video without sound?).",
    ),
    (
        NotMediaError,
        "Ce fichier n'est pas un enregistrement audio ou vidéo lisible.",
        "This file is not a readable audio or video recording.",
    ),
    (
        CorruptAudioError,
        "L'enregistrement est endommagé ou incomplet (copie interrompue ?).",
        "The recording is damaged or incomplete (an interrupted copy?).",
    ),
    (AudioDecodeError, "L'enregistrement n'a pas pu être lu.", "The recording could not be read."),
    (
        DeliveryError,
        "Le compte rendu a été rédigé mais l'e-mail n'a pas pu être envoyé.",
        "The minutes were written but the email could not be sent.",
    ),
    (DocumentError, "Le document n'a pas pu être écrit.", "The document could not be written."),
    (
        ModelUnavailableError,
        "Le service de transcription n'est pas disponible.",
        "The transcription service is not available.",
    ),
    (PipelineError, "Le traitement a échoué.", "Processing failed."),
)
_UNEXPECTED = (
    "Une erreur inattendue s'est produite pendant le traitement.",
    "An unexpected error occurred during processing.",
)

_STATES = {
    "fr": {"received": "reçu", "processing": "en cours de traitement", "done": "traité", "failed": "en échec"},
    "en": {"received": "received", "processing": "being processed", "done": "processed", "failed": "failed"},
}
_TEXT: dict[str, dict[str, str]] = {
    "fr": {
        "failed": "Ce fichier n'a pas pu être traité.",
        "file": "Fichier",
        "client": "Client",
        "when": "Date",
        "reason": "Raison",
        "details": "Détail technique",
        "advice": (
            "Que faire : vérifiez le fichier, puis déposez-le de nouveau dans le dossier du client "
            "(inbox). Si le problème persiste, transmettez cette note à l'opérateur."
        ),
        "duplicate": "Ce fichier n'a pas été traité une seconde fois : le même enregistrement a déjà été reçu.",
        "first": "Reçu la première fois sous le nom",
        "state": "État du premier envoi",
        "dup_advice": ("Aucun nouveau compte rendu n'a été envoyé. Pour le renvoyer, demandez-le à l'opérateur."),
    },
    "en": {
        "failed": "This file could not be processed.",
        "file": "File",
        "client": "Client",
        "when": "Date",
        "reason": "Reason",
        "details": "Technical detail",
        "advice": (
            "What to do: check the file, then drop it again into the client's folder (inbox). "
            "If the problem persists, forward this note to the operator."
        ),
        "duplicate": "This file was not processed a second time: the same recording was already received.",
        "first": "First received as",
        "state": "State of the first copy",
        "dup_advice": "No new minutes were sent. To have them sent again, ask the operator.",
    },
}


def _lang(language: str) -> str:
    return "fr" if language.split("-")[0].lower() == "fr" else "en"


def plain_reason(error: BaseException, language: str) -> str:
    """One sentence a secretary understands for `error`, in `language` ("fr" or "en")."""
    index = 0 if _lang(language) == "fr" else 1
    for cls, *sentences in _PLAIN:
        if isinstance(error, cls):
            return sentences[index]
    return _UNEXPECTED[index]


def failure_note(
    file_name: str,
    client_name: str,
    reason: str,
    language: str,
    *,
    details: str | None = None,
    when: datetime | None = None,
) -> str:
    """The text of ``<name>.reason.txt``.

    Args:
        file_name: The recording's file name.
        client_name: The client's display name.
        reason: Why, in plain words (see :func:`plain_reason`).
        language: The client's language.
        details: The technical message, for the operator.
        when: When it failed (now by default).
    """
    t = _TEXT[_lang(language)]
    stamp = (when or datetime.now()).strftime("%Y-%m-%d %H:%M")
    sep = " : " if _lang(language) == "fr" else ": "
    lines = [
        t["failed"],
        "",
        f"{t['file']}{sep}{file_name}",
        f"{t['client']}{sep}{client_name}",
        f"{t['when']}{sep}{stamp}",
        f"{t['reason']}{sep}{reason}",
    ]
    if details and details != reason:
        lines.append(f"{t['details']}{sep}{details}")
    lines += ["", t["advice"], ""]
    return "\n".join(lines)


def duplicate_note(
    file_name: str, client_name: str, first_name: str, first_state: str, first_received: str, language: str
) -> str:
    """The text of ``<name>.note.txt`` left next to a duplicate moved to the archive."""
    t = _TEXT[_lang(language)]
    sep = " : " if _lang(language) == "fr" else ": "
    states = _STATES[_lang(language)]
    lines = [
        t["duplicate"],
        "",
        f"{t['file']}{sep}{file_name}",
        f"{t['client']}{sep}{client_name}",
        f"{t['first']}{sep}{first_name} ({first_received})",
        f"{t['state']}{sep}{states.get(first_state, first_state)}",
        "",
        t["dup_advice"],
        "",
    ]
    return "\n".join(lines)


_INTAKE_REASONS = {
    "link_outside": (
        "Ce fichier est un raccourci (lien) vers un emplacement hors du dossier du client ; "
        "il n'a pas été ouvert. Déposez le fichier lui-même, pas un raccourci.",
        "This file is a shortcut (link) to a place outside the client's folder; it was not "
        "opened. Drop the file itself, not a shortcut.",
    ),
    "link": (
        "Ce fichier est un raccourci (lien), pas un enregistrement ; il n'a pas été ouvert. "
        "Déposez le fichier lui-même.",
        "This file is a shortcut (link), not a recording; it was not opened. Drop the file itself.",
    ),
    "special": (
        "Ce n'est pas un fichier ordinaire ; il n'a pas été ouvert.",
        "This is not a regular file; it was not opened.",
    ),
}


def intake_reason(kind: str, language: str) -> str:
    """Why intake refused a file, in plain words: kind is "link_outside", "link" or "special"."""
    return _INTAKE_REASONS[kind][0 if _lang(language) == "fr" else 1]


_DELETED = {
    "fr": (
        "L'enregistrement a été supprimé le {day} : la durée de conservation de {days} jour(s) est écoulée "
        "(RGPD). Cette note est conservée."
    ),
    "en": "The recording was deleted on {day}: the retention period of {days} day(s) has passed. This note is kept.",
}


def deletion_notice(when: datetime, days: int, language: str) -> str:
    """The paragraph added to a failed recording's ``.reason.txt`` when the retention deletes the recording."""
    return "\n" + _DELETED[_lang(language)].format(day=when.strftime("%Y-%m-%d"), days=days) + "\n"
