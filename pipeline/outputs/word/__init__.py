"""Word layouts, one module per document type; the only package that imports ``docx``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pipeline.outputs.kinds import CALL_NOTE, DECISIONS, DETAILED, FORMAL
from pipeline.outputs.labels import View
from pipeline.outputs.word import call_note, decisions, detailed, formal

LAYOUTS: dict[str, Callable[[Any, View], None]] = {
    DETAILED: detailed.render,
    DECISIONS: decisions.render,
    FORMAL: formal.render,
    CALL_NOTE: call_note.render,
}

__all__ = ["LAYOUTS"]
