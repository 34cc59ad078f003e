"""Word-level speaker attribution and speaker naming, on hand-built turns (no models)."""

from __future__ import annotations

from pipeline.merge import (
    assign_speakers,
    generic_speaker_name,
    join_words,
    name_speakers,
    speaker_names,
    unattributed,
)
from pipeline.types import Diarization, SpeakerTurn, Transcript, TranscriptSegment, Word


def _w(start: float, end: float, text: str) -> Word:
    return Word(start, end, f" {text}", 0.9)


def _transcript(*segments: tuple[Word, ...], language: str = "en") -> Transcript:
    segs = tuple(TranscriptSegment(ws[0].start, ws[-1].end, "".join(w.text for w in ws), ws) for ws in segments)
    return Transcript(language, 20.0, "test", segs)


def _diar(*turns: tuple[float, float, str], overlapping: tuple[tuple[float, float, str], ...] = ()) -> Diarization:
    exclusive = tuple(SpeakerTurn(*t) for t in turns)
    full = tuple(SpeakerTurn(*t) for t in overlapping) or exclusive
    return Diarization(full, exclusive, 20.0)


def test_one_speaker_gives_one_utterance_and_one_name() -> None:
    t = _transcript((_w(0.0, 0.4, "Hello"), _w(0.5, 0.9, "everyone"), _w(1.0, 1.3, "today")))
    st = assign_speakers(t, _diar((0.0, 2.0, "SPEAKER_00")))
    assert [(u.speaker, u.text) for u in st.utterances] == [("SPEAKER_00", "Hello everyone today")]
    assert st.speaker_names == (("SPEAKER_00", "Speaker 1"),)
    assert st.utterances[0].overlap is False


def test_segment_spanning_a_speaker_change_is_split_at_the_word_boundary() -> None:
    t = _transcript((_w(0.0, 0.5, "Are"), _w(0.5, 1.0, "you"), _w(1.0, 1.4, "ready?"), _w(1.6, 2.0, "Yes.")))
    st = assign_speakers(t, _diar((0.0, 1.5, "SPEAKER_01"), (1.5, 3.0, "SPEAKER_00")))
    assert [(u.speaker, u.text, u.start, u.end) for u in st.utterances] == [
        ("SPEAKER_01", "Are you ready?", 0.0, 1.4),
        ("SPEAKER_00", "Yes.", 1.6, 2.0),
    ]
    # Raw SPEAKER_0k is always Speaker k+1, as in the RTTM (number_speakers makes SPEAKER_00 the first).
    assert st.display_name("SPEAKER_01") == "Speaker 2"
    assert st.display_name("SPEAKER_00") == "Speaker 1"


def test_word_straddling_a_change_goes_to_the_speaker_covering_most_of_it() -> None:
    t = _transcript((_w(0.0, 0.5, "So."), _w(0.9, 1.5, "Basically"), _w(1.6, 2.0, "right.")))
    # "Basically" spans 0.9-1.5: 0.1 s in A's turn, 0.5 s in B's.
    st = assign_speakers(t, _diar((0.0, 1.0, "A"), (1.0, 3.0, "B")))
    assert [(u.speaker, u.text) for u in st.utterances] == [("A", "So."), ("B", "Basically right.")]


def test_words_in_gaps_take_the_nearest_speaker_within_a_bound_or_none() -> None:
    t = _transcript((_w(0.0, 0.5, "One."), _w(1.5, 1.8, "Two."), _w(3.6, 3.9, "Three."), _w(9.0, 9.5, "Four.")))
    d = _diar((0.0, 1.0, "A"), (4.0, 5.0, "B"))
    st = assign_speakers(t, d)
    # "Two." is 0.5 s after A's turn, "Three." 0.1 s before B's; "Four." is 4 s past every turn, so it
    # stays with its neighbour (and, after a 5 s pause, makes an utterance of its own).
    assert [(u.speaker, u.text) for u in st.utterances] == [("A", "One. Two."), ("B", "Three."), ("B", "Four.")]
    strict = assign_speakers(t, d, fill_nearest=False)
    assert [(u.speaker, u.text) for u in strict.utterances] == [("A", "One."), (None, "Two. Three."), (None, "Four.")]
    assert strict.display_name(None) == ""


def test_no_speech_in_diarization_leaves_words_unattributed() -> None:
    t = _transcript((_w(0.0, 0.5, "hmm"), _w(0.6, 1.0, "okay")))
    st = assign_speakers(t, Diarization((), (), 20.0))
    assert [(u.speaker, u.text) for u in st.utterances] == [(None, "hmm okay")]
    assert st.speaker_names == ()


def test_empty_transcript_gives_no_utterance() -> None:
    st = assign_speakers(Transcript("fr", 3.0, "test", ()), _diar((0.0, 1.0, "A")))
    assert st.utterances == () and st.language == "fr" and st.duration == 3.0


