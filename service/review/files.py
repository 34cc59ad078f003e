"""The review's files written whole (a temporary file renamed over), and its minutes parsed once."""

from __future__ import annotations

import json
import os
import re
import secrets
import threading
from pathlib import Path
from typing import Any

from pipeline.serialize import loads, to_data
from pipeline.summarize.model import Minutes
from service.clients import check_folder_name
from service.layout import Home

# A review id is 16 random bytes in URL-safe base64; nothing else names a review.
REVIEW_ID = re.compile(r"[A-Za-z0-9_-]{22}")
TRAIL = "edits.jsonl"
CURRENT = "current.json"
CURRENT_VERSION = "current.version"


def client_folder(home: Path, client: str) -> Path:
    """``<home>/reviews/<client>``; ValueError when `client` is not a safe folder name."""
    return Home(home).reviews / check_folder_name(client)


def write_atomic(path: Path, text: str, *, durable: bool = True) -> None:
    """Write `path` whole or not at all; `durable=False` skips the flush to disk (for a file that can be rebuilt)."""
    staging = path.with_name(f".{path.name}.{secrets.token_hex(4)}.writing")
    with open(staging, "w", encoding="utf-8") as handle:
        handle.write(text)
        if durable:
            handle.flush()
            os.fsync(handle.fileno())
    os.replace(staging, path)


def compact(minutes: Minutes) -> str:
    return json.dumps(to_data(minutes), ensure_ascii=False, separators=(",", ":"))


# path -> (its modification stamp, the minutes it holds): a long meeting takes a while to parse.
_PARSED: dict[Path, tuple[tuple[int, int], Minutes]] = {}
# review folder -> (the size of its audit trail, the current minutes): the desk's edits and reads
# are served from here; the trail only grows, so its size says which edits the minutes hold.
_CURRENT: dict[Path, tuple[int, Minutes]] = {}
_CACHED_MAX = 16
_CACHE_LOCK = threading.Lock()  # the desk serves requests from several threads


def forget_parsed() -> None:
    """Drop what this process holds (tests use it to read the files as another process would)."""
    with _CACHE_LOCK:
        _PARSED.clear()
        _CURRENT.clear()


def _keep(cache: dict[Path, Any], path: Path, value: Any) -> None:
    with _CACHE_LOCK:
        if len(cache) >= _CACHED_MAX and path not in cache:
            cache.pop(next(iter(cache)), None)
        cache[path] = value


def _stamp(path: Path) -> tuple[int, int]:
    stat = path.stat()
    return stat.st_mtime_ns, stat.st_size


def minutes_at(path: Path) -> Minutes:
    """The minutes of a JSON file, parsed once while the file is unchanged."""
    cached = _PARSED.get(path)
    if cached is not None and cached[0] == _stamp(path):
        return cached[1]
    minutes = loads(Minutes, path.read_text(encoding="utf-8"))
    _keep(_PARSED, path, (_stamp(path), minutes))
    return minutes


def trail_size(folder: Path) -> int:
    """The audit trail's size in bytes (0 before the first edit): it names the minutes' version."""
    try:
        return (folder / TRAIL).stat().st_size
    except FileNotFoundError:
        return 0


def cached_current(folder: Path, size: int) -> Minutes | None:
    """The current minutes of `folder` as they were after `size` bytes of trail, if held."""
    cached = _CURRENT.get(folder)
    return cached[1] if cached is not None and cached[0] == size else None


def remember_current(folder: Path, size: int, minutes: Minutes) -> None:
    _keep(_CURRENT, folder, (size, minutes))


def is_written(folder: Path, size: int) -> bool:
    """Whether ``current.json`` was written for `size` bytes of trail."""
    try:
        return (folder / CURRENT_VERSION).read_text(encoding="ascii").strip() == str(size)
    except OSError:
        return False


def write_current(folder: Path, size: int, minutes: Minutes) -> None:
    """``current.json``, then the trail size it holds: a crash between the two leaves a mismatch, so a rebuild."""
    # Derived from the draft and the audit trail (both flushed to disk): rebuilt if a crash loses it.
    write_atomic(folder / CURRENT, compact(minutes), durable=False)
    write_atomic(folder / CURRENT_VERSION, str(size), durable=False)
    remember_current(folder, size, minutes)
