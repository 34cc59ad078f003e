"""The desk as `minutier serve` runs it: uvicorn in a thread on the configured port, stopped with the block;
a taken port is refused with the setting to change; no secretaries declared, no desk."""

from __future__ import annotations

import socket
from dataclasses import replace
from pathlib import Path

import httpx
import pytest

from desk.server import DeskError, DeskServer
from flows.serve import review_desk
from service.settings import DeskSettings, ServiceConfig, ServiceSettings
from tests.smtp import free_port


def _settings(tmp_path: Path, port: int, users: dict[str, dict[str, list[str]]]) -> ServiceConfig:
    return ServiceConfig(
        service=ServiceSettings(home_dir=tmp_path / "home", root_dir=tmp_path, api_url="http://127.0.0.1:9/api"),
        desk=DeskSettings(port=port, users=users),
    )


def test_the_desk_serves_while_the_block_runs(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    port = free_port()
    settings = _settings(tmp_path, port, {"claire": {"clients": ["acme"]}})
    with caplog.at_level("INFO"), review_desk(settings):
        page = httpx.get(f"http://127.0.0.1:{port}/login", timeout=10)
        assert page.status_code == 200 and 'name="password"' in page.text
        assert httpx.get(f"http://127.0.0.1:{port}/queue", timeout=10).status_code == 303  # signed out
    assert f"Review desk: http://127.0.0.1:{port}" in caplog.text
    assert "no password yet for ['claire']" in caplog.text
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://127.0.0.1:{port}/login", timeout=2)


def test_a_taken_port_is_refused_with_the_setting_to_change(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        settings = _settings(tmp_path, port, {"claire": {"clients": ["acme"]}})
        with pytest.raises(DeskError, match=r"\[desk\] port"), DeskServer(settings):
            pass


def test_no_secretary_no_desk(tmp_path: Path) -> None:
    port = free_port()
    settings = replace(_settings(tmp_path, port, {}), desk=DeskSettings(port=port))
    with review_desk(settings):
        with pytest.raises(httpx.ConnectError):
            httpx.get(f"http://127.0.0.1:{port}/login", timeout=2)
    assert not (tmp_path / "home" / "desk").exists()
