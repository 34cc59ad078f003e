"""One public speaker-label convention: numbering, parsing, renames, RTTM and documents agree (no models)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from pipeline.diarize import format_rttm, read_rttm
from pipeline.errors import ConfigError
from pipeline.merge import assign_speakers
from pipeline.outputs.transcript_text import transcript_to_text
from pipeline.speakers import (
    SpeakerLabelError,
    given_names,
    number_speakers,
    parse_speaker_label,
    public_labels,
    rename_speakers,
    rttm_label,
    speaker_label,
)
from pipeline.summarize import MeetingMeta, OfflineSummarizer, build_minutes
from pipeline.types import Diarization, SpeakerTurn, Transcript, TranscriptSegment, Word


def _turns(*turns: tuple[float, float, str]) -> tuple[SpeakerTurn, ...]:
    return tuple(SpeakerTurn(*t) for t in turns)


def _diarization() -> Diarization:
    """Three speakers whose raw labels do not follow the order in which they first speak."""
    turns = _turns(
        (0.0, 2.0, "SPEAKER_02"), (1.5, 4.0, "SPEAKER_00"), (4.0, 6.0, "SPEAKER_01"), (6.0, 8.0, "SPEAKER_02")
    )
    exclusive = _turns(
        (0.0, 1.75, "SPEAKER_02"), (1.75, 4.0, "SPEAKER_00"), (4.0, 6.0, "SPEAKER_01"), (6.0, 8.0, "SPEAKER_02")
    )
    return Diarization(turns, exclusive, 8.0, "test diarizer")


def _transcript(language: str = "en") -> Transcript:
    said = ((0.2, "Hello"), (2.5, "Hi"), (4.5, "Morning"), (6.5, "Bye"))
    segments = tuple(
        TranscriptSegment(start, start + 0.5, f" {text}", (Word(start, start + 0.5, f" {text}", 0.9),))
        for start, text in said
    )
    return Transcript(language, 8.0, "test", segments)


def test_number_speakers_orders_by_first_turn() -> None:
    d = _diarization()
    numbered = number_speakers(d)
    assert [t.speaker for t in numbered.turns] == ["SPEAKER_00", "SPEAKER_01", "SPEAKER_02", "SPEAKER_00"]
    assert [t.speaker for t in numbered.exclusive] == ["SPEAKER_00", "SPEAKER_01", "SPEAKER_02", "SPEAKER_00"]
    assert [(t.start, t.end) for t in numbered.turns] == [(t.start, t.end) for t in d.turns]
    assert (numbered.duration, numbered.model) == (8.0, "test diarizer")
    assert d.turns[0].speaker == "SPEAKER_02"  # the input is untouched
    assert number_speakers(numbered) == numbered
    assert number_speakers(Diarization((), (), 3.0)) == Diarization((), (), 3.0)


def test_number_speakers_relabels_any_label() -> None:
    d = Diarization(_turns((3.0, 4.0, "b"), (1.0, 2.0, "a")), _turns((1.0, 2.0, "a"), (3.0, 4.0, "b")))
    assert [t.speaker for t in number_speakers(d).turns] == ["SPEAKER_01", "SPEAKER_00"]


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("Speaker 2", 2),
        ("speaker_2", 2),
        ("Intervenant 2", 2),
        ("intervenant2", 2),
        ("2", 2),
        ("  SPEAKER 12 ", 12),
        ("INTERVENANT_3", 3),
        ("Speaker_10", 10),
        ("Speaker 0", None),
        ("SPEAKER_01", None),
        ("speaker_00", None),
        ("Speaker", None),
        ("Marie Dupont", None),
        ("Speaker 2b", None),
        ("", None),
    ],
)
def test_parse_speaker_label(text: str, number: int | None) -> None:
    assert parse_speaker_label(text) == number


def test_public_labels_in_each_language() -> None:
    assert speaker_label(1, "en") == "Speaker 1" and speaker_label(3, "fr-CA") == "Intervenant 3"
    assert speaker_label(2, "de") == "Speaker 2"
    assert rttm_label("SPEAKER_00") == "Speaker_1" and rttm_label("SPEAKER_11") == "Speaker_12"


def test_rttm_speaker_1_is_the_transcripts_speaker_1() -> None:
    d = number_speakers(_diarization())
    st = assign_speakers(_transcript(), d)
    first_rttm = read_rttm(format_rttm(d, "call"))["call"][0]
    assert (first_rttm.start, first_rttm.speaker) == (0.0, "Speaker_1")
    first_utterance = st.utterances[0]
    assert st.display_name(first_utterance.speaker) == "Speaker 1"
    # Every RTTM label is the transcript's label with "_" for the space.
    rttm_speakers = {t.speaker for t in read_rttm(format_rttm(d, "call", exclusive=True))["call"]}
    assert rttm_speakers == {name.replace(" ", "_") for _, name in st.speaker_names}
    assert transcript_to_text(st).splitlines()[0] == "[00:00] Speaker 1: Hello"


def test_rename_by_label_in_either_language_or_by_name_shown() -> None:
    d = number_speakers(_diarization())
    st = assign_speakers(_transcript("fr"), d, names={"SPEAKER_01": "Claire Martin"})
    assert dict(st.speaker_names) == {
        "SPEAKER_00": "Intervenant 1",
        "SPEAKER_01": "Claire Martin",
        "SPEAKER_02": "Intervenant 3",
    }
    renamed = rename_speakers(st, {"Speaker 1": "Marie", " intervenant_3 ": "Paul", "Claire Martin": "Claire M."})
    assert dict(renamed.speaker_names) == {"SPEAKER_00": "Marie", "SPEAKER_01": "Claire M.", "SPEAKER_02": "Paul"}
    # A label renames the speaker with that number, even one named by a known voice.
    assert rename_speakers(st, {"2": "Claire"}).display_name("SPEAKER_01") == "Claire"
    # Renames do not chain: each key is looked up in the transcript as it was.
    swapped = rename_speakers(st, {"Intervenant 1": "Intervenant 3", "Intervenant 3": "Bob"})
    assert dict(swapped.speaker_names)["SPEAKER_00"] == "Intervenant 3"
    assert dict(swapped.speaker_names)["SPEAKER_02"] == "Bob"
    assert rename_speakers(st, {"Speaker 9": "Nobody", "Ghost": "x", "Speaker 1": "  "}) == st
    assert rename_speakers(st, {}) is st


def test_raw_labels_typed_by_a_person_are_refused() -> None:
    d = number_speakers(_diarization())
    st = assign_speakers(_transcript(), d)
    with pytest.raises(SpeakerLabelError, match=r'e\.g\. "Speaker 2" = "Marie"') as info:
        rename_speakers(st, {"SPEAKER_01": "Marie"})
    assert isinstance(info.value, ConfigError) and isinstance(info.value, ValueError)


def test_minutes_in_another_language_relabel_generic_names_only() -> None:
    d = number_speakers(_diarization())
    st = assign_speakers(_transcript("en"), d, names={"SPEAKER_01": "Claire Martin"})
    assert given_names(st) == {"SPEAKER_01": "Claire Martin"}
    minutes = build_minutes(st, OfflineSummarizer(), MeetingMeta(language="fr"))
    assert dict(minutes.transcript.speaker_names) == {
        "SPEAKER_00": "Intervenant 1",
        "SPEAKER_01": "Claire Martin",
        "SPEAKER_02": "Intervenant 3",
    }
    assert public_labels(minutes.transcript) == {
        "SPEAKER_00": "Intervenant 1",
        "SPEAKER_01": "Intervenant 2",
        "SPEAKER_02": "Intervenant 3",
    }
    assert public_labels(replace(minutes.transcript, language="en"))["SPEAKER_01"] == "Speaker 2"
