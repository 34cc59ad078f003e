"""`minutier serve` with the local model: one server for every run, restarted when it dies, stopped with the service.

A real service (fake speech models: this is not about them) on the session's Prefect server, with
``summarizer = "local"`` and the real bundled model. The recording's minutes are rewritten by the
service's model server; killed, the server comes back on the same URL; stopped, the service leaves
no model server behind.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pipeline.outputs.text import minutes_from_json
from pipeline.summarize.local.server import answers
from tests.flows.fakes import child_environment
from tests.flows.service_harness import CLIENTS_TOML, Service, SmtpServer, descendants, service_config, wait_for
from tests.flows.test_faults import tone

MINUTES_TIMEOUT_S = 600.0  # a loaded two-core machine: the model rewrites on the same cores as the tests
_READY = re.compile(r"Local model (\S+) ready at (http://127\.0\.0\.1:\d+)")


def _model_servers(service: Service) -> list[int]:
    assert service.process is not None
    found = []
    for pid in descendants(service.process.pid):
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:  # exited meanwhile
            continue
        if b"pipeline.summarize.local.serve" in command:
            found.append(pid)
    return found


@pytest.fixture(scope="module")
def served(prefect_server: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Service, Path]]:
    root = tmp_path_factory.mktemp("local-model-service")
    smtp = SmtpServer()
    smtp.start()
    fakes = root / "fake-models"
    fakes.mkdir()
    (root / "clients.toml").write_text(CLIENTS_TOML, encoding="utf-8")
    config = service_config(root, smtp_port=smtp.port, extra='[minutes]\nsummarizer = "local"\nlocal_ctx = 4096')
    service = Service(config, root / "serve.log", env=child_environment(fakes))
    service.start()
    try:
        yield service, root
    finally:
        if service.process is not None and service.process.poll() is None:
            service.stop()
        smtp.stop()


def test_one_supervised_model_server_writes_the_minutes_comes_back_and_stops_with_the_service(
    served: tuple[Service, Path],
) -> None:
    service, root = served
    label, url = wait_for(lambda: _READY.search(service.log.read_text(errors="replace")), 60, "the model").groups()
    assert label == "qwen2.5-coder-1.5b-instruct-q4_k_m"
    [first] = _model_servers(service)

    shutil.move(tone(root / "staged.wav", 8, 440), root / "inbox/acme/Comité budget.wav")
    [json_path] = wait_for(lambda: list((root / "outbox/acme").glob("*/*.json")), MINUTES_TIMEOUT_S, "the minutes")
    minutes = minutes_from_json(json_path.read_text(encoding="utf-8"))
    assert minutes.provenance.summarizer == "local", minutes.provenance.fallback_reason
    assert minutes.provenance.models[-1] == label
    assert _model_servers(service) == [first], "a flow run started a model server of its own"

    os.kill(first, signal.SIGKILL)
    wait_for(lambda: "Restarted the local model server" in service.log.read_text(errors="replace"), 60, "a restart")
    wait_for(lambda: answers(url), 120, "the restarted model server on the same URL")
    [second] = _model_servers(service)
    assert second != first

    service.stop()
    assert not Path(f"/proc/{second}").exists(), "the model server outlived the service"
