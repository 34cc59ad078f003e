"""Review before sending: the run pauses until a secretary approves or rejects the minutes.

She corrects them on the desk (:mod:`service.review` keeps her edits) and decides there
(:func:`submit_decision`); an operator may still decide in the Prefect UI, naming the speakers.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from uuid import UUID

from prefect.exceptions import FlowPauseTimeout
from prefect.flow_runs import pause_flow_run, resume_flow_run
from prefect.input import RunInput

from pipeline.errors import PipelineError
from pipeline.speakers import public_labels, rename_speakers, speaker_label
from pipeline.summarize import Minutes, Participant
from service.review import (
    APPROVED,
    EXPIRED,
    REJECTED,
    WAITING,
    InvalidEdit,
    ReviewRecord,
    apply_edit,
    current_minutes,
    mark_decided,
    reload_review,
    reopen_review,
)

logger = logging.getLogger(__name__)


class ReviewRejected(PipelineError):
    """An operator rejected the minutes; the recording goes to failed/ with their reason."""


class ReviewDecision(RunInput):
    """The form the operator fills in the Prefect UI to resume the run."""

    approve: bool = True
    # Public label ("Speaker 1", "Intervenant 2") or name shown -> the person's name.
    speaker_names: dict[str, str] = {}
    reason: str = ""
    # Set by the desk: the review whose corrected minutes to send, and who decided.
    review_id: str = ""
    reviewer: str = ""


def _speaker(person: Participant, label: str) -> str:
    """ "Speaker 1 (40%)", or "Claire Martin = Speaker 2 (35%)" for a speaker named by a known voice."""
    shown = person.name if person.name == label else f"{person.name} = {label}"
    return f"{shown} ({person.share:.0%})"


def _review_text(minutes: Minutes) -> str:
    decisions = "\n".join(f"- {d.text}" for d in minutes.decisions) or "- (none)"
    actions = (
        "\n".join(
            f"- {a.text} — {a.owner or '?'} — {a.due.isoformat() if a.due else (a.due_text or '?')}"
            for a in minutes.action_items
        )
        or "- (none)"
    )
    labels = public_labels(minutes.transcript, minutes.language)
    speakers = ", ".join(_speaker(p, labels.get(p.speaker, p.name)) for p in minutes.participants) or "(none)"
    example = next(iter(labels.values()), speaker_label(1, minutes.language))
    return (
        f"## {minutes.title}\n\n{minutes.summary}\n\n**Speakers:** {speakers}\n\n"
        f"**Decisions**\n{decisions}\n\n**Actions**\n{actions}\n\n"
        f'Name the speakers in `speaker_names` by the label shown (e.g. {{"{example}": "Marie Dupont"}}) '
        "or by the name shown, then approve, or set `approve` to false and give a `reason`."
    )


def await_review(minutes: Minutes, timeout_s: float) -> ReviewDecision:
    """Pause until the secretary (desk) or an operator (Prefect UI) answers; `timeout_s` later the run fails.

    Raises:
        ReviewRejected: the minutes were rejected.
        prefect.exceptions.FlowPauseTimeout: nobody answered in time.
    """
    initial = {p.name: p.name for p in minutes.participants}
    logger.warning("Waiting for a secretary to review the minutes (up to %.0f h)", timeout_s / 3600)
    decision: ReviewDecision = pause_flow_run(
        wait_for_input=ReviewDecision.with_initial_data(description=_review_text(minutes), speaker_names=initial),
        timeout=int(timeout_s),
        key="review",
    )
    if not decision.approve:
        raise ReviewRejected(f"rejected by the reviewer: {decision.reason or 'no reason given'}")
    logger.info("Minutes approved by %s", decision.reviewer or "the reviewer")
    return decision


def review_minutes(record: ReviewRecord, minutes: Minutes, timeout_s: float) -> tuple[Minutes, ReviewRecord]:
    """Wait for the decision on `record`; the minutes to send (her corrections, not re-summarised) and the record.

    Names typed in the Prefect UI's form are applied as renames (kept in the audit trail); the
    minutes say who reviewed them. A rejection or a timeout is recorded on the review and raised.

    Raises:
        ReviewRejected: the minutes were rejected.
        prefect.exceptions.FlowPauseTimeout: nobody answered in time.
    """
    try:
        decision = await_review(minutes, timeout_s)
    except ReviewRejected as e:
        _close(record, REJECTED, "Prefect UI", str(e).removeprefix("rejected by the reviewer: "))
        raise
    except FlowPauseTimeout:
        _close(record, EXPIRED, "timeout", f"no decision within {timeout_s / 3600:.0f} h")
        raise
    who = decision.reviewer or "Prefect UI"
    if reload_review(record).state == WAITING:  # decided in the Prefect UI, not on the desk
        _apply_renames(record, decision.speaker_names, who)
    corrected = current_minutes(record)
    record = mark_decided(record, state=APPROVED, who=who)
    reviewed = replace(corrected.provenance, reviewed_by=decision.reviewer or None)  # the desk names her
    return replace(corrected, provenance=reviewed), record


def _close(record: ReviewRecord, state: str, who: str, reason: str) -> None:
    try:
        mark_decided(record, state=state, who=who, reason=reason)
    except InvalidEdit as e:  # decided on the desk meanwhile: its decision stands
        logger.info("Review %s stays as the desk left it (%s)", record.review_id, e)


def _apply_renames(record: ReviewRecord, names: dict[str, str], who: str) -> None:
    """The Prefect UI's `speaker_names` (public label or name shown -> name) as rename edits."""
    minutes = current_minutes(record)
    named = dict(rename_speakers(minutes.transcript, names).speaker_names)
    for raw, shown in minutes.transcript.speaker_names:
        if named[raw] != shown:
            try:
                apply_edit(record, {"op": "rename_speaker", "speaker": raw, "name": named[raw]}, who)
            except InvalidEdit as e:
                logger.warning("The name %r for %s is not used: %s", named[raw], shown, e)


def submit_decision(record: ReviewRecord, *, approve: bool, who: str, reason: str = "") -> None:
    """The desk's decision: the review marked decided, then its paused run resumed with it.

    Marked first so that the resumed run finds it decided; put back to waiting if the run cannot
    be resumed (it timed out, or was cancelled), and the error raised for the desk to show.
    Uses the Prefect API of the environment (``PREFECT_API_URL``, which `minutier serve` sets).

    Raises:
        InvalidEdit: the review was already decided.
        prefect.exceptions.FlowPauseTimeout, NotPausedError: the run no longer waits.
    """
    now = reload_review(record)
    if now.state != WAITING:  # a second click, another secretary: the run was already resumed
        raise InvalidEdit(f"this review is already {now.state}")
    decided = mark_decided(now, state=APPROVED if approve else REJECTED, who=who, reason=reason or None)
    run_input = {"approve": approve, "reason": reason, "review_id": record.review_id, "reviewer": who}
    try:
        resume_flow_run(UUID(record.flow_run_id), run_input=run_input)
    except Exception:
        reopen_review(decided)
        raise
    logger.info("Review %s %s by %s: run %s resumed", record.review_id, decided.state, who, record.flow_run_id)
