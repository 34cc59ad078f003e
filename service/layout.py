"""The service's folders, named here and nowhere else, and safe file moves between them.

Under the service root (the watched folders)::

    inbox/<client>/                     secretaries drop recordings here
    processing/<client>/                taken, being processed
    archive/<client>/<yyyy-mm-dd>/      processed (and duplicates, with a note)
    failed/<client>/                    not processed, each with <name>.reason.txt
    outbox/<client>/<meeting>/          minutes and documents

Under the service home (``MINUTIER_HOME``, its state; often the same folder)::

    work/audio/                         decoded audio of runs in progress
    alerts/                             operator alerts written as .eml when no mail server is set
    logs/                               Prefect server, model worker and retention logs
    runs/  locks/                       live runs' and model stages' lock files
    prefect/                            Prefect's database and results (own server)
    reviews/<client>/<review id>/       minutes waiting for a secretary's review, and decided ones
    desk/                               the review desk's password hashes and session secret
    ledger.sqlite3                      what happened to every recording and email

Moves are renames: atomic within one file system, never overwriting (a taken name gets
" (2)", " (3)" ...), and nothing is ever deleted. Every destination is built from a checked
client folder and a single file-name component, so no file name can reach outside its
client's folders.
"""

from __future__ import annotations

import errno
import logging
import os
import re
import shutil
import threading
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pipeline.outputs.names import fit_name
from pipeline.workspace import decoded_folder
from service.clients import check_folder_name
from service.errors import IntakeError
from service.ledger import default_ledger_path

logger = logging.getLogger(__name__)

STAGES = ("inbox", "processing", "archive", "failed", "outbox")
_MOVE_LOCK = threading.Lock()


@dataclass(frozen=True, slots=True)
class Layout:
    """The folders of one service root."""

    root: Path

    def stage(self, stage: str, client: str) -> Path:
        """``<root>/<stage>/<client>``, after checking that `client` is a safe folder name."""
        if stage not in STAGES:
            raise ValueError(f"unknown stage {stage!r} (known: {', '.join(STAGES)})")
        try:
            folder = check_folder_name(client)
        except ValueError as e:
            raise IntakeError(f"{client!r}: not a safe client folder ({e})") from e
        return self.root / stage / folder

    def inbox(self, client: str) -> Path:
        return self.stage("inbox", client)

    def processing(self, client: str) -> Path:
        return self.stage("processing", client)

    def archive(self, client: str, day: date) -> Path:
        return self.stage("archive", client) / day.isoformat()

    def failed(self, client: str) -> Path:
        return self.stage("failed", client)

    def outbox(self, client: str, meeting_id: str) -> Path:
        """The output folder of one meeting; `meeting_id` must be a single safe component."""
        return self.stage("outbox", client) / check_component(meeting_id)

    @property
    def inbox_root(self) -> Path:
        """The folder holding every client's inbox (what the watcher watches)."""
        return self.root / "inbox"

    def stage_root(self, stage: str) -> Path:
        """``<root>/<stage>``: every client's folders of one stage."""
        if stage not in STAGES:
            raise ValueError(f"unknown stage {stage!r} (known: {', '.join(STAGES)})")
        return self.root / stage

    def create(self, clients: tuple[str, ...]) -> None:
        """Create the inbox, processing, failed and outbox folders of each client (idempotent)."""
        for client in clients:
            for stage in ("inbox", "processing", "failed", "outbox"):
                self.stage(stage, client).mkdir(parents=True, exist_ok=True)


@dataclass(frozen=True, slots=True)
class Home:
    """The service's state folder (``MINUTIER_HOME``)."""

    path: Path

    @property
    def work(self) -> Path:
        return self.path / "work"

    @property
    def decoded_audio(self) -> Path:
        """Where :mod:`pipeline.workspace` decodes recordings under :attr:`work`."""
        return decoded_folder(self.work)

    @property
    def alerts(self) -> Path:
        return self.path / "alerts"

    @property
    def logs(self) -> Path:
        return self.path / "logs"

    @property
    def runs(self) -> Path:
        return self.path / "runs"

    @property
    def locks(self) -> Path:
        return self.path / "locks"

    @property
    def prefect(self) -> Path:
        return self.path / "prefect"

    @property
    def desk(self) -> Path:
        """The review desk's accounts (users.json: password hashes) and session secret, both 0600."""
        return self.path / "desk"

    @property
    def serve_lock(self) -> Path:
        """Locked by the one `minutier serve` using this home, for its whole life (it holds its pid and host)."""
        return self.path / "serve.lock"

    @property
    def ledger(self) -> Path:
        return default_ledger_path(self.path)

    @property
    def reviews(self) -> Path:
        """``reviews/<client>/<review id>/``: each paused run's draft, edits and audio (:mod:`service.review`)."""
        return self.path / "reviews"


