"""RGPD retention through `minutier serve`, with its own Prefect server: after the period (0 days here),
recordings, failed recordings, derived copies and the finished Prefect runs with their artifacts and
logs are deleted, each deletion in the audit log; minutes and the secretary's reason notes are kept."""

from __future__ import annotations

import os
import shutil
import sqlite3
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from prefect.client.orchestration import SyncPrefectClient, get_client
from prefect.client.schemas.filters import (
    FlowRunFilter,
    FlowRunFilterId,
    FlowRunFilterName,
    LogFilter,
    LogFilterFlowRunId,
)
from prefect.settings import PREFECT_API_URL, temporary_settings

from service.ledger import default_ledger_path
from tests.flows.conftest import free_port
from tests.flows.fakes import child_environment
from tests.flows.service_harness import CLIENTS_TOML, Service, SmtpServer, reconciles_settled, service_config, wait_for
from tests.flows.test_faults import tone

DAY = 86_400
# The server's vacuum of orphaned logs runs hourly in production; every few seconds here.
QUICK_VACUUM = {"PREFECT_SERVER_SERVICES_DB_VACUUM_ORPHAN_CLEANUP_LOOP_SECONDS": "5"}


@contextmanager
def _client(api_url: str) -> Iterator[SyncPrefectClient]:
    with temporary_settings(updates={PREFECT_API_URL: api_url}), get_client(sync_client=True) as client:
        yield client


def _aged(path: Path, days: float) -> Path:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"\x93NUMPY client audio")
    stamp = time.time() - days * DAY
    os.utime(path, (stamp, stamp))
    return path


def _run_named(client: SyncPrefectClient, name: str) -> Any:
    runs = client.read_flow_runs(flow_run_filter=FlowRunFilter(name=FlowRunFilterName(any_=[name])))
    return runs[0] if runs else None


def _client_run_final(client: SyncPrefectClient, run_id: Any) -> bool:
    state = client.read_flow_run(run_id).state
    return state is not None and state.is_final()


def _traces(client: SyncPrefectClient, run_id: Any) -> tuple[int, int]:
    """How many artifacts and log records the server still holds for a run."""
    artifacts = client.read_artifacts(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[run_id])))
    logs = client.read_logs(log_filter=LogFilter(flow_run_id=LogFilterFlowRunId(any_=[run_id])))
    return len(artifacts), len(logs)


def _audit(home: Path) -> list[list[str]]:
    log = home / "logs/retention.log"
    return [line.split("\t") for line in log.read_text(encoding="utf-8").splitlines()] if log.exists() else []


def test_retention_purges_audio_derived_copies_and_prefect_runs(tmp_path: Path) -> None:
    smtp = SmtpServer()
    smtp.start()
    home, fakes = tmp_path / "home", tmp_path / "fake-models"
    port = free_port()
    api_url = f"http://127.0.0.1:{port}/api"
    config = service_config(tmp_path, smtp_port=smtp.port, settle_s=1, own_port=port, extra="retention_days = 0")
    (tmp_path / "clients.toml").write_text(CLIENTS_TOML, encoding="utf-8")
    crashed = _aged(home / f"work/audio/{'e' * 64}.f32.npy", 2)  # left by a run killed two days ago
    in_use = _aged(home / f"work/audio/{'f' * 64}.f32.npy", 0.1)  # a run may still be using it
    stale_result = _aged(home / f"prefect/storage/transcribe-{'e' * 64}-0123456789abcdef", 2)
    service = Service(
        config, tmp_path / "serve.log", env={**child_environment(fakes), **QUICK_VACUUM}, session_server=False
    )
    fakes.mkdir()
    (fakes / "hold").touch()  # the good recording's run stays in progress until the reconciles are over
    service.start()
    try:
        tone(tmp_path / "a.wav", 2, 700)
        shutil.move(tmp_path / "a.wav", tmp_path / "inbox/acme/comité.wav")
        (tmp_path / "inbox/acme-corp/abîmé.mp3").write_bytes(os.urandom(50_000))
        reason = wait_for(lambda: list((tmp_path / "failed/acme-corp").glob("*.reason.txt")), 180, "the failure")[0]
        wait_for(lambda: (fakes / "transcribing").exists(), 120, "the transcription")
        wait_for(lambda: reconciles_settled(service), 60, "the reconciles to end")
        assert not crashed.exists() and in_use.exists() and not stale_result.exists()  # the first reconcile's
        (fakes / "hold").unlink()
        wait_for(lambda: smtp.messages_to("direction@acme.example"), 120, "the minutes of the good recording")
        with _client(api_url) as client:
            run = wait_for(lambda: _run_named(client, "acme / comité.wav"), 30, "the run")
            wait_for(lambda: _client_run_final(client, run.id), 30, "the end of the run")
            artifacts, logs = _traces(client, run.id)
        assert artifacts >= 3 and logs >= 1, (artifacts, logs)  # the transcript, minutes ...: client speech
        results = sorted((home / "prefect/storage").glob(f"*-{run.parameters['sha256']}-*"))
        assert len(results) == 2, results  # this recording's cached transcript and diarization
        for path in results:
            _aged(path, 2)  # as if the recording had been processed two days ago
        minutes = sorted((tmp_path / "outbox").rglob("*.docx"))

        tone(tmp_path / "c.wav", 2, 720)  # the next recording: its reconcile applies the retention
        shutil.move(tmp_path / "c.wav", tmp_path / "inbox/acme_sa/suivant.wav")
        wait_for(lambda: smtp.messages_to("board@acme-sa.example"), 240, "the next recording's minutes")
        wait_for(
            lambda: (
                {"archived recording", "failed recording", "flow run", "cached result"}
                <= {fields[6] for fields in _audit(home)}
            ),
            60,
            "the retention",
        )
        with _client(api_url) as client:
            wait_for(lambda: _run_named(client, "acme / comité.wav") is None, 60, "the run to be deleted")
            wait_for(lambda: _traces(client, run.id) == (0, 0), 60, "its artifacts and logs to be deleted")

        assert not list((tmp_path / "archive/acme").rglob("comité.wav")), "archived audio kept"
        assert not (tmp_path / "failed/acme-corp/abîmé.mp3").exists(), "failed audio kept"
        note = reason.read_text(encoding="utf-8")  # Acme Corp reads English
        assert note.startswith("This file could not be processed.") and "The recording was deleted on" in note
        assert set(minutes) <= set((tmp_path / "outbox").rglob("*.docx")), "minutes must be kept"
        assert in_use.exists() and not [p for p in results if p.exists()], "cached transcripts kept past the period"
        audit = _audit(home)
        kinds = Counter(fields[6] for fields in audit)
        assert kinds["decoded audio"] == 1 and kinds["cached result"] == 3 and kinds["failed recording"] == 1
        assert any("comité.wav" in fields[3] and fields[6] == "archived recording" for fields in audit)
        assert any(
            fields[3].startswith("acme / comité.wav (") and fields[4] == f"sha256={run.parameters['sha256']}"
            for fields in audit
        )
        with sqlite3.connect(default_ledger_path(home)) as db:
            assert db.execute("SELECT COUNT(*) FROM purges").fetchone()[0] == len(audit)
        print(
            f"\nRetention (0 days) at {datetime.now():%H:%M}: {dict(kinds)}; the run's {artifacts} artifacts "
            f"and {logs} log records gone; minutes and reasons kept"
        )
    finally:
        if service.process is not None and service.process.poll() is None:
            service.stop()
        smtp.stop()
