"""Settings: embedded defaults, TOML overrides, and named errors for bad files."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from pipeline.config import AsrSettings, load_settings
from pipeline.errors import ConfigError
from service.settings import ServiceConfig, load_config


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


SECRET_WORDS = ("password", "key", "token", "secret")


def test_every_secret_is_env_only_and_hidden() -> None:
    sections = {s.name: type(getattr(ServiceConfig(), s.name)) for s in dataclasses.fields(ServiceConfig)}
    secrets = [
        (section, f)
        for section, cls in sections.items()
        for f in dataclasses.fields(cls)
        if any(word in f.name for word in SECRET_WORDS)
    ]
    assert {f"{section}.{f.name}" for section, f in secrets} == {
        "minutes.llm_api_key",
        "diarize.token",
        "email.password",
    }
    for _section, f in secrets:
        assert f.metadata.get("env_only") and not f.repr, f.name


@pytest.mark.parametrize(
    ("section", "key", "variable"),
    [
        ("minutes", "llm_api_key", "MINUTIER_LLM_API_KEY"),
        ("diarize", "token", "HF_TOKEN"),
        ("email", "password", "MINUTIER_SMTP_PASSWORD"),
    ],
)
def test_a_secret_in_a_file_is_refused(tmp_path: Path, section: str, key: str, variable: str) -> None:
    path = tmp_path / "minutier.toml"
    path.write_text(f'[{section}]\n{key} = "s3cret-in-a-file"\n')
    with pytest.raises(ConfigError, match=rf"\[{section}\]: '{key}' is read from the environment only") as info:
        load_config(path)
    assert f"set {variable}" in str(info.value) and "s3cret-in-a-file" not in str(info.value)
