"""Keeping `minutier serve` alive: child processes restarted when they die, the Prefect API watched.

The service starts two long-lived children: the embedded Prefect server (unless a remote one is
configured) and the model worker. A child that exits (a crash, the OOM killer, a SIGKILL) is
logged and restarted with exponential back-off, so one that keeps dying does not spin; one that
stayed up for `STABLE_S` starts again from the shortest delay. The Prefect API is watched too,
whoever runs it: its outage and its return are logged, and its return asks for a reconcile, so
the recordings dropped meanwhile (they wait in their inbox) are taken at once.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from flows.server import START_TIMEOUT_S, is_healthy, stop_process_group

logger = logging.getLogger(__name__)

STABLE_S = 60.0
# Consecutive failed health checks before the API counts as down: under load one slow answer is not an outage.
API_DOWN_AFTER = 2
API_CHECK_S = 2.0
API_TIMEOUT_S = 5.0
# What of a dead child's log goes into the line that reports its death.
LOG_TAIL_LINES = 5
LOG_TAIL_CHARS = 800


@dataclass(frozen=True, slots=True)
class Backoff:
    """Exponential delays: `first_s`, twice that, ... at most `max_s`."""

    first_s: float = 1.0
    max_s: float = 60.0

    def delay(self, failures: int) -> float:
        """The wait before the next attempt, after `failures` failed ones in a row."""
        return min(self.max_s, self.first_s * 2 ** min(failures, 30))


def describe_exit(code: int) -> str:
    """``exited with code 1`` or ``was killed by SIGKILL``, for a Popen return code."""
    if code >= 0:
        return f"exited with code {code}"
    try:
        return f"was killed by {signal.Signals(-code).name}"
    except ValueError:
        return f"was killed by signal {-code}"


def log_tail(path: Path, lines: int = LOG_TAIL_LINES, max_chars: int = LOG_TAIL_CHARS) -> str:
    """The last non-blank lines of a log, joined with " | " on one line (the last `max_chars` of them).

    Read from the end, so a log of any size costs a few kilobytes; "" when it cannot be read.
    """
    try:
        with path.open("rb") as log:
            log.seek(0, os.SEEK_END)
            log.seek(max(0, log.tell() - 16 * max_chars))
            text = log.read().decode("utf-8", "replace")
    except OSError:
        return ""
    last = [line.strip() for line in text.splitlines() if line.strip()][-lines:]
    joined = " | ".join(last)
    return joined if len(joined) <= max_chars else "..." + joined[-max_chars:]


def launch_child(command: list[str], log_path: Path) -> subprocess.Popen[bytes]:
    """Start a child of the service, its output appended to `log_path`, in a session of its own: the
    supervisor stops its whole process group, and a Ctrl-C in the service's terminal reaches the
    service only, which then stops it in order."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("ab") as log:
        return subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )


@dataclass
class _Child:
    """One supervised child process and its restart bookkeeping (touched by the supervisor thread only)."""

    name: str
    launch: Callable[[], subprocess.Popen[bytes]]
    ready: Callable[[], bool]
    log: Path | None
    serves_api: bool
    process: subprocess.Popen[bytes] | None = None
    started_at: float = 0.0
    is_ready: bool = False
    failures: int = 0
    due: float = 0.0
    down_since: float | None = None

    @property
    def see_log(self) -> str:
        return f" (see {self.log})" if self.log else ""

    @property
    def last_words(self) -> str:
        """Why it stopped, as its log says: the see-log hint and the log's last lines, on one line."""
        tail = log_tail(self.log) if self.log else ""
        return f"{self.see_log}; its log ends: {tail}" if tail else self.see_log


