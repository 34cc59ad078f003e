"""Words at turn changes: the boundary rules of pipeline/attribution.py on hand-built words and turns."""

from __future__ import annotations

import io
from dataclasses import replace

import docx

from pipeline.attribution import DEFAULT_RULES, attribute_words
from pipeline.merge import assign_speakers
from pipeline.outputs import write_minutes_docx
from pipeline.summarize import MeetingMeta, OfflineSummarizer, build_minutes
from pipeline.types import Diarization, SpeakerTurn, Transcript, TranscriptSegment, Word
from tests.unit.meetings import FR_DATE, french_meeting


def _words(*spec: tuple[float, float, str]) -> tuple[Word, ...]:
    return tuple(Word(start, end, f" {text}", 0.9) for start, end, text in spec)


def _turns(*spec: tuple[float, float, str]) -> tuple[SpeakerTurn, ...]:
    return tuple(SpeakerTurn(*t) for t in spec)


def _speakers(words: tuple[Word, ...], turns: tuple[SpeakerTurn, ...], **rules: float) -> list[str | None]:
    return [a.speaker for a in attribute_words(words, turns, replace(DEFAULT_RULES, **rules))]


def test_word_straddling_a_change_goes_to_the_turn_covering_most_of_it() -> None:
    words = _words((0.0, 0.5, "Fine."), (0.9, 1.5, "Basically"), (1.6, 2.0, "right."))
    # "Basically" has 0.1 s in A's turn and 0.5 s in B's.
    assert _speakers(words, _turns((0.0, 1.0, "A"), (1.0, 3.0, "B"))) == ["A", "B", "B"]
    # A word of zero length (Whisper writes some) lies in the turn around it.
    point = _words((0.0, 0.5, "Fine."), (1.2, 1.2, "I"), (1.3, 1.6, "agree."))
    assert _speakers(point, _turns((0.0, 1.0, "A"), (1.0, 3.0, "B"))) == ["A", "B", "B"]


def test_a_short_turn_does_not_split_a_sentence_unless_its_words_lie_in_it() -> None:
    # The diarization carves a 0.3 s turn of B out of A's sentence (an interjection Whisper did not write).
    words = _words((0.0, 0.4, "We"), (0.4, 0.8, "will"), (0.8, 1.2, "ship"), (1.2, 1.6, "it"), (1.6, 2.0, "to"),
                   (2.0, 2.4, "them"), (2.4, 2.8, "soon."))  # fmt: skip
    turns = _turns((0.0, 0.85, "A"), (0.85, 1.15, "B"), (1.15, 2.8, "A"))
    assert _speakers(words, turns) == ["A"] * 7
    # Three words lie wholly in B's turn and in no turn of A's: B did say them.
    long_b = _turns((0.0, 0.8, "A"), (0.8, 2.0, "B"), (2.0, 2.8, "A"))
    assert _speakers(words, long_b) == ["A", "A", "B", "B", "B", "A", "A"]
    # Today's attribution (each word on its own) splits the sentence at the short turn.
    assert _speakers(words, turns, switch_mid=0.0) == ["A", "A", "B", "A", "A", "A", "A"]


def test_at_a_speaker_change_the_cut_moves_to_the_sentence_end() -> None:
    # The pyannote sample: "Neither did I." with the change detected before "I.", where both speakers'
    # turns overlap: the sentence stays whole, and "Okay." opens the next speaker's turn.
    words = _words((9.96, 10.2, "Neither"), (10.2, 10.42, "did"), (10.42, 10.64, "I."), (10.64, 10.98, "Okay."),
                   (11.14, 11.28, "I"), (11.28, 11.52, "thought."))  # fmt: skip
    turns = _turns((9.9, 10.97, "S2"), (10.48, 14.73, "S1"))
    assert _speakers(words, turns) == ["S2", "S2", "S2", "S1", "S1", "S1"]
    # "And I'm" opens a sentence in the overlap before the change: it goes with the sentence.
    words = _words((13.52, 13.96, "Jersey."), (14.38, 14.5, "And"), (14.5, 14.76, "I'm"), (14.76, 15.08, "Sheila"),
                   (15.08, 15.5, "in"), (15.5, 16.02, "Texas."))  # fmt: skip
    turns = _turns((10.5, 14.73, "S1"), (14.31, 17.9, "S2"))
    assert _speakers(words, turns) == ["S1", "S2", "S2", "S2", "S2", "S2"]
    # With exclusive turns only, "And I'm" lies in S1's turn alone: the evidence keeps them there.
    exclusive = _turns((10.5, 14.73, "S1"), (14.73, 17.9, "S2"))
    assert _speakers(words, exclusive) == ["S1", "S1", "S1", "S2", "S2", "S2"]


