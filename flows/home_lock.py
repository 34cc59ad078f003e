"""One `minutier serve` per state folder.

Two services on one home would share its ledgers, work files and Prefect database: the second
would mark the first's live runs Crashed and run its recordings again. `minutier serve` therefore
holds an exclusive lock on ``<home>/serve.lock`` for its whole life. The kernel drops the lock when
the process ends, however it ends (a SIGKILL, a power cut), so a stale file never blocks a start;
the pid and host written in it only name the holder in the refusal.
"""

from __future__ import annotations

import fcntl
import logging
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flows.server import ServiceError
from service.layout import Home

logger = logging.getLogger(__name__)


@contextmanager
def hold_home(home: Path) -> Iterator[None]:
    """Hold the lock of the state folder `home` while the block runs.

    Raises:
        ServiceError: another process holds it (another `minutier serve` uses this home).
    """
    path = Home(home).serve_lock
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ServiceError(
                f"another minutier serve ({_holder(fd)}) already uses {home}: "
                "stop it first, or give this one another MINUTIER_HOME"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()} {socket.gethostname()}\n".encode(), 0)
        logger.debug("Holding %s", path)
        yield
        os.ftruncate(fd, 0)  # released: the file names no one
    finally:
        os.close(fd)  # drops the lock


def _holder(fd: int) -> str:
    """``pid 1234`` (and ``on HOST`` when it is not this host), from the lock file's content."""
    try:
        pid, _, host = os.pread(fd, 512, 0).decode("utf-8", "replace").strip().partition(" ")
    except OSError:
        pid, host = "", ""
    if not pid.isdigit():  # the holder has not written it yet
        return "pid unknown"
    return f"pid {pid}" if host in ("", socket.gethostname()) else f"pid {pid} on {host}"
