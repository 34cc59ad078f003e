"""A meeting's sidecar in the inbox: the ``reunion.json`` or ``reunion.toml`` (title, date, time)
dropped next to ``reunion.m4a`` travels with its recording, never as a file of its own.

The minutes read it where the recording is (:func:`pipeline.meeting_names.read_sidecar`), so it
goes wherever the recording goes (processing/, archive/, failed/) and keeps its recording's stem
when the recording is renamed on the way ("reunion (2).m4a" -> "reunion (2).json"). A sidecar
whose recording has not arrived waits in the inbox. A JSON file with other keys (a minutier
transcript) is not a sidecar: it is taken as a transcript.
"""

from __future__ import annotations

import json
import logging
import os
import tomllib
from pathlib import Path

from pipeline.meeting_names import SIDECAR_SUFFIXES, sidecar_path
from service.intake.tracks import move_tree
from service.layout import move_file, unique_target

logger = logging.getLogger(__name__)

# As pipeline.meeting_names reads them: what a sidecar may hold, and how large it may be.
SIDECAR_KEYS = frozenset({"title", "date", "time"})
MAX_SIDECAR_BYTES = 64 * 1024


def is_sidecar(path: Path) -> bool:
    """Whether `path` is a meeting sidecar: a small .json/.toml holding only title, date and time.

    A file that cannot be read or parsed is not one (it is taken, and fails, as a file of its own).
    """
    if path.suffix not in SIDECAR_SUFFIXES:  # as the minutes look for it: reunion.json, not reunion.JSON
        return False
    try:
        if path.is_symlink() or not path.is_file() or path.stat().st_size > MAX_SIDECAR_BYTES:
            return False
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text) if path.suffix == ".toml" else json.loads(text)
    except (OSError, UnicodeDecodeError, ValueError):  # JSONDecodeError and TOMLDecodeError are ValueErrors
        return False
    return isinstance(data, dict) and bool(data) and set(data) <= SIDECAR_KEYS


def sidecar_of(recording: Path) -> Path | None:
    """The sidecar the minutes of `recording` will read, if it is one (see :func:`is_sidecar`)."""
    found = sidecar_path(recording)
    return found if found is not None and is_sidecar(found) else None


def move_with_sidecar(path: Path, folder: Path, *, reserve: tuple[str, ...] = ()) -> Path:
    """Move `path` into `folder` (see :func:`service.layout.move_file`), its sidecar along, named after it.

    The sidecar goes first, under the name the recording will take: a crash between the two
    moves leaves it where the recording, taken again, lands beside it.

    Returns:
        Where the recording now is.

    Raises:
        IntakeError: the recording cannot be moved (the sidecar may already be in `folder`).
    """
    if path.parent == folder:  # already there (a resumed recording), its sidecar beside it
        return path
    sidecar = sidecar_of(path)
    move = move_tree if path.is_dir() and not path.is_symlink() else move_file  # a folder of tracks moves whole
    if sidecar is None:
        return move(path, folder, reserve=reserve)
    expected = unique_target(folder, path.name.replace("\\", "_"), reserve)
    placed = _place(sidecar, folder, expected.stem)
    target = move(path, folder, reserve=reserve)
    if target.stem != expected.stem:  # another file took the expected name meanwhile
        _place(placed, folder, target.stem)
    return target


def _place(sidecar: Path, folder: Path, stem: str) -> Path:
    """Move `sidecar` into `folder` as ``<stem><suffix>``; where it ends up."""
    wanted = folder / f"{stem}{sidecar.suffix}"
    if sidecar == wanted:
        return sidecar
    moved = sidecar if sidecar.parent == folder else move_file(sidecar, folder)
    if moved == wanted:
        return moved
    if os.path.lexists(wanted):
        logger.warning("%s: %s is taken, so the sidecar stays as %s", folder, wanted.name, moved.name)
        return moved
    try:
        os.rename(moved, wanted)  # within one folder
    except OSError as e:  # the recording's minutes lose their title and date, not the recording
        logger.warning("%s: the sidecar %s cannot be renamed %s (%s)", folder, moved.name, wanted.name, e)
        return moved
    logger.info("Sidecar %s -> %s", moved.name, wanted.name)
    return wanted
