"""How the minutes were made (models, writer, what the faithfulness gate removed): shown to the
operator in the Prefect UI, never in the client's documents."""

from __future__ import annotations

from dataclasses import replace

from flows.operator import minutes_markdown
from pipeline.outputs import provenance_rows, to_markdown
from pipeline.summarize import Minutes
from pipeline.summarize.model import GateCounts, Provenance
from tests.unit.minutes_samples import board_minutes

GATE = GateCounts(owners_removed=2, dues_removed=1, items_dropped=3, sentences_dropped=4)


def _gated(language: str = "fr") -> Minutes:
    minutes = board_minutes(language)
    return replace(minutes, provenance=replace(minutes.provenance, gate=GATE))


def test_provenance_rows_count_what_the_gate_removed() -> None:
    minutes = _gated("fr")
    assert dict(provenance_rows(minutes)) == {
        "Modèles": "faster-whisper base, pyannote community-1",
        "Rédaction": "synthèse automatique hors ligne (extractive)",
        "Contrôle de fidélité": (
            "responsables retirés : 2 ; échéances retirées : 1 ; éléments écartés : 3 ; phrases écartées : 4"
        ),
    }
    english = dict(provenance_rows(minutes, "en"))
    assert english["Faithfulness gate"] == (
        "owners removed: 2; due dates removed: 1; items dropped: 3; sentences dropped: 4"
    )
    nothing = dict(provenance_rows(board_minutes("en")))
    assert nothing["Faithfulness gate"].startswith("owners removed: 0;")  # the gate ran: said even when it kept all


def test_the_operators_minutes_artifact_says_how_they_were_made() -> None:
    minutes = _gated("fr")
    text = minutes_markdown(minutes)
    assert "## How these minutes were made" in text
    assert "- **Models:** faster-whisper base, pyannote community-1" in text
    assert "- **Drafted by:** automatic offline summary (extractive)" in text
    assert "- **Faithfulness gate:** owners removed: 2; due dates removed: 1; items dropped: 3" in text
    fallback = replace(minutes, provenance=Provenance("offline", (), "the server did not answer", GATE))
    assert "> Summariser fallback: the server did not answer" in minutes_markdown(fallback)


def test_the_clients_document_names_no_model_and_no_gate() -> None:
    text = to_markdown(_gated("fr"))
    assert "faster-whisper" not in text and "Contrôle de fidélité" not in text and "responsables retirés" not in text


def test_a_summary_rewritten_by_the_local_model_is_said_to_be_a_language_models() -> None:
    minutes = replace(board_minutes("en"), provenance=Provenance("local", ("qwen2.5-coder-1.5b-instruct-q4_k_m",)))
    rows = dict(provenance_rows(minutes))
    assert rows["Drafted by"] == "language-model summary" and rows["Models"] == "qwen2.5-coder-1.5b-instruct-q4_k_m"
