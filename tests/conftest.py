"""Shared fixtures: where the evaluation audio lives, and small generated media files."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.media import run_ffmpeg

ROOT = Path(__file__).resolve().parents[1]


def _eval_dir() -> Path:
    configured = os.environ.get("MINUTIER_EVAL")
    return Path(configured) if configured else ROOT.parent / "shared" / "eval"


@pytest.fixture(scope="session")
def eval_dir() -> Path:
    path = _eval_dir()
    # Not a skip: without the shared evaluation audio the quality claims are unproven, so fail loudly.
    assert path.is_dir(), f"evaluation audio not found at {path} (set MINUTIER_EVAL)"
    return path


@pytest.fixture(scope="session")
def sample_wav() -> Path:
    return ROOT / "samples" / "meeting_en.wav"


MakeMedia = Callable[..., Path]


@pytest.fixture
def make_media(tmp_path: Path) -> MakeMedia:
    """Generate a media file with ffmpeg's lavfi sources: make_media("x.mp3", "sine=f=440:d=2")."""

    def make(name: str, source: str = "sine=frequency=440:duration=2", *args: str) -> Path:
        out = tmp_path / name
        run_ffmpeg("-f", "lavfi", "-i", source, *args, out)
        return out

    return make
