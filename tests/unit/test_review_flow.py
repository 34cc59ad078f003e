"""What the paused run makes of each answer (flows.review.review_minutes), the pause itself stood in for.

The real pause, resume and email are in tests/flows/test_service.py; here each kind of answer
(the desk's, the Prefect UI's form, a rejection, no answer) and what it leaves on the review.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from prefect.exceptions import FlowPauseTimeout

import flows.review
from flows.review import ReviewDecision, ReviewRejected, review_minutes
from service.review import (
    ReviewRecord,
    apply_edit,
    audit_trail,
    mark_decided,
    open_review,
    reload_review,
)
from tests.unit.minutes_samples import board_minutes


def _record(home: Path, meeting_id: str = "comite-0123abcd", run: int = 0, name: str = "Comité.wav") -> ReviewRecord:
    return open_review(
        home,
        client="acme",
        meeting_id=meeting_id,
        flow_run_id=f"5f0c8a2e-0000-4000-8000-{run:012d}",
        recording_name=name,
        minutes=board_minutes("fr"),
        heard=None,
        template=None,
    )


def _answer(monkeypatch: pytest.MonkeyPatch, answer: Any) -> None:
    def pause(**_kwargs: Any) -> ReviewDecision:
        if isinstance(answer, Exception):
            raise answer
        return answer

    monkeypatch.setattr(flows.review, "pause_flow_run", pause)


def test_desk_approval_sends_her_corrections_and_names_her(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    record = _record(tmp_path)
    apply_edit(record, {"op": "summary", "text": "Résumé relu par Claire."}, "claire")
    mark_decided(record, state="approved", who="claire")  # what submit_decision does before resuming
    _answer(monkeypatch, ReviewDecision(approve=True, review_id=record.review_id, reviewer="claire"))
    minutes, decided = review_minutes(record, board_minutes("fr"), 60)
    assert minutes.summary == "Résumé relu par Claire." and minutes.provenance.reviewed_by == "claire"
    assert minutes.decisions == board_minutes("fr").decisions, "nothing was written again by a summariser"
    assert (decided.state, decided.decided_by) == ("approved", "claire")


def test_prefect_ui_names_become_rename_edits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    record = _record(tmp_path)
    names = {"Intervenant 2": "Julien Morel", "Claire Martin": "Claire Martin"}
    _answer(monkeypatch, ReviewDecision(approve=True, speaker_names=names))
    minutes, decided = review_minutes(record, board_minutes("fr"), 60)
    assert minutes.transcript.display_name("SPEAKER_01") == "Julien Morel"
    assert minutes.action_items[0].owner == "Julien Morel" and minutes.provenance.reviewed_by is None
    assert [(e.who, e.edit["name"]) for e in audit_trail(record)] == [("Prefect UI", "Julien Morel")]
    assert (decided.state, decided.decided_by) == ("approved", "Prefect UI")


def test_rejection_and_timeout_are_recorded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rejected = _record(tmp_path)
    _answer(monkeypatch, ReviewDecision(approve=False, reason="mauvais client"))
    with pytest.raises(ReviewRejected, match="mauvais client"):
        review_minutes(rejected, board_minutes("fr"), 60)
    assert (reload_review(rejected).state, reload_review(rejected).reason) == ("rejected", "mauvais client")

    expired = _record(tmp_path, "other-0123abcd", run=1, name="Autre.wav")
    _answer(monkeypatch, FlowPauseTimeout("Flow run was paused and never resumed."))
    with pytest.raises(FlowPauseTimeout):
        review_minutes(expired, board_minutes("fr"), 3600)
    assert reload_review(expired).state == "expired"
