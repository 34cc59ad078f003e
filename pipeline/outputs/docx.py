"""Minutes as a Word document of one of the document types (see :mod:`pipeline.outputs.kinds`).

The layouts are in :mod:`pipeline.outputs.word`, one module per type; this module chooses one.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import IO

from pipeline.outputs.kinds import DETAILED
from pipeline.outputs.labels import view_of
from pipeline.outputs.word import LAYOUTS
from pipeline.outputs.word.base import open_document, prepare, save
from pipeline.summarize.model import Minutes

logger = logging.getLogger(__name__)


def write_minutes_docx(
    minutes: Minutes,
    out: Path | IO[bytes],
    template: Path | None = None,
    *,
    document_type: str = DETAILED,
    language: str | None = None,
) -> None:
    """Write the minutes as a .docx file.

    Args:
        minutes: The minutes to write.
        out: A path or a writable binary stream.
        template: A client's .docx whose styles, page setup, header and footer are used.
        document_type: "detailed", "decisions", "formal" or "call_note" (or a French or English name of one).
        language: The language of the labels and dates (default: the minutes' own).

    Raises:
        DocumentError: an unknown document type, a template that cannot be opened, or a file
            that cannot be written.
    """
    view = view_of(minutes, document_type, language)
    document = open_document(template)
    prepare(document, view, own_styles=template is None)
    LAYOUTS[view.kind](document, view)
    save(document, out)
    logger.info("Wrote the %s DOCX%s", view.kind, f" to {out}" if isinstance(out, Path) else "")
