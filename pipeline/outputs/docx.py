"""Minutes as a Word document, with python-docx. The only module that imports ``docx``.

The document uses real Word styles (Title, Heading 1/2, List Number, List Bullet), so its
headings appear in the navigation pane and a client's template restyles it. A template's body is
dropped; its styles, page setup, letterhead header and footer are kept.
"""

from __future__ import annotations

import contextlib
import logging
from pathlib import Path
from typing import IO, Any

import docx
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from pipeline.errors import DocumentError
from pipeline.locale import locale_for
from pipeline.locale.schema import DocumentLabels
from pipeline.outputs.labels import due_label, labels_for, metadata_rows, speaker_prefix
from pipeline.summarize.humanize import format_date, format_duration, format_share, format_timestamp
from pipeline.summarize.model import Minutes

logger = logging.getLogger(__name__)

_GREY = RGBColor(0x6B, 0x72, 0x80)
_ACCENT = RGBColor(0x1F, 0x3A, 0x5F)
_HEADER_FILL = "DCE3EC"
_LABEL_FILL = "F1F4F8"
_ACTION_WIDTHS = (Cm(8.8), Cm(3.8), Cm(4.4))
_META_WIDTHS = (Cm(4.0), Cm(13.0))
_PEOPLE_WIDTHS = (Cm(8.0), Cm(5.0), Cm(4.0))


def write_minutes_docx(minutes: Minutes, out: Path | IO[bytes], template: Path | None = None) -> None:
    """Write the minutes as a .docx file.

    Args:
        minutes: The minutes to write.
        out: A path or a writable binary stream.
        template: A client's .docx whose styles, page setup, header and footer are used.

    Raises:
        DocumentError: the template cannot be opened, or the file cannot be written.
    """
    labels = labels_for(minutes.language)
    document = _open(template)
    _prepare(document, minutes, labels, own_styles=template is None)
    _title_block(document, minutes, labels)
    _metadata(document, minutes, labels)
    _heading(document, labels.summary, 1)
    _paragraph(document, minutes.summary)
    _participants(document, minutes, labels)
    _decisions(document, minutes, labels)
    _actions(document, minutes, labels)
    _topics(document, minutes, labels)
    _open_questions(document, minutes, labels)
    _transcript(document, minutes, labels)
    try:
        if isinstance(out, Path):
            # Our own handle, closed even when the disk is full (python-docx would leak its file).
            with out.open("wb") as handle:
                document.save(handle)
        else:
            document.save(out)  # type: ignore[arg-type]
    except OSError as e:
        if isinstance(out, Path):
            with contextlib.suppress(OSError):  # e.g. the name itself was refused: nothing was written
                out.unlink(missing_ok=True)  # no half-written document left next to the good ones
        raise DocumentError(f"{out}: cannot write the document ({e.strerror or e})") from e
    logger.info("Wrote DOCX minutes%s", f" to {out}" if isinstance(out, Path) else "")


def _open(template: Path | None) -> Any:
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


def _has_style(document: Any, name: str) -> bool:
    return any(s.name == name for s in document.styles)


def _prepare(document: Any, minutes: Minutes, labels: DocumentLabels, own_styles: bool) -> None:
    props = document.core_properties
    props.title = minutes.title
    tag = locale_for(minutes.language).tag
    props.language = tag
    props.subject = labels.document
    props.author = "minutier"
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
        document.styles["Title"].font.size = Pt(24)
        for level, size in ((1, 14), (2, 12)):
            heading = document.styles[f"Heading {level}"]
            heading.font.size = Pt(size)
            heading.font.color.rgb = _ACCENT
            heading.paragraph_format.space_before = Pt(14 if level == 1 else 10)
            heading.paragraph_format.keep_with_next = True
    if not _has_text(section.header):
        _header(section.header, minutes, labels)
    if not _has_text(section.footer):
        _footer(section.footer, minutes, labels)


def _has_text(part: Any) -> bool:
    return any(p.text.strip() for p in part.paragraphs) or bool(part.tables)


def _set_language(document: Any, locale: str) -> None:
    """Mark the text as `locale` so Word's spelling and hyphenation use the right language."""
    rpr = document.styles.element.find(qn("w:docDefaults"))
    rpr = rpr.find(qn("w:rPrDefault")) if rpr is not None else None
    rpr = rpr.find(qn("w:rPr")) if rpr is not None else None
    if rpr is None:
        rpr = document.styles["Normal"].element.get_or_add_rPr()
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), locale)


def _field(paragraph: Any, instruction: str) -> None:
    """Insert a field (PAGE, NUMPAGES) that Word and LibreOffice compute when rendering."""
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), f" {instruction} ")
    paragraph._p.append(field)
    run = _small_grey(paragraph.add_run("1"))
    field.append(run._r)


def _small_grey(run: Any, size: float = 8.5) -> Any:
    run.font.size = Pt(size)
    run.font.color.rgb = _GREY
    return run


def _header(header: Any, minutes: Minutes, labels: DocumentLabels) -> None:
    paragraph = header.paragraphs[0]
    left = " · ".join(x for x in (labels.document, minutes.client) if x)
    right = format_date(minutes.held_on, minutes.language) if minutes.held_on else ""
    _small_grey(paragraph.add_run(f"{left}\t\t{right}" if right else left))


def _footer(footer: Any, minutes: Minutes, labels: DocumentLabels) -> None:
    paragraph = footer.paragraphs[0]
    _small_grey(paragraph.add_run(f"{minutes.title}\t\t{labels.page} "))
    _field(paragraph, "PAGE")
    _small_grey(paragraph.add_run(f" {labels.page_of} "))
    _field(paragraph, "NUMPAGES")


