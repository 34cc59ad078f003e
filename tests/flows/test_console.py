"""What an operator reads on the console of a real `minutier serve` when a corrupt file is dropped: one
"ready" line, the failure's reason in one line per record (no traceback), the traceback kept in the log
file, and the operator alert kept as an .eml although no operator or SMTP server is configured."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from tests.flows.fakes import child_environment
from tests.flows.service_harness import CLIENTS_TOML, Service, service_config, wait_for


def test_a_corrupt_file_is_one_line_on_the_console_and_an_alert_file(prefect_server: Any, tmp_path: Path) -> None:
    config = service_config(tmp_path, smtp_port=None, settle_s=1)
    (tmp_path / "clients.toml").write_text(CLIENTS_TOML, encoding="utf-8")
    service = Service(config, tmp_path / "serve.log", env=child_environment(tmp_path / "fake-models"))
    service.start()
    try:
        wait_for(lambda: "minutier is ready: watching 3 client folder(s)" in service.log.read_text(), 120, "ready")
        start = len(service.log.read_text())
        (tmp_path / "inbox/acme/broken.m4a").write_bytes(os.urandom(40_000))
        wait_for(lambda: list((tmp_path / "failed/acme").glob("broken*.reason.txt")), 180, "the file in failed/")
        wait_for(lambda: "Operator alert for acme / broken.m4a" in service.log.read_text(), 30, "the alert")
    finally:
        service.stop()
    console = service.log.read_text()
    after = console[start:]
    assert console.count("minutier is ready") == 1
    assert "Traceback" not in after, after
    assert "Encountered exception during execution: NotMediaError(" in after
    assert "(traceback in the run's logs in the Prefect UI and in " in after
    (alert,) = (tmp_path / "home/alerts").glob("*.eml")
    assert f"written to {alert} (no [email] operators" in after
    kept = (tmp_path / "home/logs/minutier.log").read_text()
    assert "Traceback (most recent call last)" in kept and "broken.m4a: not a readable audio" in kept
