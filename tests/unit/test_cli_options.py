"""The CLI's shared options: help a new operator can act on, and arguments checked before any work starts."""

from __future__ import annotations

import ast
import json
import logging
import re
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import click
import pytest
from click.testing import CliRunner

from cli import main
from cli.base import ConsoleFormatter, check_formats, check_language, meeting_options, meeting_request, parse_names
from cli.service import RunRequest
from pipeline.errors import CorruptAudioError
from pipeline.stages import MeetingRequest

ROOT = Path(__file__).resolve().parents[2]
MEETING_OPTIONS = ("--title", "--date", "--language", "--name", "--template", "--format")
SPEAKER_OPTIONS = ("--speakers", "--min-speakers", "--max-speakers", "--voices")


def _help(*args: str) -> str:
    result = CliRunner().invoke(main, [*args, "--help"], terminal_width=120)
    assert result.exit_code == 0, result.output
    return result.output


def test_top_level_help_has_an_example_per_command() -> None:
    text = _help()
    for command in main.commands:
        assert re.search(rf"^ +minutier {command}\b", text, re.MULTILINE), command


def test_serve_help_says_where_state_clients_and_ui_are_and_how_to_stop() -> None:
    text = _help("serve")
    for needle in ("MINUTIER_HOME", "./.minutier", "clients.toml", "clients_path", "http://127.0.0.1:4200"):
        assert needle in text, needle
    assert "Ctrl-C" in text and "SIGTERM" in text


@pytest.mark.parametrize("command", ["run", "process"])
def test_run_and_process_take_the_meeting_options_of_minutes(command: str) -> None:
    def flags(name: str) -> dict[str, list[str]]:
        cmd = main.commands[name]
        return {o: p.opts for p in cmd.params for o in p.opts if isinstance(p, click.Option)}

    ours, theirs = flags(command), flags("minutes")
    for option in MEETING_OPTIONS + SPEAKER_OPTIONS:
        assert option in ours, option
        assert ours[option] == theirs[option], option
    names = next(p for p in main.commands[command].params if p.name == "names")
    assert isinstance(names, click.Option) and names.multiple


