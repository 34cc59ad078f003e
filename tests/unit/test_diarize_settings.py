"""Diarization settings: the speed knobs are validated and batch sizes follow the device (no model)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from pipeline.config import DiarizeSettings, load_settings
from pipeline.diarize import PyannoteDiarizer
from pipeline.diarize.pyannote import _batch_sizes, model_settings
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


def test_recording_hints_are_not_part_of_the_model(tmp_path: Path) -> None:
    base = DiarizeSettings()
    hinted = DiarizeSettings(num_speakers=2, min_speakers=2, max_speakers=2, voices_dir=tmp_path)
    assert model_settings(hinted) == model_settings(base) == base
    assert model_settings(DiarizeSettings(segmentation_step=0.5, num_speakers=2)) != base
    diarizer = PyannoteDiarizer(base)
    assert diarizer.with_recording_settings(hinted).settings == hinted
    with pytest.raises(ValueError, match="need a model of their own"):
        diarizer.with_recording_settings(DiarizeSettings(threads=2))
