"""The service's clients, from one TOML file, checked in full when loaded.

Example ``clients.toml``::

    [defaults]                      # optional; any client field except name and recipients
    language = "fr"
    review = false
    timezone = "Europe/Paris"

    [clients.acme]                  # the folder name under inbox/, processing/, archive/ ...
    name = "ACME SA"
    recipients = ["direction@acme.fr", "assistante@acme.fr"]
    language = "fr"                 # "fr" or "en": minutes, email and failure notes
    minutes_language = "en"         # the minutes' labels and email only (default: language)
    document_type = "relevé de décisions"  # detailed, decisions, formal, call_note (or their names)
    timezone = "America/Montreal"   # the meeting's date and time (default: the machine's zone)
    sender_name = "Secrétariat Lefèvre"    # the From name (default: [email] sender_name)
    signature = "Claire Martin\\nSecrétariat Lefèvre"  # the email's sign-off (default: [email] signature)
    min_speakers = 2
    max_speakers = 6
    speaker_names = { "Speaker 1" = "Claire Martin" }  # labels as the documents show them
    vocabulary = ["Lefèvre", "SIRH", "Qualiopi"]  # names and terms for the transcription to spell
    voices_dir = "voices/acme"      # relative paths are relative to this file
    template = "templates/acme.docx"
    review = true
    review_timeout_s = 86400

Speakers are numbered by the order in which they first speak, and ``speaker_names`` uses the
label the documents show: "Speaker 1" (or "Intervenant 1", "speaker_1", "1"). The diarizer's
internal labels (``SPEAKER_00``) are refused with the label to write instead.

Folders are matched exactly: ``acme`` and ``acme-corp`` are two clients, and a name never
matches by prefix, case or accent variant.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.errors import ConfigError
from pipeline.locale import SUPPORTED
from pipeline.outputs.kinds import DETAILED
from service import client_fields as check
from service.addresses import same_address

LANGUAGES = SUPPORTED
DEFAULT_REVIEW_TIMEOUT_S = 24 * 3600.0
_MAX_FOLDER_CHARS = 64
_FIELDS = frozenset(
    {
        "name",
        "recipients",
        "language",
        "num_speakers",
        "min_speakers",
        "max_speakers",
        "speaker_names",
        "voices_dir",
        "template",
        "review",
        "review_timeout_s",
        "document_type",
        "minutes_language",
        "timezone",
        "sender_name",
        "signature",
        "vocabulary",
    }
)
_DEFAULTABLE = _FIELDS - {"name", "recipients"}


@dataclass(frozen=True, slots=True)
class ClientConfig:
    """One client of the service.

    Attributes:
        folder: Folder name under each stage folder (``inbox/<folder>/``); safe and exact.
        name: Display name printed in the minutes and emails.
        recipients: Who receives the minutes; nobody else ever does.
        language: A supported language ("fr" or "en"): the minutes, the email and the failure notes.
        num_speakers: Exact number of speakers, when always the same.
        min_speakers: Lower bound on the number of speakers.
        max_speakers: Upper bound on the number of speakers.
        speaker_names: Public speaker label ("Speaker 1", "Intervenant 1") -> person's name, as
            (label, name) pairs.
        voices_dir: Folder of known voices (one reference clip per person).
        template_path: The client's .docx template.
        review: Whether an operator approves the minutes before they are sent.
        review_timeout_s: How long a review may wait before the run gives up.
        document_type: The documents' type: "detailed", "decisions", "formal" or "call_note".
        minutes_language: The language of the minutes' labels and of the email, whatever was
            spoken; None is `language`.
        timezone: IANA time zone of the meeting's date and time and of due dates; None is the machine's.
        sender_name: The name the email comes from; None is ``[email] sender_name``.
        signature: The email's sign-off (may hold several lines); None is ``[email] signature``.
        vocabulary: Names and terms the client's meetings use ("Lefèvre", "SIRH"), most important
            first: the transcription is told them, and the minutes' name checks accept them.
    """

    folder: str
    name: str
    recipients: tuple[str, ...]
    language: str = "fr"
    num_speakers: int | None = None
    min_speakers: int | None = None
    max_speakers: int | None = None
    speaker_names: tuple[tuple[str, str], ...] = ()
    voices_dir: Path | None = None
    template_path: Path | None = None
    review: bool = False
    review_timeout_s: float = DEFAULT_REVIEW_TIMEOUT_S
    document_type: str = DETAILED
    minutes_language: str | None = None
    timezone: str | None = None
    sender_name: str | None = None
    signature: str | None = None
    vocabulary: tuple[str, ...] = ()

    @property
    def document_language(self) -> str:
        """The language of the minutes' labels and of the email: `minutes_language`, else `language`."""
        return self.minutes_language or self.language

    def is_recipient(self, address: str) -> bool:
        """Whether `address` is one of this client's recipients."""
        return any(same_address(address, r) for r in self.recipients)


