"""Diarization settings: the speed knobs are validated and batch sizes follow the device (no model)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from pipeline.config import DiarizeSettings, load_settings
from pipeline.diarize.pyannote import _batch_sizes
from pipeline.errors import ConfigError


def test_speed_settings_load_from_toml(tmp_path: Path) -> None:
    path = tmp_path / "minutier.toml"
    path.write_text("[diarize]\nsegmentation_step = 0.2\nthreads = 0\nembedding_batch_size = 4\n")
    diarize = load_settings(path).diarize
    assert (diarize.segmentation_step, diarize.threads, diarize.embedding_batch_size) == (0.2, 0, 4)
    assert diarize.segmentation_batch_size is None


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"segmentation_step": 0.0}, "segmentation_step = 0.0: must be in (0, 1]"),
        ({"segmentation_step": 1.5}, "segmentation_step = 1.5: must be in (0, 1]"),
        ({"threads": -1}, "threads = -1"),
        ({"segmentation_batch_size": 0}, "batch sizes must be at least 1"),
        ({"embedding_batch_size": -2}, "batch sizes must be at least 1"),
    ],
)
def test_bad_speed_settings_are_named(values: dict[str, float], message: str) -> None:
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace("]", r"\]")):
        DiarizeSettings(**values)  # type: ignore[arg-type]


def test_unset_batch_sizes_follow_the_device() -> None:
    cpu, cuda = SimpleNamespace(type="cpu"), SimpleNamespace(type="cuda")
    assert _batch_sizes(DiarizeSettings(), cpu) == (8, 1)
    assert _batch_sizes(DiarizeSettings(), cuda) == (32, 8)
    assert _batch_sizes(DiarizeSettings(segmentation_batch_size=4, embedding_batch_size=2), cuda) == (4, 2)
    assert _batch_sizes(DiarizeSettings(embedding_batch_size=3), cpu) == (8, 3)
