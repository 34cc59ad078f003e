"""The review's files written whole (a temporary file renamed over), and its minutes parsed once."""

from __future__ import annotations

import json
import os
import secrets
import threading
from pathlib import Path

from pipeline.serialize import loads, to_data
from pipeline.summarize.model import Minutes


def write_atomic(path: Path, text: str) -> None:
    staging = path.with_name(f".{path.name}.{secrets.token_hex(4)}.writing")
    with open(staging, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(staging, path)


def compact(minutes: Minutes) -> str:
    return json.dumps(to_data(minutes), ensure_ascii=False, separators=(",", ":"))


# path -> (its modification stamp, the minutes it holds): a long meeting takes a while to parse,
# and the desk reads the same review's minutes at every save.
_PARSED: dict[Path, tuple[tuple[int, int], Minutes]] = {}
_PARSED_MAX = 16
_PARSED_LOCK = threading.Lock()


def _stamp(path: Path) -> tuple[int, int]:
    stat = path.stat()
    return stat.st_mtime_ns, stat.st_size


def _remember(path: Path, minutes: Minutes) -> None:
    with _PARSED_LOCK:  # the desk serves requests from several threads
        if len(_PARSED) >= _PARSED_MAX and path not in _PARSED:
            _PARSED.pop(next(iter(_PARSED)), None)
        _PARSED[path] = (_stamp(path), minutes)


def minutes_at(path: Path) -> Minutes:
    cached = _PARSED.get(path)
    if cached is not None and cached[0] == _stamp(path):
        return cached[1]
    minutes = loads(Minutes, path.read_text(encoding="utf-8"))
    _remember(path, minutes)
    return minutes


def write_current(folder: Path, minutes: Minutes) -> None:
    write_atomic(folder / "current.json", compact(minutes))
    _remember(folder / "current.json", minutes)
