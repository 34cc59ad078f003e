"""Secretaries' passwords (argon2 hashes in ``Home.desk/users.json``), the session secret, and login throttling.

Both files are written atomically with mode 0600; neither ever holds a password in clear.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from pipeline.errors import ConfigError

logger = logging.getLogger(__name__)

USERS_FILE = "users.json"
SECRET_FILE = "secret"
MIN_PASSWORD = 8
_MAX_KEYS = 10_000
_HASHER = PasswordHasher()
# Verified against when the user is unknown, so that an unknown name takes as long as a wrong password.
_DUMMY_HASH = _HASHER.hash(secrets.token_urlsafe(16))


def _write_private(path: Path, text: str) -> None:
    """Write `text` to `path` (mode 0600) through a temporary file and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    staging = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    fd = os.open(staging, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text)
    os.replace(staging, path)


def read_hashes(folder: Path) -> dict[str, str]:
    """User name -> argon2 hash, from ``users.json`` in `folder` (none when the file does not exist)."""
    path = folder / USERS_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as e:
        raise ConfigError(
            f"{path}: cannot read the desk's accounts ({e}); set them again with minutier desk add-user"
        ) from e
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        raise ConfigError(f"{path}: not a map of user names to password hashes")
    return data


def set_password(folder: Path, user: str, password: str) -> None:
    """Store an argon2 hash of `password` for `user` (replacing any), the file kept 0600.

    Raises:
        ConfigError: the password is shorter than 8 characters.
    """
    if len(password) < MIN_PASSWORD:
        raise ConfigError(f"the password must have at least {MIN_PASSWORD} characters")
    hashes = read_hashes(folder)
    hashes[user] = _HASHER.hash(password)
    _write_private(folder / USERS_FILE, json.dumps(hashes, indent=1, sort_keys=True) + "\n")


def check_password(folder: Path, user: str, password: str) -> bool:
    """Whether `password` is `user`'s (an unknown user is checked against a dummy hash, as slowly)."""
    stored = read_hashes(folder).get(user)
    try:
        return _HASHER.verify(stored or _DUMMY_HASH, password) and stored is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def session_secret(folder: Path) -> str:
    """The key that signs session cookies: made once, kept in ``secret`` (0600) so sessions survive a restart."""
    path = folder / SECRET_FILE
    try:
        secret = path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        secret = ""
    if len(secret) < 32:
        secret = secrets.token_urlsafe(48)
        _write_private(path, secret + "\n")
    return secret


@dataclass
class Throttle:
    """Slows down guessing: after `free` wrong passwords for a name (or from an address), each further try
    must wait a delay that doubles, up to `max_wait_s`; a right password clears the count.

    Keyed by both the user name and the client address, so neither many names from one address nor one
    name from many addresses gets more tries.
    """

    free: int = 3
    first_wait_s: float = 2.0
    max_wait_s: float = 900.0
    clock: Callable[[], float] = time.monotonic
    _failures: dict[str, tuple[int, float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def wait_s(self, *keys: str) -> float:
        """Seconds before another try is allowed for these keys (0: now)."""
        now = self.clock()
        with self._lock:
            return max((self._wait(key, now) for key in keys), default=0.0)

    def _wait(self, key: str, now: float) -> float:
        count, last = self._failures.get(key, (0, 0.0))
        if count < self.free:
            return 0.0
        delay = min(self.first_wait_s * 2 ** (count - self.free), self.max_wait_s)
        return max(0.0, last + delay - now)

    def failed(self, *keys: str) -> None:
        now = self.clock()
        with self._lock:
            if len(self._failures) > _MAX_KEYS:  # many names tried: forget those whose wait has long passed
                stale = [k for k, (_, last) in self._failures.items() if now - last > 2 * self.max_wait_s]
                for key in stale:
                    del self._failures[key]
            for key in keys:
                count, _ = self._failures.get(key, (0, 0.0))
                self._failures[key] = (count + 1, now)

    def succeeded(self, *keys: str) -> None:
        with self._lock:
            for key in keys:
                self._failures.pop(key, None)
