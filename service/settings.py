"""The service's own settings: [service] and [email], and the configuration that adds them to the pipeline's.

The pipeline (:mod:`pipeline.config`) knows only what a recording needs (audio, ASR, diarization,
minutes); the service reads the same TOML file and adds where it keeps its state, how it talks to
Prefect and how it emails.
"""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.config import Settings, load_settings
from pipeline.errors import ConfigError
from service.addresses import check_address


def default_home() -> Path:
    """Where the service keeps its state (Prefect database, results, work files): ``MINUTIER_HOME`` or ./.minutier."""
    configured = os.environ.get("MINUTIER_HOME")
    return Path(configured).expanduser().resolve() if configured else Path.cwd().resolve() / ".minutier"


def _prefect_api_url() -> str | None:
    return os.environ.get("PREFECT_API_URL") or None


def _task_worker_env() -> bool:
    # `minutier serve` sets this for the flow-run processes it starts.
    return os.environ.get("MINUTIER_TASK_WORKER", "") == "1"


@dataclass(frozen=True, slots=True)
class ServiceSettings:
    """The orchestration service (Prefect).

    With `api_url` unset, minutier starts its own Prefect server (SQLite, bound to `host`) with
    its state under `home_dir`, and refuses to start if something already answers on `port`; set
    it (or PREFECT_API_URL) to use a server started elsewhere, possibly shared by several services.
    `name` tells this service's model stages from another's on such a server (default: its home
    folder); model workers on other hosts of the same service need the same `name`.
    """

    home_dir: Path = field(default_factory=default_home)
    api_url: str | None = field(default_factory=_prefect_api_url)
    host: str = "127.0.0.1"
    port: int = 4200
    # Model stages run in a long-lived Prefect task worker so models load once, not per recording.
    task_worker: bool = field(default_factory=_task_worker_env)
    # Watched folders: inbox/<client>/, processing/, archive/, failed/, outbox/ under `root_dir`
    # (default: `home_dir`), for the clients of `clients_path` (default: <root>/clients.toml).
    root_dir: Path | None = None
    clients_path: Path | None = None
    settle_s: float = 10.0
    polling: bool = False
    reconcile_s: float = 300.0
    gpu_limit: str = "minutier-gpu"
    # RGPD: recordings (archived or failed), their derived copies and Prefect runs older than this
    # many days are deleted, each deletion logged; minutes are kept. None (the default) keeps all.
    retention_days: int | None = None
    name: str | None = None

    def __post_init__(self) -> None:
        if self.name is not None and (not self.name.strip() or not self.name.isprintable()):
            raise ConfigError(f"[service] name = {self.name!r}: give a short printable name, or leave it unset")
        if self.retention_days is not None and self.retention_days < 0:
            raise ConfigError(
                f"[service] retention_days = {self.retention_days}: must be 0 or more (or unset to keep recordings)"
            )


def _smtp_password() -> str | None:
    """The SMTP password comes from ``MINUTIER_SMTP_PASSWORD`` only, never from a file."""
    return os.environ.get("MINUTIER_SMTP_PASSWORD") or None


def _smtp_username() -> str | None:
    return os.environ.get("MINUTIER_SMTP_USERNAME") or None


SMTP_SECURITY = ("starttls", "tls", "plain")
_SMTP_PORTS = {"starttls": 587, "tls": 465, "plain": 25}


@dataclass(frozen=True, slots=True)
class EmailSettings:
    """How minutes and operator alerts are emailed.

    With `host` unset (the default) nothing leaves the machine: each email is written as an
    ``.eml`` file in the client's outbox. `security` is "starttls" (port 587), "tls" (implicit
    TLS, port 465) or "plain" (a local relay, port 25; no login over it except on loopback).
    `ca_path` trusts a private CA (a relay with its own certificate). The password is read from
    ``MINUTIER_SMTP_PASSWORD`` only: never shown in repr or logs, and refused in a file.
    `sender_name` is the name the minutes come from ("Secrétariat Lefèvre <cr@...>") and
    `signature` their sign-off (lines), unless a client has its own; without them, the email is
    signed "Le secrétariat" / "The secretariat" and comes from the bare address.
    """

    host: str | None = None
    port: int | None = None
    security: str = "starttls"
    username: str | None = field(default_factory=_smtp_username)
    password: str | None = field(
        default_factory=_smtp_password, repr=False, metadata={"env_only": "MINUTIER_SMTP_PASSWORD"}
    )
    sender: str = "minutier@localhost"
    operators: tuple[str, ...] = ()
    timeout_s: float = 30.0
    ca_path: Path | None = None
    sender_name: str | None = None
    signature: str | None = None

    def __post_init__(self) -> None:
        if self.sender_name is not None and (
            not isinstance(self.sender_name, str) or not self.sender_name.strip() or not self.sender_name.isprintable()
        ):
            raise ConfigError(f"[email] sender_name = {self.sender_name!r}: give a name on one line, or leave it unset")
        if self.signature is not None and (
            not isinstance(self.signature, str)
            or not self.signature.strip()
            or not all(line.isprintable() for line in self.signature.strip().splitlines())
        ):
            raise ConfigError(f"[email] signature = {self.signature!r}: give the sign-off as text, or leave it unset")
        if self.security not in SMTP_SECURITY:
            raise ConfigError(f"[email] security = {self.security!r}: use one of {', '.join(SMTP_SECURITY)}")
        if self.port is not None and not 0 < self.port < 65536:
            raise ConfigError(f"[email] port = {self.port!r}: expected 1-65535")
        if isinstance(self.operators, str):
            raise ConfigError('[email] operators: expected a list of addresses, e.g. ["ops@example.fr"]')
        try:
            check_address(self.sender)
            operators = tuple(check_address(a) for a in self.operators)
        except ValueError as e:
            raise ConfigError(f"[email] {e}") from None
        object.__setattr__(self, "operators", operators)

    @property
    def smtp_port(self) -> int:
        """The configured port, or the usual one for the security mode."""
        return self.port or _SMTP_PORTS[self.security]


