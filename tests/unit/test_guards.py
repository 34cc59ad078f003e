"""Whisper's failure modes (credits on silence, repetition loops) never reach the transcript."""

from __future__ import annotations

import pytest

from pipeline.asr.guards import compression_ratio, find_loop, screen_segment, screen_segments
from pipeline.types import TranscriptSegment, Word


def _segment(text: str, start: float = 0.0, step: float = 0.3) -> TranscriptSegment:
    words = tuple(
        Word(start + i * step, start + (i + 1) * step, f" {token}", 0.9) for i, token in enumerate(text.split())
    )
    return TranscriptSegment(start, start + step * len(words), text, words)


@pytest.mark.parametrize(
    "text",
    [
        "Sous-titres réalisés par la communauté d'Amara.org",
        "Merci d'avoir regardé cette vidéo !",
        "Thanks for watching!",
        "Sous-titrage ST' 501",
        "[Musique]",
        "♪ ♪ ♪",
    ],
)
def test_credits_and_annotations_are_rejected(text: str) -> None:
    kept, rejected = screen_segment(_segment(text))
    assert kept is None
    assert rejected is not None and rejected.text == text


def test_real_speech_is_kept() -> None:
    segment = _segment("Merci à tous, nous avons décidé de reporter la livraison à vendredi.")
    assert screen_segment(segment) == (segment, None)


def test_repetition_loop_is_cut_and_reported() -> None:
    segment = _segment("we will ship on Monday " + "thank you " * 8 + "and then review")
    kept, rejected = screen_segment(segment)
    assert kept is not None and rejected is not None
    assert kept.text == "we will ship on Monday thank you and then review"
    assert rejected.reason == "repetition loop"
    assert rejected.text.split() == ["thank", "you"] * 7
    assert [w.text.strip() for w in kept.words] == kept.text.split()


def test_loop_detection_needs_four_repeats() -> None:
    assert find_loop(["no", "no", "no"]) is None
    assert find_loop(["yes", "yes", "yes", "yes"]) == (1, 4)
    assert find_loop(["a", "b", "a", "b", "a", "b", "a", "b", "c"]) == (2, 8)


def test_compression_ratio_separates_loops_from_prose() -> None:
    assert compression_ratio("the same phrase again " * 20) > 2.4
    assert compression_ratio("Each decision needs an owner and a due date before we close.") < 2.4


def test_screen_segments_clamps_times_and_reports_progress() -> None:
    seen: list[float] = []
    segment = TranscriptSegment(9.0, 10.4, "late words", (Word(9.0, 9.5, " late", 0.9), Word(9.5, 10.4, " words", 0.9)))
    kept, rejected = screen_segments([segment], 10.0, seen.append)
    assert rejected == ()
    assert kept[0].end == 10.0 and kept[0].words[-1].end == 10.0
    assert seen == [10.0]