@dataclass(frozen=True, slots=True)
class Clients:
    """Every configured client, looked up by exact folder name."""

    clients: tuple[ClientConfig, ...] = ()
    source: Path | None = None

    def get(self, folder: str) -> ClientConfig | None:
        """The client whose folder is exactly `folder` (after Unicode NFC normalisation), or None."""
        wanted = unicodedata.normalize("NFC", folder)
        return next((c for c in self.clients if c.folder == wanted), None)

    def require(self, folder: str) -> ClientConfig:
        """The client whose folder is exactly `folder`.

        Raises:
            ConfigError: no client has this folder.
        """
        client = self.get(folder)
        if client is None:
            known = ", ".join(self.folders) or "none"
            raise ConfigError(f"{self.source or 'clients'}: no client with folder {folder!r} (known: {known})")
        return client

    @property
    def folders(self) -> tuple[str, ...]:
        return tuple(c.folder for c in self.clients)

    def __contains__(self, folder: object) -> bool:
        return isinstance(folder, str) and self.get(folder) is not None

    def __iter__(self) -> Iterator[ClientConfig]:
        return iter(self.clients)

    def __len__(self) -> int:
        return len(self.clients)


def check_folder_name(folder: str) -> str:
    """Return `folder` (NFC) when it is a safe single folder name, else raise ValueError.

    Safe: 1-64 characters, letters, digits, spaces, ``.``, ``_`` and ``-`` only, starting with a
    letter or digit, no ``..``, and no trailing dot or space (Windows shares drop them).
    """
    name = unicodedata.normalize("NFC", folder)
    if not name or len(name) > _MAX_FOLDER_CHARS:
        raise ValueError(f"folder name must have 1 to {_MAX_FOLDER_CHARS} characters, got {len(name)}")
    if not name[0].isalnum():
        raise ValueError(f"folder name {folder!r} must start with a letter or a digit")
    if ".." in name or name.endswith((".", " ")):
        raise ValueError(f"folder name {folder!r} must not contain '..' nor end with a dot or a space")
    bad = sorted({ch for ch in name if not (ch.isalnum() or ch in " ._-")})
    if bad:
        raise ValueError(f"folder name {folder!r} contains characters not allowed in a folder name: {''.join(bad)!r}")
    return name


def _client(folder: str, values: Mapping[str, Any], base: Path) -> ClientConfig:
    unknown = sorted(set(values) - _FIELDS)
    if unknown:
        raise check.Problem(unknown[0], f"unknown field (known: {', '.join(sorted(_FIELDS))})")
    name = values.get("name", folder)
    if not isinstance(name, str) or not name.strip():
        raise check.Problem("name", f"expected a non-empty display name, got {name!r}")
    language = values.get("language", "fr")
    if language not in LANGUAGES:
        raise check.Problem("language", f"expected one of {', '.join(LANGUAGES)}, got {language!r}")
    minutes_language = values.get("minutes_language")
    if minutes_language is not None and minutes_language not in LANGUAGES:
        raise check.Problem("minutes_language", f"expected one of {', '.join(LANGUAGES)}, got {minutes_language!r}")
    num, low, high = (check.optional_count(values, k) for k in ("num_speakers", "min_speakers", "max_speakers"))
    if low is not None and high is not None and low > high:
        raise check.Problem("min_speakers", f"min_speakers ({low}) is above max_speakers ({high})")
    if num is not None and ((low is not None and num < low) or (high is not None and num > high)):
        raise check.Problem("num_speakers", f"num_speakers ({num}) is outside min_speakers..max_speakers")
    review = values.get("review", False)
    if not isinstance(review, bool):
        raise check.Problem("review", f"expected true or false, got {review!r}")
    timeout = values.get("review_timeout_s", DEFAULT_REVIEW_TIMEOUT_S)
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or timeout <= 0:
        raise check.Problem("review_timeout_s", f"expected a positive number of seconds, got {timeout!r}")
    return ClientConfig(
        folder=folder,
        name=name.strip(),
        recipients=check.recipients(values),
        language=language,
        num_speakers=num,
        min_speakers=low,
        max_speakers=high,
        speaker_names=check.speaker_names(values),
        voices_dir=check.optional_path(values, "voices_dir", base, directory=True),
        template_path=check.optional_path(values, "template", base, directory=False),
        review=review,
        review_timeout_s=float(timeout),
        document_type=check.document_type(values),
        minutes_language=minutes_language,
        timezone=check.timezone(values),
        sender_name=check.sender_name(values),
        signature=check.signature(values),
        vocabulary=check.vocabulary(values),
    )


