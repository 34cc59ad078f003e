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
    NoSpeechError,
    NotMediaError,
    PipelineError,
    TranscriptFormatError,
    UnsupportedAudioError,
)
from pipeline.locale import locale_for
from pipeline.locale.schema import lookup
from service.errors import DeliveryError, RecordingVanishedError

REASON_SUFFIX = ".reason.txt"
NOTE_SUFFIX = ".note.txt"

# Most specific class first: the first match wins. The sentences are in pipeline.locale.
_KINDS: tuple[tuple[type[BaseException], str], ...] = (
    (EmptyRecordingError, "empty"),
    (NoAudioStreamError, "no_audio"),
    (NotMediaError, "not_media"),
    (CorruptAudioError, "corrupt"),
    (UnsupportedAudioError, "unsupported"),
    (AudioDecodeError, "decode"),
    (NoSpeechError, "no_speech"),
    (TranscriptFormatError, "transcript"),
    (RecordingVanishedError, "vanished"),
    (DeliveryError, "delivery"),
    (DocumentError, "document"),
    (ModelUnavailableError, "model"),
    (PipelineError, "pipeline"),
)

FAILURE_KINDS: tuple[str, ...] = (*(kind for _, kind in _KINDS), "unexpected")


def plain_reason(error: BaseException, language: str) -> str:
    """One sentence a secretary understands for `error`, in `language` ("fr" or "en")."""
    kind = next((kind for cls, kind in _KINDS if isinstance(error, cls)), "unexpected")
    return dict(locale_for(language).notes.reasons)[kind]


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
    t = locale_for(language).notes
    stamp = (when or datetime.now()).strftime("%Y-%m-%d %H:%M")
    sep = t.separator
    lines = [
        t.failed,
        "",
        f"{t.file}{sep}{file_name}",
        f"{t.client}{sep}{client_name}",
        f"{t.when}{sep}{stamp}",
        f"{t.reason}{sep}{reason}",
    ]
    if details and details != reason:
        lines.append(f"{t.details}{sep}{details}")
    lines += ["", t.advice, ""]
    return "\n".join(lines)


def duplicate_note(
    file_name: str, client_name: str, first_name: str, first_state: str, first_received: str, language: str
) -> str:
    """The text of ``<name>.note.txt`` left next to a duplicate moved to the archive."""
    t = locale_for(language).notes
    sep = t.separator
    lines = [
        t.duplicate,
        "",
        f"{t.file}{sep}{file_name}",
        f"{t.client}{sep}{client_name}",
        f"{t.first}{sep}{first_name} ({first_received})",
        f"{t.state}{sep}{lookup(t.states, first_state, first_state)}",
        "",
        t.dup_advice,
        "",
    ]
    return "\n".join(lines)


def intake_reason(kind: str, language: str) -> str:
    """Why intake refused a file, in plain words: kind is "link_outside", "link" or "special"."""
    return dict(locale_for(language).notes.intake)[kind]


def deletion_notice(when: datetime, days: int, language: str) -> str:
    """The paragraph added to a failed recording's ``.reason.txt`` when the retention deletes the recording."""
    return "\n" + locale_for(language).notes.deleted.format(day=when.strftime("%Y-%m-%d"), days=days) + "\n"
