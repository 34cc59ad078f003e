"""The reconcile scan: which inbox files to take now, exactly once, and where finished ones go.

``scan_inbox`` is the only code that decides: the watcher merely wakes it up, and the same
scan runs at start and periodically, so files that arrived while the service was down are
taken too. A file is taken when complete (see :mod:`service.intake.readiness`), hashed, and
recorded in the ledger under (client, SHA-256) before it is moved to ``processing/``.

What a secretary sees when the same recording is dropped again (same content, any name):
the copy leaves the inbox for ``archive/<client>/<today>/`` with a ``<name>.note.txt`` saying
it was already received, and nothing is sent again. A recording that failed before is
processed again when dropped again: that is how a secretary retries. A meeting's sidecar
(``reunion.json`` with its title and date, next to ``reunion.m4a``) is never taken alone: it
moves with its recording (:mod:`service.intake.sidecars`).
"""

from __future__ import annotations

import hashlib
import logging
import os
import stat
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pipeline.audio_tracks import TracksError
from pipeline.meeting_names import sidecar_path
from pipeline.types import Recording
from service.clients import ClientConfig, Clients
from service.errors import IntakeError
from service.intake import tracks
from service.intake.ledger import LedgerEntry, RecordingLedger
from service.intake.notes import (
    NOTE_SUFFIX,
    REASON_SUFFIX,
    duplicate_note,
    failure_note,
    intake_reason,
    plain_reason,
)
from service.intake.readiness import Readiness, is_temporary
from service.intake.sidecars import is_sidecar, move_with_sidecar
from service.layout import Layout, meeting_id, unique_target, write_note

logger = logging.getLogger(__name__)

_CHUNK = 1 << 20


@dataclass(frozen=True, slots=True)
class Ready:
    """A recording taken for processing: submit it (idempotency key: client + sha256).

    Attributes:
        client: Client folder.
        path: The file, now under ``processing/<client>/``.
        sha256: Content hash.
        meeting_id: Output folder name under ``outbox/<client>/``.
        name: File name as dropped.
        resumed: True when found in ``processing/``: every reconcile looks there, so its run may be
            going on, waiting, interrupted, or not created yet (its submission was refused).
        retry: How many times it was dropped again after a failed run: 0 for its first life.
    """

    client: str
    path: Path
    sha256: str
    meeting_id: str
    name: str
    resumed: bool = False
    retry: int = 0

    @property
    def recording(self) -> Recording:
        return Recording(path=self.path, meeting_id=self.meeting_id, sha256=self.sha256)


def scan_inbox(
    root: Path,
    clients: Clients,
    ledger: RecordingLedger,
    readiness: Readiness,
    *,
    resume: bool = False,
    today: date | None = None,
) -> tuple[Ready, ...]:
    """Take every complete, new recording from the clients' inboxes.

    Args:
        root: The service root (holding inbox/, processing/ ...).
        clients: Configured clients; other inbox folders are reported, never taken.
        ledger: The recordings ledger.
        readiness: The service-long memory of file sizes and mtimes.
        resume: Also return recordings left in ``processing/`` by an interrupted run (at start).
        today: The archive date for duplicates (today by default).

    Returns:
        The recordings to submit, resumed ones first. Refused files (links, special files)
        are already in ``failed/`` with a reason; duplicates are already archived with a note.
    """
    layout = Layout(root)
    day = today or date.today()
    taken: list[Ready] = []
    if resume:
        for client in clients:
            taken += _resume(layout, client, ledger, day)
    seen: set[Path] = set()
    for client in clients:
        taken += _scan_client(layout, client, ledger, readiness, day, seen)
    readiness.keep_only(seen)
    _report_strays(layout, clients, readiness)
    return tuple(taken)


def archive_recording(
    root: Path, ledger: RecordingLedger, client: str, sha256: str, *, today: date | None = None
) -> Path:
    """Move a processed recording to ``archive/<client>/<yyyy-mm-dd>/`` and mark it done.

    Idempotent: a recording already archived is left where it is.

    Raises:
        IntakeError: the ledger has no such recording, or the file cannot be moved.
    """
    entry = _entry(ledger, client, sha256)
    if entry.state == "done":
        return entry.path
    target = move_with_sidecar(entry.path, Layout(root).archive(client, today or date.today()))
    ledger.update(client, sha256, state="done", path=target)
    return target


