"""Waiting for a model stage sent to the model worker: through an outage of the server, never for ever.

A stage sent with ``Task.delay`` is a task run that waits, Scheduled, in the Prefect server's queue
of its task key until the model worker takes it. The wait goes on while the server is unreachable
or restarting: the stage goes on in the worker, and `minutier serve` queues it again if the server
lost it (:mod:`flows.recovery`). Failing then would file a good recording under failed/ because of
the orchestrator. Two things are not waited out:

- the task run is gone: a worker took it and could not submit it (Prefect deletes a task run whose
  parameters it cannot read: "Failed to read parameters for task run ...");
- it is not taken for `UNCLAIMED_S` while this service's model worker has nothing else to do (no
  other stage of the service pending or running): the server's queue lost it, or the worker that
  took it died before starting it. `READY_UNCLAIMED_S` while the service's own worker says it is
  up (its models loaded): such a worker takes a stage within a second of its creation.

Such a stage is submitted once more; lost again, the run fails with :class:`StageLostError`, which
names the stage and what to look at. A stage waiting its turn behind others is never counted lost.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol
from uuid import UUID

import httpx
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import (
    TaskRunFilter,
    TaskRunFilterState,
    TaskRunFilterStateType,
    TaskRunFilterTags,
)
from prefect.client.schemas.objects import State, StateType
from prefect.exceptions import ObjectNotFound
from prefect.states import Cancelled, Pending

from flows.server import ServiceError

logger = logging.getLogger(__name__)

# Long enough for a model worker that was restarted to load its models and come back.
UNCLAIMED_S = 600.0
# While the worker is known to be up and idle; still long enough for one restarted meanwhile, whose
# ready file is removed when it starts again, to be seen restarting.
READY_UNCLAIMED_S = 120.0
# Idle checks in a row, a poll apart, before a waiting stage counts as unclaimed: a worker is idle
# for an instant between two stages.
IDLE_CHECKS = 2


class StageLostError(ServiceError):
    """A model stage no model worker ran, even once submitted again: the orchestration lost it."""


class StageProbe(Protocol):
    """What the wait reads from (and tells) the Prefect API about a stage's task run."""

    def state(self, task_run_id: UUID) -> State | None:
        """The task run's state; None when the task run no longer exists."""
        ...

    def others_active(self, task_run_id: UUID) -> bool:
        """Whether another stage of this service is pending or running (its worker is busy)."""
        ...

    def abandon(self, task_run_id: UUID, reason: str) -> None:
        """Mark the task run Cancelled, so that no worker runs it later (a copy replaces it)."""
        ...

    def worker_ready(self) -> bool:
        """Whether the service's own model worker says it is up, its models loaded."""
        ...


@dataclass(frozen=True, slots=True)
class PrefectProbe:
    """:class:`StageProbe` on the Prefect API; `tag` marks this service's model stages, `ready_file` is
    the one its own model worker writes, empty, once its models are loaded (None: a worker elsewhere)."""

    tag: str
    ready_file: Path | None = None

    def worker_ready(self) -> bool:
        try:
            return self.ready_file is not None and self.ready_file.stat().st_size == 0
        except OSError:  # not written yet, or removed by a worker starting again
            return False

    def state(self, task_run_id: UUID) -> State | None:
        with get_client(sync_client=True) as client:
            try:
                run = client.read_task_run(task_run_id)
            except ObjectNotFound:
                return None
        return run.state or Pending()  # a task run without a state yet is still being created

    def others_active(self, task_run_id: UUID) -> bool:
        active = TaskRunFilter(
            tags=TaskRunFilterTags(all_=[self.tag]),
            state=TaskRunFilterState(type=TaskRunFilterStateType(any_=[StateType.PENDING, StateType.RUNNING])),
        )
        with get_client(sync_client=True) as client:
            runs = client.read_task_runs(task_run_filter=active, limit=3)
        return any(run.id != task_run_id for run in runs)

    def abandon(self, task_run_id: UUID, reason: str) -> None:
        try:
            with get_client(sync_client=True) as client:
                client.set_task_run_state(task_run_id, Cancelled(message=reason), force=True)
        except ObjectNotFound:
            pass
        except Exception as e:  # best effort: a copy that runs twice is computed once (cached result)
            logger.warning("Could not cancel the lost stage %s (%s: %s)", task_run_id, type(e).__name__, e)


