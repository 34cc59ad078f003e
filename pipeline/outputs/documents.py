"""write_documents(): the minutes in every format asked for, in one folder, named after their title and date."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from pathlib import Path

from pipeline.errors import DocumentError
from pipeline.outputs.docx import write_minutes_docx
from pipeline.outputs.kinds import DETAILED
from pipeline.outputs.labels import view_of
from pipeline.outputs.markdown import to_markdown
from pipeline.outputs.names import fit_name
from pipeline.outputs.subtitles import to_srt, to_vtt
from pipeline.outputs.text import to_json, to_text
from pipeline.summarize.model import Minutes

logger = logging.getLogger(__name__)

FORMATS: tuple[str, ...] = ("docx", "srt", "vtt", "json", "md", "txt")
_ALIASES = {"markdown": "md", "text": "txt", "webvtt": "vtt", "word": "docx"}
# Characters Windows, SMB shares or a shell refuse or misread in a file name, and control characters.
_UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]+')
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}


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


def document_stem(minutes: Minutes, document_type: str = DETAILED, language: str | None = None) -> str:
    """A file-name stem from the date and the title as the document shows it: "2026-11-20 Comité de pilotage".

    Accents and spaces are kept; characters a Windows share refuses are replaced, and the name is
    never empty, hidden (leading dot) or a reserved device name.
    """
    title = view_of(minutes, document_type, language).title
    stem = f"{minutes.held_on.isoformat()} {title}" if minutes.held_on else title
    stem = " ".join(_UNSAFE.sub(" ", stem).split()).strip(" .") or "minutes"
    return f"{stem}_" if stem.upper() in _RESERVED else stem


def document_paths(out_dir: Path, formats: str | Iterable[str], stem: str, *, suffix: str = "") -> dict[str, Path]:
    """Where :func:`write_documents` puts each format for `stem`: one stem for every format, cut
    so the longest extension fits (a title may be long); `suffix` (".minutes") is kept whole."""
    names = parse_formats(formats)
    base = fit_name(stem, suffix, reserve=max((len(f".{n}") for n in names), default=0))
    return {name: out_dir / f"{base}.{name}" for name in names}


def write_documents(
    minutes: Minutes,
    out_dir: Path,
    formats: str | Iterable[str] = FORMATS,
    *,
    stem: str | None = None,
    template: Path | None = None,
    document_type: str = DETAILED,
    language: str | None = None,
) -> dict[str, Path]:
    """Write the minutes in each format into `out_dir`.

    Args:
        minutes: The minutes to write.
        out_dir: Folder to write into (created if missing).
        formats: Names among docx, srt, vtt, json, md, txt (a comma-separated string or an iterable).
        stem: File name without extension; by default the date and the title (:func:`document_stem`).
        template: A client's .docx template for the Word document.
        document_type: The type of the Word and Markdown documents (see :mod:`pipeline.outputs.kinds`).
        language: The language of the documents' labels and dates (default: the minutes' own).

    Returns:
        Format name -> path written, in the order asked.

    Raises:
        DocumentError: an unknown format or document type, an unreadable template, or a folder
            that cannot be written.
    """
    names = parse_formats(formats)
    view_of(minutes, document_type, language)  # an unknown type is refused before anything is written
    writers: dict[str, Callable[[Minutes], str]] = {
        "srt": lambda m: to_srt(m.transcript),
        "vtt": lambda m: to_vtt(m.transcript),
        "json": to_json,
        "md": lambda m: to_markdown(m, document_type=document_type, language=language),
        "txt": lambda m: to_text(m, language=language),
    }
    paths = document_paths(out_dir, names, stem or document_stem(minutes, document_type, language))
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise DocumentError(f"{out_dir}: cannot create the output folder ({e.strerror or e})") from e
    written: dict[str, Path] = {}
    for name, path in paths.items():
        if name == "docx":
            write_minutes_docx(minutes, path, template, document_type=document_type, language=language)
        else:
            try:
                path.write_text(writers[name](minutes), encoding="utf-8")
            except OSError as e:
                raise DocumentError(f"{path}: cannot write ({e.strerror or e})") from e
        written[name] = path
    logger.info("Wrote %s to %s", ", ".join(written), out_dir)
    return written
