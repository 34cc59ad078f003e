"""Names from a client's past minutes go to Whisper's vocabulary for its next recordings."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

from pipeline.outputs.text import to_json
from pipeline.summarize.model import Participant
from service.past_names import past_participants
from tests.unit.minutes_samples import call_minutes


def _write(outbox: Path, meeting: str, names: tuple[str, ...], age_s: float) -> Path:
    people = tuple(Participant(name, f"SPEAKER_{i:02d}", 10.0, 0.5) for i, name in enumerate(names))
    folder = outbox / meeting
    folder.mkdir(parents=True)
    path = folder / "2026-11-30 Comité.json"
    path.write_text(to_json(replace(call_minutes("fr"), participants=people)), encoding="utf-8")
    stamp = 1_800_000_000 - age_s
    os.utime(path, (stamp, stamp))
    return path


def test_named_people_of_the_newest_meetings_come_first_and_default_labels_never(tmp_path: Path) -> None:
    _write(tmp_path, "old", ("Paul Girard", "Intervenant 2"), age_s=3600)
    _write(tmp_path, "new", ("Marie Dupont", "Speaker 1", "SPEAKER_03", "Paul Girard"), age_s=60)

    assert past_participants(tmp_path) == ("Marie Dupont", "Paul Girard")


def test_only_the_newest_meetings_are_read_and_the_list_is_bounded(tmp_path: Path) -> None:
    for k in range(5):
        _write(tmp_path, f"m{k}", (f"Personne {k}",), age_s=100 * k)

    assert past_participants(tmp_path, meetings=2) == ("Personne 0", "Personne 1")
    assert past_participants(tmp_path, limit=3) == ("Personne 0", "Personne 1", "Personne 2")


def test_unreadable_minutes_are_skipped_and_a_client_without_minutes_has_none(tmp_path: Path) -> None:
    _write(tmp_path, "good", ("Claire Martin",), age_s=10)
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "minutes.json").write_text("{not json", encoding="utf-8")
    (tmp_path / "list").mkdir()
    (tmp_path / "list" / "minutes.json").write_text("[1, 2]", encoding="utf-8")

    assert past_participants(tmp_path) == ("Claire Martin",)
    assert past_participants(tmp_path / "absent") == ()
