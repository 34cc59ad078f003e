"""Teams' Word transcripts (.docx), both layouts, built here with python-docx; damaged and hostile Word files."""

from __future__ import annotations

import io
import re
import time
import zipfile
from collections.abc import Sequence
from pathlib import Path

import docx
import pytest

from pipeline.errors import TranscriptFormatError
from pipeline.transcripts import is_transcript_file, read_transcript
from pipeline.transcripts.teams_docx import MAX_UNZIPPED_BYTES
from pipeline.types import SpeakerTranscript


def _names(st: SpeakerTranscript) -> list[str | None]:
    return [st.display_name(u.speaker) if u.speaker else None for u in st.utterances]


def _docx(path: Path, paragraphs: Sequence[str | Sequence[str]]) -> Path:
    """A Word file: a string is one paragraph, a sequence is one paragraph whose lines are split by line breaks."""
    document = docx.Document()
    for paragraph in paragraphs:
        if isinstance(paragraph, str):
            document.add_paragraph(paragraph)
            continue
        p = document.add_paragraph()
        for i, line in enumerate(paragraph):
            run = p.add_run(line)
            if i < len(paragraph) - 1:
                run.add_break()
    document.save(str(path))
    return path


# The older layout: a cue line, the speaker, the text (each cue one paragraph with line breaks, as Teams wrote it).
CUES = [
    "Réunion hebdomadaire",
    ["0:0:3.120 --> 0:0:7.450", "Marie Dupont", "Bonjour à tous, nous commençons par le budget."],
    ["0:0:7.600 --> 0:0:9.0", "Marie Dupont", "Il faut le valider avant vendredi."],
    ["0:0:12.0 --> 0:0:15.500", "Dupont, Jean-Luc (ACME)", "Je propose de le signer lundi.", "Et de l'envoyer."],
    ["0:1:2.0 --> 0:1:4.250", "Marie Dupont", "D'accord, c'est décidé."],
]


def test_cue_layout_names_the_speakers_and_keeps_the_times(tmp_path: Path) -> None:
    st = read_transcript(_docx(tmp_path / "Transcript.docx", CUES))
    assert _names(st) == ["Marie Dupont", "Dupont, Jean-Luc (ACME)", "Marie Dupont"]
    first, second, third = st.utterances
    assert first.text == "Bonjour à tous, nous commençons par le budget. Il faut le valider avant vendredi."
    assert (first.start, first.end) == (3.12, 9.0)  # two cues 0.15 s apart: one turn
    assert second.text == "Je propose de le signer lundi. Et de l'envoyer."
    assert (second.start, second.end) == (12.0, 15.5)
    assert (third.start, third.end) == (62.0, 64.25)
    assert st.language == "fr" and st.duration == 64.25


def test_cue_layout_with_one_paragraph_per_line(tmp_path: Path) -> None:
    flat = [line for block in CUES for line in ([block] if isinstance(block, str) else block)]
    st = read_transcript(_docx(tmp_path / "flat.docx", flat))
    assert _names(st) == ["Marie Dupont", "Dupont, Jean-Luc (ACME)", "Marie Dupont"]


def test_a_cue_with_a_single_line_is_speech_without_speaker(tmp_path: Path) -> None:
    st = read_transcript(_docx(tmp_path / "t.docx", [["0:0:1.0 --> 0:0:2.0", "Bonjour."], *CUES[1:2]]))
    assert _names(st) == [None, "Marie Dupont"]


# The newer layout: a preamble, then "Name   m:ss" headings, each followed by its text.
HEADINGS = [
    "Comité de pilotage-20261120_090312-Enregistrement de la réunion",
    "20 novembre 2026, 09:03",
    "45 min 12 s",
    "Marie Dupont a démarré la transcription",
    "Marie Dupont   0:03",
    "Bonjour à tous. Premier point, le budget.",
    "Paul Martin   0:41",
    "Le budget est prêt.",
    "Nous le signerons lundi.",
    "Paul Martin   0:55",
    "Je l'envoie au conseil.",
    "Marie Dupont   1:02:15",
    "Parfait, rendez-vous la semaine prochaine 10:30",  # a sentence ending with a time is not a heading
    "Marie Dupont a arrêté la transcription",
]


def test_heading_layout_names_the_speakers_and_times_the_turns(tmp_path: Path) -> None:
    st = read_transcript(_docx(tmp_path / "Comité de pilotage.docx", HEADINGS))
    assert _names(st) == ["Marie Dupont", "Paul Martin", "Marie Dupont"]
    first, second, third = st.utterances
    assert first.text == "Bonjour à tous. Premier point, le budget."  # preamble and transcription events left out
    assert (first.start, first.end) == (3.0, 41.0)  # a turn ends where the next one starts
    assert second.text == "Le budget est prêt. Nous le signerons lundi. Je l'envoie au conseil."
    assert (second.start, second.end) == (41.0, 3735.0)
    assert third.start == 3735.0 and third.text.endswith("semaine prochaine 10:30")
    assert third.end == pytest.approx(3735.0 + 8 / 2.5)  # the last turn: its words at 2.5 words/s
    assert "démarré" not in " ".join(u.text for u in st.utterances)