def fail_recording(
    root: Path, ledger: RecordingLedger, client: ClientConfig, sha256: str, error: BaseException | str
) -> Path:
    """Move a recording to ``failed/<client>/`` with a ``<name>.reason.txt`` in the client's language.

    A recording whose file is gone (moved or deleted by hand while it was processed) gets its
    note all the same, and the ledger records it failed at the path it would have had.

    Args:
        root: The service root.
        ledger: The recordings ledger.
        client: The recording's client (its language and display name go into the note).
        sha256: The recording's content hash.
        error: The exception that stopped processing (turned into plain words, with its message
            as technical detail), or a reason already in plain words (an operator's rejection).

    Returns:
        Where the recording now is (or would be, when its file is gone). Idempotent: a recording
        already failed stays where it is.

    Raises:
        IntakeError: the ledger has no such recording, or the file cannot be moved.
    """
    entry = _entry(ledger, client.folder, sha256)
    if entry.state == "failed":
        return entry.path
    if isinstance(error, BaseException):
        reason, details = plain_reason(error, client.language), str(error) or type(error).__name__
    else:
        reason, details = error, None
    try:
        target = _to_failed(Layout(root), client, entry.path, reason, details)
    except IntakeError:
        if os.path.lexists(entry.path):  # there, but it cannot be moved: that is the error to report
            raise
        target = _note_missing(Layout(root), client, entry.path, reason, details)
    ledger.update(client.folder, sha256, state="failed", path=target, reason=details or reason)
    return target


def _entry(ledger: RecordingLedger, client: str, sha256: str) -> LedgerEntry:
    entry = ledger.get(client, sha256)
    if entry is None:
        raise IntakeError(f"no recording {sha256[:12]} of client {client!r} in the ledger {ledger.path}")
    return entry


def _to_failed(layout: Layout, client: ClientConfig, path: Path, reason: str, details: str | None) -> Path:
    folder = layout.failed(client.folder)
    target = move_with_sidecar(path, folder, reserve=(REASON_SUFFIX,))
    note = failure_note(path.name, client.name, reason, client.language, details=details)
    write_note(folder, target.name + REASON_SUFFIX, note)
    logger.warning("Filed %s under failed/%s: %s", path.name, client.folder, details or reason)
    return target


def _note_missing(layout: Layout, client: ClientConfig, path: Path, reason: str, details: str | None) -> Path:
    """File the reason of a recording whose file is gone: the note, under the name the file would have had."""
    folder = layout.failed(client.folder)
    folder.mkdir(parents=True, exist_ok=True)
    target = unique_target(folder, path.name.replace("\\", "_"), (REASON_SUFFIX,))
    note = failure_note(path.name, client.name, reason, client.language, details=details)
    write_note(folder, target.name + REASON_SUFFIX, note)
    logger.warning(
        "Filed the reason of %s under failed/%s (the file is no longer at %s): %s",
        path.name,
        client.folder,
        path,
        details or reason,
    )
    return target


