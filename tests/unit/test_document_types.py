"""The four document types, in French and English: Word (reopened with python-docx) and Markdown."""

from __future__ import annotations

import io
from pathlib import Path

import docx
import pytest

from pipeline.errors import DocumentError
from pipeline.outputs import DOCUMENT_TYPES, parse_document_type, to_markdown, write_documents, write_minutes_docx
from pipeline.summarize import Minutes
from tests.unit.minutes_samples import board_minutes, call_minutes


def _reopen(minutes: Minutes, document_type: str, language: str | None = None) -> docx.document.Document:
    buffer = io.BytesIO()
    write_minutes_docx(minutes, buffer, document_type=document_type, language=language)
    return docx.Document(io.BytesIO(buffer.getvalue()))


def _headings(document: docx.document.Document, level: int) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name == f"Heading {level}"]


def _cells(table: docx.table.Table) -> list[list[str]]:
    return [[c.text for c in row.cells] for row in table.rows]


def _all_text(document: docx.document.Document) -> str:
    return "\n".join(
        [p.text for p in document.paragraphs] + [c.text for t in document.tables for r in t.rows for c in r.cells]
    )


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("detailed", "detailed"),
        ("Compte rendu détaillé", "detailed"),
        ("releve", "decisions"),
        ("Relevé de décisions", "decisions"),
        ("procès-verbal", "formal"),
        ("PV", "formal"),
        ("formal", "formal"),
        ("note d'appel", "call_note"),
        ("Note d’appel", "call_note"),
        ("call_note", "call_note"),
        ("phone message", "call_note"),
    ],
)
def test_document_types_by_id_or_name(value: str, kind: str) -> None:
    assert parse_document_type(value) == kind
    assert kind in DOCUMENT_TYPES


def test_an_unknown_type_is_a_named_error() -> None:
    with pytest.raises(DocumentError, match="unknown document type 'memo'.*detailed, decisions, formal, call_note"):
        parse_document_type("memo")
    with pytest.raises(DocumentError, match="memo"):
        write_documents(board_minutes(), Path("/nonexistent"), "md", document_type="memo")


@pytest.mark.parametrize(
    ("language", "subtitle", "head", "actions", "row"),
    [
        (
            "fr",
            "Relevé de décisions · Cabinet Lefèvre",
            ["Décisions", "Actions"],
            ["Action", "Responsable", "Échéance"],
            ["Julien Moreau", "vendredi 14 mars 2025"],
        ),
        (
            "en",
            "Record of decisions · Cabinet Lefèvre",
            ["Decisions", "Action items"],
            ["Action", "Owner", "Due"],
            ["Julien Moreau", "Friday 14 March 2025"],
        ),
    ],
)
def test_record_of_decisions_holds_decisions_and_actions_only(
    language: str, subtitle: str, head: list[str], actions: list[str], row: list[str]
) -> None:
    minutes = board_minutes(language)
    document = _reopen(minutes, "decisions")
    assert document.paragraphs[0].text == "Comité de pilotage"
    assert document.paragraphs[1].text == subtitle
    assert _headings(document, 1) == head
    header, table = (_cells(t) for t in document.tables)
    assert [r[0] for r in header] == (
        ["Date", "Heure", "Participants"] if language == "fr" else ["Date", "Time", "Participants"]
    )
    assert table[0] == actions and table[1][1:] == row
    numbered = [p.text for p in document.paragraphs if p.style.name == "List Number"]
    assert [n.split("  [")[0] for n in numbered] == [d.text for d in minutes.decisions]
    text = _all_text(document)
    assert minutes.summary not in text and minutes.topics[0].title not in text  # decisions and actions only
    assert minutes.transcript.utterances[0].text not in text and "faster-whisper" not in text


