"""Speech no decoded word covers is found, and what is decoded again is put back in time order."""

from __future__ import annotations

from pipeline.asr.coverage import merge_recovered, uncovered_speech
from pipeline.types import TranscriptSegment, Word


def _segment(start: float, *texts: str, step: float = 0.5) -> TranscriptSegment:
    words = tuple(Word(start + i * step, start + (i + 1) * step, f" {t}", 0.9) for i, t in enumerate(texts))
    return TranscriptSegment(start, words[-1].end, " ".join(texts), words)


def test_speech_after_the_last_word_is_uncovered() -> None:
    # Whisper stopped after 3 s of a 20 s stretch of speech.
    gaps = uncovered_speech([(0.0, 20.0)], [(0.2, 1.0), (1.1, 3.0)])
    assert gaps == ((3.4, 20.0),)


def test_covered_speech_and_short_leftovers_are_left_alone() -> None:
    words = [(0.0, 1.0), (1.2, 4.0), (10.0, 12.0)]
    assert uncovered_speech([(0.0, 4.5), (9.8, 12.2)], words) == ()
    assert uncovered_speech([(0.0, 5.0)], words) == ()  # 0.6 s after the last word: a breath


def test_close_pieces_join_up_to_one_window() -> None:
    speech = [(0.0, 10.0), (10.5, 20.0), (20.5, 29.0), (29.5, 39.0)]
    gaps = uncovered_speech(speech, [])
    assert gaps == ((0.0, 29.0), (29.5, 39.0))
    assert all(end - start <= 30.0 for start, end in gaps)


def test_recovered_segment_between_segments_is_inserted_in_order() -> None:
    first, last = _segment(0.0, "good", "morning"), _segment(20.0, "thank", "you")
    recovered = _segment(8.0, "the", "budget", "is", "late")
    merged = merge_recovered([first, last], [recovered])
    assert merged == (first, recovered, last)


def test_recovered_words_inside_a_chunk_segment_are_folded_in_order() -> None:
    # Batched decoding gives one segment per chunk: a skipped middle lies inside its span.
    chunk = TranscriptSegment(
        0.0,
        30.0,
        "we start. we stop.",
        (
            Word(0.0, 1.0, " we", 0.9),
            Word(1.0, 2.0, " start.", 0.9),
            Word(28.0, 29.0, " we", 0.9),
            Word(29.0, 30.0, " stop.", 0.9),
        ),
    )
    merged = merge_recovered([chunk], [_segment(10.0, "in", "between")])
    assert len(merged) == 1
    assert merged[0].text == "we start. in between we stop."
    starts = [w.start for w in merged[0].words]
    assert starts == sorted(starts) and (merged[0].start, merged[0].end) == (0.0, 30.0)
