"""Writers that turn results into files people read: subtitles, text, JSON, documents."""

from __future__ import annotations

from pipeline.outputs.documents import FORMATS, document_stem, parse_formats, write_documents
from pipeline.outputs.docx import write_minutes_docx
from pipeline.outputs.subtitles import to_srt, to_vtt
from pipeline.outputs.text import minutes_from_json, to_json, to_markdown, to_text

__all__ = [
    "FORMATS",
    "document_stem",
    "minutes_from_json",
    "parse_formats",
    "to_json",
    "to_markdown",
    "to_srt",
    "to_text",
    "to_vtt",
    "write_documents",
    "write_minutes_docx",
]
