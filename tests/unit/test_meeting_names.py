"""A meeting's title, date and time from its file name, its sidecar and its creation tag; never the day it arrived."""

from __future__ import annotations

import json
import os
from datetime import UTC, date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from pipeline.errors import ConfigError
from pipeline.meeting_names import (
    MeetingFacts,
    container_facts,
    facts_from_name,
    meeting_facts,
    read_sidecar,
    time_zone,
)

PARIS = ZoneInfo("Europe/Paris")
REFERENCE = date(2026, 11, 25)


@pytest.mark.parametrize(
    ("stem", "expected"),
    [
        ("2026-11-20 Comité de pilotage", MeetingFacts("Comité de pilotage", date(2026, 11, 20))),
        ("Réunion Durand 20 nov", MeetingFacts("Réunion Durand", date(2026, 11, 20))),
        ("Réunion Durand 20 nov - Copie", MeetingFacts("Réunion Durand", date(2026, 11, 20))),
        ("Comite_de_pilotage_2026-11-20", MeetingFacts("Comite de pilotage", date(2026, 11, 20))),
        ("2026-11-20_10-05 Point équipe (2)", MeetingFacts("Point équipe", date(2026, 11, 20), time(10, 5))),
        ("20.11.2026 CA Lefèvre 14h30", MeetingFacts("CA Lefèvre", date(2026, 11, 20), time(14, 30))),
        ("Nov 20 board meeting", MeetingFacts("Board meeting", date(2026, 11, 20))),
        ("Réunion du 1er déc", MeetingFacts(None, date(2025, 12, 1))),  # December 1st before the 25 Nov 2026
        ("Réunion du 20 novembre 2025", MeetingFacts(None, date(2025, 11, 20))),
        ("Point hebdo-20261120_100512-Meeting Recording", MeetingFacts("Point hebdo", date(2026, 11, 20), time(10, 5))),
        ("VID_20261120_100512", MeetingFacts(None, date(2026, 11, 20), time(10, 5))),
        ("Call with Acme Corp", MeetingFacts("Call with Acme Corp")),
        # Names that say how the file was made, not what the meeting was: no title, the default stays.
        ("zoom_0", MeetingFacts()),
        ("meeting_en", MeetingFacts()),
        ("audio_only", MeetingFacts()),
        ("New Recording 12", MeetingFacts()),
        ("reunion", MeetingFacts()),
        ("comite", MeetingFacts()),
    ],
)
def test_names(stem: str, expected: MeetingFacts) -> None:
    assert facts_from_name(stem, language="fr", reference=REFERENCE, zone=PARIS) == expected


def test_digits_that_are_no_date_give_none() -> None:
    assert facts_from_name("2026-13-45 Comité", language="fr", reference=REFERENCE, zone=PARIS).held_on is None
    assert facts_from_name("Budget 40000", language="fr", reference=REFERENCE, zone=PARIS).held_on is None


def test_zoom_cloud_names_are_utc_and_shown_in_the_clients_zone() -> None:
    name = "GMT20261120-100512_Recording"
    assert facts_from_name(name, language="en", reference=None, zone=UTC) == MeetingFacts(
        None, date(2026, 11, 20), time(10, 5)
    )
    assert facts_from_name(name, language="en", reference=None, zone=PARIS).start_time == time(11, 5)
    late = facts_from_name("GMT20261120-233000_Recording", language="fr", reference=None, zone=PARIS)
    assert (late.held_on, late.start_time) == (date(2026, 11, 21), time(0, 30))


def test_a_partial_date_counts_back_from_the_reference_in_the_recordings_language() -> None:
    assert facts_from_name(
        "Réunion Durand 20 nov", language="fr", reference=date(2026, 11, 19), zone=PARIS
    ).held_on == (date(2025, 11, 20))
    assert facts_from_name("Durand meeting 3 March", language="en", reference=REFERENCE, zone=PARIS).held_on == (
        date(2026, 3, 3)
    )


def test_creation_tag_is_utc_and_shown_in_the_zone() -> None:
    tag = datetime(2026, 11, 20, 23, 30, tzinfo=UTC)
    assert container_facts(tag, PARIS) == MeetingFacts(None, date(2026, 11, 21), time(0, 30))
    assert container_facts(tag, ZoneInfo("America/Montreal")) == MeetingFacts(None, date(2026, 11, 20), time(18, 30))
    assert container_facts(datetime(2026, 11, 20), PARIS) == MeetingFacts(None, date(2026, 11, 20))  # a date only
    assert container_facts(datetime(1970, 1, 1, tzinfo=UTC), PARIS) == MeetingFacts()  # a zero epoch
    assert container_facts(datetime(2099, 1, 1, tzinfo=UTC), PARIS) == MeetingFacts()  # the future


