"""A clients file edited into an invalid state while the service runs: one line per version, last valid kept."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from pipeline.errors import ConfigError
from service.known_clients import load_running_clients, load_start_clients

GOOD = '[clients.acme]\nrecipients = ["a@acme.fr"]\n\n[clients.beta]\nrecipients = ["b@beta.fr"]\n'
BROKEN = '[clients.acme]\nrecipients = ["a@acme.fr"]\n\n[clients.beta\nrecipients = ["b@beta.fr"]\n'
OTHER_BROKEN = '[clients.acme]\nrecipients = "a@acme.fr\n'


def _errors(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]


def test_an_invalid_edit_keeps_the_last_valid_clients_and_is_reported_once_per_version(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path, ledger = tmp_path / "clients.toml", tmp_path / "home/ledger.sqlite3"
    path.write_text(GOOD, encoding="utf-8")
    assert load_start_clients(path, ledger).folders == ("acme", "beta")

    path.write_text(BROKEN, encoding="utf-8")  # saved half-edited while the service runs
    caplog.set_level(logging.INFO, logger="service.known_clients")
    for _ in range(3):  # three reconciles (or runs, in other processes): one line
        running = load_running_clients(path, ledger)
        assert running.clients is not None and running.clients.folders == ("acme", "beta")
        assert running.problem is not None and "line 4, column 14" in running.problem
    (line,) = _errors(caplog)
    assert line.startswith(f"{path}, line 4, column 14: not valid TOML")
    assert (
        "correct that line and save the file" in line
        and "keeps its last valid version (2 client(s): acme, beta)" in line
    )
    assert "\n" not in line

    path.write_text(OTHER_BROKEN, encoding="utf-8")  # another invalid version: reported once more
    load_running_clients(path, ledger)
    load_running_clients(path, ledger)
    assert len(_errors(caplog)) == 2 and "line 2" in _errors(caplog)[1]

    path.write_text(GOOD.replace("[clients.beta]", "[clients.gamma]"), encoding="utf-8")  # fixed
    assert load_running_clients(path, ledger).clients.folders == ("acme", "gamma")  # type: ignore[union-attr]
    assert any("is valid again: 2 client(s)" in r.getMessage() for r in caplog.records)
    path.write_text(BROKEN, encoding="utf-8")  # the first broken version again: a new change, a new line
    assert load_running_clients(path, ledger).clients.folders == ("acme", "gamma")  # type: ignore[union-attr]
    assert len(_errors(caplog)) == 3


def test_at_start_an_invalid_file_refuses_with_its_one_line(tmp_path: Path) -> None:
    path, ledger = tmp_path / "clients.toml", tmp_path / "home/ledger.sqlite3"
    path.write_text(GOOD, encoding="utf-8")
    load_start_clients(path, ledger)
    path.write_text(BROKEN, encoding="utf-8")
    with pytest.raises(ConfigError, match=r"clients.toml, line 4, column 14: not valid TOML"):
        load_start_clients(path, ledger)  # an operator is there: the old version is not used unasked


def test_never_valid_watches_nothing(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path, ledger = tmp_path / "clients.toml", tmp_path / "home/ledger.sqlite3"
    path.write_text(BROKEN, encoding="utf-8")
    running = load_running_clients(path, ledger)
    assert running.clients is None and running.problem
    assert "no client folder is watched until it is fixed" in _errors(caplog)[0]
