"""The CLI: help with examples on every command; one-line errors and non-zero exit codes."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main


def _commands() -> list[str]:
    return sorted(main.commands)


@pytest.mark.parametrize("command", _commands())
def test_every_command_has_help_with_an_example(command: str) -> None:
    result = CliRunner().invoke(main, [command, "--help"])
    assert result.exit_code == 0
    assert "Example" in result.output and f"minutier {command}" in result.output


def test_not_media_is_one_line_and_exit_1(tmp_path: Path) -> None:
    bad = tmp_path / "memo.m4a"
    bad.write_text("pas de l'audio")
    result = CliRunner().invoke(main, ["transcribe", str(bad)])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        f"Error: {bad}: not a readable audio or video file (Invalid data found when processing input)"
    ]


def test_missing_file_exit_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["transcribe", str(tmp_path / "absent.wav")])
    assert result.exit_code == 2
    assert "does not exist" in result.output


def test_bad_config_is_named(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text("[asr]\nspeed = 3\n")
    result = CliRunner().invoke(main, ["--config", str(config), "transcribe", str(config)])
    assert result.exit_code == 1
    assert "unknown setting 'speed'" in result.output
