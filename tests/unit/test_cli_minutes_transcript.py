"""`minutier minutes TRANSCRIPT`: a Teams VTT, a Zoom VTT, a Teams Word file and a FREDSum debate become minutes.

No model runs: the model factories are replaced by ones that fail the test if called.
"""

from __future__ import annotations

from datetime import date, time
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner

import pipeline.models
from cli import main
from pipeline import serialize
from pipeline.config import Settings
from pipeline.errors import TranscriptFormatError
from pipeline.run import minutes_from_transcript
from pipeline.stages import MeetingRequest
from pipeline.summarize import Minutes
from pipeline.transcripts.meeting import read_meeting_transcript

FREDSUM = Path(__file__).resolve().parents[3] / "shared" / "eval" / "fredsum" / "transcript"

TEAMS_VTT = """WEBVTT

3f2a1b9c-1/12-0
00:00:01.000 --> 00:00:06.500
<v Marie Dupont>Bonjour à tous. Nous devons valider le budget du projet avant la fin du mois.</v>

3f2a1b9c-1/13-0
00:00:07.000 --> 00:00:12.000
<v Jean-Luc Moreau>Je propose que nous signions le contrat avec le fournisseur lundi prochain.</v>

3f2a1b9c-1/14-0
00:00:12.500 --> 00:00:17.000
<v Marie Dupont>D'accord, c'est décidé : nous signons lundi. Jean-Luc envoie le contrat au conseil.</v>
"""

ZOOM_VTT = """WEBVTT

1
00:00:00.500 --> 00:00:05.000
Claire Martin: Good morning everyone, the first item is the budget for the new office.

2
00:00:05.500 --> 00:00:10.000
Paul Durand: We decided to approve the budget, and I will send the figures to finance by Friday.

3
00:00:10.500 --> 00:00:14.000
Claire Martin: Thank you Paul. Next week we will review the hiring plan.
"""


