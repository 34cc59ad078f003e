"""The model worker loads Whisper and the diarization model before it serves any recording."""

from __future__ import annotations

import logging
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import flows.worker as worker
from pipeline.errors import ModelUnavailableError


class FakeModel:
    def __init__(self, events: list[str], name: str, error: Exception | None = None) -> None:
        self._events, self._name, self._error = events, name, error

    def load(self) -> None:
        if self._error is not None:
            raise self._error
        self._events.append(f"load {self._name}")


class StandIn:
    """A test double with no loader, like those of the service tests."""


def _run(
    monkeypatch: pytest.MonkeyPatch,
    whisper_error: Exception | None = None,
    argv: list[str] | None = None,
    diarizer: type = FakeModel,
) -> list[str]:
    events: list[str] = []
    monkeypatch.setattr("pipeline.models.get_transcriber", lambda s: FakeModel(events, "whisper", whisper_error))
    monkeypatch.setattr("pipeline.models.get_diarizer", lambda s: diarizer(events, "diarization"))
    monkeypatch.setattr(worker, "serve", lambda *tasks, limit: events.append(f"serve {len(tasks)} tasks"))
    monkeypatch.setattr(worker, "log_stop_signals", lambda: None)  # the test process keeps its own handlers
    try:
        worker.main(argv or [])
    except SystemExit as end:  # the stand-in serve() returns at once: the worker says so and exits
        if end.code != worker.SERVE_RETURNED_EXIT:
            raise
    return events


def test_models_load_before_serving(monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO):
        events = _run(monkeypatch)
    assert events == ["load whisper", "load diarization", "serve 3 tasks"]
    assert "Loaded the whisper model in" in caplog.text and "Loaded the diarization model in" in caplog.text


def test_stand_ins_without_a_loader_are_served_as_they_are(monkeypatch: pytest.MonkeyPatch) -> None:
    assert _run(monkeypatch, diarizer=lambda events, name: StandIn()) == ["load whisper", "serve 3 tasks"]


def test_a_model_that_cannot_load_is_a_clear_error(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    error = ModelUnavailableError("Whisper model 'large-v9' cannot be loaded: no such model")
    events = _run(monkeypatch, whisper_error=error)
    assert "Models not loaded: Whisper model 'large-v9' cannot be loaded: no such model" in caplog.text
    assert events == ["serve 3 tasks"]  # runs then fail with the same error, visible on each run


def test_a_bad_config_stops_the_worker(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[Any]
) -> None:
    with pytest.raises(SystemExit) as stop:
        _run(monkeypatch, argv=["--config", str(tmp_path / "missing.toml")])
    assert stop.value.code == 2 and "configuration file not found" in capsys.readouterr().err


def test_serve_returning_is_logged_and_exits_non_zero(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(worker, "log_stop_signals", lambda: None)
    with pytest.raises(SystemExit) as end:
        worker.serve_until_stopped(lambda: None)
    assert end.value.code == worker.SERVE_RETURNED_EXIT == 75
    assert "Model worker stopping: serving returned (the Prefect server ended the subscription" in caplog.text


def test_an_exception_out_of_serve_is_logged_with_its_traceback(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(worker, "log_stop_signals", lambda: None)

    def broken() -> None:
        raise ConnectionError("websocket closed: 1011 keepalive ping timeout")

    with pytest.raises(ConnectionError):
        worker.serve_until_stopped(broken)
    (record,) = [r for r in caplog.records if r.getMessage().startswith("Model worker stopping")]
    assert record.levelno == logging.CRITICAL and record.exc_info is not None
    assert (
        record.getMessage() == "Model worker stopping: ConnectionError: websocket closed: 1011 keepalive ping timeout"
    )


def test_a_signal_is_logged_and_still_ends_the_worker_by_that_signal(tmp_path: Path) -> None:
    script = (
        "import logging, sys, time\n"
        "import flows.worker as worker\n"
        "logging.basicConfig(level=logging.INFO)\n"
        "def serve():\n"
        "    print('serving', flush=True)\n"
        "    time.sleep(60)\n"
        "worker.serve_until_stopped(serve)\n"
    )
    child = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=Path.cwd()
    )
    assert child.stdout is not None
    assert child.stdout.readline().strip() == b"serving"
    child.send_signal(signal.SIGTERM)
    output = child.communicate(timeout=30)[0].decode()
    assert child.returncode == -signal.SIGTERM, output  # the supervisor still reads "killed by SIGTERM"
    assert "Model worker stopping: received SIGTERM" in output
