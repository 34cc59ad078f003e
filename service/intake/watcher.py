"""Watching the inbox: file-system events wake the reconcile scan, which alone decides.

Native events (inotify, FSEvents, ReadDirectoryChangesW) are fast but do not reach across
network shares (SMB, NFS): use ``polling=True`` there. Either way the watcher only says "look
again"; :func:`service.intake.scan.scan_inbox` decides what is taken, so the watcher and the
periodic reconcile can never disagree, and a missed event only delays a file until the next scan.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.polling import PollingObserver

from service.clients import Clients
from service.intake.ledger import RecordingLedger
from service.intake.readiness import Readiness
from service.intake.scan import Ready, scan_inbox
from service.layout import Layout

logger = logging.getLogger(__name__)

DEFAULT_RECONCILE_S = 60.0
_DEBOUNCE_S = 0.5


class _Signal(FileSystemEventHandler):
    def __init__(self, on_change: Callable[[Path], None]) -> None:
        self._on_change = on_change

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write"):
            return
        target = getattr(event, "dest_path", "") or event.src_path
        path = Path(target.decode() if isinstance(target, bytes) else target)
        try:
            self._on_change(path)
        except Exception:  # a failing callback must not kill the observer thread
            logger.exception("Inbox change callback failed for %s", path)


class InboxWatcher:
    """Calls `on_change(path)` when something under `inbox_root` changes.

    Args:
        inbox_root: The ``inbox/`` folder (all client folders below it are watched).
        on_change: Called from the observer's thread with the changed path; keep it quick.
        polling: Poll the folder instead of using native events (network shares).
        poll_interval_s: Seconds between polls when polling.
    """

    def __init__(
        self,
        inbox_root: Path,
        on_change: Callable[[Path], None],
        *,
        polling: bool = False,
        poll_interval_s: float = 2.0,
    ) -> None:
        self.inbox_root = inbox_root
        self.polling = polling
        self._poll_interval_s = poll_interval_s
        self._handler = _Signal(on_change)
        self._observer: Any = PollingObserver(timeout=poll_interval_s) if polling else Observer()
        self._observer.schedule(self._handler, str(inbox_root), recursive=True)

    def start(self) -> None:
        try:
            self._observer.start()
        except OSError as e:  # e.g. the inotify watch limit: polling still works
            if self.polling:
                raise
            logger.warning("Native file events unavailable for %s (%s): polling instead", self.inbox_root, e)
            self.polling = True
            self._observer = PollingObserver(timeout=self._poll_interval_s)
            self._observer.schedule(self._handler, str(self.inbox_root), recursive=True)
            self._observer.start()
        logger.info("Watching %s (%s)", self.inbox_root, "polling" if self.polling else "native events")

    def stop(self) -> None:
        self._observer.stop()
        self._observer.join(timeout=10)

    def __enter__(self) -> InboxWatcher:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def run_intake(
    root: Path,
    clients: Clients,
    ledger: RecordingLedger,
    submit: Callable[[Ready], None],
    stop: threading.Event,
    *,
    readiness: Readiness | None = None,
    reconcile_s: float = DEFAULT_RECONCILE_S,
    polling: bool = False,
) -> None:
    """Watch the inboxes and submit each recording once, until `stop` is set (blocking).

    The first scan resumes recordings left in ``processing/``; later scans run on each
    file-system event, every `reconcile_s` seconds, and after the settle time while a file is
    still being written. A recording whose `submit` raises (orchestrator down) is kept and
    submitted again on the next scan, so nothing is lost; `submit` must therefore be idempotent
    (an idempotency key of client + sha256).

    Args:
        root: The service root.
        clients: Configured clients (their folders are created if missing).
        ledger: The recordings ledger.
        submit: Hands one recording to the orchestrator (e.g. creates a Prefect flow run).
        stop: Set it to return.
        readiness: File-completeness memory (default: 10 s settle time).
        reconcile_s: Seconds between scans when nothing happens.
        polling: Poll instead of native events (network shares).
    """
    readiness = readiness or Readiness()
    Layout(root).create(clients.folders)
    wake = threading.Event()
    unsent: dict[tuple[str, str], Ready] = {}
    first = True
    with InboxWatcher(Layout(root).inbox_root, lambda _path: wake.set(), polling=polling):
        while not stop.is_set():
            wake.clear()
            for ready in scan_inbox(root, clients, ledger, readiness, resume=first):
                unsent[(ready.client, ready.sha256)] = ready
            first = False
            for key, ready in list(unsent.items()):
                try:
                    submit(ready)
                except Exception as e:  # the orchestrator is down: keep it, try again next scan
                    logger.error("Could not submit %s for %s (will retry): %s", ready.name, ready.client, e)
                    break
                del unsent[key]
            wait = readiness.settle_s if (readiness.waiting or unsent) else reconcile_s
            if _wait_either(wake, stop, max(wait, _DEBOUNCE_S)):
                stop.wait(_DEBOUNCE_S)  # let a burst of events (a copy in progress) settle into one scan


def _wait_either(wake: threading.Event, stop: threading.Event, timeout: float) -> bool:
    """Wait until `wake` or `stop` is set or `timeout` passes; True when woken by `wake`."""
    deadline = time.monotonic() + timeout
    while not stop.is_set():
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        if wake.wait(min(left, 0.25)):
            return True
    return False
