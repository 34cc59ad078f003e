"""Participants' tracks dropped in an inbox: a folder, or a zip, of one audio file per participant
(:mod:`pipeline.audio_tracks`) is one recording, taken, archived or failed whole.

A folder is complete when nothing in it has changed for the settle time: its total size and the
newest modification time of its files and sub-folders (a file added or removed changes its
folder's) are watched as a file's size and mtime are, and a temporary name inside (a copy's
``.part``) holds it back whatever the clock says. Its identity is the hash of its files' names and
contents. What cannot be a meeting's tracks is refused once complete, with a reason: a link or
special file inside (it could point at another client's files), no audio track, too many, two of
one name; and for a zip, what its listing shows unsafe (see :func:`pipeline.audio_tracks.check_zip`).
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import stat
from dataclasses import dataclass
from pathlib import Path

from pipeline.audio_tracks import AUDIO_SUFFIXES, TracksError, check_zip, tracks_in
from pipeline.outputs.names import fit_name
from service.errors import IntakeError
from service.intake.readiness import TEMPORARY_SUFFIXES, Readiness
from service.layout import move_file, unique_target

logger = logging.getLogger(__name__)

_CHUNK = 1 << 20
# A folder made in the inbox by hand (Explorer's "New folder", renamed, then filled by dragging
# the tracks in) stays empty for a while: it is set aside only once empty for this long.
EMPTY_FOLDER_S = 300.0


@dataclass(frozen=True, slots=True)
class FolderState:
    """What a look at a folder of tracks found.

    Attributes:
        size: Total size of its files.
        mtime_ns: Newest modification time of the folder, its files and sub-folders.
        unfinished: A file under a copy's temporary name ("Marie.m4a.part"): not complete yet.
        audio: How many audio files it holds (none yet: a folder just made, its tracks still to come).
        refusal: Why it can never be taken (a link or special file inside), or None.
    """

    size: int
    mtime_ns: int
    unfinished: str | None = None
    refusal: str | None = None
    audio: int = 0


def is_zip(path: Path) -> bool:
    return path.suffix.lower() == ".zip"


def folder_state(folder: Path) -> FolderState:
    """Size, newest mtime and what stands in the way of taking `folder`; links are never followed.

    Raises:
        OSError: the folder or a file in it cannot be read (tried again at the next scan).
    """
    top = os.lstat(folder)
    size, newest = 0, top.st_mtime_ns
    unfinished = refusal = None
    audio = 0
    for current, dirs, files in os.walk(folder, onerror=_raise):
        for name in (*dirs, *files):
            path = Path(current, name)
            info = os.lstat(path)
            newest = max(newest, info.st_mtime_ns)
            relative = path.relative_to(folder).as_posix()
            if stat.S_ISLNK(info.st_mode):
                refusal = refusal or f"{relative!r} is a link: a folder of tracks holds the audio files themselves"
            elif stat.S_ISREG(info.st_mode):
                size += info.st_size
                audio += Path(name).suffix.lower() in AUDIO_SUFFIXES
                if name.lower().endswith(TEMPORARY_SUFFIXES):
                    unfinished = unfinished or relative
            elif not stat.S_ISDIR(info.st_mode):
                refusal = refusal or f"{relative!r} is not a regular file"
    return FolderState(size, newest, unfinished, refusal, audio)


def _raise(error: OSError) -> None:
    raise error


def complete(folder: Path, state: FolderState, readiness: Readiness) -> bool:
    """Whether a folder that has settled is complete: no copy into it going on (or cut short: it
    waits, nothing is lost), and audio in it, or none for :data:`EMPTY_FOLDER_S`."""
    if state.unfinished:
        if readiness.first_report(f"unfinished\0{folder}\0{state.unfinished}"):
            logger.warning("%s is not taken yet: %s in it is still being copied", folder.name, state.unfinished)
        return False
    return state.audio > 0 or readiness.steady_for(folder) >= max(readiness.settle_s, EMPTY_FOLDER_S)


def refusal(path: Path, state: FolderState | None = None) -> str | None:
    """Why the complete folder (its `state` given) or zip at `path` cannot be a meeting's tracks, in
    words; None when it can, or when it is neither.

    A folder holds its participants' tracks directly: audio in its sub-folders is more likely several
    meetings filed together (a month's recordings) than one meeting's tracks, so it is not mixed into one.
    """
    if state is not None and state.refusal:
        return f"{path.name}: {state.refusal}"
    nested = sorted(_audio_folders(path)) if state is not None else []
    if nested:
        return (
            f"{path.name}: audio files in its sub-folders ({', '.join(nested)}): a folder of"
            " participants' tracks holds one audio file per participant, directly; drop each"
            " meeting's recording, or each meeting's folder of tracks, on its own"
        )
    try:
        if state is not None:
            tracks_in(path)
        elif is_zip(path):
            check_zip(path)
    except TracksError as e:
        return str(e).replace(str(path), path.name)  # the note names what the secretary dropped
    return None


def _audio_folders(folder: Path) -> set[str]:
    """The sub-folders of `folder` holding audio, system litter (``__MACOSX``, hidden folders) aside."""
    found = set()
    for path in folder.rglob("*"):
        inner = path.relative_to(folder).parts
        litter = any(part.startswith((".", "__MACOSX")) for part in inner)
        if len(inner) > 1 and not litter and path.suffix.lower() in AUDIO_SUFFIXES and path.is_file():
            found.add(inner[0])
    return found


def folder_hash(folder: Path) -> str:
    """SHA-256 of the folder's files: each one's path inside it and its content, in name order.

    Raises:
        OSError: a file cannot be read.
    """
    digest = hashlib.sha256()
    files = sorted(p for p in folder.rglob("*") if p.is_file() and not p.is_symlink())
    for path in files:
        digest.update(path.relative_to(folder).as_posix().encode("utf-8", "surrogateescape") + b"\0")
        own = hashlib.sha256()
        with path.open("rb") as handle:
            for chunk in iter(lambda: handle.read(_CHUNK), b""):
                own.update(chunk)
        digest.update(own.digest())
    return digest.hexdigest()


def folder_hash_if_unchanged(folder: Path, before: FolderState) -> str | None:
    """The folder's hash, or None if it changed while being read."""
    sha = folder_hash(folder)
    after = folder_state(folder)
    return sha if (after.size, after.mtime_ns) == (before.size, before.mtime_ns) else None


def id_name(path: Path) -> str:
    """The name a recording's meeting id is made from: a folder's name has no extension to drop."""
    return f"{path.name}.tracks" if path.is_dir() and not path.is_symlink() else path.name


def move_tree(source: Path, folder: Path, *, reserve: tuple[str, ...] = ()) -> Path:
    """Move the folder `source` into `folder` (a free name as :func:`service.layout.move_file` picks).

    Within one file system a rename; across them (an inbox on a share) a copy under a hidden name,
    renamed into place, then the original removed: the destination never holds a partial folder.

    Raises:
        IntakeError: the folder cannot be moved; the original is kept.
    """
    folder.mkdir(parents=True, exist_ok=True)
    if _same_file_system(source, folder):
        return move_file(source, folder, reserve=reserve)  # a rename, as for a file
    target = unique_target(folder, source.name.replace("\\", "_"), reserve)
    staging = target.with_name(fit_name(f".{target.name}", ".moving"))
    try:
        shutil.copytree(source, staging, symlinks=True)
        os.rename(staging, target)
    except OSError as e:
        raise IntakeError(
            f"{source}: cannot copy to {folder} ({e.strerror or e}); "
            f"the original is kept, a partial copy may remain as {staging.name}"
        ) from e
    try:
        shutil.rmtree(source)
    except OSError as e:  # the copy is complete under its final name: nothing is lost
        logger.warning("%s: left behind after its copy was moved to %s (%s)", source, target, e)
    logger.info("Moved %s -> %s", source, target)
    return target


def _same_file_system(source: Path, folder: Path) -> bool:
    return os.lstat(source).st_dev == os.stat(folder).st_dev
