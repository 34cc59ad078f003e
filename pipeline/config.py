"""Frozen settings with embedded defaults. The only module that reads the environment or TOML."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from pipeline.errors import ConfigError

BUNDLED_WHISPER = "base"


def default_cache_dir() -> Path:
    """Where assembled models and other caches live (``MINUTIER_CACHE`` or ~/.cache/minutier)."""
    configured = os.environ.get("MINUTIER_CACHE")
    if configured:
        return Path(configured).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "minutier"


@dataclass(frozen=True, slots=True)
class AudioSettings:
    # Recordings shorter than this (seconds) are refused as empty.
    min_duration: float = 0.5
    # Refuse a stream that decodes to less than this share of the length its header announces.
    min_decoded_ratio: float = 0.9


@dataclass(frozen=True, slots=True)
class AsrSettings:
    """Speech-to-text settings.

    `model` is "base" (the bundled offline default), any faster-whisper model name
    ("small", "large-v3", "large-v3-turbo", a hub id) or a local CTranslate2 directory.
    """

    model: str = BUNDLED_WHISPER
    device: str = "auto"
    compute_type: str = "auto"
    language: str | None = None
    threads: int = 0
    beam_size: int = 5
    batch_size: int = 0
    vad: bool = True
    offline: bool = True
    cache_dir: Path = field(default_factory=default_cache_dir)


def _llm_api_key() -> str | None:
    """The LLM API key comes from ``MINUTIER_LLM_API_KEY`` (or ``OPENAI_API_KEY``), never from a file."""
    return os.environ.get("MINUTIER_LLM_API_KEY") or os.environ.get("OPENAI_API_KEY") or None


SUMMARIZERS = ("offline", "llm")


@dataclass(frozen=True, slots=True)
class MinutesSettings:
    """How minutes are written.

    `summarizer` is "offline" (deterministic, the default) or "llm": any OpenAI-compatible chat
    completions server (Ollama, vLLM, llama.cpp server, a hosted service) at `llm_base_url`.
    The API key is read from the environment only and is never shown in repr or logs.
    """

    summarizer: str = "offline"
    llm_base_url: str = "http://127.0.0.1:11434/v1"
    llm_model: str = "llama3.1:8b"
    llm_api_key: str | None = field(default_factory=_llm_api_key, repr=False)
    llm_timeout: float = 120.0
    llm_chunk_chars: int = 12_000
    template_path: Path | None = None
    language: str = "fr"

    def __post_init__(self) -> None:
        if self.summarizer not in SUMMARIZERS:
            raise ConfigError(f"[minutes] summarizer = {self.summarizer!r}: use one of {', '.join(SUMMARIZERS)}")


def default_home() -> Path:
    """Where the service keeps its state (Prefect database, results, work files): ``MINUTIER_HOME`` or ./.minutier."""
    configured = os.environ.get("MINUTIER_HOME")
    return Path(configured).expanduser().resolve() if configured else Path.cwd().resolve() / ".minutier"


def _prefect_api_url() -> str | None:
    return os.environ.get("PREFECT_API_URL") or None


def _task_worker_env() -> bool:
    # `minutier serve` sets this for the flow-run processes it starts.
    return os.environ.get("MINUTIER_TASK_WORKER", "") == "1"


@dataclass(frozen=True, slots=True)
class ServiceSettings:
    """The orchestration service (Prefect).

    With `api_url` unset, minutier starts its own Prefect server (SQLite, bound to `host`) with
    its state under `home_dir`; set it (or PREFECT_API_URL) to use a remote server instead.
    """

    home_dir: Path = field(default_factory=default_home)
    api_url: str | None = field(default_factory=_prefect_api_url)
    host: str = "127.0.0.1"
    port: int = 4200
    # Model stages run in a long-lived Prefect task worker so models load once, not per recording.
    task_worker: bool = field(default_factory=_task_worker_env)
    gpu_limit: str = "minutier-gpu"
    stage_timeout_s: float = 6 * 3600.0
    retries: int = 2
    retry_delay_s: float = 10.0


@dataclass(frozen=True, slots=True)
class Settings:
    audio: AudioSettings = field(default_factory=AudioSettings)
    asr: AsrSettings = field(default_factory=AsrSettings)
    minutes: MinutesSettings = field(default_factory=MinutesSettings)
    service: ServiceSettings = field(default_factory=ServiceSettings)


_SECTIONS: dict[str, type] = {"audio": AudioSettings, "asr": AsrSettings, "minutes": MinutesSettings, "service": ServiceSettings}


def _build_section(cls: type, values: dict[str, Any], source: str) -> Any:
    known = {f.name: f for f in fields(cls)}
    kwargs: dict[str, Any] = {}
    for key, value in values.items():
        if key not in known:
            raise ConfigError(f"{source}: unknown setting '{key}' (known: {', '.join(sorted(known))})")
        kwargs[key] = Path(value).expanduser() if key.endswith(("_dir", "_path")) and value is not None else value
    return cls(**kwargs)


def load_settings(path: Path | str | None = None) -> Settings:
    """Load settings from a TOML file (sections [audio], [asr], ...); defaults when `path` is None.

    Raises:
        ConfigError: the file is missing, not TOML, or names an unknown section or setting.
    """
    if path is None:
        return Settings()
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as e:
        raise ConfigError(f"{path}: configuration file not found") from e
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{path}: not valid TOML ({e})") from e
    sections: dict[str, Any] = {}
    for name, values in data.items():
        if name not in _SECTIONS:
            raise ConfigError(f"{path}: unknown section [{name}] (known: {', '.join(_SECTIONS)})")
        if not isinstance(values, dict):
            raise ConfigError(f"{path}: [{name}] must be a table")
        sections[name] = _build_section(_SECTIONS[name], values, f"{path} [{name}]")
    return replace(Settings(), **sections)
