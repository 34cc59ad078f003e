"""The embedded Prefect server: started by minutier when no remote server is configured."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

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


def wait_healthy(api_url: str, timeout: float, process: subprocess.Popen[bytes] | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if is_healthy(api_url):
            return
        if process is not None and process.poll() is not None:
            raise ServiceError(f"the Prefect server exited with code {process.returncode}; see its log")
        time.sleep(0.5)
    raise ServiceError(f"the Prefect server at {api_url} did not answer within {timeout:.0f} s")


@dataclass
class LocalServer:
    """A `prefect server start` child process, bound to loopback by default."""

    api_url: str
    process: subprocess.Popen[bytes]
    log_path: Path

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
    """Start `prefect server start` with `env` (PREFECT_HOME, analytics off) without waiting for it."""
    api_url = f"http://{host}:{port}/api"
    if is_healthy(api_url):
        raise ServiceError(f"something already answers at {api_url}: set [service] api_url to use it, or another port")
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
    return LocalServer(api_url, process, log_path)


def start_local_server(host: str, port: int, env: dict[str, str], log_path: Path) -> LocalServer:
    """Start the Prefect server (see :func:`launch_local_server`) and wait until it answers."""
    server = launch_local_server(host, port, env, log_path)
    try:
        wait_healthy(server.api_url, START_TIMEOUT_S, server.process)
    except BaseException:
        server.stop()
        raise
    logger.info("Prefect server ready at %s (log: %s)", server.api_url, log_path)
    return server
