"""The secretary's review of minutes before they are sent: a store of drafts, edits and decisions.

No web and no Prefect here: the desk (:mod:`desk`) shows and edits reviews through this API, and
the flow (:mod:`flows.review`) opens one before pausing and reads the corrected minutes after.
"""

from __future__ import annotations

from service.review.edits import SECTIONS, InvalidEdit, edit_minutes
from service.review.store import (
    APPROVED,
    EXPIRED,
    REJECTED,
    SENT,
    WAITING,
    AuditEntry,
    ReviewNotFound,
    ReviewRecord,
    apply_edit,
    audio_path,
    audit_trail,
    current_minutes,
    draft_minutes,
    find_review,
    mark_decided,
    open_review,
    rebuild_current,
    recent_reviews,
    reload_review,
    reopen_review,
    waiting_reviews,
)
from service.review.vocabulary import learned_vocabulary

__all__ = [
    "APPROVED",
    "EXPIRED",
    "REJECTED",
    "SECTIONS",
    "SENT",
    "WAITING",
    "AuditEntry",
    "InvalidEdit",
    "ReviewNotFound",
    "ReviewRecord",
    "apply_edit",
    "audio_path",
    "audit_trail",
    "current_minutes",
    "draft_minutes",
    "edit_minutes",
    "find_review",
    "learned_vocabulary",
    "mark_decided",
    "open_review",
    "rebuild_current",
    "recent_reviews",
    "reload_review",
    "reopen_review",
    "waiting_reviews",
]
