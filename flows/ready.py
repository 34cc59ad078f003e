"""The "ready" line of `minutier serve`: said once the server, the deployments and the model worker are up.

Until then a recording dropped in an inbox waits (it is not lost), but an operator following the
README wants to know when the service actually takes recordings. The server answers before the
deployments are served, and the model worker loads its models for a while after it starts: the
line waits for the last of them.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path

logger = logging.getLogger("flows.serve")

CHECK_S = 2.0


def ready_line(api_url: str, watched: tuple[int, Path] | None, clients_path: Path) -> str:
    """``minutier is ready: watching 2 client folder(s) under /srv/inbox, Prefect UI at http://...``.

    Args:
        api_url: The Prefect API (the UI is the same address without ``/api``).
        watched: How many client folders are watched, and the inbox they are under; None without
            a clients file.
        clients_path: The clients file (named when it does not exist).
    """
    what = (
        f"watching {watched[0]} client folder(s) under {watched[1]}"
        if watched is not None
        else f"no clients file at {clients_path}, so no folder is watched (runs are started from the Prefect UI)"
    )
    return f"minutier is ready: {what}, Prefect UI at {api_url.removesuffix('/api')}"


def worker_problem(ready_file: Path) -> str | None:
    """None while the model worker is starting, "" once it serves, else why its models did not load."""
    try:
        return ready_file.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None


class ReadyAnnouncer:
    """A thread that logs :func:`ready_line` once `deployments_served()` and the model worker's ready file say so.

    Args:
        line: What to log.
        ready_file: The model worker's ready file (see :func:`flows.worker.write_ready_file`).
        worker_log: Named when the worker's models did not load.
        deployments_served: Whether a runner serves the deployments; an error counts as not yet.
        check_s: How often the conditions are checked.
    """

    def __init__(
        self,
        line: str,
        ready_file: Path,
        worker_log: Path,
        deployments_served: Callable[[], bool],
        check_s: float = CHECK_S,
    ) -> None:
        self._line = line
        self._ready_file = ready_file
        self._worker_log = worker_log
        self._deployments_served = deployments_served
        self._check_s = check_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._wait, name="ready-announcer", daemon=True)

    def __enter__(self) -> ReadyAnnouncer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=self._check_s + 5)

    def _wait(self) -> None:
        while not self._stop.wait(self._check_s):
            served = self._served()  # asked at every check: it may compare with its first answer
            problem = worker_problem(self._ready_file)
            if problem is None or not served:
                continue
            if problem:
                logger.error(
                    "%s; but the model worker could not load the models, so recordings will fail until it can "
                    "(%s; see %s)",
                    self._line,
                    problem,
                    self._worker_log,
                )
            else:
                logger.info("%s", self._line)
            return

    def _served(self) -> bool:
        try:
            return self._deployments_served()
        except Exception as e:  # the API is busy or restarting: asked again at the next check
            logger.debug("Deployments not confirmed served yet: %s: %s", type(e).__name__, e)
            return False
