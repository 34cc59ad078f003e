"""write_documents(): the minutes in every format asked for, in one folder."""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Callable, Iterable
from pathlib import Path

from pipeline.errors import DocumentError
from pipeline.outputs.docx import write_minutes_docx
from pipeline.outputs.names import fit_name
from pipeline.outputs.subtitles import to_srt, to_vtt
from pipeline.outputs.text import to_json, to_markdown, to_text
from pipeline.summarize.model import Minutes

logger = logging.getLogger(__name__)

_TEXT_WRITERS: dict[str, Callable[[Minutes], str]] = {
    "srt": lambda m: to_srt(m.transcript),
    "vtt": lambda m: to_vtt(m.transcript),
    "json": to_json,
    "md": to_markdown,
    "txt": to_text,
}
FORMATS: tuple[str, ...] = ("docx", *_TEXT_WRITERS)
_ALIASES = {"markdown": "md", "text": "txt", "webvtt": "vtt", "word": "docx"}


def parse_formats(spec: str | Iterable[str]) -> tuple[str, ...]:
    """Normalise a format list ("docx,srt, VTT" or an iterable) into known format names, in order.

    Raises:
        DocumentError: a format is unknown.
    """
    items = spec.split(",") if isinstance(spec, str) else list(spec)
    names: list[str] = []
    for item in items:
        name = _ALIASES.get(item.strip().lower().lstrip("."), item.strip().lower().lstrip("."))
        if not name:
            continue
        if name not in FORMATS:
            raise DocumentError(f"unknown output format {item.strip()!r} (known: {', '.join(FORMATS)})")
        if name not in names:
            names.append(name)
    return tuple(names)


def document_stem(minutes: Minutes) -> str:
    """A file-name stem from the date and title: "2025-03-12_compte-rendu-de-reunion"."""
    ascii_title = unicodedata.normalize("NFKD", minutes.title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")[:60] or "minutes"
    return f"{minutes.held_on.isoformat()}_{slug}" if minutes.held_on else slug


def write_documents(
    minutes: Minutes,
    out_dir: Path,
    formats: str | Iterable[str] = FORMATS,
    *,
    stem: str | None = None,
    template: Path | None = None,
) -> dict[str, Path]:
    """Write the minutes in each format into `out_dir`.

    Args:
        minutes: The minutes to write.
        out_dir: Folder to write into (created if missing).
        formats: Names among docx, srt, vtt, json, md, txt (a comma-separated string or an iterable).
        stem: File name without extension; by default the date and a slug of the title.
        template: A client's .docx template for the Word document.

    Returns:
        Format name -> path written, in the order asked.

    Raises:
        DocumentError: an unknown format, an unreadable template, or a folder that cannot be written.
    """
    names = parse_formats(formats)
    # One stem for every format, short enough for the longest extension (a recording may be named up to the limit).
    base = fit_name(stem or document_stem(minutes), "", reserve=max(len(f".{n}") for n in names))
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise DocumentError(f"{out_dir}: cannot create the output folder ({e.strerror or e})") from e
    written: dict[str, Path] = {}
    for name in names:
        path = out_dir / f"{base}.{name}"
        if name == "docx":
            write_minutes_docx(minutes, path, template)
        else:
            try:
                path.write_text(_TEXT_WRITERS[name](minutes), encoding="utf-8")
            except OSError as e:
                raise DocumentError(f"{path}: cannot write ({e.strerror or e})") from e
        written[name] = path
    logger.info("Wrote %s to %s", ", ".join(written), out_dir)
    return written