def test_heading_layout_in_english_with_tabs_and_line_breaks(tmp_path: Path) -> None:
    paragraphs = [
        ["Weekly sync", "November 20, 2026, 9:03AM", "12m 5s", "Marie Dupont started transcription"],
        ["dupont, marie\t0:03", "Good morning, let's start with the budget."],
        ["Paul Martin 1:10", "The budget is ready and we will sign it on Monday."],
    ]
    st = read_transcript(_docx(tmp_path / "sync.docx", paragraphs))
    assert _names(st) == ["dupont, marie", "Paul Martin"]
    assert [u.start for u in st.utterances] == [3.0, 70.0]
    assert st.language == "en"


def test_a_word_document_of_name_text_turns(tmp_path: Path) -> None:
    st = read_transcript(_docx(tmp_path / "typed.docx", ["Marie : Bonjour à tous.", "Jean : Bonjour Marie."]))
    assert _names(st) == ["Marie", "Jean"]


def test_a_docx_is_told_from_a_recording_by_name_or_content(tmp_path: Path) -> None:
    document = _docx(tmp_path / "t.docx", CUES)
    assert is_transcript_file(document)
    renamed = tmp_path / "transcript"
    renamed.write_bytes(document.read_bytes())
    assert is_transcript_file(renamed)
    assert _names(read_transcript(renamed))[0] == "Marie Dupont"
    (tmp_path / "a.zip").write_bytes(_zip({"notes.txt": b"hello"}))
    assert not is_transcript_file(tmp_path / "a.zip")
    (tmp_path / "call.m4a").write_bytes(b"\x00\x00\x00\x20ftypM4A ")
    assert not is_transcript_file(tmp_path / "call.m4a")
    (tmp_path / "export").write_text("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nA: b\n", encoding="utf-8")
    assert is_transcript_file(tmp_path / "export")


# --- damaged and hostile Word files -----------------------------------------------------------------------------


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _with_document_xml(source: Path, xml: bytes) -> bytes:
    """A real .docx whose word/document.xml is replaced by `xml`."""
    with zipfile.ZipFile(source) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    members["word/document.xml"] = xml
    return _zip(members)


LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY a "hahahahahahahahahaha">'
    + b"".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">'.encode() for i in range(9))
    + b']><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
    b"<w:p><w:r><w:t>Marie : &j;</w:t></w:r></w:p></w:body></w:document>"
)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: b"PK\x03\x04" + b"\x00" * 64, "damaged ZIP container"),
        (lambda p: _zip({"notes.txt": b"Marie : Bonjour"}), "a ZIP archive, not a Word document"),
        (lambda p: _zip({"word/document.xml": b"<w:document/>"}), "not a readable Word document"),
        (lambda p: _with_document_xml(_docx(p, CUES), b"<w:document><w:body><w:p>"), "not a readable Word document"),
        (lambda p: _zip({"word/document.xml": b"\x00" * (MAX_UNZIPPED_BYTES + 1)}), "expands to more than 64 MB"),
        (lambda p: _zip({f"word/{i}.xml": b"" for i in range(1001)} | {"word/document.xml": b""}), "1000 files"),
        (lambda p: _docx(p, ["Compte rendu", "Rien de plus."]).read_bytes(), "not a Teams transcript"),
        (lambda p: _docx(p, []).read_bytes(), "not a Teams transcript"),
        (lambda p: _docx(p, [["0:0:1.0 --> 0:0:2.0"]]).read_bytes(), "no cue or turn with text"),
        (
            lambda p: _docx(p, ["Marie Dupont   0:03", "Voir <script>alert(1)</script>"]).read_bytes(),
            "web markup '<script'",
        ),
        (lambda p: _with_document_xml(_docx(p, CUES), LAUGHS), "not a readable Word document"),  # no blow-up
    ],
)
def test_damaged_or_hostile_word_files_get_a_named_error(tmp_path: Path, make: object, message: str) -> None:
    path = tmp_path / "Transcript.docx"
    data = make(tmp_path / "made.docx")  # type: ignore[operator]
    path.write_bytes(data)
    started = time.monotonic()
    with pytest.raises(TranscriptFormatError, match=re.escape(message)) as caught:
        read_transcript(path)
    assert str(path) in str(caught.value)
    assert time.monotonic() - started < 10


def test_an_old_doc_file_is_asked_as_docx(tmp_path: Path) -> None:
    path = tmp_path / "Transcript.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)
    with pytest.raises(TranscriptFormatError, match=r"old \(\.doc\) or password-protected"):
        read_transcript(path)
