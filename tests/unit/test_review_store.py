"""Reviews on disk (service.review.store): ids, isolation, the untouched draft, the audit trail, decisions."""

from __future__ import annotations

import json
import os
import stat
from dataclasses import replace
from pathlib import Path

import pytest
import soundfile as sf

from pipeline.config import Settings
from pipeline.serialize import dumps, loads
from pipeline.stages import MeetingRequest, recording_settings
from pipeline.summarize import Minutes
from service.clients import ClientConfig
from service.requests import client_request
from service.review import (
    InvalidEdit,
    ReviewNotFound,
    ReviewRecord,
    apply_edit,
    audio_path,
    audit_trail,
    current_minutes,
    draft_minutes,
    find_review,
    learned_vocabulary,
    mark_decided,
    open_review,
    recent_reviews,
    reload_review,
    reopen_review,
    waiting_reviews,
)
from service.review.files import REVIEW_ID, forget_parsed
from tests.unit.minutes_samples import board_minutes


def _open(
    home: Path, client: str = "acme", heard: Path | None = None, meeting_id: str = "comite-0123abcd"
) -> ReviewRecord:
    return open_review(
        home,
        client=client,
        meeting_id=meeting_id,
        flow_run_id="5f0c8a2e-0000-4000-8000-000000000000",
        recording_name="Comité.wav",
        minutes=board_minutes("fr"),
        heard=heard,
        template=None,
    )


def test_open_review_keeps_the_draft_read_only_and_lists_it(tmp_path: Path) -> None:
    record = _open(tmp_path)
    assert REVIEW_ID.fullmatch(record.review_id) and record.folder == tmp_path / "reviews/acme" / record.review_id
    assert (record.state, record.speakers, record.title) == ("waiting", 2, "Comité de pilotage")
    assert record.created_at.utcoffset() is not None
    draft = record.folder / "draft.json"
    assert draft.read_text(encoding="utf-8") == dumps(board_minutes("fr"))
    assert not draft.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    assert find_review(tmp_path, "acme", record.review_id) == record
    assert waiting_reviews(tmp_path, ["acme", "other"]) == [record]
    assert recent_reviews(tmp_path, ["acme"]) == []
    assert current_minutes(record) == draft_minutes(record) == board_minutes("fr")


def test_waiting_reviews_are_newest_first_and_per_client(tmp_path: Path) -> None:
    first, second = _open(tmp_path, meeting_id="one-0123abcd"), _open(tmp_path, meeting_id="two-0123abcd")
    theirs = _open(tmp_path, "globex")
    assert [r.review_id for r in waiting_reviews(tmp_path, ["acme"])] == [second.review_id, first.review_id]
    assert [r.review_id for r in waiting_reviews(tmp_path, ["globex"])] == [theirs.review_id]


def test_a_meeting_processed_again_takes_over_the_edits_of_its_older_review(tmp_path: Path) -> None:
    crashed = _open(tmp_path)
    apply_edit(crashed, {"op": "summary", "text": "Résumé relu."}, "claire")
    apply_edit(crashed, {"op": "template", "value": "pv"}, "claire")
    again = _open(tmp_path)
    assert waiting_reviews(tmp_path, ["acme"]) == [again] and reload_review(crashed).state == "expired"
    assert current_minutes(again).summary == "Résumé relu." and again.template == "formal"
    assert audit_trail(again) == audit_trail(crashed)
    other = replace(board_minutes("fr"), summary="Écrit autrement.")
    rewritten = open_review(
        tmp_path,
        client="acme",
        meeting_id=again.meeting_id,
        flow_run_id=again.flow_run_id,
        recording_name=again.recording_name,
        minutes=other,
        heard=None,
        template=None,
    )
    assert audit_trail(rewritten) == [] and current_minutes(rewritten) == other


def test_ids_of_another_client_or_malformed_are_not_found(tmp_path: Path) -> None:
    mine, theirs = _open(tmp_path, "acme"), _open(tmp_path, "globex")
    for client, review_id in [
        ("acme", theirs.review_id),
        ("globex", mine.review_id),
        ("acme", "A" * 22),
        ("acme", mine.review_id[:-1]),
        ("acme", "../globex/" + theirs.review_id),
        ("acme", "..%2Fglobex%2F" + theirs.review_id),
        ("acme", ".." + "_" * 20),
        ("..", "reviews"),
        ("acme/../globex", theirs.review_id),
        ("unknown", mine.review_id),
    ]:
        with pytest.raises(ReviewNotFound):
            find_review(tmp_path, client, review_id)


