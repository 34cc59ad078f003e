"""A client's standing preferences and one recording's request merge the same way for every shell."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from pipeline.config import Settings
from pipeline.stages import MeetingRequest, recording_settings
from service.clients import ClientConfig
from service.requests import client_request, client_settings

CLIENT = ClientConfig(
    folder="acme",
    name="ACME SA",
    recipients=("direction@acme.example",),
    min_speakers=2,
    max_speakers=6,
    speaker_names=(("Speaker 1", "Claire Martin"), ("Speaker 2", "Paul Durand")),
    voices_dir=Path("/voices/acme"),
    template_path=Path("/templates/acme.docx"),
)


def test_the_client_fills_what_the_recording_leaves_open() -> None:
    request = client_request(CLIENT, MeetingRequest(title="Comité"), "acme")
    assert (request.min_speakers, request.max_speakers, request.num_speakers) == (2, 6, None)
    assert request.voices_dir == Path("/voices/acme") and request.client == "ACME SA"
    assert dict(request.speaker_names) == {"Speaker 1": "Claire Martin", "Speaker 2": "Paul Durand"}
    assert request.title == "Comité"


def test_the_recording_request_wins_over_the_client() -> None:
    asked = MeetingRequest(num_speakers=3, speaker_names=(("Speaker 2", "Julie Petit"),), language="en")
    request = client_request(CLIENT, asked, "acme")
    # Counts are given as a whole: an exact count asked for this recording drops the client's bounds.
    assert (request.num_speakers, request.min_speakers, request.max_speakers) == (3, None, None)
    assert dict(request.speaker_names) == {"Speaker 1": "Claire Martin", "Speaker 2": "Julie Petit"}
    settings = recording_settings(client_settings(Settings(), CLIENT), request)
    assert settings.asr.language == "en" and settings.diarize.num_speakers == 3
    assert settings.diarize.voices_dir == Path("/voices/acme")
    assert settings.minutes.template_path == Path("/templates/acme.docx")


def test_the_clients_document_type_zone_and_language_reach_the_request() -> None:
    client = replace(CLIENT, document_type="call_note", timezone="America/Montreal", language="en")
    request = client_request(client, MeetingRequest(), "acme")
    assert (request.template, request.timezone, request.minutes_language) == ("call_note", "America/Montreal", "en")
    french = client_request(replace(client, minutes_language="fr"), MeetingRequest(), "acme")
    assert french.minutes_language == "fr"  # the minutes' language, over the client's notes language
    asked = client_request(client, MeetingRequest(template="formal", timezone="Europe/Paris"), "acme")
    assert (asked.template, asked.timezone) == ("formal", "Europe/Paris")
    plain = client_request(CLIENT, MeetingRequest(), "acme")
    assert (plain.template, plain.timezone, plain.minutes_language) == ("detailed", None, "fr")
    assert client_request(None, MeetingRequest(), "divers").template is None


def test_no_client_keeps_the_request_and_names_the_folder() -> None:
    request = client_request(None, MeetingRequest(max_speakers=4), "divers")
    assert request.client == "divers" and request.max_speakers == 4
    assert client_settings(Settings(), None) == Settings()


def test_auto_detects_even_where_the_configuration_forces_a_language() -> None:
    forced = recording_settings(Settings(), MeetingRequest(language="fr"))
    assert forced.asr.language == "fr"
    assert recording_settings(forced, MeetingRequest(language="auto")).asr.language is None
    assert recording_settings(forced, MeetingRequest()).asr.language == "fr"


def test_the_same_file_asked_differently_is_another_run(tmp_path: Path) -> None:
    from flows.submit import _request_digest, idempotency_key

    base = {"recording_path": str(tmp_path / "a.wav"), "client": "acme", "formats": "docx"}
    moved = {**base, "recording_path": str(tmp_path / "b.wav")}
    other = {**base, "language": "en"}
    key = idempotency_key("acme", "f" * 64, _request_digest(base))
    assert key == idempotency_key("acme", "f" * 64, _request_digest(moved))
    assert key != idempotency_key("acme", "f" * 64, _request_digest(other))
