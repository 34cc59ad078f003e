"""After the Prefect server comes back: what it kept in memory only is handed to it again; which
errors are the orchestration's, not the recording's (:func:`is_orchestration_error`); and a call the
Prefect API cannot serve for a moment made again with back-off (:func:`with_api_retries`).

The server holds the queue of background task runs (the model stages a flow run sends to the
model worker) in memory: a restart loses the stages that were waiting for the worker, and their
flow runs would wait for them until they time out. Those task runs are still Scheduled in the
database, and proposing that state again puts them back in the queue. A stage queued twice (the
API was only unreachable, the server kept its queue) is still computed once: the second copy
finds its run already finished, or the first one's cached result.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TypeVar

import httpx
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import TaskRunFilter, TaskRunFilterState, TaskRunFilterStateType, TaskRunFilterTags
from prefect.client.schemas.objects import StateType, TaskRun
from prefect.exceptions import ConfigurationError
from prefect.states import Scheduled

from flows.stage_wait import StageLostError
from flows.supervise import Backoff

logger = logging.getLogger(__name__)

PAGE = 200  # the most task runs the API returns at once
# Answers that say "not now" rather than "no": the request may be sent again as it was.
_RETRY_LATER = frozenset({408, 429})
# A call the Prefect API could not serve (unreachable, or busy: a 503) is made again, this many times
# in all, with these delays between (on top of the Prefect client's own retries).
API_TRIES = 5
API_BACKOFF = Backoff(first_s=1.0, max_s=16.0)

T = TypeVar("T")


def is_orchestration_error(error: BaseException | None) -> bool:
    """Whether `error` is the orchestration's failure rather than the recording's: the Prefect API could not
    be reached, or answered that it cannot serve the request now (5xx: a busy SQLite database is a 503;
    408; 429), or a model stage was lost (:class:`~flows.stage_wait.StageLostError`) or ran twice
    without its lock (a ``ConfigurationError`` about the isolation level).

    Prefect's client retries API calls a few times (``PREFECT_CLIENT_MAX_RETRIES``); an error still
    raised means the API was unavailable for longer, which is no reason to file a recording as failed.
    """
    if isinstance(error, httpx.TransportError | StageLostError):
        return True
    if isinstance(error, ConfigurationError) and "isolation level" in str(error).lower():
        # A stage's cache transaction found no lock: Prefect delivered the same task run twice to the model
        # worker while its server restarted (seen in test_killed_server_is_restarted). A rerun takes the lock.
        return True
    if isinstance(error, httpx.HTTPStatusError):
        response = getattr(error, "response", None)  # absent from an error rebuilt from a stored state
        code = response.status_code if response is not None else None
        return code is not None and (code >= 500 or code in _RETRY_LATER)
    return False


def with_api_retries(call: Callable[[], T], what: str) -> T:
    """`call()`, made again while the Prefect API cannot serve it (:data:`API_TRIES` in all, about 15 s of
    back-off); any other error, or the last one, is raised. `what` names the call in the log."""
    attempt = 1
    while True:
        try:
            return call()
        except Exception as e:
            if attempt >= API_TRIES or not is_orchestration_error(e):
                raise
            delay = API_BACKOFF.delay(attempt - 1)
            logger.warning(
                "The Prefect API could not serve %s (%s: %s); trying again in %.0f s", what, type(e).__name__, e, delay
            )
        time.sleep(delay)
        attempt += 1


def requeue_waiting_stages(tag: str) -> int:
    """Queue again this service's background task runs still waiting for a worker; returns how many.

    Args:
        tag: The tag of the service's model stages (:func:`flows.tasks.stage_tag`): another service's
            on a shared server are its own to requeue.
    """
    waiting = TaskRunFilter(
        state=TaskRunFilterState(type=TaskRunFilterStateType(any_=[StateType.SCHEDULED])),
        tags=TaskRunFilterTags(all_=[tag]),
    )
    with get_client(sync_client=True) as client:
        runs: list[TaskRun] = []
        while page := client.read_task_runs(task_run_filter=waiting, limit=PAGE, offset=len(runs)):
            runs += page  # all read before any is touched: a new state would reorder the pages
        # Only background task runs lived in the server's queue.
        deferred = [r for r in runs if r.state is not None and r.state.state_details.deferred]
        for run in deferred:
            assert run.state is not None
            details = run.state.state_details.model_copy(update={"transition_id": None})
            client.set_task_run_state(run.id, Scheduled(state_details=details), force=True)
    if deferred:
        logger.warning("Queued again %d model stage(s) that were waiting for the model worker", len(deferred))
    return len(deferred)
