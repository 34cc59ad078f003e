"""A recording's processing interrupted in a real `minutier serve`: the service killed mid-transcription
(every process: service, flow run, model worker), then restarted: the recording is processed once more,
to the end, and emailed exactly once; or the recording moved out of processing/ mid-run: the run fails
with that reason, the ledger agrees, and the same file dropped again is processed and emailed once."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from service.intake import RecordingLedger
from service.ledger import default_ledger_path
from tests.flows.fakes import child_environment
from tests.flows.service_harness import CLIENTS_TOML, Service, SmtpServer, service_config, wait_for
from tests.flows.test_faults import tone


def test_killed_mid_transcription_is_processed_once_after_restart(prefect_server: Any, tmp_path: Path) -> None:
    smtp = SmtpServer()
    smtp.start()
    fakes = tmp_path / "fake-models"
    fakes.mkdir()
    (fakes / "block-once").touch()  # the first transcription hangs until the processes are killed
    config = service_config(tmp_path, smtp_port=smtp.port, settle_s=1)
    (tmp_path / "clients.toml").write_text(CLIENTS_TOML, encoding="utf-8")
    service = Service(config, tmp_path / "serve.log", env=child_environment(fakes))
    service.start()
    try:
        tone(tmp_path / "staged.wav", 3, 610)
        shutil.move(tmp_path / "staged.wav", tmp_path / "inbox/acme/coupure.wav")
        wait_for(lambda: (fakes / "transcribing").exists(), 180, "the transcription to start")
        killed = service.kill_all()
        assert len(killed) >= 3, killed  # the service, its flow run, its model worker
        assert list((tmp_path / "processing/acme").iterdir()), "the recording left processing/ before the end"
        assert not smtp.recorder.messages

        service.start()
        wait_for(lambda: smtp.messages_to("direction@acme.example"), 240, "the minutes after the restart")
        archived = wait_for(lambda: list((tmp_path / "archive/acme").glob("*/coupure.wav")), 60, "the archive")
        assert len(archived) == 1
        assert len((fakes / "calls.log").read_text().splitlines()) == 2  # killed once, then done once
        assert "marked Crashed" in service.log.read_text(errors="replace")
        # Another reconcile later finds nothing to do, and nothing is sent twice.
        service.stop()
        finished = _finished_runs(service)
        service.start()
        wait_for(lambda: _finished_runs(service) > finished, 120, "a reconcile after the second restart")
        assert len(smtp.recorder.messages) == 1
        assert [rcpts for _, rcpts, _ in smtp.recorder.messages] == [["direction@acme.example"]]
    finally:
        if service.process is not None and service.process.poll() is None:
            service.stop()
        smtp.stop()


def _finished_runs(service: Service) -> int:
    return service.log.read_text(errors="replace").count("- Finished in state Completed()")


def test_recording_moved_out_mid_run_fails_with_its_reason_and_a_redrop_is_processed(
    prefect_server: Any, tmp_path: Path
) -> None:
    smtp = SmtpServer()
    smtp.start()
    fakes = tmp_path / "fake-models"
    fakes.mkdir()
    (fakes / "hold").touch()  # the transcription waits while the recording is taken away
    config = service_config(tmp_path, smtp_port=smtp.port, settle_s=1)
    (tmp_path / "clients.toml").write_text(CLIENTS_TOML, encoding="utf-8")
    service = Service(config, tmp_path / "serve.log", env=child_environment(fakes))
    service.start()
    try:
        tone(tmp_path / "staged.wav", 3, 640)
        shutil.move(tmp_path / "staged.wav", tmp_path / "inbox/acme/bureau.wav")
        wait_for(lambda: (fakes / "transcribing").exists(), 180, "the transcription to start")
        shutil.move(tmp_path / "processing/acme/bureau.wav", tmp_path / "aside.wav")  # an operator tidies up
        (fakes / "hold").unlink()

        note = wait_for(lambda: _read(tmp_path / "failed/acme/bureau.wav.reason.txt"), 120, "the reason note")
        assert "déplacé ou supprimé du dossier de traitement" in note, note
        assert "disappeared from processing/ during its run" in note, note
        wait_for(lambda: smtp.messages_to("ops@cabinet.example"), 60, "the operators' alert")
        entry = _entry(tmp_path)
        assert entry.state == "failed" and "disappeared from processing/" in (entry.reason or ""), entry
        assert entry.path == tmp_path / "failed/acme/bureau.wav" and not entry.path.exists()
        assert not list((tmp_path / "processing/acme").iterdir())
        assert "No such file" not in service.log.read_text(errors="replace"), "the failure hook crashed"

        shutil.move(tmp_path / "aside.wav", tmp_path / "inbox/acme/bureau.wav")  # dropped again: a new attempt
        wait_for(lambda: smtp.messages_to("direction@acme.example"), 180, "the minutes of the re-dropped file")
        wait_for(lambda: _entry(tmp_path).state == "done", 60, "the ledger to say done")
        assert len(list((tmp_path / "archive/acme").glob("*/bureau.wav"))) == 1
        assert _entry(tmp_path).retries == 1
        # A later reconcile (the service restarted) sends nothing again.
        service.stop()
        finished = _finished_runs(service)
        service.start()
        wait_for(lambda: _finished_runs(service) > finished, 120, "a reconcile after the restart")
        assert len(smtp.messages_to("direction@acme.example")) == 1
        assert len(smtp.messages_to("ops@cabinet.example")) == 1
    finally:
        if service.process is not None and service.process.poll() is None:
            service.stop()
        smtp.stop()


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8") if path.exists() else ""


def _entry(root: Path) -> Any:
    with RecordingLedger(default_ledger_path(root / "home")) as ledger:
        (entry,) = ledger.entries(client="acme")
    return entry
