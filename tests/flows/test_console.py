"""What an operator reads on the console of a real `minutier serve` (one service for the module):

- a corrupt file dropped: one "ready" line, the failure's reason in one line per record (no
  traceback), the traceback kept in the log file, and the operator alert kept as an .eml although
  no operator or SMTP server is configured;
- clients.toml saved invalid while the service runs: one line naming the file, the line and the
  fix, however many reconciles and runs read it, no traceback, and recordings still processed with
  the last valid clients; its repair is one line too.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.flows.fakes import child_environment
from tests.flows.service_harness import CLIENTS_TOML, Service, service_config, wait_for
from tests.flows.test_faults import tone


@pytest.fixture(scope="module")
def served(prefect_server: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Service]]:
    root = tmp_path_factory.mktemp("console")
    config = service_config(root, smtp_port=None, settle_s=1)
    (root / "clients.toml").write_text(CLIENTS_TOML, encoding="utf-8")
    service = Service(config, root / "serve.log", env=child_environment(root / "fake-models"))
    service.start()
    try:
        wait_for(lambda: "minutier is ready: watching 3 client folder(s)" in service.log.read_text(), 120, "ready")
        yield root, service
    finally:
        service.stop()


def test_a_corrupt_file_is_one_line_on_the_console_and_an_alert_file(served: tuple[Path, Service]) -> None:
    root, service = served
    start = len(service.log.read_text())
    (root / "inbox/acme/broken.m4a").write_bytes(os.urandom(40_000))
    wait_for(lambda: list((root / "failed/acme").glob("broken*.reason.txt")), 180, "the file in failed/")
    wait_for(lambda: "Operator alert for acme / broken.m4a" in service.log.read_text(), 30, "the alert")
    wait_for(lambda: "Finished in state Failed" in service.log.read_text()[start:], 30, "the end of the run")
    console = service.log.read_text()
    after = console[start:]
    assert console.count("minutier is ready") == 1
    assert "Traceback" not in after, after
    assert "Encountered exception during execution: NotMediaError(" in after
    assert "(traceback in the run's logs in the Prefect UI and in " in after
    (alert,) = (root / "home/alerts").glob("*.eml")
    assert f"written to {alert} (no [email] operators" in after
    kept = (root / "home/logs/minutier.log").read_text()
    assert "Traceback (most recent call last)" in kept and "broken.m4a: not a readable audio" in kept


def test_clients_file_saved_invalid_is_one_line_and_the_last_valid_clients_are_kept(
    served: tuple[Path, Service], tmp_path: Path
) -> None:
    root, service = served
    clients = root / "clients.toml"
    start = len(service.log.read_text())
    broken = CLIENTS_TOML.replace("[clients.acme-corp]", "[clients.acme-corp")  # saved mid-edit
    line = next(n for n, text in enumerate(broken.splitlines(), 1) if text.startswith("[clients.acme-corp"))
    clients.write_text(broken, encoding="utf-8")
    for n, client in enumerate(("acme", "acme_sa")):  # each drop: reconciles, a run, all reading the file
        tone(tmp_path / "staged.wav", 2, 500 + 10 * n)
        shutil.move(tmp_path / "staged.wav", root / "inbox" / client / f"pendant l'édition {n}.wav")
        wait_for(lambda c=client, i=n: _archived(root, c, f"pendant l'édition {i}.wav"), 180, f"the {client} recording")
    after = service.log.read_text()[start:]
    assert after.count("reconcile-inbox") >= 2, "the file was read by a single reconcile"
    problems = [text for text in after.splitlines() if "not valid TOML" in text]
    assert len(problems) == 1, problems
    assert f"{clients}, line {line}, column" in problems[0] and "correct that line and save the file" in problems[0]
    assert "keeps its last valid version (3 client(s): acme, acme-corp, acme_sa)" in problems[0]
    assert "Traceback" not in after, after

    clients.write_text(CLIENTS_TOML, encoding="utf-8")  # repaired: said once, on the next reconcile
    tone(tmp_path / "staged.wav", 2, 540)
    shutil.move(tmp_path / "staged.wav", root / "inbox/acme-corp/after the fix.wav")
    wait_for(lambda: _archived(root, "acme-corp", "after the fix.wav"), 180, "the recording after the fix")
    assert service.log.read_text()[start:].count(f"{clients} is valid again: 3 client(s)") == 1


def _archived(root: Path, client: str, name: str) -> bool:
    folder = root / "archive" / client
    return folder.is_dir() and any((day / name).exists() for day in folder.iterdir())