def test_a_sentence_end_is_no_cut_where_the_turn_goes_on() -> None:
    words = _words((0.0, 0.4, "Yes."), (0.5, 0.9, "And"), (0.9, 1.3, "then"), (1.3, 1.7, "we"), (1.7, 2.1, "left."))
    assert _speakers(words, _turns((0.0, 1.2, "A"), (1.2, 3.0, "B"))) == ["A", "A", "A", "B", "B"]


def test_words_in_no_turn_go_to_the_nearest_turn_within_the_bound_else_their_neighbours() -> None:
    turns = _turns((0.0, 1.0, "A"), (4.0, 5.0, "B"))
    # "and" is 0.3 s from B's turn, 2.2 s from A's: within the 1 s bound, B's.
    near = _words((0.0, 0.5, "One."), (3.5, 3.7, "And"), (4.1, 4.5, "two."))
    assert _speakers(near, turns) == ["A", "B", "B"]
    # "then" is 1.2 s from A's turn and 1.5 s from B's: beyond the bound, it stays in its sentence.
    far = _words((0.0, 0.5, "one"), (2.2, 2.5, "then."), (4.1, 4.5, "Two."))
    assert _speakers(far, turns) == ["A", "A", "B"]
    assert _speakers(far, turns, nearest=2.0) == ["A", "A", "B"]
    off = attribute_words(far, turns, fill_nearest=False)
    assert [a.speaker for a in off] == ["A", None, "B"]


def test_overlapping_turns_mark_the_words_said_in_them() -> None:
    words = _words((0.0, 0.8, "I"), (0.9, 1.95, "think."), (2.1, 2.6, "Yes."), (3.5, 4.0, "So."))
    turns = _turns((0.0, 2.4, "A"), (1.9, 3.0, "B"), (3.0, 5.0, "A"))
    found = attribute_words(words, turns)
    assert [(a.speaker, a.overlap) for a in found] == [("A", False), ("A", False), ("B", True), ("A", False)]


def test_no_turn_at_all_leaves_every_word_without_speaker() -> None:
    words = _words((0.0, 0.5, "hmm"))
    assert [(a.speaker, a.overlap) for a in attribute_words(words, ())] == [(None, False)]
    assert attribute_words((), _turns((0.0, 1.0, "A"))) == ()


def test_assign_speakers_applies_the_rules_and_keeps_the_former_attribution_reachable() -> None:
    words = _words((9.96, 10.2, "Neither"), (10.2, 10.42, "did"), (10.42, 10.64, "I."), (10.64, 10.98, "Okay."))
    segment = TranscriptSegment(9.96, 10.98, "".join(w.text for w in words), words)
    transcript = Transcript("en", 12.0, "test", (segment,))
    full = _turns((9.9, 10.97, "SPEAKER_01"), (10.48, 12.0, "SPEAKER_00"))
    exclusive = _turns((9.9, 10.51, "SPEAKER_01"), (10.51, 12.0, "SPEAKER_00"))
    d = Diarization(full, exclusive, 12.0)
    new = assign_speakers(transcript, d)
    assert [(new.display_name(u.speaker), u.text, u.overlap) for u in new.utterances] == [
        ("Speaker 2", "Neither did I.", True),
        ("Speaker 1", "Okay.", True),
    ]
    assert [w.overlap for w in new.utterances[0].words] == [False, False, True]
    old = assign_speakers(transcript, d, rules=None)
    assert [u.text for u in old.utterances] == ["Neither did", "I. Okay."]


def test_the_word_transcript_marks_overlapped_passages_discreetly() -> None:
    meeting = french_meeting()
    marked = replace(meeting, utterances=(replace(meeting.utterances[0], overlap=True), *meeting.utterances[1:]))
    buffer = io.BytesIO()
    write_minutes_docx(build_minutes(marked, OfflineSummarizer(), MeetingMeta(held_on=FR_DATE)), buffer)
    buffer.seek(0)
    paragraphs = docx.Document(buffer).paragraphs
    annex = paragraphs[[p.text for p in paragraphs].index("Annexe : transcription") + 1 :]
    assert annex[0].runs[-1].text == " (chevauchement)" and not annex[0].runs[-1].bold
    assert not any("chevauchement" in p.text for p in annex[1:])
