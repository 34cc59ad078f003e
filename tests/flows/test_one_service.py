"""A second `minutier serve` never takes over the first one's work.

A real service on its own Prefect server is in the middle of a recording when a careless operator
starts another one: on the same state folder (refused, naming the first one's pid), then with
another state folder on the same port (refused: the port is taken, and a server minutier did not
start is never joined). The first one's run then completes, once.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from service.intake import RecordingLedger
from service.ledger import default_ledger_path
from tests.flows.conftest import ENV, free_port
from tests.flows.fakes import child_environment
from tests.flows.service_harness import CLIENTS_TOML, Service, SmtpServer, descendants, service_config, wait_for
from tests.flows.test_faults import tone

REFUSE_WITHIN_S = 60.0  # a refusal is immediate; the bound only stops a second service that did not refuse


@dataclass(frozen=True)
class Busy:
    """The first service, its SMTP server and fake models, with a recording held mid-transcription."""

    service: Service
    root: Path
    port: int
    fakes: Path
    smtp: SmtpServer


@pytest.fixture(scope="module")
def busy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Busy]:
    root = tmp_path_factory.mktemp("first-service")
    smtp = SmtpServer()
    smtp.start()
    fakes = root / "fake-models"
    fakes.mkdir()
    (fakes / "hold").touch()  # the transcription waits while the others try to start
    port = free_port()
    (root / "clients.toml").write_text(CLIENTS_TOML, encoding="utf-8")
    config = service_config(root, smtp_port=smtp.port, settle_s=1, own_port=port)
    service = Service(config, root / "serve.log", env=child_environment(fakes), session_server=False)
    service.start()
    try:
        staged = tone(root / "staged.wav", 2, 620)
        shutil.move(staged, root / "inbox/acme/comité.wav")
        wait_for(lambda: (fakes / "transcribing").exists(), 180, "the first service's transcription")
        yield Busy(service, root, port, fakes, smtp)
    finally:
        if service.process is not None and service.process.poll() is None:
            service.stop()
        smtp.stop()


def _start_refused(config: Path, fakes: Path) -> tuple[int, str]:
    """`minutier serve` on `config`, which must exit on its own; returns its exit code and output."""
    env = {**{k: v for k, v in os.environ.items() if k not in ENV}, **child_environment(fakes)}
    process = subprocess.Popen(
        [sys.executable, "-m", "cli", "--config", str(config), "serve"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        output, _ = process.communicate(timeout=REFUSE_WITHIN_S)
    except subprocess.TimeoutExpired:
        for pid in [*descendants(process.pid), process.pid]:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        output, _ = process.communicate()
        raise AssertionError(f"the second minutier serve did not refuse to start:\n{output[-3000:]}") from None
    return process.returncode, output


def test_a_second_service_on_the_same_state_folder_is_refused_with_the_first_ones_pid(busy: Busy) -> None:
    assert busy.service.process is not None
    started = time.monotonic()
    code, output = _start_refused(busy.service.config, busy.root / "fake-models-second")
    assert code == 1, output
    assert output.strip().splitlines()[-1] == (
        f"Error: another minutier serve (pid {busy.service.process.pid}) already uses {busy.root / 'home'}: "
        "stop it first, or give this one another MINUTIER_HOME"
    )
    assert time.monotonic() - started < 30, "refused, but not at once"
    assert (busy.fakes / "transcribing").exists() and "marked Crashed" not in busy.service.log.read_text()


def test_a_second_service_with_another_state_folder_on_the_same_port_is_refused(busy: Busy, tmp_path: Path) -> None:
    (tmp_path / "clients.toml").write_text(CLIENTS_TOML, encoding="utf-8")
    config = service_config(tmp_path, smtp_port=busy.smtp.port, settle_s=1, own_port=busy.port)
    code, output = _start_refused(config, tmp_path / "fake-models")
    assert code == 1, output
    last = output.strip().splitlines()[-1]
    assert last.startswith(f"Error: port {busy.port} on 127.0.0.1 is already taken"), output
    assert "another [service] port" in last and "api_url" in last
    # It started nothing: no database of its own, no run, no worker, no ledger.
    assert not list((tmp_path / "home").rglob("*.db")) and not default_ledger_path(tmp_path / "home").exists()


def test_the_first_services_recording_then_completes_once(busy: Busy) -> None:
    (busy.fakes / "hold").unlink()
    wait_for(lambda: busy.smtp.messages_to("direction@acme.example"), 240, "the first service's minutes")
    archived = wait_for(lambda: list((busy.root / "archive/acme").glob("*/comité.wav")), 60, "the archive")
    time.sleep(3)  # a late duplicate would show now
    assert len(archived) == 1 and not list((busy.root / "failed").rglob("*.wav"))
    assert len(busy.smtp.recorder.messages) == 1
    assert len((busy.fakes / "calls.log").read_text().splitlines()) == 1  # transcribed once, by its own worker
    with RecordingLedger(default_ledger_path(busy.root / "home")) as ledger:
        assert [(e.name, e.state) for e in ledger.entries()] == [("comité.wav", "done")]
    log = busy.service.log.read_text(errors="replace")
    assert "marked Crashed" not in log and "submitting it again" not in log