@dataclass(slots=True)
class _Unclaimed:
    """How long a stage has waited for a worker that had nothing else to do."""

    bound_s: float
    ready_bound_s: float
    since: float | None = None
    idle: int = 0

    def reset(self) -> None:
        self.since, self.idle = None, 0

    def lost(
        self, now: float, waiting: bool, others_active: Callable[[], bool], worker_ready: Callable[[], bool]
    ) -> float | None:
        """The bound the stage waited past with the worker idle (it is lost), else None."""
        if not waiting:
            self.reset()
            return None
        if self.since is None:
            self.since = now
        waited = now - self.since
        if waited < self.ready_bound_s:
            return None
        bound = self.ready_bound_s if worker_ready() else self.bound_s
        if waited < bound:
            return None
        if others_active():  # the worker is busy: this stage waits its turn, and the clock starts again
            self.since, self.idle = now, 0
            return None
        self.idle += 1
        return bound if self.idle >= IDLE_CHECKS else None


def worker_result(
    future: Any,
    resubmit: Callable[[], Any] | None = None,
    *,
    probe: StageProbe,
    what: str = "model stage",
    hint: str = "",
    unclaimed_s: float = UNCLAIMED_S,
    ready_unclaimed_s: float = READY_UNCLAIMED_S,
    poll_s: float = 5.0,
    clock: Callable[[], float] = time.monotonic,
) -> Any:
    """The result of a stage sent to the model worker (see the module's docstring).

    Args:
        future: The stage's future (``Task.delay``).
        resubmit: Sends the same stage again, returning its new future (None: never resent).
        probe: Reads the stage's task run and the service's other stages.
        what: The stage's name, for the log and the error.
        hint: Where to look when the stage is lost (e.g. the model worker's log).
        unclaimed_s: How long a stage may wait while the worker has nothing else to do.
        ready_unclaimed_s: The same, while the service's own worker says it is up (`probe.worker_ready`).
        poll_s: How often the stage's state is read again.
        clock: Monotonic seconds (tests move it).

    Raises:
        StageLostError: the stage was lost, and lost again once submitted anew.
    """
    sent_again = False
    while True:
        lost = _await_final(future, probe, _Unclaimed(unclaimed_s, min(ready_unclaimed_s, unclaimed_s)), poll_s, clock)
        if lost is None:
            return future.result()
        probe.abandon(future.task_run_id, f"lost: {lost}")
        if sent_again or resubmit is None:
            again = ", and again once submitted anew" if sent_again else ""
            raise StageLostError(
                f"the model stage {what} {lost}{again} (task run {future.task_run_id}){'; ' + hint if hint else ''}"
            )
        logger.warning("Model stage %s (task run %s) %s: submitting it again", what, future.task_run_id, lost)
        future, sent_again = resubmit(), True


def _await_final(
    future: Any, probe: StageProbe, unclaimed: _Unclaimed, poll_s: float, clock: Callable[[], float]
) -> str | None:
    """Wait until the stage's task run is final (None), or say how it was lost.

    Its state is read again at each poll: a completion event that fires before Prefect's waiter is
    subscribed would otherwise be missed for good.
    """
    lost_since: float | None = None
    while True:
        try:
            state = probe.state(future.task_run_id)
            if state is None:
                return "was deleted before it ran: a model worker could not submit it (see its log)"
            if state.is_final():
                return None
            waiting = state.is_scheduled() or state.is_pending()
            bound = unclaimed.lost(
                clock(), waiting, lambda: probe.others_active(future.task_run_id), probe.worker_ready
            )
            if bound is not None:
                return f"was not taken by a model worker in {bound:.0f} s while none was busy"
            future.wait(timeout=poll_s)
        except ObjectNotFound:  # deleted between two reads: the next read says so
            continue
        except (httpx.HTTPError, RuntimeError) as e:
            if isinstance(e, RuntimeError) and "has no state" not in str(e):
                raise
            unclaimed.reset()  # time the server was away does not count
            if lost_since is None:
                lost_since = clock()
                logger.warning(
                    "Lost track of model stage %s (%s: %s): waiting for the Prefect server",
                    future.task_run_id,
                    type(e).__name__,
                    e,
                )
            time.sleep(poll_s)
            continue
        if lost_since is not None:
            logger.warning("Model stage %s found again after %.0f s", future.task_run_id, clock() - lost_since)
            lost_since = None
