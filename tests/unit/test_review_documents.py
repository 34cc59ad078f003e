"""Minutes a person reviewed say so in every document type and in their JSON; the machine's do not."""

from __future__ import annotations

import io
from dataclasses import replace

import docx
import pytest

from pipeline.outputs import DOCUMENT_TYPES, minutes_from_json, to_json, write_minutes_docx
from pipeline.summarize import Minutes
from tests.unit.minutes_samples import board_minutes


def _reviewed(language: str) -> Minutes:
    minutes = board_minutes(language)
    return replace(minutes, provenance=replace(minutes.provenance, reviewed_by="Claire Martin"))


def _docx_text(minutes: Minutes, document_type: str, language: str | None = None) -> str:
    buffer = io.BytesIO()
    write_minutes_docx(minutes, buffer, document_type=document_type, language=language)
    return "\n".join(p.text for p in docx.Document(io.BytesIO(buffer.getvalue())).paragraphs)


@pytest.mark.parametrize("document_type", DOCUMENT_TYPES)
def test_every_document_type_names_the_reviewer(document_type: str) -> None:
    assert "Relu par Claire Martin" in _docx_text(_reviewed("fr"), document_type)
    assert "Reviewed by Claire Martin" in _docx_text(_reviewed("fr"), document_type, language="en")
    assert "Relu par" not in _docx_text(board_minutes("fr"), document_type)


def test_json_keeps_the_reviewer() -> None:
    assert minutes_from_json(to_json(_reviewed("en"))).provenance.reviewed_by == "Claire Martin"
    assert minutes_from_json(to_json(board_minutes("en"))).provenance.reviewed_by is None
