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
from tests.unit.desk_site import csrf_of


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


def _failed_sign_ins(port: int, forwarded_for: str, names: list[str]) -> list[int]:
    """Wrong passwords for `names` through a proxy forwarding `forwarded_for`; each answer's status."""
    statuses = []
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as browser:
        token = csrf_of(browser.get("/login").text)
        for name in names:
            sent = {"user": name, "password": "not this one", "csrf": token}
            statuses.append(browser.post("/login", data=sent, headers={"X-Forwarded-For": forwarded_for}).status_code)
    return statuses


@pytest.mark.parametrize(
    ("trusted", "second_address"),
    [(("127.0.0.1", "::1"), 401), ((), 429)],
    ids=["proxy-trusted", "no-proxy-trusted"],
)
def test_behind_a_trusted_proxy_the_throttle_counts_each_client_address(
    tmp_path: Path, trusted: tuple[str, ...], second_address: int
) -> None:
    """Through a proxy on this host, guesses from one address are throttled (names changed each time) while
    another address still signs in; with no proxy trusted, a forwarded address is ignored, not believed."""
    port = free_port()
    settings = _settings(tmp_path, port, {"claire": {"clients": ["acme"]}})
    settings = replace(settings, desk=replace(settings.desk, trusted_proxies=trusted))
    with DeskServer(settings):
        guesses = _failed_sign_ins(port, "203.0.113.7", ["anne", "bruno", "carla", "denis"])
        other = _failed_sign_ins(port, "198.51.100.9", ["emma"])
    assert guesses == [401, 401, 401, 429]
    assert other == [second_address]
