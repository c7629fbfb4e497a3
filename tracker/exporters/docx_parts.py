"""python-docx helpers for documents laid out after Nghị định 30/2020/NĐ-CP: Times New
Roman everywhere (Vietnamese needs the East Asian and complex-script slots set too),
A4 pages, borderless layout tables, short rules under header lines, table header rows
repeated on every page. Real paragraphs and tables only, so Word can edit everything."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from docx.document import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.section import Section
from docx.shared import Cm, Mm, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

FONT = "Times New Roman"
BODY_PT = 14
# What follows w:pBdr inside w:pPr (ECMA-376 order); Word rejects misordered children.
_AFTER_PBDR = (
    "w:shd",
    "w:tabs",
    "w:suppressAutoHyphens",
    "w:spacing",
    "w:ind",
    "w:contextualSpacing",
    "w:jc",
    "w:rPr",
)


# What follows w:pgNumType inside w:sectPr (ECMA-376 order).
_AFTER_PGNUMTYPE = (
    "w:cols",
    "w:formProt",
    "w:vAlign",
    "w:noEndnote",
    "w:titlePg",
    "w:textDirection",
    "w:bidi",
    "w:rtlGutter",
    "w:docGrid",
    "w:printerSettings",
    "w:sectPrChange",
)


def set_fonts(document: Document) -> None:
    """Times New Roman 14 pt for the Normal style and for tables."""
    for name in ("Normal", "Table Grid"):
        style: Any = document.styles[name]
        style.font.name = FONT
        rfonts = style.element.get_or_add_rPr().get_or_add_rFonts()
        for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            rfonts.set(qn(slot), FONT)
    normal: Any = document.styles["Normal"]
    normal.font.size = Pt(BODY_PT)


def a4(section: Section, landscape: bool = False) -> None:
    """A4; margins top/bottom 20 mm, left 30 mm, right 15 mm (NĐ 30/2020, Phụ lục I)."""
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (
        (Mm(297), Mm(210)) if landscape else (Mm(210), Mm(297))
    )
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)


def landscape_section(document: Document) -> Section:
    section: Section = document.add_section(WD_SECTION.NEW_PAGE)
    a4(section, landscape=True)
    return section


def para(
    container: Any,
    text: str = "",
    *,
    size: float = BODY_PT,
    bold: bool = False,
    italic: bool = False,
    align: WD_ALIGN_PARAGRAPH | None = WD_ALIGN_PARAGRAPH.CENTER,
    indent: bool = False,
    before: float = 0,
    after: float = 0,
) -> Paragraph:
    """A paragraph in `container` (the document or a cell) with one formatted run."""
    paragraph: Paragraph = container.add_paragraph()
    fmt = paragraph.paragraph_format
    fmt.alignment = align
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    fmt.line_spacing = 1.0
    if indent:
        fmt.first_line_indent = Cm(1)
    if text:
        run(paragraph, text, size=size, bold=bold, italic=italic)
    return paragraph


def run(
    paragraph: Paragraph, text: str, *, size: float, bold: bool = False, italic: bool = False
) -> None:
    r = paragraph.add_run(text)
    r.font.size, r.font.bold, r.font.italic = Pt(size), bold, italic


def body(
    document: Document, text: str = "", *, bold: bool = False, italic: bool = False
) -> Paragraph:
    """Body text: 14 pt, justified, first line indented 1 cm, 6 pt between paragraphs."""
    p = para(
        document,
        text,
        bold=bold,
        italic=italic,
        align=WD_ALIGN_PARAGRAPH.JUSTIFY,
        indent=True,
        before=6,
    )
    p.paragraph_format.line_spacing = 1.1
    return p


def rule(container: Any, width_mm: float, container_mm: float) -> None:
    """A short centred line: an empty 2 pt paragraph whose bottom border, between equal
    indents, is `width_mm` long (the underline of header lines in NĐ 30 documents)."""
    p = para(container, size=2)
    run(p, "", size=2)
    side = Mm(max(container_mm - width_mm, 0) / 2)
    p.paragraph_format.left_indent = p.paragraph_format.right_indent = side
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("val", "single"), ("sz", "6"), ("space", "1"), ("color", "auto")):
        bottom.set(qn(f"w:{key}"), value)
    border.append(bottom)
    p._p.get_or_add_pPr().insert_element_before(border, *_AFTER_PBDR)


def layout_table(document: Document, rows: int, widths_mm: Sequence[float]) -> Table:
    """A borderless table for laying out the header and the signature block."""
    table: Table = document.add_table(rows=rows, cols=len(widths_mm))
    fix_widths(table, widths_mm)
    return table


def grid_table(
    document: Document, widths_mm: Sequence[float], header: Sequence[str], size: float = 12
) -> Table:
    """A bordered table whose first row is a header repeated on every page."""
    table: Table = document.add_table(rows=1, cols=len(widths_mm))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    fix_widths(table, widths_mm)
    repeat_header(table.rows[0])
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        fill(cell, [text], size=size, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    return table


def fix_widths(table: Table, widths_mm: Sequence[float]) -> None:
    """Word reads cell widths, LibreOffice the grid: set both, and a fixed layout."""
    table.autofit = False
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table_pr = table._tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    table_pr.append(layout)
    for column, width in zip(table.columns, widths_mm, strict=True):
        column.width = Mm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths_mm, strict=True):
            cell.width = Mm(width)


def repeat_header(row: Any) -> None:
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(flag)


def add_row(table: Table, widths_mm: Sequence[float]) -> list[_Cell]:
    grid: Any = table  # python-docx leaves Table.add_row untyped
    added = grid.add_row()
    cells: list[_Cell] = added.cells
    for cell, width in zip(cells, widths_mm, strict=True):
        cell.width = Mm(width)
    return list(cells)


def fill(
    cell: _Cell,
    lines: Sequence[str],
    *,
    size: float = 11,
    bold: bool = False,
    italic: bool = False,
    align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.LEFT,
) -> None:
    """One paragraph per line, in the cell's existing first paragraph first."""
    first = cell.paragraphs[0]
    for index, line in enumerate(lines or [""]):
        paragraph = first if index == 0 else cell.add_paragraph()
        paragraph.paragraph_format.alignment = align
        paragraph.paragraph_format.space_before = paragraph.paragraph_format.space_after = Pt(1)
        if line:
            run(paragraph, line, size=size, bold=bold, italic=italic)


