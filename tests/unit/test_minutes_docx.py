"""The Word document reopens with python-docx with its sections, tables and labels in FR and EN."""

from __future__ import annotations

import io
from datetime import time
from pathlib import Path

import docx
import pytest

from pipeline.errors import DocumentError
from pipeline.outputs import write_minutes_docx
from pipeline.summarize import MeetingMeta, Minutes, OfflineSummarizer, build_minutes
from tests.unit.meetings import EN_DATE, FR_DATE, english_meeting, french_meeting


@pytest.fixture(scope="module")
def fr_minutes() -> Minutes:
    meta = MeetingMeta(
        title="Comité de pilotage",
        client="Cabinet Lefèvre",
        held_on=FR_DATE,
        start_time=time(9, 30),
        models=("faster-whisper base",),
    )
    return build_minutes(french_meeting(), OfflineSummarizer(), meta)


@pytest.fixture(scope="module")
def en_minutes() -> Minutes:
    return build_minutes(english_meeting(), OfflineSummarizer(), MeetingMeta(client="Acme Apps", held_on=EN_DATE))


def _reopen(minutes: Minutes, template: Path | None = None) -> docx.document.Document:
    buffer = io.BytesIO()
    write_minutes_docx(minutes, buffer, template)
    buffer.seek(0)
    return docx.Document(buffer)


def _headings(document: docx.document.Document, level: int) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name == f"Heading {level}"]


def _cells(table: docx.table.Table) -> list[list[str]]:
    return [[c.text for c in row.cells] for row in table.rows]


def test_french_document_sections_tables_and_labels(fr_minutes: Minutes) -> None:
    document = _reopen(fr_minutes)
    assert document.paragraphs[0].style.name == "Title"
    assert document.paragraphs[0].text == "Comité de pilotage"
    assert _headings(document, 1) == [
        "Résumé",
        "Participants",
        "Décisions",
        "Actions",
        "Sujets abordés",
        "Questions en suspens",
        "Annexe : transcription",
    ]
    assert _headings(document, 2)[0] == "1. Avancement des maquettes"
    meta, people, actions = (_cells(t) for t in document.tables)
    assert ["Client", "Cabinet Lefèvre"] in meta
    assert ["Date", "mercredi 12 mars 2025"] in meta and ["Heure", "09:30"] in meta
    assert ["Langue", "français"] in meta and ["Modèles", "faster-whisper base"] in meta
    assert people[0] == ["Participant", "Temps de parole", "Part"]
    assert actions[0] == ["Action", "Responsable", "Échéance"]
    row = next(r for r in actions if r[0].startswith("Simplifier le formulaire"))
    assert row[1:] == ["Julien Moreau", "vendredi 14 mars 2025"] and "[00:00:" in row[0]
    numbered = [p.text for p in document.paragraphs if p.style.name == "List Number"]
    assert len(numbered) == len(fr_minutes.decisions) >= 3
    props = document.core_properties
    assert (props.title, props.language) == ("Comité de pilotage", "fr-FR")


def test_transcript_annex_has_timestamps_and_bold_speakers(fr_minutes: Minutes) -> None:
    document = _reopen(fr_minutes)
    texts = [p.text for p in document.paragraphs]
    annex = document.paragraphs[texts.index("Annexe : transcription") + 1 :]
    assert len(annex) == len(fr_minutes.transcript.utterances)
    first = annex[0]
    assert first.text.startswith("[00:00:01]")
    assert [r.text for r in first.runs if r.bold] == ["Claire Martin\u00a0: "]


def test_header_footer_and_page_numbers(fr_minutes: Minutes) -> None:
    document = _reopen(fr_minutes)
    section = document.sections[0]
    assert "Cabinet Lefèvre" in section.header.paragraphs[0].text
    footer_xml = section.footer.paragraphs[0]._p.xml
    assert 'w:instr=" PAGE "' in footer_xml and 'w:instr=" NUMPAGES "' in footer_xml
    assert "Page" in section.footer.paragraphs[0].text and "sur" in section.footer.paragraphs[0].text


def test_english_document_labels(en_minutes: Minutes) -> None:
    document = _reopen(en_minutes)
    assert document.paragraphs[0].text == "Meeting minutes"
    assert _headings(document, 1) == [
        "Summary",
        "Participants",
        "Decisions",
        "Action items",
        "Topics discussed",
        "Open questions",
        "Appendix: transcript",
    ]
    actions = _cells(document.tables[2])
    assert actions[0] == ["Action", "Owner", "Due"]
    assert any(r[1] == "Marcus Green" and r[2] == "Friday 6 June 2025" for r in actions)
    assert document.core_properties.language == "en-GB"


def test_client_template_styles_and_letterhead_are_used(fr_minutes: Minutes, tmp_path: Path) -> None:
    template = docx.Document()
    template.styles["Heading 1"].font.name = "Georgia"
    template.sections[0].header.paragraphs[0].text = "CABINET LEFÈVRE — 12 rue des Lilas, Lyon"
    template.add_paragraph("Texte d'exemple du modèle, à ne pas reprendre.")
    path = tmp_path / "modele.docx"
    template.save(str(path))
    document = _reopen(fr_minutes, path)
    assert document.styles["Heading 1"].font.name == "Georgia"
    assert document.sections[0].header.paragraphs[0].text == "CABINET LEFÈVRE — 12 rue des Lilas, Lyon"
    assert all("Texte d'exemple" not in p.text for p in document.paragraphs)
    assert _headings(document, 1)[0] == "Résumé"


def test_unreadable_template_is_a_named_error(fr_minutes: Minutes, tmp_path: Path) -> None:
    bad = tmp_path / "pas_un_modele.docx"
    bad.write_text("ceci n'est pas un document Word")
    with pytest.raises(DocumentError, match="pas_un_modele.docx"):
        _reopen(fr_minutes, bad)
