"""`minutier serve` killed mid-transcription (every process: service, flow run, model worker), then
restarted: the recording is processed once more, to the end, and emailed exactly once."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

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
