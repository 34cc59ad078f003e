"""Watched folders on Prefect: the `reconcile-inbox` flow takes complete recordings from the
clients' inboxes and submits each once; the watcher only asks for a reconcile sooner.

The reconcile deployment runs on a schedule (so files dropped while the service was down, or
missed by the watcher, are taken) and on file-system events. Exactly-once rests on the ledger
(a recording is claimed once) and on Prefect's idempotency key (client + content hash): a
recording submitted twice is one flow run. A run that crashed (worker killed) is scheduled
again when its recording is found still in processing/.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime
from pathlib import Path

from prefect import flow
from prefect.client.orchestration import get_client
from prefect.client.schemas.objects import StateType
from prefect.deployments import run_deployment
from prefect.states import Scheduled

from flows.delivery import service_clients
from flows.submit import PROCESS_DEPLOYMENT, RECONCILE_DEPLOYMENT, idempotency_key
from pipeline.config import Settings, load_settings, service_root
from pipeline.intake import InboxWatcher, Layout, Readiness, Ready, RecordingLedger, scan_inbox
from pipeline.ledger import default_ledger_path
from pipeline.retention import AUDIT_LOG, purge_archive

logger = logging.getLogger(__name__)

MAX_SETTLE_ROUNDS = 60
_RETRYABLE = {StateType.CRASHED, StateType.CANCELLED}


def submit_ready(ready: Ready, config: str | None) -> str:
    """Create the recording's flow run (or find it); reschedule it if its last attempt crashed."""
    run = run_deployment(
        PROCESS_DEPLOYMENT,
        parameters={"recording_path": str(ready.path), "client": ready.client, "config": config,
                    "sha256": ready.sha256},
        timeout=0,
        as_subflow=False,  # each recording is its own run, not a child of the reconcile that found it
        idempotency_key=idempotency_key(ready.client, ready.sha256),
        tags=[f"client:{ready.client}"],
    )
    state = run.state
    if state is not None and state.type in _RETRYABLE:
        with get_client(sync_client=True) as client:
            client.set_flow_run_state(run.id, Scheduled(), force=True)
        logger.warning("Run %s of %s had %s: scheduled again", run.name, ready.name, state.name)
    elif ready.resumed:
        logger.info("Recording %s of %s is already in run %s (%s)", ready.name, ready.client, run.name,
                    state.name if state else "?")
    return str(run.id)


@flow(name="reconcile-inbox", persist_result=False)
def reconcile_inbox(config: str | None = None) -> list[str]:
    """Take every complete new recording from the inboxes (and resume interrupted ones); submit each."""
    settings = load_settings(config)
    clients = service_clients(settings)
    if clients is None:
        logger.info("No clients file: nothing to watch")
        return []
    root = service_root(settings.service)
    Layout(root).create(clients.folders)
    readiness = Readiness(settings.service.settle_s)
    submitted: list[str] = []
    with RecordingLedger(default_ledger_path(settings.service.home_dir)) as ledger:
        for round_ in range(MAX_SETTLE_ROUNDS):
            for ready in scan_inbox(root, clients, ledger, readiness, resume=round_ == 0):
                submitted.append(submit_ready(ready, config))
            if not readiness.waiting:
                break
            time.sleep(readiness.settle_s)  # a file is still being written: look again once it may have settled
        purge_archive(root, ledger, settings.service.retention_days, datetime.now(),
                      settings.service.home_dir / AUDIT_LOG)
    logger.info("Reconcile: %d recording(s) submitted or resumed", len(submitted))
    return submitted


class InboxTrigger:
    """Watches the inboxes and asks for a reconcile run when something changes (debounced)."""

    def __init__(self, settings: Settings, config: str | None, debounce_s: float = 2.0) -> None:
        self._config = config
        self._debounce_s = debounce_s
        self._event = threading.Event()
        self._stop = threading.Event()
        root = service_root(settings.service)
        self._watcher = InboxWatcher(root / "inbox", lambda _path: self._event.set(),
                                     polling=settings.service.polling)
        self._thread = threading.Thread(target=self._loop, name="inbox-trigger", daemon=True)

    def _loop(self) -> None:
        while not self._stop.is_set():
            if not self._event.wait(0.5):
                continue
            self._stop.wait(self._debounce_s)
            self._event.clear()
            try:
                run_deployment(RECONCILE_DEPLOYMENT, parameters={"config": self._config}, timeout=0, as_subflow=False)
            except Exception as e:  # server down: the schedule reconciles once it is back
                logger.error("Could not ask for a reconcile run: %s", e)

    def __enter__(self) -> InboxTrigger:
        self._watcher.start()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._watcher.stop()
        self._thread.join(timeout=5)


def crash_orphaned_runs(deployments: tuple[str, ...]) -> int:
    """Mark Crashed the runs of `deployments` still Running or Pending when the service starts.

    Only this service executes its deployments, so such a run was in a process that died with
    the previous service (killed, power cut). Crashed, it is rescheduled by the next reconcile,
    which finds its recording still in processing/. Returns how many runs were marked.
    """
    from prefect.client.schemas.filters import (
        FlowRunFilter,
        FlowRunFilterDeploymentId,
        FlowRunFilterId,
        FlowRunFilterState,
        FlowRunFilterStateType,
    )
    from prefect.exceptions import ObjectNotFound
    from prefect.states import Crashed

    marked = 0
    with get_client(sync_client=True) as client:
        for name in deployments:
            try:
                deployment = client.read_deployment_by_name(name)
            except ObjectNotFound:  # first start: nothing can be left over
                continue
            orphans = client.read_flow_runs(flow_run_filter=FlowRunFilter(
                deployment_id=FlowRunFilterDeploymentId(any_=[deployment.id]),
                state=FlowRunFilterState(type=FlowRunFilterStateType(any_=[StateType.RUNNING, StateType.PENDING])),
            ))
            for run in orphans:
                client.set_flow_run_state(run.id, Crashed(message="the service stopped while this run was in progress"),
                                          force=True)
                # A model stage sent to the killed worker stays Running for ever, and the retried run
                # would find it again (same task key): remove it so the retry submits the stage anew.
                for task_run in client.read_task_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[run.id]))):
                    if task_run.state is None or not task_run.state.is_final():
                        client.delete_task_run(task_run.id)
                logger.warning("Run %s was left %s by the previous service: marked Crashed", run.name,
                               run.state.name if run.state else "?")
                marked += 1
    return marked


def ensure_service_folders(settings: Settings) -> Path | None:
    """Create inbox/<client>/ ... for every configured client (checked at start, refused if invalid)."""
    clients = service_clients(settings)
    if clients is None:
        return None
    root = service_root(settings.service)
    Layout(root).create(clients.folders)
    logger.warning("Watching %d client folder(s) under %s", len(clients), root / "inbox")
    return root
