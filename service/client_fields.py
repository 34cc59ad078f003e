"""Checks of one field of a client in clients.toml: each returns the value or raises :class:`Problem`.

The loader (:mod:`service.clients`) adds the file and the client to a problem's message.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pipeline.asr.vocabulary import clean_terms
from pipeline.errors import ConfigError, DocumentError
from pipeline.meeting_names import time_zone
from pipeline.outputs.kinds import DETAILED, parse_document_type
from pipeline.speakers import is_raw_label, label_example, parse_speaker_label, raw_label_message
from service.addresses import check_address, same_address

_MAX_SENDER_NAME_CHARS = 100
_MAX_SIGNATURE_CHARS = 1000


class Problem(ValueError):
    """A field's value is invalid; the loader adds the file and client to the message."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def optional_count(values: Mapping[str, Any], key: str) -> int | None:
    value = values.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 50:
        raise Problem(key, f"expected a whole number from 1 to 50, got {value!r}")
    return value


def optional_path(values: Mapping[str, Any], key: str, base: Path, *, directory: bool) -> Path | None:
    value = values.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise Problem(key, f"expected a path as a string, got {value!r}")
    path = Path(value).expanduser()
    path = path if path.is_absolute() else base / path
    if directory and not path.is_dir():
        raise Problem(key, f"{path} is not a folder")
    if not directory and not path.is_file():
        raise Problem(key, f"{path} is not a file")
    if not directory and path.suffix.lower() != ".docx":
        raise Problem(key, f"{path} is not a .docx file")
    return path


def recipients(values: Mapping[str, Any]) -> tuple[str, ...]:
    raw = values.get("recipients")
    if not isinstance(raw, list) or not raw:
        raise Problem("recipients", "expected a non-empty list of email addresses")
    addresses: list[str] = []
    for item in raw:
        try:
            address = check_address(item)
        except ValueError as e:
            raise Problem("recipients", str(e)) from None
        if not any(same_address(address, a) for a in addresses):
            addresses.append(address)
    return tuple(addresses)


_SPEAKER_NAMES_EXAMPLE = '{ "Speaker 1" = "Claire Martin" }'


def speaker_names(values: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    raw = values.get("speaker_names", {})
    if not isinstance(raw, dict) or not all(
        isinstance(k, str) and isinstance(v, str) and v.strip() for k, v in raw.items()
    ):
        raise Problem("speaker_names", f'expected a table of label = "Name" strings, e.g. {_SPEAKER_NAMES_EXAMPLE}')
    pairs: list[tuple[str, str]] = []
    seen: dict[int, str] = {}
    for label, name in raw.items():
        if is_raw_label(label):
            raise Problem("speaker_names", raw_label_message(label, name.strip()))
        number = parse_speaker_label(label)
        if number is None:
            raise Problem(
                "speaker_names",
                f"{label!r} is not a speaker label; use the label the documents show, "
                f"e.g. {label_example(1, name.strip())}",
            )
        if number in seen:
            raise Problem("speaker_names", f"{label!r} and {seen[number]!r} name the same speaker; keep one")
        seen[number] = label
        pairs.append((label.strip(), name.strip()))
    return tuple(pairs)


def document_type(values: Mapping[str, Any]) -> str:
    value = values.get("document_type", DETAILED)
    if not isinstance(value, str):
        raise Problem("document_type", f"expected a document type as a string, got {value!r}")
    try:
        return parse_document_type(value)
    except DocumentError as e:
        raise Problem("document_type", str(e)) from None


def timezone(values: Mapping[str, Any]) -> str | None:
    value = values.get("timezone")
    if value is None:
        return None
    if not isinstance(value, str):
        raise Problem("timezone", f'expected a time zone name as a string, e.g. "Europe/Paris", got {value!r}')
    try:
        time_zone(value.strip())
    except ConfigError as e:
        raise Problem("timezone", str(e).removeprefix("timezone = ")) from None
    return value.strip()


def sender_name(values: Mapping[str, Any]) -> str | None:
    """The From name: one line."""
    return text_field(values, "sender_name", _MAX_SENDER_NAME_CHARS, lines=False)


def signature(values: Mapping[str, Any]) -> str | None:
    """The email's sign-off: one or more lines."""
    return text_field(values, "signature", _MAX_SIGNATURE_CHARS, lines=True)


def text_field(values: Mapping[str, Any], key: str, limit: int, *, lines: bool) -> str | None:
    value = values.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise Problem(key, f"expected a non-empty string, got {value!r}")
    text = "\n".join(line.rstrip() for line in value.strip().splitlines()) if lines else value.strip()
    if len(text) > limit:
        raise Problem(key, f"at most {limit} characters, got {len(text)}")
    if not all(line.isprintable() for line in text.split("\n")) or (not lines and "\n" in value.strip()):
        raise Problem(key, "expected printable text" + ("" if lines else " on one line"))
    return text


_MAX_VOCABULARY_TERMS = 500


def vocabulary(values: Mapping[str, Any]) -> tuple[str, ...]:
    """Names and terms the client's meetings use, most important first, for Whisper to spell."""
    raw = values.get("vocabulary", [])
    if not isinstance(raw, list) or not all(isinstance(term, str) for term in raw):
        raise Problem("vocabulary", f'expected a list of strings, e.g. ["Lefèvre", "SIRH", "Qualiopi"], got {raw!r}')
    if len(raw) > _MAX_VOCABULARY_TERMS:
        raise Problem("vocabulary", f"at most {_MAX_VOCABULARY_TERMS} terms, got {len(raw)}; keep the rarest ones")
    try:
        return clean_terms(raw)
    except ValueError as e:
        raise Problem("vocabulary", str(e)) from None
