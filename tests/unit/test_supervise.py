"""The service's supervisor: a dead child is logged and restarted with back-off; the Prefect API's
outage and return are logged, and its return is acted on. Real processes, a real HTTP server."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from flows.supervise import Backoff, Supervisor, describe_exit, log_tail


def _wait(predicate: Callable[[], Any], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


class _Health(BaseHTTPRequestHandler):
    up = True

    def do_GET(self) -> None:
        self.send_response(200 if type(self).up and self.path == "/api/health" else 503)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def api() -> Iterator[tuple[str, type[_Health]]]:
    handler = type("Health", (_Health,), {"up": True})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/api", handler
    finally:
        server.shutdown()
        server.server_close()


def _sleeper() -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"], start_new_session=True)


def test_backoff_doubles_up_to_its_cap() -> None:
    assert [Backoff(1, 60).delay(n) for n in range(8)] == [1, 2, 4, 8, 16, 32, 60, 60]
    assert Backoff(0.5, 3).delay(1000) == 3


def test_exits_are_described_for_an_operator() -> None:
    assert describe_exit(-signal.SIGKILL) == "was killed by SIGKILL"
    assert describe_exit(3) == "exited with code 3"


def test_a_killed_child_is_restarted_and_stopped_with_the_supervisor(
    api: tuple[str, type[_Health]], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="flows.supervise")
    started: list[subprocess.Popen[bytes]] = []

    def launch() -> subprocess.Popen[bytes]:
        started.append(_sleeper())
        return started[-1]

    supervisor = Supervisor(api[0], backoff=Backoff(0.2, 1), check_s=0.05, api_check_s=0.1)
    first = launch()
    supervisor.add("model worker", first, launch)
    with supervisor:
        supervisor.start()
        for round_ in range(2):  # dying again right away: a longer wait before the restart
            os.kill(started[-1].pid, signal.SIGKILL)
            _wait(lambda n=round_: len(started) == n + 2, 10, "a restart")
            _wait(lambda: "is back" in caplog.text, 10, "the child to be back")
        assert started[-1].poll() is None and first.poll() == -signal.SIGKILL
    assert started[-1].wait(10) is not None, "the supervisor left its child running"
    deaths = [r.getMessage() for r in caplog.records if "was killed by SIGKILL" in r.getMessage()]
    assert len(deaths) == 2 and "restarting it in 0 s" in deaths[0] and "restarting it in 1 s" in deaths[1]
    assert f"Restarted the model worker (pid {started[1].pid})" in caplog.text


def test_api_outage_is_logged_and_its_return_acted_on(
    api: tuple[str, type[_Health]], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="flows.supervise")
    url, health = api
    returns: list[float] = []
    supervisor = Supervisor(url, check_s=0.05, api_check_s=0.1)
    supervisor.on_api_back(lambda: returns.append(time.monotonic()))
    with supervisor:
        supervisor.start()
        time.sleep(0.5)
        assert not returns and "does not answer" not in caplog.text  # up from the start: nothing to say
        health.up = False
        _wait(lambda: "does not answer" in caplog.text, 5, "the outage to be noticed")
        health.up = True
        _wait(lambda: returns, 5, "the return to be acted on")
        time.sleep(0.5)
    assert len(returns) == 1 and "answers again" in caplog.text


def test_a_child_that_exits_quietly_is_reported_with_its_code_and_the_end_of_its_log(
    api: tuple[str, type[_Health]], caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    log = tmp_path / "model-worker.log"
    log.write_text("".join(f"INFO loaded line {n}\n" for n in range(5000)), encoding="utf-8")
    started: list[subprocess.Popen[bytes]] = []

    def launch() -> subprocess.Popen[bytes]:
        started.append(_sleeper())
        return started[-1]

    caplog.set_level(logging.INFO, logger="flows.supervise")
    script = "print('INFO Subscribing to runs of task(s): transcribe'); print(); print('INFO the end')"
    with log.open("ab") as out:  # exits 0 at once: the model worker that left under load without a word
        quiet = subprocess.Popen([sys.executable, "-c", script], stdout=out, start_new_session=True)
    supervisor = Supervisor(api[0], backoff=Backoff(0.2, 1), check_s=0.05, api_check_s=0.1)
    supervisor.add("model worker", quiet, launch, log=log)
    with supervisor:
        supervisor.start()
        _wait(lambda: started, 10, "a restart")
    (line,) = [r.getMessage() for r in caplog.records if "exited with code 0" in r.getMessage()]
    assert line.startswith(f"The model worker (pid {quiet.pid}) exited with code 0; restarting it in 0 s (see {log})")
    assert line.endswith(
        "its log ends: INFO loaded line 4997 | INFO loaded line 4998 | INFO loaded line 4999 |"
        " INFO Subscribing to runs of task(s): transcribe | INFO the end"
    )
    assert "\n" not in line


def test_log_tail_reads_the_end_only_and_stays_short(tmp_path: Path) -> None:
    assert log_tail(tmp_path / "missing.log") == ""
    (tmp_path / "empty.log").write_text("\n\n", encoding="utf-8")
    assert log_tail(tmp_path / "empty.log") == ""
    long = tmp_path / "long.log"
    long.write_text("x" * 5000 + "\nend\n", encoding="utf-8")
    tail = log_tail(long, lines=2, max_chars=100)
    assert len(tail) == 103 and tail.startswith("...x") and tail.endswith(" | end")