def test_time_zones_are_checked() -> None:
    assert time_zone("Europe/Paris") == PARIS
    assert time_zone(None) is not None
    with pytest.raises(ConfigError, match="'Mars/Olympus': not a time zone name; use an IANA name"):
        time_zone("Mars/Olympus")


def _recording(tmp_path: Path, name: str, *, mtime: datetime | None = None) -> Path:
    path = tmp_path / name
    path.write_bytes(b"audio")
    if mtime is not None:
        os.utime(path, (mtime.timestamp(), mtime.timestamp()))
    return path


def test_nothing_known_is_no_date_not_the_day_the_file_arrived(tmp_path: Path) -> None:
    path = _recording(tmp_path, "zoom_0.mp4")  # its modification time is now: when it was copied
    assert meeting_facts(path, None, language="fr", zone=PARIS) == MeetingFacts()


def test_the_file_date_only_anchors_a_partial_date(tmp_path: Path) -> None:
    path = _recording(tmp_path, "Réunion Durand 20 nov.wav", mtime=datetime(2027, 2, 1, 12, tzinfo=UTC))
    assert meeting_facts(path, None, language="fr", zone=PARIS) == MeetingFacts("Réunion Durand", date(2026, 11, 20))


def test_a_creation_tag_anchors_a_partial_date_and_gives_the_time_when_it_agrees(tmp_path: Path) -> None:
    path = _recording(tmp_path, "Réunion Durand 20 nov.m4a")
    tag = datetime(2026, 11, 20, 9, 5, tzinfo=UTC)
    assert meeting_facts(path, tag, language="fr", zone=PARIS) == MeetingFacts(
        "Réunion Durand", date(2026, 11, 20), time(10, 5)
    )
    # A creation tag of another day (a re-export) gives neither its date nor its time.
    other = datetime(2026, 11, 22, 9, 5, tzinfo=UTC)
    assert meeting_facts(path, other, language="fr", zone=PARIS) == MeetingFacts("Réunion Durand", date(2026, 11, 20))
    assert meeting_facts(_recording(tmp_path, "zoom_0.mp4"), tag, language="fr", zone=PARIS) == MeetingFacts(
        None, date(2026, 11, 20), time(10, 5)
    )


def test_a_sidecar_wins_over_the_name(tmp_path: Path) -> None:
    path = _recording(tmp_path, "2026-11-19 Brouillon.m4a")
    (tmp_path / "2026-11-19 Brouillon.json").write_text(
        json.dumps({"title": "Conseil d'administration", "date": "2026-11-20", "time": "14:30"}), encoding="utf-8"
    )
    assert meeting_facts(path, None, language="fr", zone=PARIS) == MeetingFacts(
        "Conseil d'administration", date(2026, 11, 20), time(14, 30)
    )
    toml = _recording(tmp_path, "appel.m4a")
    (tmp_path / "appel.toml").write_text('title = "Appel Durand"\ndate = 2026-11-20\n', encoding="utf-8")
    assert read_sidecar(toml) == MeetingFacts("Appel Durand", date(2026, 11, 20))
    title_only = _recording(tmp_path, "2026-11-20 x.m4a")
    (tmp_path / "2026-11-20 x.toml").write_text('title = "Comité"\n', encoding="utf-8")
    assert meeting_facts(title_only, None, language="fr", zone=PARIS) == MeetingFacts("Comité", date(2026, 11, 20))


def test_a_json_that_is_not_a_sidecar_is_left_alone(tmp_path: Path) -> None:
    path = _recording(tmp_path, "reunion.m4a")
    (tmp_path / "reunion.json").write_text(json.dumps({"type": "SpeakerTranscript", "utterances": []}))
    assert read_sidecar(path) == MeetingFacts()
    transcript = tmp_path / "appel.json"  # a transcript is never its own sidecar
    transcript.write_text(json.dumps({"title": "x"}))
    assert read_sidecar(transcript) == MeetingFacts()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"date": "20/11/2026"}', r"date = '20/11/2026': write the meeting date as YYYY-MM-DD"),
        ('{"date": "2026-11-20", "time": "2 pm"}', r"time = '2 pm': write the start time as HH:MM"),
        ('{"title": ""}', "give the meeting's title as one line of text"),
        ('{"title": "Comité"', "not valid JSON"),
    ],
)
def test_a_bad_sidecar_is_a_named_error(tmp_path: Path, text: str, message: str) -> None:
    path = _recording(tmp_path, "reunion.m4a")
    (tmp_path / "reunion.json").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=message) as raised:
        read_sidecar(path)
    assert "reunion.json" in str(raised.value)