@pytest.mark.parametrize(
    ("language", "words"),
    [
        (
            "fr",
            {
                "kind": "Procès-verbal · Cabinet Lefèvre",
                "headings": ["Présents", "Ordre du jour", "Déroulement de la séance", "Suites à donner"],
                "opening": "La séance est ouverte à 9\u00a0h\u00a030.",
                "decision": "Décision\u00a0: ",
                "other": "Autres décisions",
                "signatures": ["Le président de séance", "Le secrétaire de séance"],
                "closing": "L'ordre du jour étant épuisé, la séance est levée à 9\u00a0h\u00a030.",
            },
        ),
        (
            "en",
            {
                "kind": "Formal minutes · Cabinet Lefèvre",
                "headings": ["Present", "Agenda", "Proceedings", "Follow-up"],
                "opening": "The meeting opened at 09:30.",
                "decision": "Decision: ",
                "other": "Other decisions",
                "signatures": ["Chair", "Secretary"],
                "closing": "There being no further business, the meeting closed at 09:30.",
            },
        ),
    ],
)
def test_formal_minutes_follow_the_agenda_in_order(language: str, words: dict) -> None:
    minutes = board_minutes(language)
    document = _reopen(minutes, "formal")
    texts = [p.text for p in document.paragraphs]
    assert texts[1] == words["kind"]
    assert _headings(document, 1) == words["headings"]
    topics = [t.title for t in minutes.topics]
    assert _headings(document, 2) == [f"1. {topics[0]}", f"2. {topics[1]}", words["other"]]
    present = texts.index(words["headings"][0])
    assert texts[present + 1 : present + 3] == ["Claire Martin", "Julien Moreau"]
    assert texts[present + 3] == words["opening"]
    agenda = texts.index(words["headings"][1])
    assert texts[agenda + 1 : agenda + 3] == [f"1. {topics[0]}", f"2. {topics[1]}"]
    # Under each topic, its point then the decision taken while it was discussed, in that order.
    first = texts.index(f"1. {topics[0]}", agenda + 3)
    point, decision = document.paragraphs[first + 1], document.paragraphs[first + 2]
    assert point.text == minutes.topics[0].key_points[0].text and point.style.name == "List Bullet"
    assert decision.runs[0].bold and decision.runs[0].text == words["decision"]
    assert decision.text.startswith(words["decision"] + minutes.decisions[0].text)
    other = texts.index(words["other"])
    assert texts[other + 1].startswith(words["decision"] + minutes.decisions[2].text)
    # The meeting lasted a few seconds: it closes at the minute it opened.
    assert words["closing"] in texts
    assert _cells(document.tables[-1])[0] == words["signatures"]
    assert minutes.transcript.utterances[0].text not in _all_text(document)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "fr",
            [
                ["Date", "mercredi 12 mars 2025"],
                ["Heure", "09:30"],
                ["Appelant", "Marie Dupont (Arcadis)"],
                ["Objet", "Bail commercial"],
                ["Demande", "Je voudrais prendre rendez-vous avec Maître Lefèvre au sujet du bail commercial."],
                ["Numéro de rappel", "06 12 34 56 78"],
                ["Rappeler", "demain après 14 h"],
            ],
        ),
        (
            "en",
            [
                ["Date", "Wednesday 12 March 2025"],
                ["Time", "09:30"],
                ["Caller", "John Carter (Northwind)"],
                ["Subject", "Service contract renewal"],
                ["Request", "I'd like to discuss the renewal of our service contract with Ms Lefèvre."],
                ["Call back on", "+44 20 7946 0958"],
                ["Call back", "tomorrow after 3 pm"],
            ],
        ),
    ],
)
def test_call_note_is_a_phone_message_form(language: str, expected: list[list[str]]) -> None:
    minutes = call_minutes(language)
    document = _reopen(minutes, "call_note")
    assert document.paragraphs[0].text == ("Note d'appel téléphonique" if language == "fr" else "Phone message")
    assert _cells(document.tables[0]) == expected
    assert _headings(document, 1) == ["Message"]
    assert minutes.summary in [p.text for p in document.paragraphs]
    assert len(document.tables) == 1  # no action was recorded: no follow-up table


def test_call_note_says_what_was_not_given() -> None:
    minutes = call_minutes("fr", held_on=None, start_time=None, topics=())
    rows = dict(tuple(r) for r in _cells(_reopen(minutes, "note d'appel").tables[0]))
    assert rows["Date"] == rows["Heure"] == rows["Objet"] == "Non précisé"
    assert rows["Appelant"] == "Marie Dupont (Arcadis)"


@pytest.mark.parametrize("kind", DOCUMENT_TYPES)
@pytest.mark.parametrize("language", ["fr", "en"])
def test_every_type_renders_in_both_languages_with_its_title_and_page_numbers(kind: str, language: str) -> None:
    minutes = call_minutes(language) if kind == "call_note" else board_minutes(language)
    document = _reopen(minutes, kind)
    assert document.paragraphs[0].style.name == "Title" and document.paragraphs[0].text
    footer = document.sections[0].footer.paragraphs[0]._p.xml
    assert 'w:instr=" PAGE "' in footer and 'w:instr=" NUMPAGES "' in footer
    assert document.core_properties.language == ("fr-FR" if language == "fr" else "en-GB")
    assert "faster-whisper" not in _all_text(document) and "pyannote" not in _all_text(document)


def test_markdown_follows_the_same_types() -> None:
    board = board_minutes("fr")
    decisions = to_markdown(board, document_type="decisions")
    assert decisions.startswith("# Comité de pilotage\n\n_Relevé de décisions · Cabinet Lefèvre_\n")
    assert "## Décisions" in decisions and "| Action | Responsable | Échéance |" in decisions
    assert "## Résumé" not in decisions and "Annexe" not in decisions
    formal = to_markdown(board, document_type="formal")
    for line in ("## Présents", "## Ordre du jour", "1. Avancement des maquettes", "### 1. Avancement des maquettes"):
        assert line in formal.splitlines()
    assert "**Décision\u00a0: **Les maquettes sont validées." in formal
    assert "L'ordre du jour étant épuisé, la séance est levée à 9\u00a0h\u00a030." in formal
    note = to_markdown(call_minutes("en"), document_type="call_note")
    assert "| **Caller** | John Carter (Northwind) |" in note and "| **Call back on** | +44 20 7946 0958 |" in note
    detailed = to_markdown(board)
    assert "## Résumé" in detailed and "faster-whisper" not in detailed and "Modèles" not in detailed


def test_write_documents_names_files_after_the_date_and_title(tmp_path: Path) -> None:
    written = write_documents(board_minutes("fr"), tmp_path, "docx,md", document_type="releve")
    assert written["docx"].name == "2025-03-12 Comité de pilotage.docx"
    assert "_Relevé de décisions · Cabinet Lefèvre_" in written["md"].read_text(encoding="utf-8")
    untitled = write_documents(call_minutes("fr"), tmp_path, "md", document_type="call_note")
    assert untitled["md"].name == "2025-03-12 Note d'appel téléphonique.md"
    in_english = write_documents(call_minutes("fr"), tmp_path, "md", language="en")
    assert in_english["md"].name == "2025-03-12 Meeting minutes.md"
