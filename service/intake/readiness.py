"""When a dropped file is complete: a name that is not temporary, and a size and mtime that stay put.

Copy tools write under a temporary name and rename at the end (``*.part``, ``*.crdownload``,
``~$*`` ...); those names are never taken. Tools that write in place (Explorer onto a share,
``cp``) are caught by watching the size and modification time: a file is ready once both have
not changed for the settle time. A copy that preserves the source's mtime still grows, so size
and mtime are both watched, on the monotonic clock (the share's clock may be wrong).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

TEMPORARY_SUFFIXES = (".part", ".partial", ".crdownload", ".tmp", ".temp", ".download", ".moving", ".writing")
TEMPORARY_PREFIXES = (".", "~$", "~lock.")
SYSTEM_NAMES = frozenset({"thumbs.db", "desktop.ini", "icon\r"})
DEFAULT_SETTLE_S = 10.0


def is_temporary(name: str) -> bool:
    """Whether `name` is a temporary, hidden or system file that is never taken as a recording.

    >>> is_temporary("réunion.m4a.part"), is_temporary("~$notes.docx"), is_temporary(".DS_Store")
    (True, True, True)
    >>> is_temporary("réunion.m4a")
    False
    """
    lowered = name.lower()
    return lowered.startswith(TEMPORARY_PREFIXES) or lowered.endswith(TEMPORARY_SUFFIXES) or lowered in SYSTEM_NAMES


@dataclass(frozen=True, slots=True)
class _Seen:
    size: int
    mtime_ns: int
    since: float


class Readiness:
    """Remembers what each inbox file looked like, to tell when it stopped changing.

    One instance lives as long as the service; the scan feeds it every file it sees.

    Args:
        settle_s: How long size and mtime must stay unchanged (0 takes a file on first sight).
        clock: Monotonic seconds; replaced in tests.
    """

    def __init__(self, settle_s: float = DEFAULT_SETTLE_S, clock: Callable[[], float] = time.monotonic) -> None:
        if settle_s < 0:
            raise ValueError(f"settle_s must be >= 0, got {settle_s}")
        self.settle_s = settle_s
        self._clock = clock
        self._seen: dict[Path, _Seen] = {}
        self._reported: set[str] = set()
        self._lock = threading.Lock()

    def observe(self, path: Path, size: int, mtime_ns: int) -> bool:
        """Record a look at `path`; True once it has kept this size and mtime for the settle time."""
        now = self._clock()
        with self._lock:
            seen = self._seen.get(path)
            if seen is None or (seen.size, seen.mtime_ns) != (size, mtime_ns):
                seen = _Seen(size, mtime_ns, now)
                self._seen[path] = seen
            return now - seen.since >= self.settle_s

    def steady_for(self, path: Path) -> float:
        """Seconds `path` has looked the same (0 when it is not watched)."""
        with self._lock:
            seen = self._seen.get(path)
            return self._clock() - seen.since if seen is not None else 0.0

    @property
    def waiting(self) -> bool:
        """Whether some file was seen but is not ready yet (the scan should look again soon)."""
        with self._lock:
            return bool(self._seen)

    def forget(self, path: Path) -> None:
        """Drop what is known of `path` (it was moved, or changed while being hashed)."""
        with self._lock:
            self._seen.pop(path, None)

    def keep_only(self, paths: set[Path]) -> None:
        """Forget files that are no longer there."""
        with self._lock:
            for gone in set(self._seen) - paths:
                del self._seen[gone]

    def first_report(self, key: str) -> bool:
        """True the first time `key` is reported, so a warning about it is logged once, not every scan."""
        with self._lock:
            if key in self._reported:
                return False
            self._reported.add(key)
            return True