def test_overlapping_speech_is_marked_on_the_words_said_in_it_and_their_utterances() -> None:
    t = _transcript((_w(0.0, 0.8, "I"), _w(0.9, 1.95, "think.")), (_w(2.1, 2.6, "Yes."), _w(3.5, 4.0, "So.")))
    d = _diar(
        (0.0, 2.0, "A"), (2.0, 3.0, "B"), (3.0, 5.0, "A"),
        overlapping=((0.0, 2.4, "A"), (1.9, 3.0, "B"), (3.0, 5.0, "A")),
    )  # fmt: skip
    st = assign_speakers(t, d)
    # "think." has 0.05 s of its 1.05 s in the overlap, "Yes." 0.3 s of 0.5 s.
    assert [(u.speaker, u.text, u.overlap) for u in st.utterances] == [
        ("A", "I think.", False),
        ("B", "Yes.", True),
        ("A", "So.", False),
    ]
    assert [w.overlap for u in st.utterances for w in u.words] == [False, False, True, False]


def test_long_pause_starts_a_new_utterance_for_the_same_speaker() -> None:
    t = _transcript((_w(0.0, 0.5, "first"),), (_w(5.0, 5.5, "second"),))
    st = assign_speakers(t, _diar((0.0, 6.0, "A")))
    assert [u.text for u in st.utterances] == ["first", "second"]


def test_segment_without_word_timings_is_attributed_as_a_whole() -> None:
    seg = TranscriptSegment(1.0, 3.0, " No word timings here.", ())
    st = assign_speakers(Transcript("en", 5.0, "test", (seg,)), _diar((0.0, 1.5, "A"), (1.5, 4.0, "B")))
    assert [(u.speaker, u.text, u.words) for u in st.utterances] == [("B", "No word timings here.", ())]


def test_inputs_are_not_mutated_and_words_are_kept() -> None:
    words = (_w(0.0, 0.5, "a"), _w(0.6, 1.0, "b"))
    t = _transcript(words)
    d = _diar((0.0, 0.55, "A"), (0.55, 1.0, "B"))
    st = assign_speakers(t, d)
    assert t.segments[0].words == words
    assert tuple(w for u in st.utterances for w in u.words) == words


def test_french_speakers_are_intervenants_and_names_override() -> None:
    t = _transcript((_w(0.0, 0.5, "Bonjour"),), (_w(1.0, 1.5, "Salut"),), (_w(2.0, 2.5, "Merci"),), language="fr")
    d = _diar((0.0, 0.9, "SPEAKER_02"), (0.9, 1.9, "SPEAKER_00"), (1.9, 3.0, "SPEAKER_01"))
    st = assign_speakers(t, d)
    # In order of appearance; each keeps the number of its raw label.
    assert [name for _, name in st.speaker_names] == ["Intervenant 3", "Intervenant 1", "Intervenant 2"]
    named = assign_speakers(t, d, names={"SPEAKER_00": "Marie Dupont"})
    # A speaker named by a known voice takes no number away from the others.
    assert dict(named.speaker_names) == {
        "SPEAKER_02": "Intervenant 3",
        "SPEAKER_00": "Marie Dupont",
        "SPEAKER_01": "Intervenant 2",
    }
    assert name_speakers(st, {"SPEAKER_01": "Paul"}).display_name("SPEAKER_01") == "Paul"


def test_speaker_name_helpers() -> None:
    assert generic_speaker_name(2, "en") == "Speaker 2"
    assert generic_speaker_name(1, "fr-FR") == "Intervenant 1"
    assert generic_speaker_name(4, "de") == "Speaker 4"
    assert speaker_names(["x", "y"], "en", {"y": "  "}) == (("x", "Speaker 1"), ("y", "Speaker 2"))


def test_speaker_without_words_does_not_appear_and_numbers_do_not_shift() -> None:
    t = _transcript((_w(0.0, 0.5, "Hello"),), (_w(4.0, 4.5, "Bye"),))
    d = _diar((0.0, 1.0, "SPEAKER_00"), (1.5, 3.0, "SPEAKER_01"), (3.5, 5.0, "SPEAKER_02"))
    st = assign_speakers(t, d)
    assert st.speaker_names == (("SPEAKER_00", "Speaker 1"), ("SPEAKER_02", "Speaker 3"))


def test_segments_glued_without_a_space_get_one() -> None:
    """A decoding window's first word has no leading space: "correspondante.en écoutant" read as one word."""
    first = (_w(0.0, 0.6, "détails"), _w(0.6, 1.4, "correspondante."))
    second = (Word(1.5, 1.7, "En", 0.9), _w(1.7, 2.2, "écoutant"), Word(2.2, 2.5, "l’audio", 0.9))
    t = _transcript(first, second, language="fr")
    st = assign_speakers(t, _diar((0.0, 3.0, "SPEAKER_00")))
    assert [u.text for u in st.utterances] == ["détails correspondante. En écoutant l’audio"]
    assert join_words((Word(0, 1, "a", 1.0), Word(1, 2, " b", 1.0), Word(2, 3, "c", 1.0))) == "a b c"
    assert join_words((Word(0, 1, " one ", 1.0), Word(1, 2, "two", 1.0), Word(2, 3, " three", 1.0))) == "one two three"


def test_unattributed_still_one_utterance_per_segment() -> None:
    t = _transcript((_w(0.0, 0.5, "a"),), (_w(1.0, 1.5, "b"),))
    assert [u.speaker for u in unattributed(t).utterances] == [None, None]
