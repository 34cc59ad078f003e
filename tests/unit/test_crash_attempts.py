"""A crashed run is tried again `MAX_ATTEMPTS` times in all, counted in runs started, and the crash
hook's request for a reconcile survives a busy Prefect API.

Every reconcile looks in processing/: one that finds a recording whose run is still going on (or
waiting for its turn) must not count an attempt, or a long run seen by a few scheduled reconciles
would leave no attempt for a real crash and a good recording would be filed under failed/. The
reconcile and the crash hook run for real on a service folder; a fake Prefect API stands in for the
server (see :mod:`tests.unit.fake_prefect`).
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from uuid import uuid4

import httpx
import pytest
from prefect.client.schemas.objects import State
from prefect.exceptions import ObjectNotFound, PrefectHTTPStatusError
from prefect.states import Crashed, Pending, Running, Scheduled

from flows import intake, process, recovery
from flows.intake import SubmissionError
from service.intake import RecordingLedger
from service.layout import Home, Layout
from service.settings import ServiceConfig, load_config
from tests.unit.fake_prefect import FakeApi, Run, install, status_error

CLIENTS = '[clients.acme]\nname = "ACME SA"\nrecipients = ["direction@acme.example"]\nlanguage = "fr"\n'
CONTENT = b"RIFF conseil"


class Service:
    """A service folder (settle time 0) with its config file, reconciled and crashed by hand."""

    def __init__(self, tmp_path: Path, api: FakeApi) -> None:
        self.home = tmp_path / "home"
        self.home.mkdir()
        (self.home / "clients.toml").write_text(CLIENTS, encoding="utf-8")
        self.config = tmp_path / "minutier.toml"
        self.config.write_text(f'[service]\nhome_dir = "{self.home.as_posix()}"\nsettle_s = 0\n', encoding="utf-8")
        self.settings: ServiceConfig = load_config(self.config)
        Layout(self.home).create(("acme",))  # as `minutier serve` does at start
        self.api = api
        self.asked: list[str] = []  # the crash hook's reconcile requests (their idempotency keys)

    def drop(self, name: str = "conseil.wav") -> None:
        staged = self.home / name
        staged.write_bytes(CONTENT)
        shutil.move(staged, self.home / "inbox" / "acme" / name)

    def reconcile(self) -> list[str]:
        return intake._reconcile(self.settings, str(self.config))

    def run(self) -> Run:
        (run,) = [r for r in self.api.runs.values() if r.state is not None and not r.state.is_final()]
        return run

    def crash(self, run: Run, state: State | None = None, name: str = "conseil.wav") -> None:
        """The run's process is killed: Prefect runs its crash hook (with the run's parameters)."""
        run.state = state or Crashed(message="Flow run process exited with code -9")
        (entry,) = self.entries()
        flow_run = SimpleNamespace(
            id=run.id,
            name=f"acme / {name}",
            parameters={
                "recording_path": str(entry.path),
                "client": "acme",
                "config": str(self.config),
                "sha256": entry.sha256,
            },
        )
        process.on_run_crashed(None, flow_run, run.state)

    def entries(self) -> tuple[Any, ...]:
        with RecordingLedger(Home(self.home).ledger) as ledger:
            return ledger.entries(client="acme")

    @property
    def attempts(self) -> int:
        (entry,) = self.entries()
        return int(entry.attempts)

    def processing(self) -> list[str]:
        return sorted(p.name for p in (self.home / "processing" / "acme").iterdir())

    def failed(self) -> list[str]:
        folder = self.home / "failed" / "acme"
        return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


@pytest.fixture
def service(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Service:
    svc = Service(tmp_path, install(monkeypatch))

    def ask(*args: Any, idempotency_key: str, **kwargs: Any) -> None:
        svc.asked.append(idempotency_key)

    monkeypatch.setattr(process, "run_deployment", ask)
    monkeypatch.setattr(process, "publish_failure", lambda *args: None)  # a Prefect artifact
    return svc


@pytest.mark.parametrize("live", [Running(), Pending(), Scheduled()], ids=["running", "pending", "queued"])
def test_a_long_run_seen_by_scheduled_reconciles_is_tried_again_after_one_crash(
    service: Service, live: State, caplog: pytest.LogCaptureFixture
) -> None:
    service.drop()
    service.reconcile()
    run = service.run()
    assert service.attempts == 1
    run.state = live
    for _ in range(process.MAX_ATTEMPTS + 1):  # scheduled reconciles during a long run (or a long queue)
        service.reconcile()
    assert service.attempts == 1 and service.api.scheduled == []

    with caplog.at_level(logging.WARNING, logger="flows.process"):
        service.crash(run)

    assert service.processing() == ["conseil.wav"] and service.failed() == []
    assert "attempt 1 of 3: it will be tried again" in caplog.text
    assert len(service.asked) == 1
    service.reconcile()  # the one the hook asked for
    assert service.api.scheduled == [run.id] and service.attempts == 2


def test_each_run_started_counts_until_the_recording_is_filed_as_failed(service: Service) -> None:
    service.drop()
    service.reconcile()
    run = service.run()
    for attempt in range(1, process.MAX_ATTEMPTS + 1):
        run.state = Running()
        service.reconcile()  # a scheduled reconcile while it runs: no attempt
        assert service.attempts == attempt
        service.crash(run)
        if attempt < process.MAX_ATTEMPTS:
            assert service.failed() == [], attempt
            service.reconcile()
            assert len(service.api.scheduled) == attempt
    assert service.failed() == ["conseil.wav", "conseil.wav.reason.txt"]
    assert service.processing() == [] and service.entries()[0].state == "failed"
    assert len(service.asked) == process.MAX_ATTEMPTS - 1 and len(set(service.asked)) == len(service.asked)


def test_a_run_the_api_refused_to_create_is_one_attempt_when_a_later_reconcile_creates_it(service: Service) -> None:
    service.drop()
    service.api.refusals = [status_error(503)] * recovery.API_TRIES
    with pytest.raises(SubmissionError):
        service.reconcile()
    assert service.api.runs == {} and service.processing() == ["conseil.wav"]
    service.reconcile()  # resumed from processing/: its run is created now
    assert len(service.api.runs) == 1 and service.attempts == 1


def test_a_recording_dropped_again_after_its_crashes_has_all_its_attempts_again(service: Service) -> None:
    service.drop()
    service.reconcile()
    first = service.run()
    for attempt in range(1, process.MAX_ATTEMPTS + 1):
        service.crash(first)
        if attempt < process.MAX_ATTEMPTS:
            service.reconcile()
    assert service.failed() == ["conseil.wav", "conseil.wav.reason.txt"]

    shutil.move(service.home / "failed" / "acme" / "conseil.wav", service.home / "inbox" / "acme" / "conseil.wav")
    service.reconcile()  # a secretary's retry: a new life, a new run
    second = service.run()
    assert second.id != first.id and service.attempts == 1
    service.crash(second)
    assert service.processing() == ["conseil.wav"], "one crash filed the re-dropped recording as failed"


def test_the_crash_hooks_reconcile_request_is_made_again_while_the_api_is_busy(
    service: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    answers: list[Exception | None] = [
        PrefectHTTPStatusError.from_httpx_error(status_error(503)),  # SQLite busy, after the client's own retries
        httpx.ConnectError("All connection attempts failed"),
        None,
    ]
    keys: list[str] = []

    def run_deployment(name: str, *, idempotency_key: str, **kwargs: Any) -> None:
        assert name == "reconcile-inbox/minutier" and kwargs["parameters"] == {"config": str(service.config)}
        keys.append(idempotency_key)
        if error := answers.pop(0):
            raise error

    monkeypatch.setattr(process, "run_deployment", run_deployment)
    service.drop()
    service.reconcile()
    service.crash(service.run())
    assert answers == [] and len(keys) == 3 and len(set(keys)) == 1  # one reconcile, however often asked


def test_a_reconcile_request_still_refused_leaves_the_recording_to_the_scheduled_reconcile(
    service: Service, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    calls: list[str] = []

    def refused(*args: Any, **kwargs: Any) -> None:
        calls.append("refused")
        raise status_error(503)

    monkeypatch.setattr(process, "run_deployment", refused)
    service.drop()
    service.reconcile()
    with caplog.at_level(logging.WARNING, logger="flows.process"):
        service.crash(service.run())  # the hook itself never fails
    assert len(calls) == recovery.API_TRIES and service.processing() == ["conseil.wav"]
    assert "the next scheduled one takes the recording again" in caplog.text


def test_a_reconcile_deployment_that_is_not_served_is_asked_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []

    def not_served(*args: Any, **kwargs: Any) -> None:
        calls.append("asked")
        raise ObjectNotFound(http_exc=Exception("deployment not found"))

    monkeypatch.setattr(process, "run_deployment", not_served)
    process._ask_for_reconcile(None, f"reconcile after run {uuid4()} crashed ({uuid4()})")
    assert calls == ["asked"]
