"""The model stages' cache key names the shape of what it keeps: after an upgrade that adds a field to a
cached type, an older pickle (which would load without the field and fail the run reading it) is not found."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from flows.tasks import CACHED_TYPES, _stage_key, result_shape
from pipeline.config import DiarizeSettings
from pipeline.types import Diarization, Recording


def test_a_field_added_to_a_cached_type_changes_the_key(tmp_path: Path) -> None:
    recording = Recording(tmp_path / "réunion.wav", "reunion", "0" * 64)
    parameters = {"recording": recording, "settings": DiarizeSettings()}
    today = _stage_key("diarize")(None, parameters)  # type: ignore[arg-type]
    assert today == _stage_key("diarize")(None, parameters)  # type: ignore[arg-type]  # stable otherwise

    names = [f.name for f in dataclasses.fields(Diarization)] + ["a_new_field"]
    upgraded = dataclasses.make_dataclass("Diarization", names, frozen=True, slots=True)
    shape = result_shape(tuple(upgraded if t is Diarization else t for t in CACHED_TYPES))
    assert shape != result_shape()
    assert _stage_key("diarize", shape)(None, parameters) != today  # type: ignore[arg-type]


def test_an_older_pickle_lacks_the_new_field() -> None:
    """Why the key must change: a slots dataclass unpickled from fewer fields has none for the new one."""
    state = Diarization((), (), 1.0).__getstate__()[:-1]  # as pickled before its last field existed
    loaded = object.__new__(Diarization)
    loaded.__setstate__(state)
    with pytest.raises(AttributeError):
        getattr(loaded, dataclasses.fields(Diarization)[-1].name)