def _heading(document: Any, text: str, level: int) -> Any:
    if _has_style(document, f"Heading {level}"):
        return document.add_heading(text, level=level)
    paragraph = document.add_paragraph()
    paragraph.add_run(text).bold = True
    return paragraph


def _paragraph(document: Any, text: str, style: str | None = None) -> Any:
    return document.add_paragraph(text, style=style if style and _has_style(document, style) else None)


def _title_block(document: Any, minutes: Minutes, labels: DocumentLabels) -> None:
    if _has_style(document, "Title"):
        document.add_paragraph(minutes.title, style="Title")
    else:
        run = document.add_paragraph().add_run(minutes.title)
        run.bold, run.font.size = True, Pt(22)
    parts = [minutes.client or "", format_date(minutes.held_on, minutes.language) if minutes.held_on else ""]
    subtitle = " — ".join(p for p in parts if p)
    if subtitle:
        paragraph = _paragraph(document, "", "Subtitle")
        paragraph.add_run(subtitle)


def _shade(cell: Any, fill: str) -> None:
    props = cell._tc.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    props.append(shading)


def _table(document: Any, columns: int, widths: tuple[Any, ...], header: tuple[str, ...] | None = None) -> Any:
    table = document.add_table(rows=0, cols=columns)
    if _has_style(document, "Table Grid"):
        table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    if header is not None:
        row = table.add_row()
        _repeat_header(row)
        for cell, text, width in zip(row.cells, header, widths, strict=True):
            cell.width = width
            cell.paragraphs[0].add_run(text).bold = True
            _shade(cell, _HEADER_FILL)
    return table


def _repeat_header(row: Any) -> None:
    props = row._tr.get_or_add_trPr()
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    props.append(flag)


def _row(table: Any, values: tuple[str, ...], widths: tuple[Any, ...]) -> Any:
    row = table.add_row()
    row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    for cell, text, width in zip(row.cells, values, widths, strict=True):
        cell.width = width
        cell.paragraphs[0].add_run(text)
    return row


def _metadata(document: Any, minutes: Minutes, labels: DocumentLabels) -> None:
    table = _table(document, 2, _META_WIDTHS)
    for label, value in metadata_rows(minutes, labels):
        row = _row(table, ("", value), _META_WIDTHS)
        row.cells[0].paragraphs[0].add_run(label).bold = True
        _shade(row.cells[0], _LABEL_FILL)


def _participants(document: Any, minutes: Minutes, labels: DocumentLabels) -> None:
    if not minutes.participants:
        return
    _heading(document, labels.participants, 1)
    table = _table(document, 3, _PEOPLE_WIDTHS, (labels.participant, labels.speaking_time, labels.share))
    for person in minutes.participants:
        row = _row(
            table,
            (
                person.name,
                format_duration(person.speaking_time, minutes.language),
                format_share(person.share, minutes.language),
            ),
            _PEOPLE_WIDTHS,
        )
        for cell in row.cells[1:]:
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT


def _stamp(paragraph: Any, start: float) -> None:
    _small_grey(paragraph.add_run(f"  [{format_timestamp(start)}]"))


def _decisions(document: Any, minutes: Minutes, labels: DocumentLabels) -> None:
    _heading(document, labels.decisions, 1)
    if not minutes.decisions:
        _paragraph(document, labels.no_decisions)
        return
    for decision in minutes.decisions:
        paragraph = _paragraph(document, decision.text, "List Number")
        _stamp(paragraph, decision.start)


def _actions(document: Any, minutes: Minutes, labels: DocumentLabels) -> None:
    _heading(document, labels.actions, 1)
    if not minutes.action_items:
        _paragraph(document, labels.no_actions)
        return
    table = _table(document, 3, _ACTION_WIDTHS, (labels.action, labels.owner, labels.due))
    for item in minutes.action_items:
        row = _row(
            table, (item.text, item.owner or labels.unassigned, due_label(item, minutes.language)), _ACTION_WIDTHS
        )
        _stamp(row.cells[0].paragraphs[0], item.start)


def _topics(document: Any, minutes: Minutes, labels: DocumentLabels) -> None:
    if not minutes.topics:
        return
    _heading(document, labels.topics, 1)
    for number, topic in enumerate(minutes.topics, start=1):
        _heading(document, f"{number}. {topic.title}", 2)
        span = _paragraph(document, "")
        span.paragraph_format.keep_with_next = True
        _small_grey(span.add_run(f"{format_timestamp(topic.start)} – {format_timestamp(topic.end)}"))
        for point in topic.key_points:
            _paragraph(document, point.text, "List Bullet")


def _open_questions(document: Any, minutes: Minutes, labels: DocumentLabels) -> None:
    if not minutes.open_questions:
        return
    _heading(document, labels.open_questions, 1)
    for question in minutes.open_questions:
        paragraph = _paragraph(document, question.text, "List Bullet")
        _stamp(paragraph, question.start)


def _transcript(document: Any, minutes: Minutes, labels: DocumentLabels) -> None:
    if not minutes.transcript.utterances:
        return
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    _heading(document, labels.transcript, 1)
    for utt in minutes.transcript.utterances:
        paragraph = document.add_paragraph()
        paragraph.paragraph_format.space_after = Pt(3)
        _small_grey(paragraph.add_run(f"[{format_timestamp(utt.start)}]  "))
        if utt.speaker is not None:
            paragraph.add_run(
                speaker_prefix(minutes.transcript.display_name(utt.speaker), minutes.language)
            ).bold = True
        paragraph.add_run(utt.text.strip())
