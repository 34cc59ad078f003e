"""A fake Prefect API as the reconcile and the crash hook use it: flow runs created by idempotency key,
their task runs, forced state changes, and refusals (a busy server's 503, a connection refused)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID, uuid4

import httpx
import pytest
from prefect.client.schemas.objects import State
from prefect.states import Scheduled

from flows import intake, recovery
from flows.supervise import Backoff


def status_error(code: int) -> httpx.HTTPStatusError:
    """The error the Prefect client raises for an answer with this status."""
    request = httpx.Request("POST", "http://127.0.0.1:4200/api/deployments/x/create_flow_run")
    return httpx.HTTPStatusError(f"{code}", request=request, response=httpx.Response(code, request=request))


@dataclass
class Run:
    name: str
    state: State | None
    id: UUID = field(default_factory=uuid4)


@dataclass
class TaskRun:
    name: str
    state: State
    id: UUID = field(default_factory=uuid4)


@dataclass
class FakeApi:
    """The Prefect API as the reconcile uses it: runs by idempotency key, their task runs, state changes."""

    runs: dict[str, Run] = field(default_factory=dict)
    task_runs: dict[UUID, list[TaskRun]] = field(default_factory=dict)
    refusals: list[Exception] = field(default_factory=list)  # raised by the next submissions, in order
    keys: list[str] = field(default_factory=list)
    scheduled: list[UUID] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)

    def run_deployment(self, name: str, *, idempotency_key: str, **kwargs: Any) -> Run:
        self.keys.append(idempotency_key)
        if self.refusals:
            raise self.refusals.pop(0)
        return self.runs.setdefault(idempotency_key, Run(f"run {len(self.runs) + 1}", Scheduled()))

    # The sync client, as `with get_client(sync_client=True) as client` gives it.
    def read_task_runs(self, flow_run_filter: Any) -> list[TaskRun]:
        [run_id] = flow_run_filter.id.any_
        return list(self.task_runs.get(run_id, []))

    def delete_task_run(self, task_run_id: UUID) -> None:
        for runs in self.task_runs.values():
            for run in [r for r in runs if r.id == task_run_id]:
                runs.remove(run)
                self.deleted.append(run.name)

    def set_flow_run_state(self, run_id: UUID, state: State, force: bool = False) -> None:
        assert force and state.is_scheduled()
        self.scheduled.append(run_id)
        for run in self.runs.values():
            if run.id == run_id:
                run.state = state


def install(monkeypatch: pytest.MonkeyPatch) -> FakeApi:
    """Put a fake API in place of the one flows.intake talks to; the API's back-off takes no time."""
    fake = FakeApi()

    @contextmanager
    def get_client(sync_client: bool = False) -> Iterator[FakeApi]:
        yield fake

    monkeypatch.setattr(intake, "run_deployment", fake.run_deployment)
    monkeypatch.setattr(intake, "get_client", get_client)
    monkeypatch.setattr(recovery, "API_BACKOFF", Backoff(first_s=0.0, max_s=0.0))
    return fake