@pytest.mark.parametrize("command", ["run", "process"])
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--language", "xx"], "'xx' is not a language Whisper knows"),
        (["--language", "123"], "'123' is not a language Whisper knows"),
        (["--format", "docx,pdf"], "unknown output format 'pdf'"),
        (["--formats", ","], "no format given"),
        (["--name", "Marie Dupont"], "expected LABEL=NAME"),
        (["--date", "20/11/2026"], "'20/11/2026' does not match the format '%Y-%m-%d'"),
        (["--speakers", "0"], "0 is not in the range x>=1"),
        (["--min-speakers", "4", "--max-speakers", "2"], "--min-speakers 4 is above --max-speakers 2"),
        (["--speakers", "3", "--max-speakers", "5"], "--speakers sets the exact count"),
    ],
)
def test_bad_arguments_are_refused_at_once(
    command: str, args: list[str], message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    recording = tmp_path / "reunion.m4a"
    recording.write_bytes(b"not read")
    _forbid_prefect(monkeypatch)
    started = time.monotonic()
    result = CliRunner().invoke(main, [command, str(recording), *args])
    assert time.monotonic() - started < 1.0
    assert result.exit_code == 2, result.output
    errors = [line for line in result.output.splitlines() if line.startswith("Error")]
    assert len(errors) == 1 and message in errors[0], result.output
    assert "Traceback" not in result.output
    assert recording.read_bytes() == b"not read"


def _forbid_prefect(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("Prefect was reached with invalid arguments")

    monkeypatch.setitem(sys.modules, "flows.submit", SimpleNamespace(submit_recording=refuse))
    monkeypatch.setitem(sys.modules, "flows.serve", SimpleNamespace(prefect_service=refuse))


FULL_ARGS = [
    "--client",
    "acme",
    "--title",
    "Comité de pilotage",
    "--date",
    "2026-11-20",
    "--language",
    "FR",
    "--speakers",
    "3",
    "--name",
    "Speaker 1=Marie Dupont",
    "--name",
    " Speaker 2 = Jean Martin ",
    "--format",
    "DOCX, .srt",
    "--template",
    "relevé",
]


def _expected(recording: Path, voices: Path) -> dict[str, Any]:
    return {
        "recording_path": str(recording.resolve()),
        "client": "acme",
        "title": "Comité de pilotage",
        "held_on": "2026-11-20",
        "formats": "docx,srt",
        "language": "fr",
        "num_speakers": 3,
        "speaker_names": {"Speaker 1": "Marie Dupont", "Speaker 2": "Jean Martin"},
        "voices_dir": str(voices.resolve()),
        "template": "decisions",
    }


def test_run_submits_every_option_as_a_flow_parameter(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    recording, voices = tmp_path / "comite.m4a", tmp_path / "voices"
    recording.write_bytes(b"x")
    voices.mkdir()
    submitted: dict[str, Any] = {}

    def submit(settings: Any, parameters: dict[str, Any], *, wait: bool, deployment: str) -> str:
        submitted.update(parameters=parameters, wait=wait, deployment=deployment)
        return "acme / comite.m4a: Completed"

    monkeypatch.setitem(sys.modules, "flows.submit", SimpleNamespace(submit_recording=submit))
    result = CliRunner().invoke(main, ["run", str(recording), *FULL_ARGS, "--voices", str(voices), "--no-wait"])
    assert result.exit_code == 0, result.output
    assert submitted == {
        "parameters": _expected(recording, voices),
        "wait": False,
        "deployment": "process-recording/minutier",
    }
    assert "Completed" in result.output


def test_process_runs_the_flow_with_every_option(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    recording, voices = tmp_path / "comite.m4a", tmp_path / "voices"
    recording.write_bytes(b"x")
    voices.mkdir()
    called: dict[str, Any] = {}

    @contextmanager
    def prefect_service(settings: Any) -> Iterator[str]:
        yield "http://127.0.0.1:4200/api"

    def process_recording(**parameters: Any) -> dict[str, str]:
        called.update(parameters)
        return {"docx": "/out/comite.docx"}

    monkeypatch.setitem(sys.modules, "flows.serve", SimpleNamespace(prefect_service=prefect_service))
    monkeypatch.setitem(sys.modules, "flows.process", SimpleNamespace(process_recording=process_recording))
    result = CliRunner().invoke(main, ["process", str(recording), *FULL_ARGS, "--voices", str(voices)])
    assert result.exit_code == 0, result.output
    assert called == _expected(recording, voices)
    assert result.output == "docx: /out/comite.docx\n"


def test_parameters_leave_out_what_is_unset(tmp_path: Path) -> None:
    recording = tmp_path / "a.wav"
    assert RunRequest(recording).parameters() == {"recording_path": str(recording.resolve()), "client": "default"}


def test_parameters_are_json_and_named_as_the_flow_names_them(tmp_path: Path) -> None:
    request = RunRequest(
        tmp_path / "a.wav",
        client="acme",
        out_dir=tmp_path / "out",
        config=tmp_path / "minutier.toml",
        formats="docx",
        meeting=MeetingRequest(
            title="Comité",
            held_on=date(2026, 11, 20),
            language="auto",
            num_speakers=None,
            min_speakers=2,
            max_speakers=5,
            speaker_names=(("Speaker 1", "Marie Dupont"),),
            voices_dir=tmp_path / "voices",
            template="formal",
            timezone="America/Montreal",
            minutes_language="en",
        ),
    )
    parameters = request.parameters()
    assert json.loads(json.dumps(parameters)) == parameters
    assert set(parameters) <= _flow_parameters()
    assert parameters["held_on"] == "2026-11-20" and parameters["min_speakers"] == 2
    assert "num_speakers" not in parameters
    assert (parameters["template"], parameters["timezone"], parameters["minutes_language"]) == (
        "formal",
        "America/Montreal",
        "en",
    )


def _flow_parameters() -> set[str]:
    """process_recording's parameter names, read from its source (importing it would import Prefect)."""
    tree = ast.parse((ROOT / "flows" / "process.py").read_text(encoding="utf-8"))
    flow = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "process_recording")
    return {a.arg for a in flow.args.args + flow.args.kwonlyargs}


def test_language_codes() -> None:
    assert check_language(None, None, "EN") == "en"  # type: ignore[arg-type]
    assert check_language(None, None, "auto") == "auto"  # type: ignore[arg-type]
    assert check_language(None, None, None) is None  # type: ignore[arg-type]
    with pytest.raises(click.BadParameter, match="'klingon' is not a language"):
        check_language(None, None, "klingon")  # type: ignore[arg-type]


def test_formats_are_normalised_or_refused() -> None:
    assert check_formats(None, None, "DOCX, .srt,markdown,docx") == "docx,srt,md"  # type: ignore[arg-type]
    with pytest.raises(click.BadParameter, match="unknown output format 'pdf'.*known: docx"):
        check_formats(None, None, "pdf")  # type: ignore[arg-type]


def test_parse_names() -> None:
    assert parse_names(["Speaker 1=Marie Dupont", "SPEAKER_01 = Jean"]) == {
        "Speaker 1": "Marie Dupont",
        "SPEAKER_01": "Jean",
    }
    for bad in ("Marie", "=Marie", "Speaker 1= "):
        with pytest.raises(click.BadParameter, match="expected LABEL=NAME"):
            parse_names([bad])


def _record(error: BaseException) -> logging.LogRecord:
    try:
        raise error
    except type(error):
        return logging.LogRecord("prefect.task_runs", logging.ERROR, __file__, 1, "Task run failed", (), sys.exc_info())


def test_console_prints_a_pipeline_error_in_one_line_and_keeps_it_for_other_handlers() -> None:
    record = _record(CorruptAudioError("a.mp3: truncated"))
    assert ConsoleFormatter().format(record) == "ERROR prefect.task_runs: Task run failed"
    assert record.exc_info is not None  # Prefect's UI handler still gets the traceback
    assert "Traceback" in ConsoleFormatter(tracebacks=True).format(record)


def test_console_keeps_the_traceback_of_a_bug() -> None:
    assert "Traceback" in ConsoleFormatter().format(_record(KeyError("oops")))


def test_text_file_is_refused_as_not_media(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("Compte rendu de la réunion du lundi\n" * 20, encoding="utf-8")
    result = CliRunner().invoke(main, ["transcribe", str(notes)])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        f"Error: {notes}: not an audio or video file (it holds text, not a recording)"
    ]


def test_resend_names_an_unknown_client(tmp_path: Path) -> None:
    config = tmp_path / "minutier.toml"
    config.write_text(f'[service]\nhome_dir = "{tmp_path.as_posix()}"\n', encoding="utf-8")
    (tmp_path / "clients.toml").write_text(
        '[clients.acme]\nname = "ACME"\nrecipients = ["cr@acme.example"]\n', encoding="utf-8"
    )
    result = CliRunner().invoke(main, ["--config", str(config), "resend", "--client", "nobody"])
    assert result.exit_code == 1, result.output
    assert result.output.strip().splitlines() == [f"Error: {tmp_path / 'clients.toml'}: no client 'nobody'"]


@pytest.mark.parametrize(("given", "meant"), [("fr-CA", "fr"), ("EN", "en"), ("fr_FR", "fr"), ("auto", "auto")])
def test_a_regional_code_is_its_language(given: str, meant: str) -> None:
    from cli.base import check_language

    assert check_language(click.Context(main), None, given) == meant  # type: ignore[arg-type]


@click.command()
@meeting_options
@click.pass_context
def _asked(ctx: click.Context, **options: Any) -> None:
    click.echo(repr(meeting_request(options).template))


@pytest.mark.parametrize(
    ("value", "kind"), [("releve", "'decisions'"), ("Procès-verbal", "'formal'"), ("call_note", "'call_note'")]
)
def test_template_is_read_into_the_request(value: str, kind: str) -> None:
    result = CliRunner().invoke(_asked, ["--template", value])
    assert result.exit_code == 0 and result.output.strip() == kind
    assert CliRunner().invoke(_asked, []).output.strip() == "None"


def test_an_unknown_template_is_refused_before_any_work() -> None:
    result = CliRunner().invoke(main, ["minutes", __file__, "--template", "memo"])
    assert result.exit_code == 2
    assert "Invalid value for '--template': unknown document type 'memo'" in result.output
    assert "detailed, decisions, formal, call_note" in _help("minutes")
