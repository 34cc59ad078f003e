"""[minutes] settings: TOML section, paths, the API key from the environment only."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.config import MinutesSettings, load_settings
from pipeline.errors import ConfigError


def test_minutes_section_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MINUTIER_LLM_API_KEY", "sk-from-env")
    config = tmp_path / "minutier.toml"
    config.write_text(
        '[minutes]\nsummarizer = "llm"\nllm_base_url = "http://127.0.0.1:8080/v1"\n'
        'template_path = "~/modeles/cabinet.docx"\n',
        encoding="utf-8",
    )
    s = load_settings(config).minutes
    assert (s.summarizer, s.llm_base_url) == ("llm", "http://127.0.0.1:8080/v1")
    assert s.template_path == Path("~/modeles/cabinet.docx").expanduser()
    assert s.llm_api_key == "sk-from-env" and "sk-from-env" not in repr(s)


def test_defaults_and_bad_summarizer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MINUTIER_LLM_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    s = load_settings().minutes
    assert (s.summarizer, s.llm_api_key, s.template_path) == ("offline", None, None)
    with pytest.raises(ConfigError, match="summarizer"):
        MinutesSettings(summarizer="gpt")


def test_api_key_in_a_file_is_refused_naming_the_variable(tmp_path: Path) -> None:
    config = tmp_path / "minutier.toml"
    config.write_text('[minutes]\nsummarizer = "llm"\nllm_api_key = "sk-in-a-file"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"'llm_api_key' is read from the environment only") as info:
        load_settings(config)
    assert "set MINUTIER_LLM_API_KEY" in str(info.value) and "sk-in-a-file" not in str(info.value)
