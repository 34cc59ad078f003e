"""The embedded Prefect server: started by minutier when no remote server is configured.

A server minutier did not start is used only when configured (`[service] api_url`): one found
answering on the port it was to start its own on is refused, never joined, since its database,
queues and workers are another service's.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from pipeline.errors import PipelineError

logger = logging.getLogger(__name__)

START_TIMEOUT_S = 120.0


class ServiceError(PipelineError):
    """The orchestration service cannot be started or reached."""


def is_healthy(api_url: str, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(f"{api_url.rstrip('/')}/health", timeout=timeout) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError, ValueError):
        return False


def port_answers(host: str, port: int, timeout: float = 2.0) -> bool:
    """Whether something accepts connections on `host`:`port` (a bind-all host is tried on loopback)."""
    target = {"": "127.0.0.1", "0.0.0.0": "127.0.0.1", "::": "::1"}.get(host, host)
    try:
        with socket.create_connection((target, port), timeout=timeout):
            return True
    except OSError:
        return False


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port free on `host` now (the OS picks it), for a server started next."""
    with socket.socket() as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


def port_taken(host: str, port: int) -> ServiceError:
    """The refusal to start on a port something else already answers on (never joined unasked)."""
    return ServiceError(
        f"port {port} on {host} is already taken (another minutier serve's Prefect server, or another program): "
        f'give this service another [service] port, or set [service] api_url = "http://{host}:{port}/api" '
        "to share that Prefect server on purpose"
    )


def server_home(api_url: str, timeout: float = 5.0) -> Path | None:
    """The PREFECT_HOME of the Prefect server at `api_url`, from its settings; None if it does not tell
    (not a Prefect server, or one that wants credentials)."""
    try:
        with urllib.request.urlopen(f"{api_url.rstrip('/')}/admin/settings", timeout=timeout) as response:
            home = json.load(response).get("home")
    except (urllib.error.URLError, OSError, ValueError, AttributeError):
        return None
    return Path(home) if isinstance(home, str) and home else None


def answers_as(api_url: str, home: Path) -> bool:
    """Whether the Prefect server answering at `api_url` is the one keeping its state in `home`
    (one that does not tell its home is taken at its word: the port was checked free before it started)."""
    if not is_healthy(api_url):
        return False
    found = server_home(api_url)
    return found is None or found.resolve() == home.resolve()


def wait_healthy(
    api_url: str, timeout: float, process: subprocess.Popen[bytes] | None = None, home: Path | None = None
) -> None:
    """Wait until the server at `api_url` answers; with `home`, until the one answering is that home's.

    Raises:
        ServiceError: `process` exited first (the port was taken meanwhile: said so), or the timeout passed.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if answers_as(api_url, home) if home is not None else is_healthy(api_url):
            return
        if process is not None and process.poll() is not None:
            address = urlsplit(api_url)
            if address.hostname and address.port and port_answers(address.hostname, address.port):
                raise port_taken(address.hostname, address.port)  # another server started on it first
            raise ServiceError(f"the Prefect server exited with code {process.returncode}; see its log")
        time.sleep(0.5)
    raise ServiceError(f"the Prefect server at {api_url} did not answer within {timeout:.0f} s")


@dataclass
class LocalServer:
    """A `prefect server start` child process, bound to loopback by default, keeping its state in `home`."""

    api_url: str
    process: subprocess.Popen[bytes]
    log_path: Path
    home: Path

    def answers(self) -> bool:
        """Whether this server (not another one on its port) answers."""
        return self.process.poll() is None and answers_as(self.api_url, self.home)

    def stop(self, timeout: float = 20.0) -> None:
        if stop_process_group(self.process, timeout):
            logger.info("Prefect server stopped")


def stop_process_group(process: subprocess.Popen[bytes], timeout: float = 20.0) -> bool:
    """SIGTERM the process group `process` leads (it was started with a session of its own), SIGKILL
    it after `timeout` s; returns False if the process had already exited."""
    if process.poll() is not None:
        return False
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    except ProcessLookupError:  # exited between the poll and the signal
        process.wait()
    return True


def launch_local_server(host: str, port: int, env: dict[str, str], log_path: Path) -> LocalServer:
    """Start `prefect server start` with `env` (PREFECT_HOME, analytics off) without waiting for it.

    Raises:
        ServiceError: something already answers on the port: a server minutier did not start is never joined.
    """
    api_url = f"http://{host}:{port}/api"
    if port_answers(host, port):
        raise port_taken(host, port)
    log_path.parent.mkdir(parents=True, exist_ok=True)
    prefect = str(Path(sys.executable).with_name("prefect"))
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            [prefect, "server", "start", "--host", host, "--port", str(port)],
            env={**os.environ, **env},
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return LocalServer(api_url, process, log_path, Path(env["PREFECT_HOME"]))


def start_local_server(host: str, port: int, env: dict[str, str], log_path: Path) -> LocalServer:
    """Start the Prefect server (see :func:`launch_local_server`) and wait until it answers."""
    server = launch_local_server(host, port, env, log_path)
    try:
        wait_healthy(server.api_url, START_TIMEOUT_S, server.process, server.home)
    except BaseException:
        server.stop()
        raise
    logger.info("Prefect server ready at %s (log: %s)", server.api_url, log_path)
    return server