def _hash_if_unchanged(path: Path, before: os.stat_result) -> str | None:
    """SHA-256 of the file, or None if it changed (or was swapped for a link) while being read."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(fd, "rb") as handle:
        opened = os.fstat(fd)
        if not stat.S_ISREG(opened.st_mode) or (opened.st_ino, opened.st_dev) != (before.st_ino, before.st_dev):
            return None
        digest = hashlib.sha256()
        for chunk in iter(lambda: handle.read(_CHUNK), b""):
            digest.update(chunk)
        after = os.fstat(fd)
    unchanged = (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    return digest.hexdigest() if unchanged else None


def _scan_client(
    layout: Layout, client: ClientConfig, ledger: RecordingLedger, readiness: Readiness, day: date, seen: set[Path]
) -> list[Ready]:
    inbox = layout.inbox(client.folder)
    try:
        entries = sorted(os.scandir(inbox), key=lambda e: e.name)
    except FileNotFoundError:
        return []
    except OSError as e:
        logger.error("Cannot read %s: %s", inbox, e.strerror or e)
        return []
    taken: list[Ready] = []
    for dir_entry in entries:
        path = Path(dir_entry.path)
        if is_temporary(dir_entry.name):
            continue
        try:
            ready = _consider(layout, client, ledger, readiness, day, path, seen)
        except (IntakeError, OSError) as e:  # e.g. unreadable: reported once, tried again each scan
            log = logger.error if readiness.first_report(f"{path}\0{e}") else logger.debug
            log("Cannot take %s for %s: %s", path.name, client.folder, e)
            continue
        if ready is not None:
            taken.append(ready)
    return taken


def _consider(
    layout: Layout,
    client: ClientConfig,
    ledger: RecordingLedger,
    readiness: Readiness,
    day: date,
    path: Path,
    seen: set[Path],
) -> Ready | None:
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return None
    if stat.S_ISLNK(info.st_mode):
        inside = _points_inside(path, layout.inbox(client.folder))
        reason = intake_reason("link" if inside else "link_outside", client.language)
        _to_failed(layout, client, path, reason, f"symbolic link to {os.readlink(path)!r}")
        return None
    folder = tracks.folder_state(path) if stat.S_ISDIR(info.st_mode) else None  # participants' tracks
    if folder is None and not stat.S_ISREG(info.st_mode):
        _to_failed(layout, client, path, intake_reason("special", client.language), "not a regular file")
        return None
    seen.add(path)
    if folder is None and is_sidecar(path):  # taken with its recording, never alone
        if readiness.first_report(f"sidecar\0{path}"):
            logger.info("%s is a meeting sidecar: it goes with the recording of the same name", path.name)
        return None
    size, mtime_ns = (folder.size, folder.mtime_ns) if folder else (info.st_size, info.st_mtime_ns)
    settled = readiness.observe(path, size, mtime_ns)
    companion = sidecar_path(path)
    if not _settled(companion, readiness) or not settled:  # both watched from the first look
        return None
    if folder is not None and not tracks.complete(path, folder, readiness):
        return None
    refused = tracks.refusal(path, folder)  # a folder or zip that cannot be a meeting's tracks
    if refused is not None:
        readiness.forget(path)
        _to_failed(layout, client, path, plain_reason(TracksError(refused), client.language), refused)
        return None
    sha = _hash_if_unchanged(path, info) if folder is None else tracks.folder_hash_if_unchanged(path, folder)
    if sha is None:
        readiness.forget(path)
        return None
    readiness.forget(path)
    entry = ledger.receive(client.folder, sha, path.name, path, meeting_id(tracks.id_name(path), sha))
    same_file = entry.path == path or not os.path.lexists(entry.path)
    if entry.state == "done" or (entry.state in ("received", "processing") and not same_file):
        _archive_duplicate(layout, client, path, entry, day)
        return None
    ready = _claim(layout, client, ledger, entry, path, resumed=False)
    if companion is not None and not os.path.lexists(companion):  # it went with its recording
        readiness.forget(companion)
    return ready


def _settled(companion: Path | None, readiness: Readiness) -> bool:
    """Whether the file a recording's sidecar would be, if any, has stopped changing: a sidecar
    still being written is taken, complete, with its recording rather than left behind."""
    if companion is None:
        return True
    try:
        info = os.lstat(companion)
    except FileNotFoundError:
        return True
    return readiness.observe(companion, info.st_size, info.st_mtime_ns)


def _points_inside(link: Path, inbox: Path) -> bool:
    try:
        return link.resolve().is_relative_to(inbox.resolve())
    except (OSError, RuntimeError):  # a loop of links
        return False


def _claim(
    layout: Layout, client: ClientConfig, ledger: RecordingLedger, entry: LedgerEntry, path: Path, *, resumed: bool
) -> Ready:
    processing = layout.processing(client.folder)
    target = move_with_sidecar(path, processing)
    # Taken from "received", a life of the recording begins and its run is created: its first attempt. One
    # found in processing/ already has a run (or one whose submission is pending, counted when taken): the
    # submission counts a run it schedules again, never one it merely finds going on.
    first = entry.state == "received"
    ledger.update(client.folder, entry.sha256, state="processing", path=target, attempt=first)
    logger.info("Took %s for %s (%s)%s", path.name, client.folder, entry.meeting_id, " again" if resumed else "")
    return Ready(client.folder, target, entry.sha256, entry.meeting_id, entry.name, resumed, entry.retries)


def _archive_duplicate(layout: Layout, client: ClientConfig, path: Path, entry: LedgerEntry, day: date) -> None:
    folder = layout.archive(client.folder, day)
    target = move_with_sidecar(path, folder, reserve=(NOTE_SUFFIX,))
    note = duplicate_note(path.name, client.name, entry.name, entry.state, entry.received_at, client.language)
    write_note(folder, target.name + NOTE_SUFFIX, note)
    logger.warning(
        "%s for %s is a copy of %s (%s): archived, not processed again",
        path.name,
        client.folder,
        entry.name,
        entry.state,
    )


def _resume(layout: Layout, client: ClientConfig, ledger: RecordingLedger, day: date) -> list[Ready]:
    """Recordings found in processing/: resubmit unfinished ones, finish the move of finished ones."""
    folder = layout.processing(client.folder)
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except FileNotFoundError:
        return []
    resumed: list[Ready] = []
    for dir_entry in entries:
        path = Path(dir_entry.path)
        taken = dir_entry.is_file(follow_symlinks=False) or dir_entry.is_dir(follow_symlinks=False)
        if is_temporary(dir_entry.name) or not taken or is_sidecar(path):
            continue
        try:
            ready = _resume_one(layout, client, ledger, day, path)
        except (IntakeError, OSError) as e:
            logger.error("Cannot resume %s for %s: %s", path.name, client.folder, e)
            continue
        if ready is not None:
            resumed.append(ready)
    return resumed


def _resume_one(layout: Layout, client: ClientConfig, ledger: RecordingLedger, day: date, path: Path) -> Ready | None:
    entry = ledger.by_path(path)
    if entry is None:  # interrupted between the move and the ledger update, or put here by hand
        if path.is_dir():
            sha = tracks.folder_hash_if_unchanged(path, tracks.folder_state(path))
        else:
            sha = _hash_if_unchanged(path, os.lstat(path))
        if sha is None:
            return None
        entry = ledger.receive(client.folder, sha, path.name, path, meeting_id(tracks.id_name(path), sha))
    same_file = entry.path == path or not os.path.lexists(entry.path)
    if not same_file or (entry.final and entry.path != path):
        _archive_duplicate(layout, client, path, entry, day)
        return None
    if entry.state == "done":  # finished, but the move to the archive did not happen
        target = move_with_sidecar(path, layout.archive(client.folder, day))
        ledger.update(client.folder, entry.sha256, state="done", path=target)
        return None
    if entry.state == "failed":
        target = _to_failed(layout, client, path, entry.reason or "", None)
        ledger.update(client.folder, entry.sha256, state="failed", path=target, reason=entry.reason)
        return None
    return _claim(layout, client, ledger, entry, path, resumed=True)


def _report_strays(layout: Layout, clients: Clients, readiness: Readiness) -> None:
    """Log (once each) inbox entries outside any configured client folder: they are never taken."""
    inbox_root = layout.inbox_root
    try:
        entries = list(os.scandir(inbox_root))
    except FileNotFoundError:
        return
    folders = set(clients.folders)
    for dir_entry in entries:
        if dir_entry.name in folders or is_temporary(dir_entry.name):
            continue
        if readiness.first_report(dir_entry.path):
            what = "folder" if dir_entry.is_dir(follow_symlinks=False) else "file"
            logger.warning(
                "Not taken: %s %s is not a configured client folder (known: %s)",
                what,
                dir_entry.path,
                ", ".join(sorted(folders)) or "none",
            )
