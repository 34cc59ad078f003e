"""RGPD retention: client audio, and what is derived from it, is deleted after a configurable period.

Off by default (``[service] retention_days`` unset). Once set, each reconcile deletes:

- archived recordings, by the day they were archived (their ``archive/<client>/<yyyy-mm-dd>/``
  folder); duplicate notes (``.note.txt``) hold no audio and are kept;
- recordings in ``failed/<client>/``, by the time they were filed there (the status-change time
  that the move into the folder sets). Their ``.reason.txt`` is kept, with a line saying when
  and why the recording was deleted, so a secretary who looks for it learns what happened;
- derived copies: decoded audio left in ``<home>/work/audio`` by a run that crashed, and
  Prefect's result storage (cached transcripts and diarizations, task parameters), once older
  than the period and never before a day, since a running recording may still need them (a run
  times out after 8 hours);
- the review desk's listening copies (``<home>/reviews/<client>/<id>/audio.ogg``) of reviews decided
  (approved, rejected, expired) longer ago than the period; one still waiting keeps its copy, which the
  secretary needs. The review's text (draft, corrections, audit trail) is kept, like the minutes;
- and, through :mod:`flows.retention`, the finished Prefect flow runs older than the period, with
  their artifacts (transcripts, minutes) and logs.

Minutes and documents in ``outbox/`` are never touched. Each deletion is written to an audit log
a person can read (``<home>/logs/retention.log``) and to the ``purges`` table of the service
ledger, so the question "when was this deleted, and why" always has an answer.
"""

from __future__ import annotations

import logging
import os
import shutil
import sqlite3
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from pipeline.errors import ConfigError
from service.intake.ledger import RecordingLedger
from service.intake.notes import NOTE_SUFFIX, REASON_SUFFIX, deletion_notice
from service.layout import Home, Layout
from service.ledger import LedgerTable
from service.names import visible, without_surrogates
from service.review import audio_path, recent_reviews

logger = logging.getLogger(__name__)

AUDIT_LOG = "retention.log"  # in the home's logs/ folder
# Derived copies may serve a run still in progress (runs time out after 8 h): never deleted younger than this.
DERIVED_MIN_AGE = timedelta(days=1)
ARCHIVED, FAILED, DECODED, RESULT, FLOW_RUN, LISTENING = (
    "archived recording",
    "failed recording",
    "decoded audio",
    "cached result",
    "flow run",
    "listening copy",
)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS purges (
    client     TEXT NOT NULL,
    path       TEXT NOT NULL,
    sha256     TEXT,
    archived   TEXT NOT NULL,
    purged_at  TEXT NOT NULL,
    reason     TEXT NOT NULL
);
"""
# Added when more than archived recordings were purged; rows from before are archived recordings.
_KIND_COLUMN = f"ALTER TABLE purges ADD COLUMN kind TEXT NOT NULL DEFAULT '{ARCHIVED}'"


@dataclass(frozen=True, slots=True)
class Purge:
    """One thing deleted by the retention.

    Attributes:
        kind: ``archived recording``, ``failed recording``, ``decoded audio``, ``cached result``,
            ``flow run`` or ``listening copy``.
        client: Client folder, when known.
        item: What was deleted: a file's path, or a flow run's name and id.
        sha256: The recording's content hash, when known.
        since: The day the period started for it (archived, filed, written, or the run ended).
    """

    kind: str
    client: str | None
    item: str
    sha256: str | None
    since: date


@dataclass(frozen=True, slots=True)
class RetentionPolicy:
    """How long client data is kept, and the clock that decides what has expired.

    Raises:
        ConfigError: `days` is negative.
    """

    days: int
    now: datetime

    def __post_init__(self) -> None:
        if self.days < 0:
            raise ConfigError(
                f"[service] retention_days = {self.days}: must be 0 or more (or unset to keep recordings)"
            )

    @property
    def reason(self) -> str:
        return f"retention period of {self.days} day(s) passed"

    def expired(self, since: datetime) -> bool:
        return since + timedelta(days=self.days) <= self.now

    def derived_expired(self, since: datetime) -> bool:
        return self.expired(since) and since + DERIVED_MIN_AGE <= self.now


class AuditLog(LedgerTable):
    """Where each deletion is recorded: a text file a person can read, and the ledger's ``purges`` table."""

    SCHEMA = _SCHEMA

    def __init__(self, text_path: Path, ledger_path: Path, policy: RetentionPolicy) -> None:
        super().__init__(ledger_path)
        self.text_path = text_path
        self.policy = policy
        if "kind" not in {row["name"] for row in self._db.execute("PRAGMA table_info(purges)")}:
            try:
                self._db.execute(_KIND_COLUMN)
            except sqlite3.OperationalError as e:  # another reconcile added it meanwhile
                if "duplicate column" not in str(e):
                    raise

    def record(self, purge: Purge) -> None:
        stamp = self.policy.now.astimezone().isoformat(timespec="seconds")
        line = (
            f"{stamp}\tdeleted\t{purge.client or '-'}\t{visible(purge.item)}\tsha256={purge.sha256 or '?'}\t"
            f"since={purge.since.isoformat()}\t{purge.kind}\t{self.policy.reason}\n"
        )
        self.text_path.parent.mkdir(parents=True, exist_ok=True)
        with self.text_path.open("a", encoding="utf-8") as log:
            log.write(line)
            log.flush()
            os.fsync(log.fileno())
        self._db.execute(
            "INSERT INTO purges (client, path, sha256, archived, purged_at, reason, kind) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                purge.client or "",
                without_surrogates(purge.item),
                purge.sha256,
                purge.since.isoformat(),
                stamp,
                self.policy.reason,
                purge.kind,
            ),
        )
        logger.info("Deleted %s %s (since %s): %s", purge.kind, purge.item, purge.since, self.policy.reason)


