"""What every Word layout shares: opening a template, page setup, header and footer, headings, tables.

The documents use real Word styles (Title, Subtitle, Heading 1/2, List Number, List Bullet,
Table Grid), so headings appear in the navigation pane and a client's template restyles them.
A template's body is dropped; its styles, page setup, letterhead header and footer are kept.
"""

from __future__ import annotations

import contextlib
import logging
from pathlib import Path
from typing import IO, Any

import docx
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from pipeline.errors import DocumentError
from pipeline.locale import locale_for
from pipeline.outputs.labels import View, due_label, metadata_rows, reviewed_line, said_at
from pipeline.summarize.humanize import format_numeric_date
from pipeline.summarize.model import ActionItem, Statement

logger = logging.getLogger(__name__)

GREY = RGBColor(0x6B, 0x72, 0x80)
ACCENT = RGBColor(0x1F, 0x3A, 0x5F)
HEADER_FILL = "DCE3EC"
LABEL_FILL = "F1F4F8"
ACTION_WIDTHS = (Cm(8.8), Cm(3.8), Cm(4.4))
META_WIDTHS = (Cm(4.0), Cm(13.0))


def open_document(template: Path | None) -> Any:
    """A new document, or the client's template emptied of its body.

    Raises:
        DocumentError: the template is not a readable .docx.
    """
    if template is None:
        return docx.Document()
    try:
        document = docx.Document(str(template))
    except (PackageNotFoundError, OSError, KeyError, ValueError) as e:
        raise DocumentError(f"{template}: not a readable .docx template ({e})") from e
    body = document.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    return document


def save(document: Any, out: Path | IO[bytes]) -> None:
    """Write the document; a failed write leaves no half-written file.

    Raises:
        DocumentError: the file cannot be written.
    """
    try:
        if isinstance(out, Path):
            # Our own handle, closed even when the disk is full (python-docx would leak its file).
            with out.open("wb") as handle:
                document.save(handle)
        else:
            document.save(out)
    except OSError as e:
        if isinstance(out, Path):
            with contextlib.suppress(OSError):  # e.g. the name itself was refused: nothing was written
                out.unlink(missing_ok=True)
        raise DocumentError(f"{out}: cannot write the document ({e.strerror or e})") from e


def has_style(document: Any, name: str) -> bool:
    return any(s.name == name for s in document.styles)


def prepare(document: Any, view: View, *, own_styles: bool) -> None:
    """Properties, language, page setup and styles (unless a template brings its own), header and footer."""
    minutes = view.minutes
    props = document.core_properties
    props.title = view.title
    tag = locale_for(minutes.language).tag  # the words the reader checks are mostly the meeting's own
    props.language = tag
    props.subject = view.kind_name
    props.author = minutes.client or ""
    props.keywords = ", ".join(p.name for p in minutes.participants)
    _set_language(document, tag)
    section = document.sections[0]
    if own_styles:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Cm(21.0), Cm(29.7)
        for side in ("left_margin", "right_margin"):
            setattr(section, side, Cm(2.0))
        section.top_margin, section.bottom_margin = Cm(2.2), Cm(2.0)
        normal = document.styles["Normal"]
        normal.font.name = "Calibri"
        normal.font.size = Pt(10.5)
        normal.paragraph_format.space_after = Pt(4)
        document.styles["Title"].font.size = Pt(22)
        for level, size in ((1, 14), (2, 12)):
            heading = document.styles[f"Heading {level}"]
            heading.font.size = Pt(size)
            heading.font.color.rgb = ACCENT
            heading.paragraph_format.space_before = Pt(14 if level == 1 else 10)
            heading.paragraph_format.keep_with_next = True
    if not _has_text(section.header):
        # Page 1 shows the title block, where the date is; the running header starts on page 2.
        section.different_first_page_header_footer = True
        _header(section.header, view)
    if not _has_text(section.footer):
        _footer(section.footer, view)
        if section.different_first_page_header_footer:
            _footer(section.first_page_footer, view)


def _has_text(part: Any) -> bool:
    return any(p.text.strip() for p in part.paragraphs) or bool(part.tables)


def _set_language(document: Any, tag: str) -> None:
    """Mark the text as `tag` so Word's spelling and hyphenation use the right language."""
    rpr = document.styles.element.find(qn("w:docDefaults"))
    rpr = rpr.find(qn("w:rPrDefault")) if rpr is not None else None
    rpr = rpr.find(qn("w:rPr")) if rpr is not None else None
    if rpr is None:
        rpr = document.styles["Normal"].element.get_or_add_rPr()
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), tag)


def _field(paragraph: Any, instruction: str) -> None:
    """Insert a field (PAGE, NUMPAGES) that Word and LibreOffice compute when rendering."""
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), f" {instruction} ")
    paragraph._p.append(field)
    run = small_grey(paragraph.add_run("1"))
    field.append(run._r)


