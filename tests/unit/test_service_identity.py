"""One service per state folder, never a server or a worker that is not its own: the home lock, the
refusal of a taken port, the server's identity, and the per-service task keys of the model stages."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import pytest

import flows.worker as worker
from flows.home_lock import hold_home
from flows.server import ServiceError, answers_as, launch_local_server, wait_healthy
from flows.tasks import service_key, service_stages
from pipeline.errors import ConfigError
from service.settings import ServiceSettings, load_config

ROOT = Path(__file__).resolve().parents[2]


def test_a_second_holder_of_a_home_is_refused_with_the_first_ones_pid(tmp_path: Path) -> None:
    with hold_home(tmp_path):
        assert (tmp_path / "serve.lock").read_text().split()[0] == str(os.getpid())
        with pytest.raises(ServiceError) as refused, hold_home(tmp_path):
            pass
    assert str(refused.value) == (
        f"another minutier serve (pid {os.getpid()}) already uses {tmp_path}: "
        "stop it first, or give this one another MINUTIER_HOME"
    )
    with hold_home(tmp_path):  # released on exit
        pass


def test_the_lock_of_a_killed_service_is_released_by_the_kernel(tmp_path: Path) -> None:
    code = (
        "import sys, time\nfrom pathlib import Path\nfrom flows.home_lock import hold_home\n"
        "with hold_home(Path(sys.argv[1])):\n    print('held', flush=True)\n    time.sleep(60)"
    )
    holder = subprocess.Popen([sys.executable, "-c", code, str(tmp_path)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(ServiceError, match=rf"\(pid {holder.pid}\) already uses"), hold_home(tmp_path):
            pass
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    with hold_home(tmp_path):  # no stale lock: the kernel dropped it with the process
        pass


@pytest.fixture
def taken_port() -> Iterator[int]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


def test_a_taken_port_is_refused_before_any_server_starts(taken_port: int, tmp_path: Path) -> None:
    env = {"PREFECT_HOME": str(tmp_path / "prefect")}
    with pytest.raises(ServiceError) as refused:
        launch_local_server("127.0.0.1", taken_port, env, tmp_path / "logs" / "server.log")
    message = str(refused.value)
    assert message.startswith(f"port {taken_port} on 127.0.0.1 is already taken")
    assert "another [service] port" in message and f'api_url = "http://127.0.0.1:{taken_port}/api"' in message
    assert not (tmp_path / "logs").exists()  # nothing was started


class _PrefectLike(BaseHTTPRequestHandler):
    """Answers /api/health, and /api/admin/settings with the home it was given (404 without one)."""

    home: str | None = None

    def do_GET(self) -> None:
        if self.path == "/api/health":
            body: Any = True
        elif self.path == "/api/admin/settings" and self.home is not None:
            body = {"home": self.home}
        else:
            self.send_error(404)
            return
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        pass


def _serve(home: str | None) -> tuple[HTTPServer, str]:
    handler = type("Handler", (_PrefectLike,), {"home": home})
    server = HTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/api"


def test_a_server_is_known_by_its_home(tmp_path: Path) -> None:
    other, url = _serve(str(tmp_path / "other" / "prefect"))
    silent, silent_url = _serve(None)
    try:
        assert answers_as(url, tmp_path / "other" / "prefect")
        assert not answers_as(url, tmp_path / "mine" / "prefect")
        assert answers_as(silent_url, tmp_path / "mine" / "prefect")  # one that does not tell is taken at its word
    finally:
        other.shutdown()
        silent.shutdown()


def test_another_server_that_took_the_port_first_is_not_mistaken_for_ours(tmp_path: Path) -> None:
    """Two services started at once: the other's server answers, ours exits (the port is taken)."""
    other, url = _serve(str(tmp_path / "other" / "prefect"))
    ours = subprocess.Popen([sys.executable, "-c", "raise SystemExit(1)"])
    try:
        with pytest.raises(ServiceError, match=r"^port \d+ on 127\.0\.0\.1 is already taken"):
            wait_healthy(url, 30, ours, tmp_path / "mine" / "prefect")
    finally:
        ours.wait()
        other.shutdown()


def _settings(home: Path, name: str | None = None) -> ServiceSettings:
    return ServiceSettings(home_dir=home, api_url="http://127.0.0.1:9/api", name=name)


def _keys(service: ServiceSettings) -> set[str]:
    return {task.task_key for task in service_stages(service).all()}


def test_two_homes_give_their_model_stages_different_task_keys(tmp_path: Path) -> None:
    first, second = _settings(tmp_path / "a" / "home"), _settings(tmp_path / "b" / "home")
    assert service_key(first) != service_key(second)  # same folder name, other path
    assert not _keys(first) & _keys(second)
    assert _keys(first) == _keys(_settings(tmp_path / "a" / "home"))
    assert all(t.name in ("transcribe", "diarize", "identify-speakers") for t in service_stages(first).all())
    assert service_stages(first).transcribe.tags == {f"service:{service_key(first)}"}
    # A [service] name makes the key the same on every host, whatever each one's home.
    assert _keys(_settings(tmp_path / "a", "cabinet")) == _keys(_settings(tmp_path / "elsewhere", "cabinet"))


def test_a_service_name_comes_from_the_configuration_and_must_be_printable(tmp_path: Path) -> None:
    config = tmp_path / "minutier.toml"
    config.write_text('[service]\nname = "Étude Dupont"\n', encoding="utf-8")
    assert service_key(load_config(config).service).startswith("etude_dupont_")
    config.write_text('[service]\nname = "  "\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\[service\] name = '  ': give a short printable name"):
        load_config(config)


def test_the_task_keys_are_the_same_in_the_flow_and_in_the_worker_process(tmp_path: Path) -> None:
    code = (
        "import sys\nfrom pathlib import Path\nfrom flows.tasks import service_stages\n"
        "from service.settings import ServiceSettings\n"
        "s = ServiceSettings(home_dir=Path(sys.argv[1]), api_url='http://127.0.0.1:9/api')\n"
        "print(' '.join(sorted(t.task_key for t in service_stages(s).all())))"
    )
    other_process = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert set(other_process.stdout.split()) == _keys(_settings(tmp_path))


def test_the_model_worker_serves_exactly_its_own_services_stages(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    config = tmp_path / "minutier.toml"
    config.write_text(f'[service]\nhome_dir = "{tmp_path / "home"}"\n', encoding="utf-8")
    served: list[Any] = []
    monkeypatch.setattr(worker, "preload", lambda *settings: None)
    monkeypatch.setattr(worker, "serve", lambda *tasks, limit: served.extend(tasks))
    monkeypatch.setattr(worker, "log_stop_signals", lambda: None)  # the test process keeps its own handlers
    with pytest.raises(SystemExit):  # the stand-in serve() returns at once, and the worker exits
        worker.main(["--config", str(config)])
    own, other = _settings(tmp_path / "home"), _settings(tmp_path / "other-home")
    assert {task.task_key for task in served} == _keys(own)
    assert not {task.task_key for task in served} & _keys(other)

    # Prefect's task worker subscribes to those keys and finds each received run's task by the same key.
    from prefect.settings import PREFECT_API_URL, temporary_settings
    from prefect.task_worker import TaskWorker

    async def registry() -> tuple[set[str], set[str]]:
        task_worker = TaskWorker(*served, limit=2)
        return task_worker.task_keys, {t.task_key for t in task_worker.tasks}

    with temporary_settings(updates={PREFECT_API_URL: "http://127.0.0.1:9/api"}):
        subscribed, registered = asyncio.run(registry())
    assert subscribed == registered == _keys(own)
