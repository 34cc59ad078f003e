"""A model stage sent to the model worker is waited for through a server outage, but never for ever: lost
(deleted by a worker that could not submit it, or never taken while the worker had nothing else to do),
it is submitted once more, then the run fails with a reason."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from uuid import UUID, uuid4

import httpx
import pytest
from prefect.client.schemas.objects import State
from prefect.states import Completed, Running, Scheduled

from flows.stage_wait import PrefectProbe, StageLostError, worker_result

BOUND_S = 600.0
READY_BOUND_S = 120.0
POLL_S = 5.0

# What the probe reads for a task run at each poll: a state, None (gone), or an error (the server away).
Step = State | None | Exception


@dataclass
class Clock:
    now: float = 0.0

    def __call__(self) -> float:
        return self.now


@dataclass
class Future:
    """A stand-in for Prefect's distributed future: waiting moves the clock on by the timeout."""

    clock: Clock
    value: str
    task_run_id: UUID = field(default_factory=uuid4)

    def wait(self, timeout: float | None = None) -> None:
        self.clock.now += timeout or 0.0

    def result(self) -> str:
        return self.value


@dataclass
class Probe:
    """A stand-in for the Prefect API: each task run's states, poll after poll (the last one stays)."""

    clock: Clock
    scripts: dict[UUID, list[Step]] = field(default_factory=dict)
    busy: Callable[[float], bool] = lambda now: False
    ready: Callable[[float], bool] = lambda now: False
    abandoned: list[UUID] = field(default_factory=list)

    def state(self, task_run_id: UUID) -> State | None:
        script = self.scripts[task_run_id]
        step = script.pop(0) if len(script) > 1 else script[0]
        if isinstance(step, Exception):
            self.clock.now += POLL_S  # the request timed out
            raise step
        return step

    def others_active(self, task_run_id: UUID) -> bool:
        return self.busy(self.clock.now)

    def abandon(self, task_run_id: UUID, reason: str) -> None:
        self.abandoned.append(task_run_id)

    def worker_ready(self) -> bool:
        return self.ready(self.clock.now)


class Submissions:
    """Sends the stage again: each copy's task run follows the next script."""

    def __init__(self, probe: Probe, *scripts: list[Step]) -> None:
        self.probe, self.scripts, self.sent = probe, list(scripts), []

    def __call__(self) -> Future:
        future = Future(self.probe.clock, f"result of copy {len(self.sent) + 1}")
        self.probe.scripts[future.task_run_id] = self.scripts.pop(0)
        self.sent.append(future)
        return future


def _wait(probe: Probe, first: list[Step], *copies: list[Step]) -> tuple[str, Submissions]:
    submit = Submissions(probe, first, *copies)
    result = worker_result(
        submit(),
        submit,
        probe=probe,
        what="transcribe",
        hint="is the model worker running? See /srv/home/logs/model-worker.log",
        unclaimed_s=BOUND_S,
        ready_unclaimed_s=READY_BOUND_S,
        poll_s=POLL_S,
        clock=probe.clock,
    )
    return result, submit


def test_a_stage_deleted_by_a_worker_that_could_not_submit_it_is_sent_again(caplog: pytest.LogCaptureFixture) -> None:
    probe = Probe(Clock())
    with caplog.at_level(logging.WARNING):
        result, submit = _wait(probe, [Scheduled(), None], [Scheduled(), Running(), Completed()])
    assert result == "result of copy 2"
    assert probe.abandoned == [submit.sent[0].task_run_id]
    assert "was deleted before it ran" in caplog.text and "submitting it again" in caplog.text


def test_a_stage_no_idle_worker_takes_is_sent_again_then_fails_the_run_with_its_reason() -> None:
    probe = Probe(Clock())
    with pytest.raises(StageLostError) as lost:
        _wait(probe, [Scheduled()], [Scheduled()])
    message = str(lost.value)
    assert "the model stage transcribe was not taken by a model worker in 600 s while none was busy" in message
    assert "and again once submitted anew" in message and "/srv/home/logs/model-worker.log" in message
    assert "\n" not in message
    assert len(probe.abandoned) == 2  # neither copy is left for a worker to run later
    assert probe.clock.now < 2 * (BOUND_S + 3 * POLL_S), "waited far longer than the bound"


