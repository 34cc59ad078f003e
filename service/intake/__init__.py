"""Watched client folders: complete files only, each recording exactly once, nothing ever deleted.

Typical service loop::

    clients = load_clients("clients.toml")
    with RecordingLedger(default_ledger_path(home)) as ledger:
        run_intake(root, clients, ledger, submit=submit_run, stop=stop_event)

and, in the run, ``archive_recording(...)`` when done or ``fail_recording(...)`` on failure.
"""

from __future__ import annotations

from service.errors import RecordingVanishedError
from service.intake.ledger import FINAL_STATES, STATES, LedgerEntry, RecordingLedger
from service.intake.notes import NOTE_SUFFIX, REASON_SUFFIX, plain_reason
from service.intake.readiness import DEFAULT_SETTLE_S, Readiness, is_temporary
from service.intake.scan import Ready, archive_recording, fail_recording, scan_inbox
from service.intake.watcher import DEFAULT_RECONCILE_S, InboxWatcher, run_intake
from service.layout import STAGES, Layout, meeting_id, move_file

__all__ = [
    "DEFAULT_RECONCILE_S",
    "DEFAULT_SETTLE_S",
    "FINAL_STATES",
    "NOTE_SUFFIX",
    "REASON_SUFFIX",
    "STAGES",
    "STATES",
    "InboxWatcher",
    "Layout",
    "LedgerEntry",
    "Readiness",
    "Ready",
    "RecordingLedger",
    "RecordingVanishedError",
    "archive_recording",
    "fail_recording",
    "is_temporary",
    "meeting_id",
    "move_file",
    "plain_reason",
    "run_intake",
    "scan_inbox",
]
