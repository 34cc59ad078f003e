"""Secretaries' accounts: declared in [desk], passwords set by `minutier desk add-user` and kept only as
argon2 hashes in a 0600 file, a session secret made once; the throttle's schedule."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from desk.accounts import Throttle, check_password, read_hashes, session_secret
from pipeline.errors import ConfigError
from service.settings import DeskSettings, load_config


def _config(tmp_path: Path, desk: str = "") -> Path:
    path = tmp_path / "minutier.toml"
    path.write_text(
        f'[service]\nhome_dir = "{tmp_path / "home"}"\n\n[desk]\nport = 4310\n'
        f'[desk.users.claire]\nclients = ["acme", "lefevre"]\nlanguage = "en"\n{desk}',
        encoding="utf-8",
    )
    return path


def test_secretaries_are_declared_with_their_clients(tmp_path: Path) -> None:
    desk = load_config(_config(tmp_path)).desk
    assert (desk.host, desk.port, desk.session_hours, desk.language) == ("127.0.0.1", 4310, 12.0, "fr")
    claire = desk.user("claire")
    assert claire is not None and claire.clients == ("acme", "lefevre") and claire.language == "en"
    assert desk.user("mallory") is None


@pytest.mark.parametrize(
    ("extra", "named"),
    [
        ('[desk.users.bob]\nclients = "acme"\n', "list of client folders"),
        ('[desk.users.bob]\nclients = ["acme"]\npassword = "x"\n', "never in a file; use: minutier desk add-user"),
        ('[desk.users.bob]\nclients = ["acme"]\nrole = "x"\n', "and optionally language"),
        ('[desk.users.bob]\nclients = ["acme"]\nlanguage = "de"\n', "language"),
    ],
)
def test_a_wrong_user_declaration_is_named(tmp_path: Path, extra: str, named: str) -> None:
    with pytest.raises(ConfigError, match=named):
        load_config(_config(tmp_path, extra))


def test_wrong_desk_settings_are_refused() -> None:
    with pytest.raises(ConfigError, match="session_hours"):
        DeskSettings(session_hours=0)
    with pytest.raises(ConfigError, match="port"):
        DeskSettings(port=70000)
    with pytest.raises(ConfigError, match=r"trusted_proxies: '\*' is not an IP address"):
        DeskSettings(trusted_proxies=("*",))  # every client could then pick the address the throttle counts
    with pytest.raises(ConfigError, match="expected a list of addresses"):
        DeskSettings(trusted_proxies="10.0.0.5")  # type: ignore[arg-type]
    assert DeskSettings(trusted_proxies=["10.0.0.0/24", "::1"]).trusted_proxies == ("10.0.0.0/24", "::1")  # type: ignore[arg-type]


def test_add_user_keeps_only_a_slow_hash(tmp_path: Path) -> None:
    config = _config(tmp_path)
    runner = CliRunner()
    result = runner.invoke(
        main, ["--config", str(config), "desk", "add-user", "claire", "--password-stdin"], input="une phrase de passe\n"
    )
    assert result.exit_code == 0, result.output
    folder = tmp_path / "home" / "desk"
    users = folder / "users.json"
    assert stat.S_IMODE(users.stat().st_mode) == 0o600
    assert "une phrase de passe" not in users.read_text()
    assert read_hashes(folder)["claire"].startswith("$argon2id$")
    assert check_password(folder, "claire", "une phrase de passe")
    assert not check_password(folder, "claire", "une phrase de passf")
    assert not check_password(folder, "nobody", "une phrase de passe")
    # Changing it replaces the hash; a user not declared yet is set, with a note.
    again = runner.invoke(
        main, ["--config", str(config), "desk", "add-user", "bob", "--password-stdin"], input="another-long-one\n"
    )
    assert again.exit_code == 0 and "not declared" in again.output
    assert set(read_hashes(folder)) == {"claire", "bob"}
    short = runner.invoke(
        main, ["--config", str(config), "desk", "add-user", "claire", "--password-stdin"], input="court\n"
    )
    assert short.exit_code == 1 and "at least 8 characters" in short.output
    assert check_password(folder, "claire", "une phrase de passe")
    assert "add-user" in runner.invoke(main, ["desk", "--help"]).output


def test_the_session_secret_is_made_once_and_private(tmp_path: Path) -> None:
    secret = session_secret(tmp_path)
    assert len(secret) >= 32 and session_secret(tmp_path) == secret
    assert stat.S_IMODE((tmp_path / "secret").stat().st_mode) == 0o600


def test_the_throttle_doubles_its_wait_and_forgets_a_success() -> None:
    now = [0.0]
    throttle = Throttle(clock=lambda: now[0])
    waits = []
    for _ in range(6):
        throttle.failed("user:claire")
        waits.append(throttle.wait_s("user:claire"))
    assert waits == [0.0, 0.0, 2.0, 4.0, 8.0, 16.0]
    assert throttle.wait_s("user:bob") == 0.0
    now[0] += 16.0
    assert throttle.wait_s("user:claire") == 0.0
    throttle.succeeded("user:claire")
    throttle.failed("user:claire")
    assert throttle.wait_s("user:claire") == 0.0
