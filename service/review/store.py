"""Reviews on disk: one folder per paused run, under ``Home.reviews/<client>/<review id>/``.

- ``draft.json``   the machine's minutes, written once and made read-only;
- ``review.json``  the :class:`ReviewRecord` (rewritten atomically at each change of state);
- ``audio.ogg``    the recording for listening (absent when it could not be made);
- ``edits.jsonl``  the audit trail, one accepted edit a line: ``{"at", "who", "edit"}``;
- ``current.json`` the draft with every edit applied (derived, with ``current.version``: the trail's size it
  holds; rebuilt when they do not match the trail);
- ``learned.json`` names and terms the secretary corrected, written when she approves.

A review id is 16 random bytes in URL-safe base64: anything else is "not found", so no id can
address another folder, and one client's id never opens another client's review.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import secrets
import shutil
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pipeline.errors import PipelineError
from pipeline.serialize import dumps, from_data, to_data
from pipeline.summarize.model import Minutes
from service.errors import IntakeError
from service.review.edits import InvalidEdit, clean_edit, edit_minutes, template_of
from service.review.files import (
    CURRENT,
    REVIEW_ID,
    TRAIL,
    cached_current,
    client_folder,
    is_written,
    minutes_at,
    remember_current,
    trail_size,
    write_atomic,
    write_current,
)
from service.review.listening import encode_listening
from service.review.vocabulary import corrected_terms
from service.review.voices import cut_voice

logger = logging.getLogger(__name__)

WAITING, APPROVED, REJECTED, SENT, EXPIRED = "waiting", "approved", "rejected", "sent", "expired"
# state -> the states it may change to
_NEXT: dict[str, frozenset[str]] = {
    WAITING: frozenset({APPROVED, REJECTED, EXPIRED}),
    APPROVED: frozenset({SENT}),
}


class ReviewNotFound(PipelineError):
    """No such review for this client (unknown, malformed or another client's id)."""


@dataclass(frozen=True, slots=True)
class ReviewRecord:
    """One review: what was paused, for whom, and what was decided.

    Attributes:
        state: "waiting", "approved", "rejected", "sent" (approved, then emailed) or "expired".
        template: The document type chosen (None: the client's default).
        folder: The review's folder.
        voices_dir: The client's known voices, where a save_voice edit saves one (None: no such edit).
    """

    review_id: str
    client: str
    meeting_id: str
    flow_run_id: str
    recording_name: str
    title: str
    language: str
    duration_s: float
    speakers: int
    created_at: datetime
    state: str
    template: str | None
    folder: Path
    decided_by: str | None = None
    decided_at: datetime | None = None
    reason: str | None = None
    voices_dir: Path | None = None


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One accepted edit: when (UTC), by whom, and the edit as applied."""

    at: datetime
    who: str
    edit: dict[str, Any]


def _now() -> datetime:
    return datetime.now(UTC)


def _save(record: ReviewRecord) -> None:
    data = to_data(record)
    del data["folder"]  # where it is read from
    write_atomic(record.folder / "review.json", json.dumps(data, ensure_ascii=False, indent=2))


def _load(folder: Path) -> ReviewRecord:
    data = json.loads((folder / "review.json").read_text(encoding="utf-8"))
    return from_data(ReviewRecord, {**data, "folder": str(folder)})


@contextmanager
def _locked(record: ReviewRecord) -> Iterator[ReviewRecord]:
    """The review as it is on disk, held against concurrent edits and decisions (two tabs, the flow)."""
    with open(record.folder / ".lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield _load(record.folder)
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def open_review(
    home: Path,
    *,
    client: str,
    meeting_id: str,
    flow_run_id: str,
    recording_name: str,
    minutes: Minutes,
    heard: Path | None,
    template: str | None,
    voices_dir: Path | None = None,
) -> ReviewRecord:
    """Open a review of `minutes`: their draft kept read-only, a listening copy of `heard`, state "waiting".

    Args:
        home: The service's home folder.
        client: The client's folder name.
        meeting_id: The meeting's id (its outbox folder).
        flow_run_id: The paused Prefect run that the decision resumes.
        recording_name: The recording's file name, as the secretary dropped it.
        minutes: The machine's minutes.
        heard: The recording the run heard; None for a transcript file (no audio to play).
        template: The document type the run would send (None: the client's default).
        voices_dir: The client's known voices folder, where a speaker's voice may be saved.

    Raises:
        IntakeError: `client` is not a safe folder name.
    """
    try:
        parent = client_folder(home, client)
    except ValueError as e:
        raise IntakeError(f"{client!r}: not a safe client folder ({e})") from e
    review_id = secrets.token_urlsafe(16)
    folder = parent / review_id
    folder.mkdir(parents=True, mode=0o700)
    draft = folder / "draft.json"
    write_atomic(draft, dumps(minutes))
    draft.chmod(0o444)
    write_current(folder, 0, minutes)
    if heard is not None:
        encode_listening(heard, folder / "audio.ogg")
    record = ReviewRecord(
        review_id=review_id,
        client=parent.name,
        meeting_id=meeting_id,
        flow_run_id=flow_run_id,
        recording_name=recording_name,
        title=minutes.title,
        language=minutes.language,
        duration_s=minutes.duration,
        speakers=len(minutes.participants),
        created_at=_now(),
        state=WAITING,
        template=template,
        folder=folder,
        voices_dir=voices_dir,
    )
    for older in waiting_reviews(home, [record.client]):
        if older.meeting_id == meeting_id:  # a run of it that crashed while it waited
            record = _carry_over(older, record)
            mark_decided(older, state=EXPIRED, who="minutier", reason="the recording was processed again")
    _save(record)  # last: a review is listed only once whole
    logger.info("Review %s opened for %s / %s", review_id, client, recording_name)
    return record


def _carry_over(older: ReviewRecord, new: ReviewRecord) -> ReviewRecord:
    """The secretary's edits of a review whose run crashed, kept when the new run wrote the same draft
    (the cached stages give the same transcript; a writer that wrote otherwise makes her start again)."""
    trail = older.folder / TRAIL
    if not trail.exists() or (older.folder / "draft.json").read_bytes() != (new.folder / "draft.json").read_bytes():
        return new
    shutil.copyfile(trail, new.folder / TRAIL)
    logger.info("Review %s takes over the %d edits of %s", new.review_id, len(audit_trail(new)), older.review_id)
    return replace(new, template=older.template)


def reload_review(record: ReviewRecord) -> ReviewRecord:
    """The review as it is on disk now (its state may have changed since `record` was read)."""
    return _load(record.folder)


def find_review(home: Path, client: str, review_id: str) -> ReviewRecord:
    """The review `review_id` of `client`.

    Raises:
        ReviewNotFound: a malformed id, an unknown one, or one of another client.
    """
    if not isinstance(review_id, str) or not REVIEW_ID.fullmatch(review_id):
        raise ReviewNotFound("no such review")
    try:
        folder = client_folder(home, client) / review_id
        record = _load(folder)
    except (ValueError, OSError, TypeError, KeyError) as e:
        raise ReviewNotFound("no such review") from e
    if record.client != folder.parent.name or record.review_id != review_id:
        raise ReviewNotFound("no such review")
    return record


def _reviews(home: Path, clients: Iterable[str]) -> Iterator[ReviewRecord]:
    for client in clients:
        try:
            parent = client_folder(home, client)
        except ValueError:
            continue
        if not parent.is_dir():
            continue
        for folder in parent.iterdir():
            if REVIEW_ID.fullmatch(folder.name) and (folder / "review.json").exists():
                try:
                    yield find_review(home, client, folder.name)
                except ReviewNotFound:
                    logger.warning("Review %s of %s cannot be read; it is left out", folder.name, client)


def waiting_reviews(home: Path, clients: Iterable[str]) -> list[ReviewRecord]:
    """The reviews of `clients` waiting for a decision, newest first."""
    waiting = [r for r in _reviews(home, clients) if r.state == WAITING]
    return sorted(waiting, key=lambda r: r.created_at, reverse=True)


def recent_reviews(home: Path, clients: Iterable[str], limit: int = 20) -> list[ReviewRecord]:
    """The `limit` reviews of `clients` decided most recently, newest first."""
    decided = [r for r in _reviews(home, clients) if r.state != WAITING]
    return sorted(decided, key=lambda r: r.decided_at or r.created_at, reverse=True)[:limit]


def draft_minutes(record: ReviewRecord) -> Minutes:
    """The machine's minutes, as they were when the review opened."""
    return minutes_at(record.folder / "draft.json")


def audit_trail(record: ReviewRecord) -> list[AuditEntry]:
    """Every accepted edit, oldest first."""
    trail = record.folder / TRAIL
    if not trail.exists():
        return []
    entries = []
    for line in trail.read_text(encoding="utf-8").splitlines():
        if line.strip():
            data = json.loads(line)
            entries.append(AuditEntry(datetime.fromisoformat(data["at"]), data["who"], data["edit"]))
    return entries


def _replayed(record: ReviewRecord) -> Minutes:
    minutes = draft_minutes(record)
    for entry in audit_trail(record):
        try:
            minutes = edit_minutes(minutes, entry.edit)
        except InvalidEdit as e:  # accepted once, so only a hand-edited trail gets here
            logger.error("Review %s: the edit of %s no longer applies (%s)", record.review_id, entry.at, e)
    return minutes


def _current(record: ReviewRecord, *, written: bool = False) -> Minutes:
    """The current minutes (the caller holds the review's lock); `written`: make sure ``current.json`` holds them."""
    folder, size = record.folder, trail_size(record.folder)
    minutes = cached_current(folder, size)
    if minutes is not None and (not written or is_written(folder, size)):
        return minutes
    if minutes is None and is_written(folder, size):
        try:
            minutes = minutes_at(folder / CURRENT)
            remember_current(folder, size, minutes)
            return minutes
        except (OSError, ValueError, TypeError, KeyError) as e:  # damaged: rebuilt below
            logger.warning("Review %s: current.json cannot be read (%s); rebuilt", record.review_id, e)
    minutes = minutes or _replayed(record)
    write_current(folder, size, minutes)
    return minutes


def rebuild_current(record: ReviewRecord) -> Minutes:
    """The draft with every edit of the audit trail applied, written again as ``current.json``."""
    with _locked(record) as now:
        minutes = _replayed(now)
        write_current(now.folder, trail_size(now.folder), minutes)
    return minutes


def current_minutes(record: ReviewRecord) -> Minutes:
    """The corrected minutes: the draft with every edit applied."""
    cached = cached_current(record.folder, trail_size(record.folder))
    if cached is not None:
        return cached
    with _locked(record) as now:
        return _current(now)


def apply_edit(record: ReviewRecord, edit: Mapping[str, Any], who: str) -> Minutes:
    """Apply one edit of `who` to the review's current minutes, log it in the audit trail; the new minutes.

    The trail is flushed to disk before this returns; ``current.json`` is written when another
    process needs it (or at the decision), so a save costs a line, not the whole meeting.

    Raises:
        InvalidEdit: the edit is malformed, cannot apply, or the review was already decided.
    """
    if not isinstance(who, str) or not who.strip():
        raise InvalidEdit("an edit needs the name of who made it")
    with _locked(record) as now:
        if now.state != WAITING:
            raise InvalidEdit(f"this review is {now.state}: it can no longer be edited")
        cleaned = clean_edit(edit)
        minutes = edit_minutes(_current(now), cleaned)
        if cleaned["op"] == "template":
            _save(replace(now, template=template_of(cleaned)))
        if cleaned["op"] == "save_voice":
            if now.voices_dir is None:
                raise InvalidEdit("save_voice: this client has no voices folder (voices_dir in its configuration)")
            cut_voice(minutes, cleaned["speaker"], audio_path(now), now.voices_dir, now.review_id)
        line = json.dumps({"at": _now().isoformat(), "who": who.strip(), "edit": cleaned}, ensure_ascii=False)
        with open(now.folder / TRAIL, "a", encoding="utf-8") as trail:
            trail.write(line + "\n")
            trail.flush()
            os.fsync(trail.fileno())
        remember_current(now.folder, trail_size(now.folder), minutes)
    return minutes


def audio_path(record: ReviewRecord) -> Path:
    """The listening copy (``audio.ogg``); it does not exist when it could not be made."""
    return record.folder / "audio.ogg"


def mark_decided(record: ReviewRecord, *, state: str, who: str, reason: str | None = None) -> ReviewRecord:
    """Record a decision ("approved", "rejected", "expired") or the email going out ("sent").

    Marking the state a review is already in changes nothing (the desk and the flow may both
    mark it). An approval keeps the names and terms she corrected for the client's next runs.

    Raises:
        InvalidEdit: the change is not allowed (e.g. approving a rejected review).
    """
    with _locked(record) as now:
        if now.state == state:
            return now
        if state not in _NEXT.get(now.state, frozenset()):
            raise InvalidEdit(f"this review is {now.state}: it cannot become {state}")
        if state == SENT:
            decided = replace(now, state=SENT)
        else:
            decided = replace(now, state=state, decided_by=who, decided_at=_now(), reason=reason or None)
        if state == APPROVED:
            _current(now, written=True)  # what the run will send, on disk for any process to read
            terms = corrected_terms(entry.edit for entry in audit_trail(now))
            write_atomic(now.folder / "learned.json", json.dumps(list(terms), ensure_ascii=False))
        _save(decided)
    logger.info("Review %s of %s: %s by %s", now.review_id, now.client, state, who)
    return decided


def reopen_review(record: ReviewRecord) -> ReviewRecord:
    """Undo a decision whose run could not be resumed: approved or rejected back to waiting.

    Raises:
        InvalidEdit: the review was not approved or rejected (it was sent, or expired).
    """
    with _locked(record) as now:
        if now.state not in (APPROVED, REJECTED):
            raise InvalidEdit(f"this review is {now.state}: it cannot wait again")
        (now.folder / "learned.json").unlink(missing_ok=True)
        waiting = replace(now, state=WAITING, decided_by=None, decided_at=None, reason=None)
        _save(waiting)
    logger.warning("Review %s of %s waits again: its decision could not reach the run", now.review_id, now.client)
    return waiting
