"""Settings: embedded defaults, TOML overrides, and named errors for bad files."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.config import AsrSettings, load_settings
from pipeline.errors import ConfigError


def test_defaults_are_offline_bundled_base() -> None:
    settings = load_settings(None)
    assert settings.asr.model == "base" and settings.asr.offline and settings.asr.device == "auto"


def test_toml_overrides(tmp_path: Path) -> None:
    path = tmp_path / "minutier.toml"
    path.write_text('[asr]\nmodel = "large-v3"\nlanguage = "fr"\ncache_dir = "~/models"\n[audio]\nmin_duration = 1.0\n')
    settings = load_settings(path)
    assert settings.asr.model == "large-v3" and settings.asr.language == "fr"
    assert settings.asr.cache_dir == Path("~/models").expanduser()
    assert settings.audio.min_duration == 1.0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[asr]\nmodle = 'x'\n", r"unknown setting 'modle'"),
        ("[whisper]\nmodel = 'x'\n", r"unknown section \[whisper\]"),
        ("[asr\n", "not valid TOML"),
    ],
)
def test_bad_files_are_named(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=message):
        load_settings(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_settings(tmp_path / "nope.toml")


def test_settings_are_hashable_for_model_caches() -> None:
    assert hash(AsrSettings()) == hash(AsrSettings())