def test_a_review_copied_into_another_clients_folder_is_not_found(tmp_path: Path) -> None:
    theirs = _open(tmp_path, "globex")
    (tmp_path / "reviews/acme").mkdir(parents=True)
    os.symlink(theirs.folder, tmp_path / "reviews/acme" / theirs.review_id)
    with pytest.raises(ReviewNotFound):
        find_review(tmp_path, "acme", theirs.review_id)


def test_edits_are_logged_and_the_draft_never_rewritten(tmp_path: Path) -> None:
    record = _open(tmp_path)
    draft = (record.folder / "draft.json").read_bytes()
    apply_edit(record, {"op": "word", "u": 1, "w": 1, "text": "Lefèvre"}, "claire")
    apply_edit(record, {"op": "rename_speaker", "speaker": "SPEAKER_01", "name": "Julien Morel"}, "claire")
    edited = apply_edit(
        record, {"op": "item_set", "section": "actions", "index": 1, "fields": {"owner": "Julien Morel"}}, "marc"
    )
    assert current_minutes(record) == edited
    assert edited.transcript.utterances[1].text == "Les Lefèvre sont terminées."
    assert [a.owner for a in edited.action_items] == ["Julien Morel", "Julien Morel"]
    assert (record.folder / "draft.json").read_bytes() == draft and draft_minutes(record) == board_minutes("fr")
    trail = audit_trail(record)
    expected = [("claire", "word"), ("claire", "rename_speaker"), ("marc", "item_set")]
    assert [(e.who, e.edit["op"]) for e in trail] == expected
    assert all(e.at.utcoffset() is not None for e in trail) and trail[0].at <= trail[2].at


def test_current_is_rebuilt_from_draft_and_edits(tmp_path: Path) -> None:
    record = _open(tmp_path)
    apply_edit(record, {"op": "summary", "text": "Résumé relu."}, "claire")
    edited = apply_edit(record, {"op": "item_delete", "section": "decisions", "index": 0}, "claire")
    forget_parsed()  # what another process (the run) reads: the files only
    assert current_minutes(record) == edited
    assert loads(Minutes, (record.folder / "current.json").read_text(encoding="utf-8")) == edited
    # A current.json written before the latest edit (its version is the older trail size) is not used.
    (record.folder / "current.json").write_text(dumps(board_minutes("fr")), encoding="utf-8")
    edited = apply_edit(record, {"op": "summary", "text": "Résumé relu deux fois."}, "claire")
    forget_parsed()
    assert current_minutes(record) == edited and edited.decisions == board_minutes("fr").decisions[1:]


def test_approval_leaves_the_corrected_minutes_on_disk(tmp_path: Path) -> None:
    record = _open(tmp_path)
    edited = apply_edit(record, {"op": "summary", "text": "Résumé relu."}, "claire")
    mark_decided(record, state="approved", who="claire")
    assert loads(Minutes, (record.folder / "current.json").read_text(encoding="utf-8")) == edited


def test_invalid_edits_change_nothing(tmp_path: Path) -> None:
    record = _open(tmp_path)
    for edit in (
        {"op": "word", "u": 1, "w": 99, "text": "x"},
        {"op": "summary", "text": "x", "extra": 1},
        {"op": "summary"},
        {"op": "template", "value": "poème"},
    ):
        with pytest.raises(InvalidEdit):
            apply_edit(record, edit, "claire")
    with pytest.raises(InvalidEdit, match="who"):
        apply_edit(record, {"op": "summary", "text": "x"}, " ")
    assert audit_trail(record) == [] and current_minutes(record) == board_minutes("fr")


def test_template_choice_is_kept_in_the_record(tmp_path: Path) -> None:
    record = _open(tmp_path)
    apply_edit(record, {"op": "template", "value": "Procès-verbal"}, "claire")
    assert find_review(tmp_path, "acme", record.review_id).template == "formal"