def parse_clients(data: Mapping[str, Any], source: Path) -> Clients:
    """Build :class:`Clients` from parsed TOML; relative paths are resolved against `source`'s folder.

    Raises:
        ConfigError: naming the file, the client and the field that is wrong.
    """
    unknown = sorted(set(data) - {"clients", "defaults"})
    if unknown:
        raise ConfigError(f"{source}: unknown section [{unknown[0]}] (known: [defaults], [clients.<folder>])")
    defaults = data.get("defaults", {})
    if not isinstance(defaults, dict):
        raise ConfigError(f"{source}: [defaults] must be a table")
    bad_default = sorted(set(defaults) - _DEFAULTABLE)
    if bad_default:
        raise ConfigError(
            f"{source}: [defaults] {bad_default[0]}: not allowed here (allowed: {', '.join(sorted(_DEFAULTABLE))})"
        )
    tables = data.get("clients", {})
    if not isinstance(tables, dict):
        raise ConfigError(f"{source}: [clients] must hold one table per client, e.g. [clients.acme]")
    clients: list[ClientConfig] = []
    seen: dict[str, str] = {}
    for folder, values in tables.items():
        try:
            safe = check_folder_name(folder)
        except ValueError as e:
            raise ConfigError(f"{source}: [clients.{folder}] folder: {e}") from None
        if not isinstance(values, dict):
            raise ConfigError(f"{source}: [clients.{folder}] must be a table")
        # Case-insensitive file systems (Windows and macOS shares) would merge these two folders.
        twin = seen.get(safe.casefold())
        if twin is not None:
            raise ConfigError(
                f"{source}: [clients.{folder}] folder: same folder as [clients.{twin}] "
                "on a case-insensitive share; choose another name"
            )
        seen[safe.casefold()] = folder
        try:
            clients.append(_client(safe, {**defaults, **values}, source.parent))
        except check.Problem as e:
            raise ConfigError(f"{source}: [clients.{folder}] {e.field}: {e}") from None
    return Clients(clients=tuple(clients), source=source)


def load_clients(path: Path | str) -> Clients:
    """Load and check the clients file.

    Args:
        path: A TOML file with ``[clients.<folder>]`` tables (and an optional ``[defaults]``).

    Returns:
        The clients, in file order.

    Raises:
        ConfigError: the file is missing or not TOML, or a client is invalid; the message (one
            line) names the file, the line or the client and field, and what to do.
    """
    path = Path(path)
    return parse_clients_file(read_clients_file(path), path)


def read_clients_file(path: Path) -> bytes:
    """The bytes of the clients file.

    Raises:
        ConfigError: the file is missing or cannot be read.
    """
    try:
        return path.read_bytes()
    except FileNotFoundError as e:
        raise ConfigError(f"{path}: clients file not found") from e
    except OSError as e:
        raise ConfigError(f"{path}: cannot read the clients file ({e.strerror or e})") from e


def parse_clients_file(data: bytes, path: Path) -> Clients:
    """The clients of a clients file's content; `path` is named in errors and anchors relative paths.

    Raises:
        ConfigError: not UTF-8, not TOML (the message names the line), or a client is invalid.
    """
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise ConfigError(f"{path}: not UTF-8 text (byte {e.start}); save the file as UTF-8") from e
    try:
        parsed = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(_toml_problem(path, e)) from e
    return parse_clients(parsed, path)


def _toml_problem(path: Path, error: tomllib.TOMLDecodeError) -> str:
    """One line from tomllib's message, whose position ends it: the file, the line, what is wrong, what to do."""
    message = str(error)
    where = re.search(r"\s*\(at (?:line (\d+), column (\d+)|end of document)\)$", message)
    what = message[: where.start()] if where else message
    what = what[:1].lower() + what[1:]
    if where is None:
        return f"{path}: not valid TOML ({what}); correct it and save the file"
    if where[1] is None:
        return f"{path}: not valid TOML at the end of the file ({what}); close what is left open and save the file"
    return f"{path}, line {where[1]}, column {where[2]}: not valid TOML ({what}); correct that line and save the file"
