"""What the stages write about the meeting (title, date and time, the models that ran, the track heard) and
how the request's document type and language reach the documents."""

from __future__ import annotations

import os
from datetime import date, time
from pathlib import Path

import pytest

from pipeline import stages
from pipeline.config import MinutesSettings
from pipeline.errors import ConfigError, DocumentError
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


def _meta(path: Path, request: MeetingRequest, language: str = "fr") -> stages.MeetingMeta:
    transcript = Transcript(language, 3.0, "Whisper base", ())
    return stages.meeting_meta(Recording.from_path(path), request, transcript, Diarization((), (), 3.0, "pyannote"))


def test_title_date_and_time_come_from_the_file_in_the_clients_zone(tmp_path: Path) -> None:
    path = tmp_path / "Réunion Durand 20 nov.m4a"
    run_ffmpeg(
        "-f", "lavfi", "-i", "sine=frequency=300:duration=2", "-c:a", "aac",
        "-metadata", "creation_time=2026-11-20T23:30:00Z", path,
    )  # fmt: skip
    # The tag is UTC: 23:30 on the 20th is 18:30 in Montreal, the date of the name.
    meta = _meta(path, MeetingRequest(timezone="America/Montreal"))
    assert (meta.title, meta.held_on, meta.start_time) == ("Réunion Durand", date(2026, 11, 20), time(18, 30))
    # In Paris it is already the 21st: the name's date (the 20th) stands, without the tag's time.
    meta = _meta(path, MeetingRequest(timezone="Europe/Paris"))
    assert (meta.held_on, meta.start_time) == (date(2026, 11, 20), None)
    # What the request says wins.
    meta = _meta(path, MeetingRequest(title="Comité", held_on=date(2026, 11, 20), timezone="America/Montreal"))
    assert (meta.title, meta.held_on, meta.start_time) == ("Comité", date(2026, 11, 20), time(18, 30))


def test_nothing_known_is_no_date(tmp_path: Path) -> None:
    path = tmp_path / "zoom_0.wav"
    run_ffmpeg("-f", "lavfi", "-i", "sine=frequency=300:duration=2", path)
    meta = _meta(path, MeetingRequest())
    assert (meta.title, meta.held_on, meta.start_time) == (None, None, None)


def test_a_request_refuses_an_unknown_type_or_zone_when_made() -> None:
    assert MeetingRequest(template="Procès-verbal").template == "formal"
    assert MeetingRequest(minutes_language="EN-gb").minutes_language == "en"
    with pytest.raises(DocumentError, match="unknown document type 'memo'"):
        MeetingRequest(template="memo")
    with pytest.raises(ConfigError, match="Mars/Olympus"):
        MeetingRequest(timezone="Mars/Olympus")


def test_documents_follow_the_requests_type_and_language(tmp_path: Path) -> None:
    from pipeline.config import MinutesSettings
    from tests.unit.minutes_samples import board_minutes

    request = MeetingRequest(template="releve", minutes_language="en")
    written = stages.write_documents(board_minutes("fr"), tmp_path, "md", None, MinutesSettings(), request)
    assert written["md"].name == "2025-03-12 Comité de pilotage.md"
    text = written["md"].read_text(encoding="utf-8")
    assert "_Record of decisions · Cabinet Lefèvre_" in text and "## Decisions" in text
    kept = stages.write_documents(board_minutes("fr"), tmp_path, "md", "reunion", MinutesSettings())
    assert kept["md"].name == "reunion.md" and "_Compte rendu détaillé · Cabinet Lefèvre_" in kept["md"].read_text()


def test_documents_are_named_after_the_meetings_date_and_title(tmp_path: Path) -> None:
    from dataclasses import replace

    from tests.unit.minutes_samples import board_minutes

    source = tmp_path / "zoom_0.m4a"
    minutes = board_minutes("fr")
    assert stages.documents_stem(source, minutes, tmp_path, "docx,json") == "2025-03-12 Comité de pilotage"
    # The request's type and language name the document as it shows it; an untitled meeting keeps its
    # source's name, so two untitled meetings written into one folder never replace each other's documents.
    untitled = replace(minutes, title="Compte rendu de réunion", held_on=None)
    assert stages.documents_stem(source, untitled, tmp_path, "docx") == "zoom_0"
    request = MeetingRequest(template="call_note", minutes_language="en")
    assert stages.documents_stem(source, replace(untitled, title="Phone message"), tmp_path, "md", request) == "zoom_0"


def test_a_document_never_overwrites_its_source(tmp_path: Path) -> None:
    from dataclasses import replace

    from tests.unit.minutes_samples import board_minutes

    minutes = board_minutes("fr")
    source = tmp_path / "2025-03-12 Comité de pilotage.json"  # minutier's JSON, written again beside itself
    assert stages.documents_stem(source, minutes, tmp_path, "docx") == "2025-03-12 Comité de pilotage"
    kept = stages.documents_stem(source, minutes, tmp_path, "docx,json")
    assert kept == "2025-03-12 Comité de pilotage.minutes"
    assert stages.documents_stem(source, minutes, tmp_path / "out", "docx,json") == "2025-03-12 Comité de pilotage"
    long = replace(minutes, title="Réunion " + "é" * 200, held_on=None)  # cut to fit, ".minutes" kept whole
    own = stages.documents_stem(tmp_path / "x.json", long, tmp_path, "json")
    (path,) = stages.write_documents(long, tmp_path, "json", own, MinutesSettings()).values()
    beside = stages.documents_stem(path, long, tmp_path, "docx,json")
    assert beside.endswith(".minutes") and len(os.fsencode(beside + ".docx")) <= 255