def test_decisions_follow_their_order_and_close_the_review(tmp_path: Path) -> None:
    record = _open(tmp_path)
    apply_edit(record, {"op": "rename_speaker", "speaker": "SPEAKER_01", "name": "Julien Morel"}, "claire")
    apply_edit(record, {"op": "word", "u": 1, "w": 1, "text": "SIRH,"}, "claire")
    apply_edit(record, {"op": "word", "u": 1, "w": 2, "text": "étaient"}, "claire")  # a plain word is not a term
    approved = mark_decided(record, state="approved", who="claire")
    assert (approved.state, approved.decided_by, approved.decided_at is not None) == ("approved", "claire", True)
    assert mark_decided(record, state="approved", who="flow") == approved, "marking twice changes nothing"
    with pytest.raises(InvalidEdit, match="approved"):
        apply_edit(record, {"op": "summary", "text": "trop tard"}, "claire")
    with pytest.raises(InvalidEdit, match="cannot become rejected"):
        mark_decided(record, state="rejected", who="claire", reason="non")
    sent = mark_decided(record, state="sent", who="flow")
    assert (sent.state, sent.decided_by) == ("sent", "claire")
    assert recent_reviews(tmp_path, ["acme"]) == [sent] and waiting_reviews(tmp_path, ["acme"]) == []
    assert learned_vocabulary(tmp_path, "acme") == ("SIRH", "Julien Morel")
    assert learned_vocabulary(tmp_path, "globex") == () and learned_vocabulary(tmp_path, "../acme") == ()


def test_rejected_reviews_teach_no_vocabulary(tmp_path: Path) -> None:
    record = _open(tmp_path)
    apply_edit(record, {"op": "rename_speaker", "speaker": "SPEAKER_01", "name": "Julien Morel"}, "claire")
    rejected = mark_decided(record, state="rejected", who="claire", reason="mauvais client")
    assert (rejected.state, rejected.reason) == ("rejected", "mauvais client")
    assert json.loads((record.folder / "review.json").read_text(encoding="utf-8"))["reason"] == "mauvais client"
    assert learned_vocabulary(tmp_path, "acme") == ()


def test_listening_copy_is_mono_opus(tmp_path: Path, eval_dir: Path) -> None:
    record = _open(tmp_path, heard=eval_dir / "faster_whisper/stereo_diarization.wav")
    info = sf.info(audio_path(record))
    assert (info.format, info.subtype, info.channels) == ("OGG", "OPUS", 1)
    assert info.duration == pytest.approx(sf.info(eval_dir / "faster_whisper/stereo_diarization.wav").duration, abs=0.1)


def test_review_opens_without_audio_when_it_cannot_be_encoded(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    broken = tmp_path / "broken.wav"
    broken.write_bytes(b"RIFF not really a wave file")
    record = _open(tmp_path, heard=broken)
    assert not audio_path(record).exists() and find_review(tmp_path, "acme", record.review_id).state == "waiting"
    assert "No audio for the review of broken.wav" in caplog.text


def test_a_decision_that_cannot_reach_the_run_is_undone(tmp_path: Path) -> None:
    record = _open(tmp_path)
    apply_edit(record, {"op": "rename_speaker", "speaker": "SPEAKER_01", "name": "Julien Morel"}, "claire")
    reopened = reopen_review(mark_decided(record, state="approved", who="claire"))
    assert (reopened.state, reopened.decided_by, reopened.decided_at) == ("waiting", None, None)
    assert reload_review(record) == reopened and learned_vocabulary(tmp_path, "acme") == ()
    with pytest.raises(InvalidEdit, match="cannot wait again"):
        reopen_review(reopened)


def test_learned_terms_reach_whisper_after_the_clients_own(tmp_path: Path) -> None:
    record = _open(tmp_path)
    apply_edit(record, {"op": "rename_speaker", "speaker": "SPEAKER_01", "name": "Julien Morel"}, "claire")
    apply_edit(record, {"op": "word", "u": 1, "w": 1, "text": "qualiopi"}, "claire")  # lower case: not a term
    apply_edit(record, {"op": "word", "u": 1, "w": 2, "text": "Qualiopi"}, "claire")
    mark_decided(record, state="approved", who="claire")
    client = ClientConfig("acme", "ACME SA", ("direction@acme.example",), vocabulary=("SIRH", "Qualiopi"))
    learned = learned_vocabulary(tmp_path, "acme")
    request = client_request(client, MeetingRequest(vocabulary=("Lefèvre",)), "acme", learned)
    assert request.vocabulary == ("Lefèvre", "SIRH", "Qualiopi", "Julien Morel")
    assert recording_settings(Settings(), request).asr.vocabulary[-4:] == request.vocabulary
