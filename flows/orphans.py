"""Flow runs whose process is gone while the Prefect server still shows them Running or Pending.

Only `minutier serve` executes its deployments' runs, on this host, and each run holds an
exclusive lock on ``<home>/runs/<run id>.lock`` while its process lives (the kernel drops the
lock when the process dies, however it dies). A run is orphaned:

- when the service starts: no run of the previous service can still be alive;
- after an outage of the Prefect server: its lock file is left unlocked (its process died while
  the server could not be told), or it has none and has shown no sign of life for `GRACE_S` (its
  process died before taking it, e.g. while loading the run from the unreachable server).

An orphan is marked Crashed; the next reconcile finds its recording still in processing/ and
schedules it again.
"""

from __future__ import annotations

import fcntl
import logging
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import (
    FlowRunFilter,
    FlowRunFilterDeploymentId,
    FlowRunFilterId,
    FlowRunFilterState,
    FlowRunFilterStateType,
)
from prefect.client.schemas.objects import StateType
from prefect.exceptions import ObjectNotFound
from prefect.runtime import flow_run
from prefect.states import Crashed

from service.layout import Home

logger = logging.getLogger(__name__)

# Longer than a run's process takes from Pending to its lock (spawn and imports, on a loaded host).
GRACE_S = 120.0
# Prefect's runner reports a dead run itself once the API answers, retrying for about a minute: the
# check after an outage waits longer, so that it only takes the runs nobody will report (and never
# races the runner's report with the run scheduled again).
AFTER_OUTAGE_S = 90.0


def _lock_path(home: Path, run_id: str) -> Path:
    return Home(home).runs / f"{run_id}.lock"


@contextmanager
def run_lock(home: Path) -> Iterator[None]:
    """Hold the current flow run's lock while the block runs (nothing outside a flow run)."""
    run_id = flow_run.get_id()
    if not run_id:
        yield
        return
    path = _lock_path(home, run_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # blocks only for the instant a liveness check holds it
        yield
    finally:
        path.unlink(missing_ok=True)
        os.close(fd)


def process_gone(home: Path, run: Any, now: datetime) -> bool:
    """Whether the process of `run` (Running or Pending) is known to be gone."""
    try:
        fd = os.open(_lock_path(home, str(run.id)), os.O_RDWR)
    except FileNotFoundError:  # not started yet, or died before its lock: wait a little
        changed = run.state.timestamp if run.state is not None else None
        return changed is not None and now - changed > timedelta(seconds=GRACE_S)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return False  # its process holds it
    finally:
        os.close(fd)  # closing drops the shared lock this check may have taken
    return True


def crash_orphaned_runs(deployments: tuple[str, ...], home: Path | None = None) -> int:
    """Mark Crashed the runs of `deployments` still Running or Pending whose process is gone.

    Args:
        deployments: The service's deployments (only it executes their runs).
        home: The service home, where live runs hold their lock; None when the service starts,
            where every such run belonged to the previous service.

    Returns:
        How many runs were marked.
    """
    marked = 0
    now = datetime.now(UTC)
    with get_client(sync_client=True) as client:
        for name in deployments:
            try:
                deployment = client.read_deployment_by_name(name)
            except ObjectNotFound:  # first start: nothing can be left over
                continue
            runs = client.read_flow_runs(
                flow_run_filter=FlowRunFilter(
                    deployment_id=FlowRunFilterDeploymentId(any_=[deployment.id]),
                    state=FlowRunFilterState(type=FlowRunFilterStateType(any_=[StateType.RUNNING, StateType.PENDING])),
                )
            )
            for run in runs:
                if home is not None and not process_gone(home, run, now):
                    continue
                why = (
                    "the service stopped while this run was in progress"
                    if home is None
                    else "its process ended while the Prefect server was unreachable"
                )
                client.set_flow_run_state(run.id, Crashed(message=why), force=True)
                # A model stage sent to a killed worker stays Running for ever, and the retried run
                # would find it again (same task key): remove it so the retry submits the stage anew.
                for task_run in client.read_task_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[run.id]))):
                    if task_run.state is None or not task_run.state.is_final():
                        client.delete_task_run(task_run.id)
                logger.warning(
                    "Run %s was left %s (%s): marked Crashed", run.name, run.state.name if run.state else "?", why
                )
                marked += 1
    return marked


def crash_orphaned_runs_later(
    deployments: tuple[str, ...],
    home: Path,
    delay_s: float = AFTER_OUTAGE_S,
    then: Callable[[], object] | None = None,
) -> None:
    """:func:`crash_orphaned_runs` in `delay_s` seconds, in a background thread (after an outage).

    `then` is called when runs were marked: a reconcile asked for at once schedules their recordings
    again, instead of the next scheduled one (up to ``reconcile_s`` later).
    """

    def check() -> None:
        try:
            marked = crash_orphaned_runs(deployments, home)
        except Exception as e:  # the API went away again: the next return checks again
            logger.error("Could not look for runs orphaned by the outage (%s: %s)", type(e).__name__, e)
            return
        if marked and then is not None:
            then()

    timer = threading.Timer(delay_s, check)
    timer.daemon = True
    timer.start()
