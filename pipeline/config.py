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


@dataclass(frozen=True, slots=True)
class Settings:
    audio: AudioSettings = field(default_factory=AudioSettings)
    asr: AsrSettings = field(default_factory=AsrSettings)


_SECTIONS: dict[str, type] = {"audio": AudioSettings, "asr": AsrSettings}


def _build_section(cls: type, values: dict[str, Any], source: str) -> Any:
    known = {f.name: f for f in fields(cls)}
    kwargs: dict[str, Any] = {}
    for key, value in values.items():
        if key not in known:
            raise ConfigError(f"{source}: unknown setting '{key}' (known: {', '.join(sorted(known))})")
        kwargs[key] = Path(value).expanduser() if key.endswith("_dir") and value is not None else value
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
