"""Writers that turn results into files people read: subtitles, text, JSON, documents of each type."""

from __future__ import annotations

from pipeline.outputs.call_note import CallNote, read_call_note
from pipeline.outputs.documents import FORMATS, document_paths, document_stem, parse_formats, write_documents
from pipeline.outputs.docx import write_minutes_docx
from pipeline.outputs.kinds import DOCUMENT_TYPES, parse_document_type
from pipeline.outputs.labels import provenance_rows
from pipeline.outputs.markdown import to_markdown
from pipeline.outputs.subtitles import to_srt, to_vtt
from pipeline.outputs.text import minutes_from_json, to_json, to_text

__all__ = [
    "DOCUMENT_TYPES",
    "FORMATS",
    "CallNote",
    "document_paths",
    "document_stem",
    "minutes_from_json",
    "parse_document_type",
    "parse_formats",
    "provenance_rows",
    "read_call_note",
    "to_json",
    "to_markdown",
    "to_srt",
    "to_text",
    "to_vtt",
    "write_documents",
    "write_minutes_docx",
]
