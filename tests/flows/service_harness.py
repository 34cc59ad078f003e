"""Shared by the service tests: `minutier serve` as a child process, a loopback SMTP server,
service configurations, and waiting on a condition instead of sleeping."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

from tests.flows.conftest import ENV
from tests.smtp import Recorder, free_port


def wait_for(predicate: Callable[[], Any], timeout: float, what: str, every: float = 1.0) -> Any:
    """Poll `predicate` until it returns something truthy (returned), or fail after `timeout` s."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


class Service:
    """`minutier serve` as a child process, started and stopped by the tests.

    Args:
        config: The minutier.toml to serve.
        log: Where its output goes (appended across restarts).
        env: Extra environment (e.g. the fake models of :mod:`tests.flows.fakes`).
        session_server: Use the session's Prefect server (its settings are inherited); False: the
            Prefect server the configuration names, or the service's own.
    """

    def __init__(
        self, config: Path, log: Path, env: dict[str, str] | None = None, *, session_server: bool = True
    ) -> None:
        self.config, self.log = config, log
        self.env = env or {}
        self.session_server = session_server
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        starts = self.log.read_text(errors="replace").count("Prefect UI:") if self.log.exists() else 0
        if self.session_server:
            env = {**os.environ, **ENV, **self.env}
        else:  # none of the session server's Prefect settings: the service goes by its configuration alone
            env = {**{k: v for k, v in os.environ.items() if k not in ENV}, **self.env}
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "cli", "--config", str(self.config), "-v", "serve"],
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        wait_for(
            lambda: self.log.read_text(errors="replace").count("Prefect UI:") > starts, 240, "the service to start"
        )

    def stop(self) -> None:
        """SIGTERM, which must stop the service within 60 s whenever it lands (Prefect's own runner could
        swallow it while starting a flow run: flows/runner_thread.py). If it does not, the whole tree (its
        Prefect server and model worker run in sessions of their own) is killed, so the next start gets
        the port back, and the test fails."""
        assert self.process is not None
        tree = descendants(self.process.pid)
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(60)
        except subprocess.TimeoutExpired:
            for pid in [*descendants(self.process.pid), *tree, self.process.pid]:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            self.process.wait(30)
            raise AssertionError("minutier serve did not exit within 60 s of SIGTERM") from None

    def kill_all(self) -> list[int]:
        """SIGKILL the service and every process under it (flow runs, model worker): a crash."""
        assert self.process is not None
        victims = descendants(self.process.pid) + [self.process.pid]
        for pid in victims:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.process.wait(30)
        return victims