def expired_days(archive_root: Path, days: int, today: date) -> tuple[tuple[str, date, Path], ...]:
    """``(client, day, folder)`` of every ``archive/<client>/<day>/`` folder past the retention period."""
    found: list[tuple[str, date, Path]] = []
    for client_dir in _folders(archive_root):
        for day_dir in _folders(client_dir):
            try:
                day = date.fromisoformat(day_dir.name)
            except ValueError:  # not a folder the service made: never touched
                continue
            if day + timedelta(days=days) <= today:
                found.append((client_dir.name, day, day_dir))
    return tuple(found)


def purge_archive(root: Path, ledger: RecordingLedger, policy: RetentionPolicy, audit: AuditLog) -> tuple[Purge, ...]:
    """Delete archived recordings older than the period; keep duplicate notes (and minutes, elsewhere)."""
    purged: list[Purge] = []
    for client, day, folder in expired_days(Layout(root).stage_root("archive"), policy.days, policy.now.date()):
        for path in sorted(folder.iterdir()):
            if path.name.endswith(NOTE_SUFFIX):
                continue
            entry = ledger.by_path(path)
            purged += _delete(path, Purge(ARCHIVED, client, str(path), entry.sha256 if entry else None, day), audit)
        if not any(folder.iterdir()):
            folder.rmdir()
    return tuple(purged)


def purge_failed(
    root: Path, ledger: RecordingLedger, policy: RetentionPolicy, audit: AuditLog, languages: Mapping[str, str]
) -> tuple[Purge, ...]:
    """Delete recordings filed under ``failed/`` longer ago than the period; keep their reason, with a line
    saying the recording was deleted (in the client's language, from `languages`, French by default)."""
    purged: list[Purge] = []
    for client_dir in _folders(Layout(root).stage_root("failed")):
        for path in sorted(client_dir.iterdir()):
            if path.name.endswith((REASON_SUFFIX, NOTE_SUFFIX, ".writing")):
                continue
            filed = datetime.fromtimestamp(path.lstat().st_ctime)  # set by the move into failed/
            if not policy.expired(filed):
                continue
            entry = ledger.by_path(path)
            purge = Purge(FAILED, client_dir.name, str(path), entry.sha256 if entry else None, filed.date())
            deleted = _delete(path, purge, audit)
            purged += deleted
            note = path.with_name(path.name + REASON_SUFFIX)
            if deleted and note.is_file() and not note.is_symlink():
                with note.open("a", encoding="utf-8") as out:
                    out.write(deletion_notice(policy.now, policy.days, languages.get(client_dir.name, "fr")))
    return tuple(purged)


