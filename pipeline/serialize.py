"""Lossless JSON for every result type, so any stage can be rebuilt without re-running the models.

Frozen dataclasses become objects with a ``"type"`` tag; tuples become lists; dates and paths
become ISO strings. Reading uses the dataclasses' own type hints, so no schema is repeated here.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import types
import typing
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

_TAG = "type"


@functools.cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls))


@functools.cache
def _init_hints(cls: type) -> tuple[tuple[str, Any], ...]:
    """(name, type hint) of each init field: resolving hints is slow, and a long meeting holds ~10,000 words."""
    hints = typing.get_type_hints(cls)
    return tuple((f.name, hints[f.name]) for f in dataclasses.fields(cls) if f.init)


def to_data(obj: Any) -> Any:
    """Turn a result (dataclass, tuple, date, Path ...) into JSON-compatible data."""
    kind = type(obj)
    if kind is str or kind is int or kind is bool or obj is None:  # most values: answered first
        return obj
    if kind is float:
        return None if obj != obj else obj  # NaN is not JSON
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        data: dict[str, Any] = {_TAG: type(obj).__name__}
        for name in _field_names(type(obj)):
            data[name] = to_data(getattr(obj, name))
        return data
    if isinstance(obj, (list, tuple)):
        return [to_data(item) for item in obj]
    if isinstance(obj, (datetime, date, time)):
        return obj.isoformat()
    if isinstance(obj, Path):
        return str(obj)
    if isinstance(obj, float) and obj != obj:  # NaN is not JSON
        return None
    return obj


def from_data(cls: type[T], data: Any) -> T:
    """Rebuild an instance of `cls` from :func:`to_data` output."""
    return typing.cast(T, _convert(cls, data))


def _convert(hint: Any, data: Any) -> Any:
    origin = typing.get_origin(hint)
    if hint is Any:
        return data
    if origin in (typing.Union, types.UnionType):
        args = typing.get_args(hint)
        if data is None and type(None) in args:
            return None
        for arg in args:
            if arg is type(None):
                continue
            try:
                return _convert(arg, data)
            except (TypeError, ValueError, KeyError):
                continue
        raise ValueError(f"{data!r} does not match {hint}")
    if origin is tuple:
        args = typing.get_args(hint)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_convert(args[0], item) for item in data)
        return tuple(_convert(a, item) for a, item in zip(args, data, strict=True))
    if origin is dict:
        key_t, val_t = typing.get_args(hint)
        return {_convert(key_t, k): _convert(val_t, v) for k, v in data.items()}
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        if not isinstance(data, dict):
            raise TypeError(f"expected an object for {hint.__name__}")
        kwargs = {name: _convert(field_hint, data[name]) for name, field_hint in _init_hints(hint) if name in data}
        return hint(**kwargs)
    if hint is datetime:
        return datetime.fromisoformat(data)
    if hint is date:
        return date.fromisoformat(data)
    if hint is time:
        return time.fromisoformat(data)
    if hint is Path:
        return Path(data)
    if hint is float:
        if data is None:
            return float("nan")
        if isinstance(data, bool) or not isinstance(data, (int, float)):
            raise TypeError(f"expected a number, got {data!r}")
        return float(data)
    if hint in (int, str, bool):
        if not isinstance(data, hint) or (hint is int and isinstance(data, bool)):
            raise TypeError(f"expected {hint.__name__}, got {data!r}")
        return data
    return data


def dumps(obj: Any) -> str:
    return json.dumps(to_data(obj), ensure_ascii=False, indent=2)


def loads(cls: type[T], text: str) -> T:
    return from_data(cls, json.loads(text))