def small_grey(run: Any, size: float = 8.5) -> Any:
    run.font.size = Pt(size)
    run.font.color.rgb = GREY
    return run


def _header(header: Any, view: View) -> None:
    minutes = view.minutes
    left = " · ".join(x for x in (view.kind_name, minutes.client) if x)
    right = format_numeric_date(minutes.held_on, view.language) if minutes.held_on else ""
    small_grey(header.paragraphs[0].add_run(f"{left}\t\t{right}" if right else left))


def _footer(footer: Any, view: View) -> None:
    labels = view.labels
    paragraph = footer.paragraphs[0]
    small_grey(paragraph.add_run(f"{view.title}\t\t{labels.page} "))
    _field(paragraph, "PAGE")
    small_grey(paragraph.add_run(f" {labels.page_of} "))
    _field(paragraph, "NUMPAGES")


def heading(document: Any, text: str, level: int) -> Any:
    if has_style(document, f"Heading {level}"):
        return document.add_heading(text, level=level)
    paragraph = document.add_paragraph()
    paragraph.add_run(text).bold = True
    return paragraph


def paragraph(document: Any, text: str, style: str | None = None) -> Any:
    return document.add_paragraph(text, style=style if style and has_style(document, style) else None)


def title_block(document: Any, view: View, subtitle: str | None = None) -> None:
    """The title, then a subtitle line: the document type and the client, or `subtitle`."""
    if has_style(document, "Title"):
        document.add_paragraph(view.title, style="Title")
    else:
        run = document.add_paragraph().add_run(view.title)
        run.bold, run.font.size = True, Pt(22)
    line = subtitle if subtitle is not None else " · ".join(x for x in (view.kind_name, view.minutes.client) if x)
    if line:
        paragraph(document, "", "Subtitle").add_run(line)
    reviewed = reviewed_line(view)
    if reviewed:
        small_grey(document.add_paragraph().add_run(reviewed), size=9)


def shade(cell: Any, fill: str) -> None:
    props = cell._tc.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    props.append(shading)


def table(document: Any, widths: tuple[Any, ...], header: tuple[str, ...] | None = None) -> Any:
    """A table with fixed column widths and, when given, a shaded header row repeated on every page."""
    grid = document.add_table(rows=0, cols=len(widths))
    if has_style(document, "Table Grid"):
        grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    grid.autofit = False
    for column, width in zip(grid.columns, widths, strict=True):
        column.width = width
    if header is not None:
        row = grid.add_row()
        flag = OxmlElement("w:tblHeader")
        flag.set(qn("w:val"), "true")
        row._tr.get_or_add_trPr().append(flag)
        for cell, text, width in zip(row.cells, header, widths, strict=True):
            cell.width = width
            cell.paragraphs[0].add_run(text).bold = True
            shade(cell, HEADER_FILL)
    return grid


def row(grid: Any, values: tuple[str, ...], widths: tuple[Any, ...]) -> Any:
    """A row that is never split across two pages."""
    added = grid.add_row()
    added._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    for cell, text, width in zip(added.cells, values, widths, strict=True):
        cell.width = width
        cell.paragraphs[0].add_run(text)
    return added


def label_table(document: Any, rows: tuple[tuple[str, str], ...]) -> Any:
    """A two-column table of bold, shaded labels and their values."""
    grid = table(document, META_WIDTHS)
    for label, value in rows:
        added = row(grid, ("", value), META_WIDTHS)
        added.cells[0].paragraphs[0].add_run(label).bold = True
        shade(added.cells[0], LABEL_FILL)
    return grid


def metadata(document: Any, view: View) -> None:
    """Page 1's table: date, time, duration, participants, language (the one place the date is on page 1)."""
    label_table(document, metadata_rows(view))


def stamp(paragraph_: Any, item: Statement | ActionItem) -> None:
    """Where in the recording an item was said, small and grey, so it can be checked (none for the reviewer's own)."""
    if item.timed:
        small_grey(paragraph_.add_run(said_at(item, "  [{}]")))


def decisions(document: Any, view: View, *, level: int = 1) -> None:
    labels = view.labels
    heading(document, labels.decisions, level)
    if not view.minutes.decisions:
        paragraph(document, labels.no_decisions)
        return
    for decision in view.minutes.decisions:
        stamp(paragraph(document, decision.text, "List Number"), decision)


def actions(document: Any, view: View, title: str | None = None, *, level: int = 1) -> None:
    labels = view.labels
    heading(document, title or labels.actions, level)
    if not view.minutes.action_items:
        paragraph(document, labels.no_actions)
        return
    grid = table(document, ACTION_WIDTHS, (labels.action, labels.owner, labels.due))
    for item in view.minutes.action_items:
        values = (item.text, item.owner or labels.unassigned, due_label(item, view.language))
        stamp(row(grid, values, ACTION_WIDTHS).cells[0].paragraphs[0], item)
