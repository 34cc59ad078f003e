"""Watched folders on Prefect: the `reconcile-inbox` flow takes complete recordings from the
clients' inboxes and submits each once; the watcher only asks for a reconcile sooner.

The reconcile deployment runs on a schedule (so files dropped while the service was down, or
missed by the watcher, are taken) and on file-system events. Exactly-once rests on the ledger
(a recording is claimed once) and on Prefect's idempotency key (client + content hash): a
recording submitted twice is one flow run. A run that crashed (worker killed), or that failed
through no fault of its recording (the Prefect API or the model worker failed it, and its failure
hook kept the recording in processing/ to be tried again), is scheduled again when its recording is
found still in processing/. A submission the Prefect API cannot take for a moment is tried again.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import cast
from uuid import UUID

from prefect import flow
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId
from prefect.client.schemas.objects import FlowRun, StateType
from prefect.deployments import run_deployment
from prefect.states import Scheduled

from flows.delivery import service_clients
from flows.orphans import run_lock
from flows.recovery import is_orchestration_error, with_api_retries
from flows.retention import apply_retention
from flows.server import ServiceError
from flows.submit import PROCESS_DEPLOYMENT, RECONCILE_DEPLOYMENT, idempotency_key
from flows.supervise import Backoff
from flows.tasks import service_key
from service.intake import InboxWatcher, Readiness, Ready, RecordingLedger, scan_inbox
from service.layout import Home, Layout
from service.settings import ServiceConfig, ServiceSettings, default_home, load_config, service_root

logger = logging.getLogger(__name__)

MAX_SETTLE_ROUNDS = 60
_RETRYABLE = {StateType.CRASHED, StateType.CANCELLED}


class SubmissionError(ServiceError):
    """Recordings taken into processing/ whose run the Prefect API would not create: the next reconcile
    submits them (they are resumed from processing/)."""


def submit_ready(
    ready: Ready, config: str | None, service: ServiceSettings, ledger: RecordingLedger | None = None
) -> str:
    """Create the recording's flow run (or find it); schedule it again if its last attempt crashed.

    One run per life of a recording: a recording dropped again after a failed run is a new run
    (``ready.retry`` is in its key), never the failed one found again. With the `ledger`, a
    failed run found for a fresh drop (its failure never reached the ledger) starts a new life too.
    A failed run found for a recording resumed from processing/ is scheduled again: a run that
    failed because of its recording moved it to failed/, so this one failed because of the
    orchestration (see ``on_run_crashed`` in :mod:`flows.process`), which bounds its attempts: with
    the `ledger`, each run scheduled again counts one (a run merely found going on counts none).
    The key also names the service: two services on one Prefect server never share a run.
    """
    run = _run_for(ready, config, service, ready.retry)
    state = run.state
    if state is not None and state.type == StateType.FAILED and not ready.resumed and ledger is not None:
        retry = ledger.retry(ready.client, ready.sha256)
        logger.warning(
            "Recording %s of %s was dropped again after its run %s failed: a new run (retry %d)",
            ready.name,
            ready.client,
            run.name,
            retry,
        )
        run = _run_for(ready, config, service, retry)
        state = run.state
    # A resumed recording's failed run: its failure hook kept the recording for another attempt.
    kept = ready.resumed and ready.path.exists()
    if state is not None and (state.type in _RETRYABLE or (state.type == StateType.FAILED and kept)):
        with_api_retries(lambda: _schedule_again(run.id), f"scheduling run {run.name} again")
        # Counted once scheduled (a refused one is counted by the reconcile that schedules it), so
        # the crash hook's MAX_ATTEMPTS bounds the runs started, not the reconciles that saw one.
        attempt = ledger.count_attempt(ready.client, ready.sha256) if ledger is not None else None
        logger.warning(
            "Run %s of %s had %s: scheduled again%s",
            run.name,
            ready.name,
            state.name,
            f" (attempt {attempt})" if attempt is not None else "",
        )
    elif ready.resumed:
        logger.info(
            "Recording %s of %s is already in run %s (%s)",
            ready.name,
            ready.client,
            run.name,
            state.name if state else "?",
        )
    return str(run.id)


def _schedule_again(run_id: UUID) -> None:
    """Put a finished run back in the queue, without the task runs that ended with no result.

    A rerun finds its task runs again by their keys: a model stage abandoned as lost (Cancelled) or
    failed would be found instead of being sent anew, and fail the rerun. Completed ones are reused.
    """
    with get_client(sync_client=True) as client:
        for task_run in client.read_task_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[run_id]))):
            if task_run.state is not None and task_run.state.is_final() and not task_run.state.is_completed():
                client.delete_task_run(task_run.id)
        client.set_flow_run_state(run_id, Scheduled(), force=True)


def _run_for(ready: Ready, config: str | None, service: ServiceSettings, retry: int) -> FlowRun:
    """The flow run of this life of the recording, created if it has none (the first life's key has no suffix)."""
    return with_api_retries(lambda: _create_run(ready, config, service, retry), f"the run of {ready.name}")


def _create_run(ready: Ready, config: str | None, service: ServiceSettings, retry: int) -> FlowRun:
    return cast(
        FlowRun,
        run_deployment(  # the sync call: Prefect's return type also lists its coroutine
            PROCESS_DEPLOYMENT,
            parameters={
                "recording_path": str(ready.path),
                "client": ready.client,
                "config": config,
                "sha256": ready.sha256,
            },
            timeout=0,
            as_subflow=False,  # each recording is its own run, not a child of the reconcile that found it
            idempotency_key=idempotency_key(
                ready.client, ready.sha256, service_key(service) + (f" retry {retry}" if retry else "")
            ),
            tags=[f"client:{ready.client}"],
        ),
    )


# A reconcile that failed (a run the API would not create) is tried again soon, not at the next scheduled
# one (`reconcile_s`, minutes later): it is idempotent, and its recordings wait in processing/ meanwhile.
RECONCILE_RETRIES = 2
RECONCILE_RETRY_S = 30


@flow(
    name="reconcile-inbox",
    persist_result=False,
    retries=RECONCILE_RETRIES,
    retry_delay_seconds=RECONCILE_RETRY_S,
)
def reconcile_inbox(config: str | None = None) -> list[str]:
    """Take every complete new recording from the inboxes (and resume interrupted ones); submit each."""
    with run_lock(default_home()):
        return _reconcile(load_config(config), config)


def _reconcile(settings: ServiceConfig, config: str | None) -> list[str]:
    clients = service_clients(settings)
    if clients is None:
        logger.info("No clients file (or none valid yet): nothing to watch")
        return []
    root = service_root(settings.service)
    Layout(root).create(clients.folders)
    readiness = Readiness(settings.service.settle_s)
    submitted: list[str] = []
    unsent: list[Ready] = []
    with RecordingLedger(Home(settings.service.home_dir).ledger) as ledger:
        for round_ in range(MAX_SETTLE_ROUNDS):
            found = scan_inbox(root, clients, ledger, readiness, resume=round_ == 0)
            submitted += submit_each(found, lambda ready: submit_ready(ready, config, settings.service, ledger), unsent)
            if not readiness.waiting:
                break
            time.sleep(readiness.settle_s)  # a file is still being written: look again once it may have settled
        apply_retention(settings, root, ledger, {client.folder: client.language for client in clients})
    logger.info("Reconcile: %d recording(s) submitted or resumed", len(submitted))
    if unsent:
        names = ", ".join(f"{ready.client}/{ready.name}" for ready in unsent)
        raise SubmissionError(
            f"the Prefect API would not create the run of {names}: they wait in processing/ for the next reconcile"
        )
    return submitted


def submit_each(found: Iterable[Ready], submit: Callable[[Ready], str], unsent: list[Ready]) -> list[str]:
    """Submit each recording; one the Prefect API keeps refusing is added to `unsent`, the others still go."""
    submitted: list[str] = []
    for ready in found:
        try:
            submitted.append(submit(ready))
        except Exception as e:
            if not is_orchestration_error(e):
                raise
            logger.error(
                "Could not submit %s of %s (%s: %s): it waits in processing/ for the next reconcile",
                ready.name,
                ready.client,
                type(e).__name__,
                e,
            )
            unsent.append(ready)
    return submitted


class InboxTrigger:
    """Watches the inboxes and asks for a reconcile run when something changes (debounced).

    A request the Prefect API cannot take (server down) is kept and tried again with back-off,
    so the recordings that arrived meanwhile are taken as soon as it answers.
    """

    def __init__(
        self, settings: ServiceConfig, config: str | None, debounce_s: float = 2.0, backoff: Backoff | None = None
    ) -> None:
        self._config = config
        self._debounce_s = debounce_s
        self._backoff = backoff or Backoff()
        self._event = threading.Event()  # a reconcile is wanted
        self._wake = threading.Event()  # ... now: cuts a back-off short
        self._stop = threading.Event()
        root = service_root(settings.service)
        self._watcher = InboxWatcher(
            Layout(root).inbox_root, lambda _path: self._event.set(), polling=settings.service.polling
        )
        self._thread = threading.Thread(target=self._loop, name="inbox-trigger", daemon=True)

    def request(self) -> None:
        """Ask for a reconcile run now, even during a back-off (e.g. the Prefect API answers again)."""
        self._event.set()
        self._wake.set()

    def _loop(self) -> None:
        failures = 0
        while not self._stop.is_set():
            if not self._event.wait(0.5):
                continue
            self._stop.wait(self._debounce_s)
            self._event.clear()
            self._wake.clear()
            try:
                run_deployment(RECONCILE_DEPLOYMENT, parameters={"config": self._config}, timeout=0, as_subflow=False)
            except Exception as e:  # the API does not answer: keep the request, files wait in the inbox
                delay = self._backoff.delay(failures)
                failures += 1
                logger.error(
                    "Could not ask for a reconcile run (%s: %s): new recordings wait in their inbox; "
                    "trying again in %.0f s",
                    type(e).__name__,
                    e,
                    delay,
                )
                self._event.set()
                self._wake.wait(delay)
                continue
            if failures:
                logger.info("Reconcile run requested after %d failed attempt(s)", failures)
            failures = 0

    def __enter__(self) -> InboxTrigger:
        self._watcher.start()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._wake.set()
        self._watcher.stop()
        self._thread.join(timeout=5)


def ensure_service_folders(settings: ServiceConfig) -> tuple[int, Path] | None:
    """Create inbox/<client>/ ... for every configured client (checked at start, refused if invalid).

    Returns:
        How many client folders are watched, and the inbox folder they are in; None without a
        clients file.
    """
    clients = service_clients(settings, starting=True)
    if clients is None:
        return None
    root = service_root(settings.service)
    Layout(root).create(clients.folders)
    inbox = Layout(root).inbox_root
    logger.info("Watching %d client folder(s) under %s", len(clients), inbox)
    return len(clients), inbox