def check_component(name: str) -> str:
    """Return `name` if it is one path component (no separator, not ``.``/``..``, no NUL), else raise.

    Raises:
        IntakeError: the name could address another folder.
    """
    if not name or name in (".", "..") or "/" in name or "\\" in name or "\0" in name:
        raise IntakeError(f"{name!r}: not a plain file name")
    return name


def meeting_id(file_name: str, sha256: str) -> str:
    """A folder name for a recording's outputs: an ASCII slug of its name plus 8 hex of its hash.

    ``"Réunion du 12 mars.m4a"`` -> ``"reunion-du-12-mars-3fa81c2e"``. The hash keeps two
    recordings with the same name apart; the slug keeps it readable and safe on any share.
    """
    stem, _ext = _split(file_name.replace("\\", "/").rsplit("/", 1)[-1])
    ascii_stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_stem.lower()).strip("-")[:48].strip("-") or "recording"
    return f"{slug}-{sha256[:8]}"


def _split(name: str) -> tuple[str, str]:
    dot = name.rfind(".")
    return (name[:dot], name[dot:]) if dot > 0 else (name, "")


def unique_target(folder: Path, name: str, reserve: tuple[str, ...] = ()) -> Path:
    """A free path for `name` in `folder`: the name itself, else "stem (2).ext", "stem (3).ext" ...

    Args:
        folder: Destination folder.
        name: Wanted file name (one component).
        reserve: Extra suffixes that must also be free for the chosen name (e.g. ".reason.txt").
    """
    stem, ext = _split(check_component(name))
    # Cut so that the names derived from this one (its ".reason.txt" note) fit too.
    room = max((len(os.fsencode(r)) for r in reserve), default=0)
    for n in range(1, 10_000):
        candidate = fit_name(stem, ext if n == 1 else f" ({n}){ext}", reserve=room)
        target = folder / candidate
        if not os.path.lexists(target) and not any(os.path.lexists(folder / (candidate + r)) for r in reserve):
            return target
    raise IntakeError(f"{folder}: no free name left for {name!r}")


def move_file(source: Path, folder: Path, *, reserve: tuple[str, ...] = ()) -> Path:
    """Move `source` into `folder` under its own name (or a free variant); returns the new path.

    A symbolic link is moved as a link, never followed. Within one file system this is a
    rename; across file systems (an inbox on a network share) the file is copied under a hidden
    name, renamed into place, then its original name removed, so the destination never holds a
    partial file.

    Raises:
        IntakeError: the file cannot be moved (permissions, disk full); the source is kept.
    """
    folder.mkdir(parents=True, exist_ok=True)
    with _MOVE_LOCK:  # one mover at a time: the free-name check and the rename must not interleave
        # A backslash is legal in a POSIX name but a separator on Windows shares: stored as "_".
        target = unique_target(folder, source.name.replace("\\", "_"), reserve)
        try:
            os.rename(source, target)
        except OSError as e:
            if e.errno != errno.EXDEV:
                raise IntakeError(f"{source}: cannot move to {folder} ({e.strerror or e})") from e
            _copy_across(source, target)
    logger.info("Moved %s -> %s", source, target)
    return target


def _copy_across(source: Path, target: Path) -> None:
    staging = target.with_name(fit_name(f".{target.name}", ".moving"))
    try:
        if source.is_symlink():
            os.symlink(os.readlink(source), staging)
        else:
            shutil.copy2(source, staging, follow_symlinks=False)
            if staging.stat().st_size != source.lstat().st_size:
                raise OSError(errno.EIO, "copy is incomplete")
        os.rename(staging, target)
    except OSError as e:
        raise IntakeError(
            f"{source}: cannot copy to {target.parent} ({e.strerror or e}); "
            f"the original is kept, a partial copy may remain as {staging.name}"
        ) from e
    # The copy is complete under its final name: the original name can go (the data is kept).
    os.unlink(source)


def write_note(folder: Path, name: str, text: str) -> Path:
    """Write a small text note atomically under a free name; never replaces an existing file."""
    folder.mkdir(parents=True, exist_ok=True)
    with _MOVE_LOCK:
        target = unique_target(folder, name)
        staging = folder / fit_name(f".{target.name}", ".writing")
        staging.write_text(text, encoding="utf-8")
        os.rename(staging, target)
    return target