def test_a_stage_an_idle_worker_that_is_up_does_not_take_is_sent_again_after_the_shorter_bound() -> None:
    """The service's own worker says its models are loaded and it has nothing to do: a stage it has not
    taken in two minutes was lost (such a worker takes one within a second); it is not left for ten."""
    probe = Probe(Clock(), ready=lambda now: True)
    result, submit = _wait(probe, [Scheduled()], [Scheduled(), Running(), Completed()])
    assert result == "result of copy 2" and probe.abandoned == [submit.sent[0].task_run_id]
    assert READY_BOUND_S <= probe.clock.now < READY_BOUND_S + 4 * POLL_S


def test_a_worker_restarting_meanwhile_gets_the_long_bound_back() -> None:
    """Its ready file is removed while it starts again and loads its models: the stage waits for it."""
    probe = Probe(Clock(), ready=lambda now: now < 60 or now > 400)  # restarting from 60 s to 400 s
    waiting = [Scheduled()] * int(380 / POLL_S)
    result, submit = _wait(probe, [*waiting, Running(), Completed()])
    assert result == "result of copy 1" and len(submit.sent) == 1 and not probe.abandoned


def test_a_stage_waiting_its_turn_behind_busy_stages_is_never_lost() -> None:
    probe = Probe(Clock(), busy=lambda now: now < 5 * BOUND_S)  # the worker busy with others for a long time
    waiting = [Scheduled()] * int(5 * BOUND_S / POLL_S)
    result, submit = _wait(probe, [*waiting, Running(), Completed()])
    assert result == "result of copy 1" and len(submit.sent) == 1 and not probe.abandoned


def test_a_worker_idle_for_an_instant_between_two_stages_does_not_make_a_stage_lost() -> None:
    instants = iter([False, True])  # idle at the first check past the bound, busy at the next one
    probe = Probe(Clock(), busy=lambda now: next(instants, True))
    waiting = [Scheduled()] * int(1.5 * BOUND_S / POLL_S)
    result, submit = _wait(probe, [*waiting, Completed()])
    assert result == "result of copy 1" and len(submit.sent) == 1


def test_the_server_away_longer_than_the_bound_is_waited_out(caplog: pytest.LogCaptureFixture) -> None:
    probe = Probe(Clock())
    run = uuid4()
    outage: list[Step] = [httpx.ConnectError("connection refused")] * int(3 * BOUND_S / POLL_S)
    probe.scripts[run] = [
        Scheduled(),
        *outage,
        Scheduled(),
        Scheduled(),
        Scheduled(),
        Completed(),
    ]  # time away not counted
    with caplog.at_level(logging.WARNING):
        result = worker_result(
            Future(probe.clock, "done", task_run_id=run),
            None,
            probe=probe,
            unclaimed_s=BOUND_S,
            poll_s=0.0,  # no real sleep: the stand-in's failed requests move the clock
            clock=probe.clock,
        )
    assert result == "done" and not probe.abandoned
    assert "waiting for the Prefect server" in caplog.text and "found again" in caplog.text


def test_without_a_way_to_resend_a_lost_stage_fails_at_once() -> None:
    probe = Probe(Clock())
    run = uuid4()
    probe.scripts[run] = [None]
    with pytest.raises(StageLostError, match=r"^the model stage diarize was deleted before it ran"):
        worker_result(Future(probe.clock, "x", task_run_id=run), None, probe=probe, what="diarize", clock=probe.clock)
    assert probe.abandoned == [run]


def test_the_worker_is_up_once_its_ready_file_is_written_empty(tmp_path: Path) -> None:
    ready = tmp_path / "model-worker.ready"
    probe = PrefectProbe("minutier-stage:home_x", ready)
    assert not probe.worker_ready()  # starting: not written yet
    ready.write_text("Whisper model 'nope' not found", encoding="utf-8")
    assert not probe.worker_ready()  # its models did not load: its stages fail with that reason
    ready.write_text("", encoding="utf-8")
    assert probe.worker_ready()
    assert not PrefectProbe("minutier-stage:home_x").worker_ready()  # a worker elsewhere says nothing here
