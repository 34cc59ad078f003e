"""What the stages write about how the minutes were made: the models that ran and the audio track heard."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline import stages
from pipeline.stages import MeetingRequest
from pipeline.types import Diarization, Recording, Transcript
from tests.media import run_ffmpeg


def _meta_models(path: Path, language: str) -> tuple[str, ...]:
    transcript = Transcript(language, 3.0, "Whisper base", ())
    diarization = Diarization((), (), 3.0, "pyannote segmentation-3.0 + CAM++")
    return stages.meeting_meta(Recording.from_path(path), MeetingRequest(), transcript, diarization).models


@pytest.mark.parametrize(("language", "said"), [("en", "audio track 2 of 2"), ("fr", "piste audio 2 sur 2")])
def test_the_track_heard_is_named_when_there_are_several(tmp_path: Path, language: str, said: str) -> None:
    path = tmp_path / "obs.mkv"
    run_ffmpeg(
        "-f", "lavfi", "-i", "sine=frequency=300:duration=3", "-f", "lavfi", "-i", "sine=frequency=500:duration=3",
        "-map", "0:a", "-map", "1:a", "-c:a", "flac", "-disposition:a:0", "0", "-disposition:a:1", "default", path,
    )  # fmt: skip
    assert _meta_models(path, language) == ("Whisper base", "pyannote segmentation-3.0 + CAM++", said)


def test_one_track_adds_nothing(tmp_path: Path) -> None:
    path = tmp_path / "call.wav"
    run_ffmpeg("-f", "lavfi", "-i", "sine=frequency=300:duration=3", path)
    assert _meta_models(path, "fr") == ("Whisper base", "pyannote segmentation-3.0 + CAM++")