def page_numbers(section: Section, restart: bool = False) -> None:
    """Page numbers top centre from the section's second page (NĐ 30/2020, Phụ lục I:
    "số trang … đặt canh giữa theo chiều ngang trong phần lề trên"; the first page has
    none); `restart` numbers the section from 1 (an annex numbered on its own)."""
    section.different_first_page_header_footer = True
    section.header.is_linked_to_previous = False
    section.first_page_header.is_linked_to_previous = False
    paragraph = section.header.paragraphs[0]
    paragraph.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _field(paragraph, "PAGE", size=13)
    if restart:
        numbering = OxmlElement("w:pgNumType")
        numbering.set(qn("w:start"), "1")
        section._sectPr.insert_element_before(numbering, *_AFTER_PGNUMTYPE)


def _field(paragraph: Paragraph, code: str, size: float) -> None:
    """A simple field (PAGE) that Word and LibreOffice compute when they lay out."""
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), code)
    r = OxmlElement("w:r")
    props = OxmlElement("w:rPr")
    height = OxmlElement("w:sz")
    height.set(qn("w:val"), str(int(size * 2)))
    props.append(height)
    r.append(props)
    text = OxmlElement("w:t")
    text.text = "1"
    r.append(text)
    field.append(r)
    paragraph._p.append(field)


def highlight(paragraph: Paragraph) -> None:
    """Yellow highlight on every run: text the officer must check before signing."""
    for r in paragraph.runs:
        mark = OxmlElement("w:highlight")
        mark.set(qn("w:val"), "yellow")
        r._r.get_or_add_rPr().append(mark)
