"""Every result round-trips through JSON losslessly."""

from __future__ import annotations

import json
from pathlib import Path

from pipeline import serialize
from pipeline.types import (
    Diarization,
    RejectedSegment,
    SpeakerTranscript,
    SpeakerTurn,
    Transcript,
    TranscriptSegment,
    Utterance,
    Word,
)

WORDS = (Word(0.0, 0.42, " Bonjour", 0.97), Word(0.42, 0.9, " à tous.", 0.8123456789))
TRANSCRIPT = Transcript(
    language="fr",
    duration=12.5,
    model="base",
    segments=(TranscriptSegment(0.0, 0.9, "Bonjour à tous.", WORDS, -0.21, 0.01),),
    language_probability=0.99,
    rejected=(RejectedSegment(5.0, 7.0, "Merci d'avoir regardé", "subtitle credit"),),
)


def test_transcript_round_trip() -> None:
    text = serialize.dumps(TRANSCRIPT)
    assert json.loads(text)["type"] == "Transcript"
    assert serialize.loads(Transcript, text) == TRANSCRIPT


def test_speaker_transcript_and_diarization_round_trip(tmp_path: Path) -> None:
    turns = (SpeakerTurn(0.0, 1.0, "SPEAKER_00"), SpeakerTurn(0.8, 2.0, "SPEAKER_01"))
    diarization = Diarization(turns=turns, exclusive=turns[:1], duration=2.0)
    st = SpeakerTranscript(
        "fr",
        2.0,
        (Utterance("SPEAKER_00", 0.0, 0.9, "Bonjour à tous.", WORDS, overlap=True),),
        speaker_names=(("SPEAKER_00", "Marie Dupont"),),
    )
    for obj, cls in ((diarization, Diarization), (st, SpeakerTranscript)):
        path = tmp_path / "x.json"
        path.write_text(serialize.dumps(obj), encoding="utf-8")
        assert serialize.loads(cls, path.read_text(encoding="utf-8")) == obj


def test_non_ascii_is_kept_readable() -> None:
    assert "Bonjour à tous." in serialize.dumps(TRANSCRIPT)