@pytest.fixture(autouse=True)
def no_model(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a model was loaded for a transcript")

    monkeypatch.setattr(pipeline.models, "get_transcriber", refuse)
    monkeypatch.setattr(pipeline.models, "get_diarizer", refuse)


@pytest.fixture
def config(tmp_path: Path) -> Path:
    """The deterministic writer, whatever the default becomes: these tests are about reading transcripts."""
    path = tmp_path / "minutier.toml"
    path.write_text('[minutes]\nsummarizer = "offline"\n', encoding="utf-8")
    return path


def _minutes(config: Path, source: Path, out: Path, *options: str, stem: str) -> tuple[Minutes, str]:
    """Run `minutier minutes` on `source`; the minutes (from the JSON) and the Word document's text.

    `stem` is the documents' expected name: the meeting's date and title, or the source's own
    name when the meeting has no title.
    """
    args = ["--config", str(config), "minutes", str(source), "-o", str(out), "--format", "docx,json", *options]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [f"docx: {out / (stem + '.docx')}", f"json: {out / (stem + '.json')}"]
    minutes = serialize.loads(Minutes, (out / f"{stem}.json").read_text(encoding="utf-8"))
    document = docx.Document(str(out / f"{stem}.docx"))
    text = "\n".join(p.text for p in document.paragraphs) + "\n".join(
        c.text for t in document.tables for r in t.rows for c in r.cells
    )
    return minutes, text


def test_teams_vtt_becomes_minutes_naming_the_speakers(tmp_path: Path, config: Path) -> None:
    source = tmp_path / "Comité de pilotage.vtt"
    source.write_text(TEAMS_VTT, encoding="utf-8")
    minutes, text = _minutes(
        config,
        source,
        tmp_path / "out",
        "--title",
        "Comité de pilotage",
        "--date",
        "2026-11-20",
        stem="2026-11-20 Comité de pilotage",
    )
    assert [p.name for p in minutes.participants] == ["Marie Dupont", "Jean-Luc Moreau"]
    assert minutes.title == "Comité de pilotage" and minutes.held_on == date(2026, 11, 20)
    assert minutes.language == "fr"
    assert "Marie Dupont" in text and "Jean-Luc Moreau" in text and "Comité de pilotage" in text
    assert "fournisseur" in text  # the transcript is in the document


def test_zoom_vtt_becomes_minutes_naming_the_speakers(tmp_path: Path, config: Path) -> None:
    source = tmp_path / "weekly.vtt"
    source.write_text(ZOOM_VTT, encoding="utf-8")
    # "weekly" alone is no title: the documents keep the transcript's name.
    minutes, text = _minutes(config, source, tmp_path / "out", "--name", "Paul Durand=Paul Durand-Smith", stem="weekly")
    assert [p.name for p in minutes.participants] == ["Claire Martin", "Paul Durand-Smith"]
    assert minutes.language == "en"
    assert minutes.held_on is None  # nothing says when it was held: never the day the file was written
    assert "Claire Martin" in text and "Paul Durand-Smith" in text
    assert "Paul Durand:" not in text  # the "Name:" prefix is the speaker, not part of what was said


def test_title_and_date_come_from_the_transcripts_name(tmp_path: Path, config: Path) -> None:
    source = tmp_path / "2026-11-20 Comité de pilotage.vtt"
    source.write_text(TEAMS_VTT, encoding="utf-8")
    minutes, text = _minutes(config, source, tmp_path / "out", stem="2026-11-20 Comité de pilotage")
    assert minutes.title == "Comité de pilotage" and minutes.held_on == date(2026, 11, 20)
    assert "Comité de pilotage" in text


def test_teams_word_transcript_becomes_minutes(tmp_path: Path, config: Path) -> None:
    source = tmp_path / "Transcript.docx"
    document = docx.Document()
    for line in ("Marie Dupont   0:03", "Nous validons le budget.", "Paul Martin   0:10", "Je signe lundi."):
        document.add_paragraph(line)
    document.save(str(source))
    minutes, text = _minutes(config, source, tmp_path / "out", stem="Transcript")
    assert [p.name for p in minutes.participants] == ["Marie Dupont", "Paul Martin"]
    assert "Paul Martin" in text


@pytest.mark.skipif(not FREDSUM.is_dir(), reason=f"{FREDSUM} is not there")
def test_fredsum_debate_becomes_minutes_naming_the_speakers(tmp_path: Path, config: Path) -> None:
    source = FREDSUM / "Royale_Bayroux--Partie_2_Media.txt"  # read where it is, never copied
    out = tmp_path / "out"
    minutes, text = _minutes(
        config,
        source,
        out,
        "--name",
        "FB=François Bayrou",
        "--name",
        "SR=Ségolène Royal",
        "--language",
        "fr",
        stem="Royale Bayroux Partie 2 Media",  # the title read from the file's name
    )
    assert {p.name for p in minutes.participants} == {"P1", "P2", "François Bayrou", "Ségolène Royal"}
    assert "François Bayrou" in text and "Ségolène Royal" in text
    assert minutes.language == "fr" and minutes.summary
    assert not list(FREDSUM.glob("*.docx")), "nothing is written beside the shared set"


def test_a_document_never_overwrites_its_transcript(tmp_path: Path, config: Path) -> None:
    source = tmp_path / "call.vtt"
    source.write_text(ZOOM_VTT, encoding="utf-8")
    result = CliRunner().invoke(main, ["--config", str(config), "minutes", str(source), "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert source.read_text(encoding="utf-8") == ZOOM_VTT
    assert (tmp_path / "call.minutes.vtt").exists() and (tmp_path / "call.minutes.docx").exists()


def test_documents_named_after_the_meeting_never_overwrite_their_transcript(tmp_path: Path, config: Path) -> None:
    source = tmp_path / "2026-11-20 Weekly.vtt"  # its minutes are "2026-11-20 Weekly.*" too
    source.write_text(ZOOM_VTT, encoding="utf-8")
    result = CliRunner().invoke(main, ["--config", str(config), "minutes", str(source), "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert source.read_text(encoding="utf-8") == ZOOM_VTT
    written = sorted(p.name for p in tmp_path.glob("2026-11-20 Weekly.minutes.*"))
    assert written == [f"2026-11-20 Weekly.minutes.{fmt}" for fmt in ("docx", "json", "md", "srt", "txt", "vtt")]
    elsewhere = CliRunner().invoke(main, ["--config", str(config), "minutes", str(source), "-o", str(tmp_path / "o")])
    assert elsewhere.exit_code == 0 and (tmp_path / "o" / "2026-11-20 Weekly.docx").exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.vtt", b"", "the file is empty"),
        ("binary.txt", bytes(range(256)) * 8, "binary data"),
        ("latin1.txt", "Marie : Ça va\n".encode("cp1252"), "not UTF-8"),
        ("script.txt", b"Marie : <script>alert(1)</script>\n", "web markup"),
        ("broken.docx", b"PK\x03\x04" + b"\x00" * 64, "damaged ZIP container"),
    ],
)
def test_a_bad_transcript_is_one_line_and_exit_1(
    tmp_path: Path, config: Path, name: str, content: bytes, message: str
) -> None:
    source = tmp_path / name
    source.write_bytes(content)
    result = CliRunner().invoke(main, ["--config", str(config), "minutes", str(source), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert message in result.output and str(source) in result.output and "Traceback" not in result.output
    assert not (tmp_path / "out").exists(), "nothing is written for a bad transcript"


def test_the_library_function_times_its_stages(tmp_path: Path) -> None:
    source = tmp_path / "weekly.vtt"
    source.write_text(ZOOM_VTT, encoding="utf-8")
    request = MeetingRequest(title="Weekly", held_on=date(2026, 11, 20), language="auto")
    result = minutes_from_transcript(source, Settings(), tmp_path / "out", request=request, formats="json")
    assert [name for name, _ in result.timings] == ["read", "minutes", "documents"]
    assert result.documents == (("json", tmp_path / "out" / "2026-11-20 Weekly.json"),)
    assert result.minutes.title == "Weekly" and result.minutes.language == "en"
    # The minutes' own JSON is a transcript too: the minutes can be written again from it, without the audio.
    again = minutes_from_transcript(result.documents[0][1], Settings(), tmp_path / "again", formats="json")
    assert again.documents == (("json", tmp_path / "again" / "2026-11-20 Weekly.json"),)  # title and date: its name
    assert again.minutes.participants == result.minutes.participants
    with pytest.raises(TranscriptFormatError, match="no 'Name: text' turn"):
        (tmp_path / "notes.txt").write_text("Bonjour,\nvoici mes notes.\n", encoding="utf-8")
        minutes_from_transcript(tmp_path / "notes.txt", Settings(), tmp_path / "none")
    assert not (tmp_path / "none").exists()


@pytest.mark.parametrize(
    ("zone", "day", "clock"),
    [("Europe/Paris", date(2026, 11, 21), time(0, 30)), ("America/Montreal", date(2026, 11, 20), time(18, 30))],
)
def test_a_transcripts_meeting_time_is_shown_in_the_clients_zone(
    tmp_path: Path, zone: str, day: date, clock: time
) -> None:
    source = tmp_path / "GMT20261120-233000_Budget.vtt"  # Zoom's cloud names are in UTC
    source.write_text(ZOOM_VTT, encoding="utf-8")
    st, meta = read_meeting_transcript(source, MeetingRequest(timezone=zone))
    assert (meta.title, meta.held_on, meta.start_time) == ("Budget", day, clock)
    result = minutes_from_transcript(
        source, Settings(), tmp_path, request=MeetingRequest(timezone=zone), formats="json"
    )
    assert result.documents == (("json", tmp_path / f"{day.isoformat()} Budget.json"),)