def log_lines(path: Path, count: int = 60) -> str:
    """The last `count` lines of a log, tracebacks left out: what a stuck test's message should show."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as e:
        return f"(unreadable: {e})"
    kept = [line[:300] for line in text.splitlines() if line.strip() and not line.startswith((" ", "\t", "Traceback"))]
    return "\n".join(kept[-count:])


def reconciles_settled(service: Service) -> bool:
    """At least one reconcile run ended, and none is in progress (read from the service's output)."""
    log = service.log.read_text(errors="replace")
    begun = re.findall(r"Beginning flow run '([^']+)' for flow 'reconcile-inbox'", log)
    return bool(begun) and all(f"Flow run '{name}' - Finished in state" in log for name in begun)


def slow_copy(source: Path, target: Path, *, chunks: int, pause: float) -> None:
    """Write `source` to `target` in `chunks` pieces `pause` seconds apart, like a slow network copy."""
    data = source.read_bytes()
    step = len(data) // chunks + 1
    with target.open("wb") as out:
        for i in range(0, len(data), step):
            out.write(data[i : i + step])
            out.flush()
            time.sleep(pause)  # the copy is slow on purpose; the tests wait on conditions, not on time


def descendants(pid: int) -> list[int]:
    """Every live process below `pid`, read from /proc (children first)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    return descendants_of(pid, children)


def descendants_of(pid: int, children: dict[int, list[int]]) -> list[int]:
    found: list[int] = []
    todo = [c for c in children.get(pid, []) if c != pid]
    while todo:
        child = todo.pop()
        if child not in found:
            found.append(child)
            todo += [c for c in children.get(child, []) if c != child]
    return found[::-1]


class SmtpServer:
    """A real SMTP server on loopback that a test can stop and start again on the same port."""

    def __init__(self) -> None:
        self.recorder = Recorder()
        self.port = free_port()
        self._controller: Controller | None = None

    def start(self) -> None:
        self._controller = Controller(self.recorder, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def messages_to(self, address: str) -> list[tuple[str, list[str], EmailMessage]]:
        return [m for m in self.recorder.messages if address in m[1]]


def service_config(
    root: Path,
    *,
    smtp_port: int | None,
    settle_s: float = 1.5,
    reconcile_s: float = 600,
    extra: str = "",
    api_url: str = ENV["PREFECT_API_URL"],
    own_port: int | None = None,
) -> Path:
    """A minutier.toml for a service under `root` on the session's Prefect server (or on `api_url`, or on
    its own server on `own_port`); fast fake-friendly settings."""
    email = (
        (
            f'[email]\nhost = "127.0.0.1"\nport = {smtp_port}\nsecurity = "plain"\nsender = "cr@cabinet.example"\n'
            'operators = ["ops@cabinet.example"]\ntimeout_s = 5\n'
        )
        if smtp_port
        else ""
    )
    server = f"port = {own_port}" if own_port else f'api_url = "{api_url}"'
    config = root / "minutier.toml"
    config.write_text(
        f'[service]\nhome_dir = "{root / "home"}"\nroot_dir = "{root}"\n{server}\n'
        f"settle_s = {settle_s}\nreconcile_s = {reconcile_s}\n{extra}\n"
        # A setting the real-model tests do not use, so cached fake transcripts are never theirs.
        '[asr]\ndevice = "cpu"\nbeam_size = 1\n[diarize]\ndevice = "cpu"\n' + email,
        encoding="utf-8",
    )
    return config


CLIENTS_TOML = (
    '[clients.acme]\nname = "ACME SA"\nrecipients = ["direction@acme.example"]\nlanguage = "fr"\n\n'
    '[clients.acme-corp]\nname = "Acme Corp"\nrecipients = ["minutes@acme-corp.example"]\nlanguage = "en"\n\n'
    '[clients.acme_sa]\nname = "Acme SAS"\nrecipients = ["board@acme-sa.example", "cfo@acme-sa.example"]\n'
    'language = "fr"\n'
)


def apply_process_deployment() -> None:
    """Register `process-recording/minutier` on the session server, as `minutier serve` does."""
    from prefect.types.entrypoint import EntrypointType

    from flows.process import process_recording

    process_recording.to_deployment(name="minutier", entrypoint_type=EntrypointType.MODULE_PATH).apply()


def execute_runs(run_ids: list[str], workers: int = 1) -> dict[str, Any]:
    """Execute the submitted flow runs in this process, as the served deployment would; run id -> final state.

    The runs are the very ones the reconcile created (same ids, parameters and idempotency keys),
    so what the Prefect API stores is what production stores.
    """
    from uuid import UUID

    from prefect.client.orchestration import get_client
    from prefect.flow_engine import run_flow

    from flows.process import process_recording

    def execute(run_id: str) -> Any:
        with get_client(sync_client=True) as client:
            run = client.read_flow_run(UUID(run_id))
        if run.state is not None and run.state.is_final():
            return run.state
        parameters = process_recording.validate_parameters(run.parameters)
        return run_flow(process_recording, flow_run=run, parameters=parameters, return_type="state")

    unique = list(dict.fromkeys(run_ids))
    with ThreadPoolExecutor(max_workers=workers) as pool:  # several runs at once, as a served deployment does
        return dict(zip(unique, pool.map(execute, unique), strict=True))