DESK_LANGUAGES = ("fr", "en")


@dataclass(frozen=True, slots=True)
class DeskUser:
    """A secretary of the review desk: the clients whose recordings she may see, and her language."""

    name: str
    clients: tuple[str, ...]
    language: str | None = None


def _proxies(proxies: object) -> tuple[str, ...]:
    """The trusted proxies, each an IP address or network; "*" is refused: trusting every client's
    X-Forwarded-For would let any of them choose the address the sign-in throttle counts."""
    if isinstance(proxies, str) or not isinstance(proxies, list | tuple):
        raise ConfigError(f'[desk] trusted_proxies = {proxies!r}: expected a list of addresses, e.g. ["10.0.0.5"]')
    for proxy in proxies:
        try:
            ipaddress.ip_network(str(proxy), strict=False)
        except ValueError:
            raise ConfigError(
                f'[desk] trusted_proxies: {proxy!r} is not an IP address or network (e.g. "10.0.0.5", "10.0.0.0/24")'
            ) from None
    return tuple(str(proxy) for proxy in proxies)


def _desk_users(users: object) -> tuple[DeskUser, ...]:
    """``{"claire": {"clients": ["acme"], "language": "fr"}}`` (a TOML table) as DeskUsers."""
    if isinstance(users, tuple) and all(isinstance(u, DeskUser) for u in users):
        return users
    if not isinstance(users, dict):
        raise ConfigError('[desk] users: expected a table, e.g. [desk.users.claire] clients = ["acme"]')
    found = []
    for name, values in users.items():
        if isinstance(values, dict) and "password" in values:
            raise ConfigError(f"[desk.users.{name}] password: never in a file; use: minutier desk add-user {name}")
        if not isinstance(values, dict) or set(values) - {"clients", "language"}:
            raise ConfigError(f"[desk.users.{name}]: expected clients = [...] and optionally language")
        clients = values.get("clients", [])
        if not isinstance(clients, list) or not all(isinstance(c, str) and c for c in clients):
            raise ConfigError(f'[desk.users.{name}] clients: expected a list of client folders, e.g. ["acme"]')
        language = values.get("language")
        if language is not None and language not in DESK_LANGUAGES:
            raise ConfigError(f"[desk.users.{name}] language = {language!r}: use one of {', '.join(DESK_LANGUAGES)}")
        if not name or not name.isprintable() or "/" in name:
            raise ConfigError(f"[desk.users] {name!r}: a user name is one printable word")
        found.append(DeskUser(name, tuple(clients), language))
    return tuple(found)


@dataclass(frozen=True, slots=True)
class DeskSettings:
    """The secretaries' review desk that `minutier serve` starts (``[desk]``).

    Secretaries are declared here with the clients each may see (``[desk.users.claire]
    clients = ["acme"]``); their passwords are set with `minutier desk add-user` and kept as slow
    hashes in the service home, never in this file. With no user declared the desk is not started.
    `https_only` marks the session cookie Secure: set it when the desk is reached through an HTTPS
    reverse proxy (the browser then never sends the cookie over plain HTTP). `trusted_proxies` are
    the addresses (or networks) of such proxies: from them, the client address they forward
    (X-Forwarded-For) is the one the sign-in throttle counts, instead of the proxy's own for everyone.
    """

    host: str = "127.0.0.1"
    port: int = 4300
    session_hours: float = 12.0
    language: str = "fr"
    https_only: bool = False
    trusted_proxies: tuple[str, ...] = ("127.0.0.1", "::1")
    users: tuple[DeskUser, ...] = ()

    def __post_init__(self) -> None:
        if not 0 < self.port < 65536:
            raise ConfigError(f"[desk] port = {self.port!r}: expected 1-65535")
        if not self.session_hours > 0:
            raise ConfigError(f"[desk] session_hours = {self.session_hours!r}: must be more than 0")
        if self.language not in DESK_LANGUAGES:
            raise ConfigError(f"[desk] language = {self.language!r}: use one of {', '.join(DESK_LANGUAGES)}")
        object.__setattr__(self, "trusted_proxies", _proxies(self.trusted_proxies))
        object.__setattr__(self, "users", _desk_users(self.users))

    def user(self, name: str) -> DeskUser | None:
        """The declared user called `name`, or None."""
        return next((u for u in self.users if u.name == name), None)


def service_root(service: ServiceSettings) -> Path:
    """The folder holding the watched folders (inbox/, processing/, archive/, failed/, outbox/)."""
    return (service.root_dir or service.home_dir).expanduser().resolve()


def clients_file(service: ServiceSettings) -> Path:
    """The clients file: `clients_path`, or clients.toml in the service root."""
    return (service.clients_path or service_root(service) / "clients.toml").expanduser().resolve()


@dataclass(frozen=True, slots=True)
class ServiceConfig(Settings):
    """Everything `minutier serve` runs with: the pipeline's sections plus [service], [email] and [desk]."""

    service: ServiceSettings = field(default_factory=ServiceSettings)
    email: EmailSettings = field(default_factory=EmailSettings)
    desk: DeskSettings = field(default_factory=DeskSettings)


def load_config(path: Path | str | None = None) -> ServiceConfig:
    """The service configuration from a TOML file ([audio], [asr], [diarize], [minutes], [service], [email], [desk]).

    Raises:
        ConfigError: the file is missing, not TOML, or names an unknown section or setting.
    """
    return load_settings(path, ServiceConfig)