def purge_derived(folder: Path, kind: str, policy: RetentionPolicy, audit: AuditLog) -> tuple[Purge, ...]:
    """Delete the files under `folder` (decoded audio, cached results) written longer ago than the period
    and than :data:`DERIVED_MIN_AGE`; empty sub-folders go too."""
    purged: list[Purge] = []
    for path in _files_under(folder):
        try:
            written = datetime.fromtimestamp(path.lstat().st_mtime)
        except FileNotFoundError:  # its run discarded it meanwhile
            continue
        if policy.derived_expired(written):
            purged += _delete(path, Purge(kind, None, str(path), None, written.date()), audit)
    return tuple(purged)


def purge_listening(home: Path, policy: RetentionPolicy, audit: AuditLog) -> tuple[Purge, ...]:
    """Delete the listening copies of reviews decided longer ago than the period."""
    clients = [folder.name for folder in _folders(Home(home).reviews)]
    purged: list[Purge] = []
    for record in recent_reviews(home, clients, limit=sys.maxsize):
        decided = (record.decided_at or record.created_at).astimezone().replace(tzinfo=None)
        path = audio_path(record)
        if path.is_file() and policy.expired(decided):
            purged += _delete(path, Purge(LISTENING, record.client, str(path), None, decided.date()), audit)
    return tuple(purged)


def purge_files(
    root: Path,
    home: Path,
    ledger: RecordingLedger,
    policy: RetentionPolicy,
    audit: AuditLog,
    *,
    languages: Mapping[str, str] | None = None,
    result_storage: Path | None = None,
) -> tuple[Purge, ...]:
    """Every file the retention covers: archived and failed recordings, decoded audio, cached results.

    Args:
        root: The service root (archive/, failed/; outbox/ is never touched).
        home: The service home (its ``work/audio`` holds decoded audio).
        ledger: The recordings ledger (gives each recording's hash to the audit log).
        policy: The retention period and the current time.
        audit: Where each deletion is recorded.
        languages: Client folder -> language, for the line added to a failed recording's reason.
        result_storage: Prefect's result storage folder, when it is local.
    """
    purged = [
        *purge_archive(root, ledger, policy, audit),
        *purge_failed(root, ledger, policy, audit, languages or {}),
        *purge_derived(Home(home).decoded_audio, DECODED, policy, audit),
        *purge_listening(home, policy, audit),
    ]
    if result_storage is not None:
        purged += purge_derived(result_storage, RESULT, policy, audit)
    if purged:
        logger.warning("Retention (%d days): deleted %d file(s); see %s", policy.days, len(purged), audit.text_path)
    return tuple(purged)


def _delete(path: Path, purge: Purge, audit: AuditLog) -> tuple[Purge, ...]:
    """Delete `path` (a symbolic link itself, never its target; a folder of participants' tracks whole) and
    record it; nothing if it is gone already."""
    try:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)  # rmtree never follows a link inside the folder
        else:
            path.unlink()
    except FileNotFoundError:
        return ()
    audit.record(purge)
    return (purge,)


def _folders(parent: Path) -> list[Path]:
    """Sub-folders of `parent` (links to folders are not followed); none if it does not exist."""
    if not parent.is_dir():
        return []
    return sorted(p for p in parent.iterdir() if p.is_dir() and not p.is_symlink())


def _files_under(folder: Path) -> list[Path]:
    """Every file below `folder` (links to folders are not followed); the folders themselves are kept."""
    return sorted(Path(sub) / name for sub, _dirs, names in os.walk(folder) for name in names)