class Supervisor:
    """A thread that restarts the service's children and watches the Prefect API.

    Args:
        api_url: The Prefect API the service uses.
        backoff: Delays between restarts of a child that keeps failing.
        check_s: How often the children are looked at.
        api_check_s: How often the Prefect API's health is checked.
        ready_timeout_s: How long a restarted child may take to become ready before it is restarted again.
    """

    def __init__(
        self,
        api_url: str,
        *,
        backoff: Backoff | None = None,
        check_s: float = 1.0,
        api_check_s: float = API_CHECK_S,
        ready_timeout_s: float = START_TIMEOUT_S,
    ) -> None:
        self.api_url = api_url
        self.backoff = backoff or Backoff()
        self.check_s = check_s
        self.api_check_s = api_check_s
        self.ready_timeout_s = ready_timeout_s
        self._children: list[_Child] = []
        self._on_api_back: list[Callable[[], object]] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="supervisor", daemon=True)
        self._api_failures = 0
        self._api_down_since: float | None = None
        self._next_api_check = 0.0

    def add(
        self,
        name: str,
        process: subprocess.Popen[bytes],
        launch: Callable[[], subprocess.Popen[bytes]],
        *,
        ready: Callable[[], bool] | None = None,
        log: Path | None = None,
        serves_api: bool = False,
    ) -> None:
        """Supervise `process` (already running and ready); `launch` starts a new one when it dies.

        `serves_api` marks the Prefect server: its death is an outage of the API, however short.
        """
        child = _Child(name, launch, ready or (lambda: True), log, serves_api, process, time.monotonic(), is_ready=True)
        with self._lock:
            self._children.append(child)

    def on_api_back(self, callback: Callable[[], object]) -> None:
        """Call `callback` (from the supervisor's thread) each time the Prefect API answers again."""
        with self._lock:
            self._on_api_back.append(callback)

    def start(self) -> None:
        """Start supervising (once the API answers: an API still starting is not an outage)."""
        self._thread.start()

    def __enter__(self) -> Supervisor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        """Stop supervising, then stop the children, the last added first."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=self.check_s + API_TIMEOUT_S + 5)
        with self._lock:
            children = list(reversed(self._children))
        for child in children:
            if child.process is not None:
                stop_process_group(child.process)

    def _loop(self) -> None:
        while not self._stop.wait(self.check_s):
            with self._lock:
                children = list(self._children)
            for child in children:
                try:
                    self._tend(child, time.monotonic())
                except Exception:  # the supervisor must outlive any one failure
                    logger.exception("Supervising the %s failed", child.name)
            self._watch_api(time.monotonic())

    def _tend(self, child: _Child, now: float) -> None:
        if child.process is None:
            if now >= child.due and not self._stop.is_set():
                self._relaunch(child, now)
            return
        code = child.process.poll()
        if code is None:
            if not child.is_ready:
                self._check_ready(child, now)
            return
        child.failures = 0 if now - child.started_at >= STABLE_S else child.failures + 1
        delay = self.backoff.delay(child.failures)
        logger.error(
            "The %s (pid %d) %s; restarting it in %.0f s%s",
            child.name,
            child.process.pid,
            describe_exit(code),
            delay,
            child.last_words,
        )
        child.process, child.due = None, now + delay
        child.down_since = child.down_since or now
        if child.serves_api and self._api_down_since is None:
            # A restart quicker than the health checks would go unnoticed, and with it what the server forgot.
            self._api_down_since, self._api_failures = now, API_DOWN_AFTER

    def _relaunch(self, child: _Child, now: float) -> None:
        try:
            child.process = child.launch()
        except Exception as e:
            child.failures += 1
            delay = self.backoff.delay(child.failures)
            child.due = now + delay
            logger.error("Could not restart the %s: %s; next try in %.0f s", child.name, e, delay)
            return
        child.started_at, child.is_ready = now, False
        logger.warning("Restarted the %s (pid %d)", child.name, child.process.pid)

    def _check_ready(self, child: _Child, now: float) -> None:
        assert child.process is not None
        if child.ready():
            child.is_ready = True
            down = now - (child.down_since or now)
            child.down_since = None
            logger.info("The %s is back (pid %d), %.0f s after it stopped", child.name, child.process.pid, down)
        elif now - child.started_at > self.ready_timeout_s:
            logger.error(
                "The restarted %s did not become ready within %.0f s: restarting it%s",
                child.name,
                self.ready_timeout_s,
                child.see_log,
            )
            stop_process_group(child.process)
            child.failures += 1
            child.process, child.due = None, now + self.backoff.delay(child.failures)

    def _watch_api(self, now: float) -> None:
        if now < self._next_api_check:
            return
        self._next_api_check = now + self.api_check_s
        if not is_healthy(self.api_url, timeout=API_TIMEOUT_S):
            self._api_failures += 1
            if self._api_failures == API_DOWN_AFTER:
                self._api_down_since = now
                logger.error(
                    "The Prefect API at %s does not answer: recordings dropped now wait in their inbox "
                    "(none is lost) and are taken once it is back",
                    self.api_url,
                )
            return
        self._api_failures = 0
        if self._api_down_since is None:
            return
        logger.info(
            "The Prefect API at %s answers again (after %.0f s): asking for a reconcile",
            self.api_url,
            now - self._api_down_since,
        )
        self._api_down_since = None
        with self._lock:
            callbacks = list(self._on_api_back)
        for callback in callbacks:
            try:
                callback()
            except Exception:
                logger.exception("Could not act on the Prefect API's return")


def wait_for_api(api_url: str, hint: str, backoff: Backoff | None = None) -> None:
    """Block until the Prefect API at `api_url` answers, retrying with back-off and saying so in the log."""
    backoff = backoff or Backoff()
    failures = 0
    started = time.monotonic()
    while not is_healthy(api_url, timeout=API_TIMEOUT_S):
        delay = backoff.delay(failures)
        failures += 1
        logger.error("The Prefect API at %s does not answer (%s); trying again in %.0f s", api_url, hint, delay)
        time.sleep(delay)
    if failures:
        logger.info("The Prefect API at %s answers (waited %.0f s)", api_url, time.monotonic() - started)
