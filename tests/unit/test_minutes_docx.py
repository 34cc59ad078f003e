"""The detailed Word document reopens with python-docx with its sections, tables and labels in FR and EN."""

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
    assert document.paragraphs[1].style.name == "Subtitle"
    assert document.paragraphs[1].text == "Compte rendu détaillé · Cabinet Lefèvre"
    meta, people, actions = (_cells(t) for t in document.tables)
    assert ["Date", "mercredi 12 mars 2025"] in meta and ["Heure", "09:30"] in meta
    assert ["Langue", "français"] in meta
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
    # Pages 2 and after: type, client and date; page 1 has the title block instead.
    assert section.different_first_page_header_footer
    assert section.header.paragraphs[0].text == "Compte rendu détaillé · Cabinet Lefèvre\t\t12/03/2025"
    assert not section.first_page_header.paragraphs[0].text.strip()
    for footer in (section.footer, section.first_page_footer):
        footer_xml = footer.paragraphs[0]._p.xml
        assert 'w:instr=" PAGE "' in footer_xml and 'w:instr=" NUMPAGES "' in footer_xml
        assert (
            footer.paragraphs[0].text.startswith("Comité de pilotage\t\tPage ") and " sur " in footer.paragraphs[0].text
        )


def test_the_date_is_on_page_one_once_and_no_model_is_named(fr_minutes: Minutes) -> None:
    document = _reopen(fr_minutes)
    text = "\n".join(
        [p.text for p in document.paragraphs]
        + [c.text for t in document.tables for r in t.rows for c in r.cells]
        + [
            p.text
            for s in document.sections
            for part in (s.first_page_header, s.first_page_footer)
            for p in part.paragraphs
        ]
    )
    assert text.count("mercredi 12 mars 2025") == 1 and "12/03/2025" not in text
    for hidden in ("faster-whisper", "Modèles", "Rédaction", "extractive", "synthèse automatique"):
        assert hidden not in text
        assert hidden not in document.sections[0].header.paragraphs[0].text


def test_english_document_labels(en_minutes: Minutes) -> None:
    document = _reopen(en_minutes)
    assert document.paragraphs[0].text == "Meeting minutes"
    assert document.paragraphs[1].text == "Detailed minutes · Acme Apps"
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


def test_labels_follow_the_minutes_language_not_the_spoken_one(en_minutes: Minutes) -> None:
    """An English meeting for a French client: French labels and dates, the English summary as written."""
    buffer = io.BytesIO()
    write_minutes_docx(en_minutes, buffer, language="fr")
    document = docx.Document(io.BytesIO(buffer.getvalue()))
    assert document.paragraphs[0].text == "Compte rendu de réunion"  # the default title, in French
    assert _headings(document, 1)[:4] == ["Résumé", "Participants", "Décisions", "Actions"]
    meta = _cells(document.tables[0])
    assert ["Date", "mercredi 4 juin 2025"] in meta and ["Langue", "anglais"] in meta
    actions = _cells(document.tables[2])
    assert actions[0] == ["Action", "Responsable", "Échéance"]
    assert any(r[1] == "Marcus Green" and r[2] == "vendredi 6 juin 2025" for r in actions)
    assert document.paragraphs[3].text == en_minutes.summary


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
    assert not document.sections[0].different_first_page_header_footer  # the letterhead shows on page 1
    assert all("Texte d'exemple" not in p.text for p in document.paragraphs)
    assert _headings(document, 1)[0] == "Résumé"


def test_unreadable_template_is_a_named_error(fr_minutes: Minutes, tmp_path: Path) -> None:
    bad = tmp_path / "pas_un_modele.docx"
    bad.write_text("ceci n'est pas un document Word")
    with pytest.raises(DocumentError, match="pas_un_modele.docx"):
        _reopen(fr_minutes, bad)
