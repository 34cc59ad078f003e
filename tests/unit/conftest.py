"""Fixtures shared by the desk's unit tests (tests/unit/test_desk_*.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.unit.desk_site import Site, build_site, copy_site


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Site:
    """A desk site built once per module (its recording encoded once)."""
    return build_site(tmp_path_factory.mktemp("desk"))


@pytest.fixture
def site(built: Site, tmp_path: Path) -> Site:
    """A fresh copy of the module's site for each test."""
    return copy_site(built, tmp_path)
