"""Faults the service must survive, through the real reconcile and process flows (fake models):
the mail server down, 30 files dropped at once, the output disk full."""

from __future__ import annotations

import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

import flows.process
import flows.tasks
from cli import main
from flows.intake import reconcile_inbox
from service.intake import RecordingLedger
from service.ledger import default_ledger_path
from tests.flows.fakes import fake_diarizer, fake_transcriber
from tests.flows.service_harness import CLIENTS_TOML, SmtpServer, apply_process_deployment, execute_runs, service_config
from tests.media import run_ffmpeg

CLIENTS = ("acme", "acme-corp", "acme_sa")


def tone(path: Path, seconds: float, frequency: int) -> Path:
    run_ffmpeg("-f", "lavfi", "-i", f"sine=frequency={frequency}:duration={seconds}:sample_rate=16000", path)
    return path


@pytest.fixture
def site(prefect_server: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A service root with three clients, fake models, and the process deployment registered."""
    (tmp_path / "clients.toml").write_text(CLIENTS_TOML, encoding="utf-8")
    for client in CLIENTS:
        (tmp_path / "inbox" / client).mkdir(parents=True)
    monkeypatch.setattr(flows.tasks, "get_transcriber", fake_transcriber(tmp_path / "fake-models"))
    monkeypatch.setattr(flows.tasks, "get_diarizer", fake_diarizer())
    # Retries as in production, without the minutes of back-off.
    monkeypatch.setattr(flows.process, "deliver", flows.process.deliver.with_options(retry_delay_seconds=0.2))
    apply_process_deployment()
    yield tmp_path


def transcriptions(root: Path) -> int:
    log = root / "fake-models/calls.log"
    return len(log.read_text().splitlines()) if log.exists() else 0


def test_smtp_down_keeps_minutes_alerts_and_resends_without_audio(site: Path) -> None:
    smtp = SmtpServer()  # not started: the mail server is down
    config = service_config(site, smtp_port=smtp.port, settle_s=0)
    tone(site / "inbox/acme/comité.wav", 3, 330)
    states = execute_runs(reconcile_inbox(config=str(config)))
    [state] = states.values()
    assert state.is_failed() and "cannot reach the server" in (state.message or "")
    outbox = next((site / "outbox/acme").iterdir())
    assert (outbox / "comité.docx").exists() and (outbox / "comité.json").exists(), "minutes not kept"
    assert list((site / "archive/acme").glob("*/comité.wav")), "the recording is not archived"
    assert not list((site / "failed").rglob("*.wav"))
    with get_client(sync_client=True) as client:
        key = ArtifactFilterKey(like_="failure-acme-comite")
        alerts = client.read_artifacts(artifact_filter=ArtifactFilter(key=key))
    assert alerts and "cannot reach the server" in str(alerts[0].data), "operators were not alerted"
    retries = [s for s in _task_states(state) if s == "AwaitingRetry"]
    assert len(retries) == 4, retries

    smtp.start()  # the server is back: resend, without processing the audio again
    try:
        result = CliRunner().invoke(main, ["--config", str(config), "resend", "--client", "acme"])
        assert result.exit_code == 0, result.output
        assert "sent to 1 recipient" in result.output
        again = CliRunner().invoke(main, ["--config", str(config), "resend", "--client", "acme"])
        assert again.exit_code == 0 and "sent to" not in again.output
        assert [rcpts for _, rcpts, _ in smtp.recorder.messages] == [["direction@acme.example"]]
        assert transcriptions(site) == 1
    finally:
        smtp.stop()


def _task_states(state: Any) -> list[str]:
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    with get_client(sync_client=True) as client:
        run_filter = FlowRunFilter(id=FlowRunFilterId(any_=[state.state_details.flow_run_id]))
        runs = client.read_task_runs(flow_run_filter=run_filter)
        deliver = [r for r in runs if r.name.startswith("deliver-minutes")]
        return [s.name for r in deliver for s in client.read_task_run_states(r.id)]


def test_thirty_files_at_once_each_processed_once(site: Path) -> None:
    smtp = SmtpServer()
    smtp.start()
    try:
        config = service_config(site, smtp_port=smtp.port, settle_s=0)
        for n in range(30):
            tone(site / "inbox" / CLIENTS[n % 3] / f"réunion {n:02d}.wav", 1, 200 + 10 * n)
        found: list[list[str]] = []
        # Two reconciles race (the watcher's and the schedule's): each file is still taken once.
        scans = [threading.Thread(target=lambda: found.append(reconcile_inbox(config=str(config)))) for _ in range(2)]
        for scan in scans:
            scan.start()
        for scan in scans:
            scan.join()
        run_ids = [run_id for ids in found for run_id in ids]
        assert len(set(run_ids)) == 30
        states = execute_runs(run_ids, workers=4)
        assert all(s.is_completed() for s in states.values())
        assert transcriptions(site) == 30
        assert len(smtp.recorder.messages) == 30
        with RecordingLedger(default_ledger_path(site / "home")) as ledger:
            assert [e.state for e in ledger.entries()] == ["done"] * 30
        assert len(list((site / "archive").rglob("*.wav"))) == 30
        assert len(list((site / "outbox").rglob("*.docx"))) == 30
        execute_runs(reconcile_inbox(config=str(config)))  # a later reconcile finds nothing new
        assert transcriptions(site) == 30 and len(smtp.recorder.messages) == 30
    finally:
        smtp.stop()


def test_output_disk_full_fails_clearly_and_keeps_the_input(site: Path) -> None:
    config = service_config(site, smtp_port=None, settle_s=0)
    full = site / "outbox/acme"
    full.mkdir(parents=True)
    # A real full file system: a 16 KiB tmpfs as the client's output folder (the test runs as root).
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16k", "tmpfs", str(full)], check=True)
    try:
        recording = tone(site / "inbox/acme/assemblée.wav", 3, 440)
        size = recording.stat().st_size
        [state] = execute_runs(reconcile_inbox(config=str(config))).values()
    finally:
        subprocess.run(["umount", str(full)], check=True)
    assert state.is_failed()
    kept = site / "failed/acme/assemblée.wav"
    assert kept.stat().st_size == size, "the input was not kept whole"
    note = (site / "failed/acme/assemblée.wav.reason.txt").read_text(encoding="utf-8")
    assert "No space left on device" in note and "Le document n'a pas pu être écrit" in note, note
