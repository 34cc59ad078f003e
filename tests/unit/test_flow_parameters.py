"""The process-recording flow's parameters are the MeetingRequest's fields: none is lost between
`minutier run/process` (or the intake), Prefect and the stages."""

from __future__ import annotations

import inspect
import json
from dataclasses import fields
from datetime import date
from pathlib import Path

import pytest

from cli.service import RunRequest
from flows.process import RUN_PARAMETERS, asked_request, process_recording
from pipeline.errors import ConfigError, DocumentError
from pipeline.stages import MeetingRequest

EVERY_FIELD = MeetingRequest(
    title="Comité de pilotage",
    held_on=date(2026, 11, 20),
    language="fr",
    num_speakers=None,
    min_speakers=2,
    max_speakers=5,
    voices_dir=Path("/srv/voices/acme"),
    speaker_names=(("Speaker 1", "Marie Dupont"), ("Speaker 2", "Jean Martin")),
    template="relevé de décisions",
    timezone="America/Montreal",
    minutes_language="en",
    vocabulary=("Lefèvre", "Qualiopi"),
)


def _flow_parameters() -> dict[str, inspect.Parameter]:
    return dict(inspect.signature(process_recording.fn).parameters)


def test_every_request_field_is_a_flow_parameter_and_nothing_else_is() -> None:
    requested = {f.name for f in fields(MeetingRequest)} - {"client"}  # the display name comes from clients.toml
    assert set(_flow_parameters()) == requested | RUN_PARAMETERS
    # Unset means "the client's, else the configured": every request parameter defaults to nothing.
    assert all(_flow_parameters()[name].default in (None, ()) for name in requested)


def test_a_request_sent_by_the_command_line_arrives_whole() -> None:
    sent = RunRequest(Path("/srv/inbox/comite.m4a"), client="acme", meeting=EVERY_FIELD).parameters()
    received = process_recording.validate_parameters(json.loads(json.dumps(sent)))  # as Prefect casts them back
    assert asked_request(received) == EVERY_FIELD
    assert asked_request(received).template == "decisions"


def test_unset_parameters_ask_nothing() -> None:
    received = process_recording.validate_parameters({"recording_path": "/srv/inbox/comite.m4a"})
    assert asked_request(received) == MeetingRequest()


@pytest.mark.parametrize(
    ("name", "value", "error"), [("template", "memo", DocumentError), ("timezone", "Mars/Olympus", ConfigError)]
)
def test_an_unknown_type_or_zone_fails_the_run_before_any_work(name: str, value: str, error: type[Exception]) -> None:
    received = process_recording.validate_parameters({"recording_path": "/srv/inbox/comite.m4a", name: value})
    with pytest.raises(error, match=value):
        asked_request(received)
