"""A named speaker's voice saved from a review as a known voice of the client (service.review.voices)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
import soundfile as sf

from pipeline.diarize.voices import voice_clips
from pipeline.summarize.minutes import speaking_shares
from pipeline.types import SpeakerTranscript, Utterance, Word
from service.review import InvalidEdit, ReviewRecord, apply_edit, audit_trail, open_review
from tests.unit.minutes_samples import board_minutes

# The pyannote sample's turns (sample.rttm): speaker90 alone 10.57-14.70 and 18.60-21.49 s, speaker91 14.70-17.92 s.
_TURNS = (("SPEAKER_00", 10.57, 14.70), ("SPEAKER_01", 14.70, 17.92), ("SPEAKER_00", 18.60, 21.49))


def _review(home: Path, eval_dir: Path, voices_dir: Path | None) -> ReviewRecord:
    utterances = tuple(Utterance(s, a, b, "mot", (Word(a, b, " mot", 0.9),)) for s, a, b in _TURNS)
    st = SpeakerTranscript("en", 30.0, utterances, (("SPEAKER_00", "Diane Martin"), ("SPEAKER_01", "Speaker 2")))
    minutes = replace(board_minutes("en"), transcript=st, participants=speaking_shares(st), action_items=())
    return open_review(
        home,
        client="acme",
        meeting_id="call-0123abcd",
        flow_run_id="5f0c8a2e-0000-4000-8000-000000000000",
        recording_name="sample.wav",
        minutes=minutes,
        heard=eval_dir / "pyannote_sample/sample.wav",
        template=None,
        voices_dir=voices_dir,
    )


def test_a_named_speakers_voice_is_saved_from_their_turns_alone(tmp_path: Path, eval_dir: Path) -> None:
    voices = tmp_path / "voices"
    record = _review(tmp_path, eval_dir, voices)
    apply_edit(record, {"op": "save_voice", "speaker": "SPEAKER_00"}, "claire")
    clip = voices / "Diane Martin" / f"{record.review_id}.wav"
    info = sf.info(clip)
    assert (info.samplerate, info.channels) == (16_000, 1)
    assert info.duration == pytest.approx((14.70 - 10.57) + (21.49 - 18.60), abs=0.1)
    assert voice_clips(voices) == {"Diane Martin": [clip]}
    assert [(e.who, e.edit) for e in audit_trail(record)] == [("claire", {"op": "save_voice", "speaker": "SPEAKER_00"})]


def test_a_voice_needs_a_name_and_a_voices_folder(tmp_path: Path, eval_dir: Path) -> None:
    record = _review(tmp_path, eval_dir, tmp_path / "voices")
    with pytest.raises(InvalidEdit, match="first"):
        apply_edit(record, {"op": "save_voice", "speaker": "SPEAKER_01"}, "claire")
    with pytest.raises(InvalidEdit, match="no speaker"):
        apply_edit(record, {"op": "save_voice", "speaker": "SPEAKER_07"}, "claire")
    apply_edit(record, {"op": "rename_speaker", "speaker": "SPEAKER_01", "name": "../Sheila"}, "claire")
    with pytest.raises(InvalidEdit, match="cannot name a file"):
        apply_edit(record, {"op": "save_voice", "speaker": "SPEAKER_01"}, "claire")
    without = _review(tmp_path / "other", eval_dir, None)
    with pytest.raises(InvalidEdit, match="no voices folder"):
        apply_edit(without, {"op": "save_voice", "speaker": "SPEAKER_00"}, "claire")
    assert not (tmp_path / "voices").exists() and [e.edit["op"] for e in audit_trail(record)] == ["rename_speaker"]
