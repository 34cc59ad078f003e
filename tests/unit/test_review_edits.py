"""Each edit a secretary can make to the minutes, and the ones refused (service.review.edits)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from pipeline.summarize import Minutes
from service.review import InvalidEdit, edit_minutes
from tests.unit.minutes_samples import board_minutes

# board_minutes: SPEAKER_00 "Claire Martin" (utterances 0, 2, 3, 5, 6), SPEAKER_01 "Julien Moreau" (1, 4);
# actions: 0 "Envoyer les maquettes au client" (Julien Moreau, 2025-03-14), 1 "Réserver la salle".


@pytest.fixture
def minutes() -> Minutes:
    return board_minutes("fr")


def test_word_correction_changes_the_word_and_its_utterance(minutes: Minutes) -> None:
    u = minutes.transcript.utterances[1]  # "Les maquettes sont terminées."
    edited = edit_minutes(minutes, {"op": "word", "u": 1, "w": 1, "text": "Lefèvre"})
    after = edited.transcript.utterances[1]
    assert [w.text for w in after.words] == [" Les", " Lefèvre", " sont", " terminées."]
    assert after.text == "Les Lefèvre sont terminées."
    assert (after.start, after.end) == (u.start, u.end)
    assert after.words[1].start == u.words[1].start
    assert minutes.transcript.utterances[1] is u, "the input minutes were changed"


def test_empty_word_deletes_it_and_the_last_word_stays(minutes: Minutes) -> None:
    edited = edit_minutes(minutes, {"op": "word", "u": 1, "w": 0, "text": " "})
    after = edited.transcript.utterances[1]
    assert after.text == "maquettes sont terminées." and after.start == minutes.transcript.utterances[1].words[1].start
    delete_first = {"op": "word", "u": 1, "w": 0, "text": ""}
    one = edit_minutes(edit_minutes(edited, delete_first), delete_first)
    assert one.transcript.utterances[1].text == "terminées."
    with pytest.raises(InvalidEdit, match="last word"):
        edit_minutes(one, {"op": "word", "u": 1, "w": 0, "text": ""})


def test_words_of_an_untimed_utterance_are_those_of_its_text(minutes: Minutes) -> None:
    untimed = tuple(replace(u, words=()) for u in minutes.transcript.utterances)
    plain = replace(minutes, transcript=replace(minutes.transcript, utterances=untimed))
    edited = edit_minutes(plain, {"op": "word", "u": 1, "w": 1, "text": "Lefèvre"})
    assert edited.transcript.utterances[1].text == "Les Lefèvre sont terminées."
    shorter = edit_minutes(edited, {"op": "word", "u": 1, "w": 3, "text": ""})
    assert shorter.transcript.utterances[1].text == "Les Lefèvre sont"
    with pytest.raises(InvalidEdit, match="out of range"):
        edit_minutes(shorter, {"op": "word", "u": 1, "w": 3, "text": "x"})


def test_rename_speaker_renames_participant_owners_and_transcript(minutes: Minutes) -> None:
    edited = edit_minutes(minutes, {"op": "rename_speaker", "speaker": "SPEAKER_01", "name": "  Julien  Morel "})
    assert edited.transcript.display_name("SPEAKER_01") == "Julien Morel"
    assert {p.name for p in edited.participants} == {"Claire Martin", "Julien Morel"}
    assert edited.action_items[0].owner == "Julien Morel"
    assert edited.action_items[1].owner is None


def test_rename_replaces_a_generic_label_in_the_machines_text(minutes: Minutes) -> None:
    minutes = edit_minutes(minutes, {"op": "rename_speaker", "speaker": "SPEAKER_01", "name": "Intervenant 2"})
    minutes = edit_minutes(minutes, {"op": "summary", "text": "Intervenant 2 présente ; Intervenant 21 absent."})
    edited = edit_minutes(minutes, {"op": "rename_speaker", "speaker": "SPEAKER_01", "name": "Julien Moreau"})
    assert edited.summary == "Julien Moreau présente ; Intervenant 21 absent."
    short = edit_minutes(edited, {"op": "rename_speaker", "speaker": "SPEAKER_01", "name": "Julien"})
    written = edit_minutes(short, {"op": "summary", "text": "Julien Moreau et Julien."})
    longer = edit_minutes(written, {"op": "rename_speaker", "speaker": "SPEAKER_01", "name": "Julien Moreau"})
    assert longer.summary == "Julien Moreau et Julien Moreau.", "a name already written whole is not lengthened"


def test_rename_to_another_speakers_name_is_refused(minutes: Minutes) -> None:
    with pytest.raises(InvalidEdit, match="merge"):
        edit_minutes(minutes, {"op": "rename_speaker", "speaker": "SPEAKER_01", "name": "Claire Martin"})


def test_merge_speakers_moves_utterances_and_recounts_shares(minutes: Minutes) -> None:
    edited = edit_minutes(minutes, {"op": "merge_speakers", "speaker": "SPEAKER_01", "into": "SPEAKER_00"})
    assert {u.speaker for u in edited.transcript.utterances} == {"SPEAKER_00"}
    assert edited.transcript.speaker_names == (("SPEAKER_00", "Claire Martin"),)
    assert [(p.name, p.share) for p in edited.participants] == [("Claire Martin", 1.0)]
    assert edited.action_items[0].owner == "Claire Martin"


def test_summary_and_items_are_edited_added_deleted_and_moved(minutes: Minutes) -> None:
    m = edit_minutes(minutes, {"op": "summary", "text": "Résumé corrigé."})
    assert m.summary == "Résumé corrigé."
    m = edit_minutes(
        m,
        {"op": "item_set", "section": "actions", "index": 1, "fields": {"owner": "Marie Dupont", "due": "2025-04-03"}},
    )
    assert (m.action_items[1].owner, m.action_items[1].due) == ("Marie Dupont", date(2025, 4, 3))
    m = edit_minutes(m, {"op": "item_set", "section": "actions", "index": 0, "fields": {"owner": "", "due": ""}})
    assert (m.action_items[0].owner, m.action_items[0].due, m.action_items[0].due_text) == (None, None, "vendredi")
    added = {"op": "item_add", "section": "decisions", "index": 1, "fields": {"text": "Nouvelle décision."}}
    m = edit_minutes(m, added)
    assert [d.text for d in m.decisions][1] == "Nouvelle décision." and len(m.decisions) == 4
    assert m.decisions[1].start == m.decisions[0].start, "a new item takes the time of the one before it"
    m = edit_minutes(m, {"op": "item_move", "section": "decisions", "index": 1, "to": 3})
    assert m.decisions[3].text == "Nouvelle décision."
    m = edit_minutes(m, {"op": "item_delete", "section": "decisions", "index": 3})
    assert [d.text for d in m.decisions] == [d.text for d in minutes.decisions]
    m = edit_minutes(
        m, {"op": "item_set", "section": "topics", "index": 1, "fields": {"title": "Finances", "text": "Un\n\nDeux"}}
    )
    assert m.topics[1].title == "Finances" and [k.text for k in m.topics[1].key_points] == ["Un", "Deux"]
    m = edit_minutes(m, {"op": "item_add", "section": "questions", "index": 0, "fields": {"text": "Et après ?"}})
    assert m.open_questions[0].text == "Et après ?"
    m = edit_minutes(m, {"op": "item_add", "section": "topics", "index": 2, "fields": {"title": "Divers"}})
    assert m.topics[2].title == "Divers" and m.topics[2].key_points == ()


def test_template_edit_checks_the_name_and_leaves_the_minutes(minutes: Minutes) -> None:
    assert edit_minutes(minutes, {"op": "template", "value": "relevé de décisions"}) is minutes
    with pytest.raises(InvalidEdit, match="unknown document type"):
        edit_minutes(minutes, {"op": "template", "value": "poème"})


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        ({"op": "delete_everything"}, "unknown edit op"),
        ("word", "JSON object"),
        ({"op": "word", "u": 99, "w": 0, "text": "x"}, "out of range"),
        ({"op": "word", "u": 1, "w": -1, "text": "x"}, "out of range"),
        ({"op": "word", "u": True, "w": 0, "text": "x"}, "integer"),
        ({"op": "word", "u": "1", "w": 0, "text": "x"}, "integer"),
        ({"op": "word", "u": 1, "w": 0, "text": 3}, "expected text"),
        ({"op": "rename_speaker", "speaker": "SPEAKER_09", "name": "X"}, "no speaker"),
        ({"op": "rename_speaker", "speaker": "SPEAKER_00", "name": "  "}, "empty"),
        ({"op": "rename_speaker", "speaker": "SPEAKER_00", "name": "a" * 81}, "at most"),
        ({"op": "merge_speakers", "speaker": "SPEAKER_00", "into": "SPEAKER_00"}, "itself"),
        ({"op": "item_set", "section": "minutes", "index": 0, "fields": {"text": "x"}}, "section"),
        ({"op": "item_set", "section": "actions", "index": 5, "fields": {"text": "x"}}, "out of range"),
        ({"op": "item_set", "section": "decisions", "index": 0, "fields": {"owner": "x"}}, "no field owner"),
        ({"op": "item_set", "section": "decisions", "index": 0, "fields": {"text": ""}}, "empty"),
        ({"op": "item_set", "section": "actions", "index": 0, "fields": {"due": "14/03/2025"}}, "YYYY-MM-DD"),
        ({"op": "item_set", "section": "actions", "index": 0, "fields": {"due": "2025-02-30"}}, "YYYY-MM-DD"),
        ({"op": "item_set", "section": "actions", "index": 0, "fields": {}}, "fields"),
        ({"op": "item_add", "section": "decisions", "index": 4, "fields": {"text": "x"}}, "out of range"),
        ({"op": "item_add", "section": "topics", "index": 0, "fields": {"text": "x"}}, "needs its title"),
        ({"op": "item_move", "section": "decisions", "index": 0, "to": 3}, "out of range"),
    ],
)
def test_invalid_edits_are_refused_with_a_reason(minutes: Minutes, edit: Any, message: str) -> None:
    with pytest.raises(InvalidEdit, match=message):
        edit_minutes(minutes, edit)


def test_an_item_she_adds_is_not_cited_at_a_time_it_was_never_said(tmp_path) -> None:
    from pipeline.outputs.markdown import to_markdown
    from pipeline.outputs.text import to_text
    from service.review.edits import edit_minutes
    from tests.unit.minutes_samples import board_minutes

    minutes = board_minutes("fr")
    added = edit_minutes(minutes, {"op": "item_add", "section": "decisions", "index": 0,
                                   "fields": {"text": "Le budget 2027 est validé."}})  # fmt: skip
    assert added.decisions[0].timed is False and all(d.timed for d in added.decisions[1:])
    for text in (to_text(added), to_markdown(added)):
        line = next(line for line in text.splitlines() if "Le budget 2027 est validé." in line)
        assert "00:" not in line, line
        said = next(line for line in text.splitlines() if minutes.decisions[0].text[:30] in line)
        assert "00:" in said, said
