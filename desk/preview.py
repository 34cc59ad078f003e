"""The Word document as it will be sent (the client's template, document type and language), and its HTML
rendering for the preview page (``mammoth``, which escapes the document's text)."""

from __future__ import annotations

import io
import logging
from urllib.parse import quote

import mammoth

from pipeline.errors import ConfigError
from pipeline.outputs import write_minutes_docx
from pipeline.outputs.documents import document_stem
from pipeline.outputs.kinds import DETAILED
from pipeline.summarize import Minutes
from service.clients import ClientConfig, load_clients
from service.review import ReviewRecord
from service.settings import ServiceConfig, clients_file

logger = logging.getLogger(__name__)


def client_config(settings: ServiceConfig, client: str) -> ClientConfig | None:
    """The client's configuration as the clients file says now, or None (no file, or no such client)."""
    try:
        return load_clients(clients_file(settings.service)).get(client)
    except ConfigError as e:
        logger.warning("Review desk: cannot read the clients file (%s)", e)
        return None


def document_bytes(settings: ServiceConfig, record: ReviewRecord, minutes: Minutes) -> bytes:
    """The .docx of `minutes` with the document type chosen for the review (else the client's) and the
    client's template and language, as the approved run writes it."""
    cfg = client_config(settings, record.client)
    out = io.BytesIO()
    write_minutes_docx(
        minutes,
        out,
        cfg.template_path if cfg else None,
        document_type=record.template or (cfg.document_type if cfg else DETAILED),
        language=cfg.document_language if cfg else None,
    )
    return out.getvalue()


# Word's title styles, which mammoth does not map by itself.
_STYLE_MAP = "p[style-name='Title'] => h1.title:fresh\np[style-name='Subtitle'] => p.subtitle:fresh"


def document_html(docx: bytes) -> str:
    """The document's body as HTML (headings, paragraphs, tables, lists); text is escaped by mammoth."""
    return str(mammoth.convert_to_html(io.BytesIO(docx), style_map=_STYLE_MAP).value)


def document_name(minutes: Minutes) -> str:
    """The download's file name, percent-encoded for a Content-Disposition header."""
    return quote(f"{document_stem(minutes)}.docx")
