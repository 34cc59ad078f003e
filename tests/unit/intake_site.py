"""Fixtures shared by the intake tests: one client's service folders and a fresh ledger.

Imported by name into each module (``from tests.unit.intake_site import clients, ledger, root``);
a module that needs other clients defines its own ``clients``, which ``root`` then uses.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from service.clients import Clients, parse_clients
from service.intake import Layout, RecordingLedger


@pytest.fixture
def clients(tmp_path: Path) -> Clients:
    return parse_clients({"clients": {"acme": {"recipients": ["a@acme.fr"]}}}, tmp_path / "clients.toml")


@pytest.fixture
def root(tmp_path: Path, clients: Clients) -> Path:
    root = tmp_path / "service"
    Layout(root).create(clients.folders)
    return root


@pytest.fixture
def ledger(tmp_path: Path) -> Iterator[RecordingLedger]:
    with RecordingLedger(tmp_path / "home" / "ledger.sqlite3") as ledger:
        yield ledger
