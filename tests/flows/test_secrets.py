"""Secrets never leave the environment; the orchestrator listens on loopback only; telemetry is off."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId, LogFilter, LogFilterFlowRunId

import flows.process
import flows.tasks
from flows.intake import reconcile_inbox
from service.settings import ServiceSettings
from tests.flows.conftest import ENV, SERVICE
from tests.flows.fakes import fake_diarizer, fake_transcriber
from tests.flows.service_harness import CLIENTS_TOML, SmtpServer, apply_process_deployment, execute_runs, service_config
from tests.flows.test_faults import tone

SMTP_SENTINEL = "smtp-S3CRET-sentinel-7f3a"
LLM_SENTINEL = "llm-S3CRET-sentinel-91bc"


def test_secrets_never_in_logs_parameters_or_artifacts(
    prefect_server: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("MINUTIER_SMTP_PASSWORD", SMTP_SENTINEL)
    monkeypatch.setenv("MINUTIER_LLM_API_KEY", LLM_SENTINEL)
    monkeypatch.setattr(flows.tasks, "get_transcriber", fake_transcriber(tmp_path / "fake-models"))
    monkeypatch.setattr(flows.tasks, "get_diarizer", fake_diarizer())
    (tmp_path / "clients.toml").write_text(CLIENTS_TOML, encoding="utf-8")
    for client in ("acme", "acme-corp"):
        (tmp_path / "inbox" / client).mkdir(parents=True)
    tone(tmp_path / "inbox/acme/secret.wav", 2, 500)
    (tmp_path / "inbox/acme-corp/broken.mp3").write_bytes(b"not audio at all")  # a failure path too
    apply_process_deployment()
    smtp = SmtpServer()  # down at first: the retry and alert paths log the SMTP settings' surroundings
    config = service_config(tmp_path, smtp_port=smtp.port, settle_s=0)
    monkeypatch.setattr(flows.process, "deliver", flows.process.deliver.with_options(retry_delay_seconds=0.1))
    caplog.set_level(logging.DEBUG)
    run_ids = reconcile_inbox(config=str(config))
    states = execute_runs(run_ids)
    assert sorted(s.type.value for s in states.values()) == ["FAILED", "FAILED"]

    texts = [caplog.text]
    with get_client(sync_client=True) as client:
        runs = client.read_flow_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[UUID(r) for r in run_ids])))
        assert len(runs) == 2
        for run in runs:
            texts.append(repr(run.parameters))
            texts += [
                str(log.message)
                for log in client.read_logs(log_filter=LogFilter(flow_run_id=LogFilterFlowRunId(any_=[run.id])))
            ]
            texts += [
                str(a.data) + str(a.description)
                for a in client.read_artifacts(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[run.id])))
            ]
            assert set(run.parameters) == {"recording_path", "client", "config", "sha256"}
    texts += [
        p.read_text(errors="replace")
        for p in tmp_path.rglob("*")
        if p.is_file() and p.suffix in (".txt", ".log", ".eml", ".md", ".json", ".toml")
    ]
    joined = "\n".join(texts)
    assert len(joined) > 10_000, "too little was captured for this check to mean anything"
    assert "cannot reach the server" in joined  # the failure itself is visible...
    assert SMTP_SENTINEL not in joined and LLM_SENTINEL not in joined  # ...its secrets are not


def _listening(port: int) -> set[str]:
    """Local addresses (hex, as in /proc/net/tcp*) listening on `port`."""
    found: set[str] = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        if not os.path.exists(table):
            continue
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.rsplit(":", 1)
            if int(hex_port, 16) == port and state == "0A":  # LISTEN
                found.add(address)
    return found


def test_prefect_server_listens_on_loopback_only(prefect_server: Any) -> None:
    assert ServiceSettings().host == "127.0.0.1"
    assert ENV["PREFECT_SERVER_API_HOST"] == "127.0.0.1"
    assert _listening(SERVICE.port) == {"0100007F"}, "the Prefect server listens beyond 127.0.0.1"


def test_telemetry_is_off() -> None:
    from pyannote.audio.telemetry.metrics import is_metrics_enabled

    assert ENV["PREFECT_SERVER_ANALYTICS_ENABLED"] == "false"
    assert os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] == "false"
    assert os.environ["PYANNOTE_METRICS_ENABLED"] == "0"
    assert ENV["PREFECT_UI_SHOW_PROMOTIONAL_CONTENT"] == "false"
    assert is_metrics_enabled() is False
