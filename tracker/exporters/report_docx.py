"""The progress report the district sends upward, as a Word file laid out after
Nghị định 30/2020/NĐ-CP: header table, "BÁO CÁO" and the subject, "Kính gửi", the
opening, sections I–IV (report_text), "Nơi nhận" and the signature block with the
signer's name, page numbers top centre from page 2; then a landscape PHỤ LỤC, numbered
on its own, with the annex matrix and each activity's status, result and evidence."""

from __future__ import annotations

import io
from collections.abc import Sequence

from docx import Document as new_document
from docx.document import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt, RGBColor
from docx.table import Table, _Cell

from tracker.domain.documents import (
    NATIONAL_MOTTO,
    NATIONAL_TITLE,
    REPORT_TYPE,
    SIGNATURES,
    annex_note,
    blank_dated_line,
    dated_line,
    header_lines,
    number_line,
    upper_first,
)
from tracker.domain.figures import REPORT_LABELS, Outcome
from tracker.exporters import report_text as words
from tracker.exporters.data import ActivityRow, FigureLine, ReportData
from tracker.exporters.docx_parts import (
    a4,
    add_row,
    body,
    fill,
    grid_table,
    highlight,
    landscape_section,
    layout_table,
    page_numbers,
    para,
    rule,
    set_fonts,
)

HEADER_MM = (62.0, 103.0)  # the two header columns on a 165 mm text width
FIGURE_MM = (12.0, 63.0, 16.0, 19.0, 18.0, 19.0, 18.0)
ANNEX_MM = (12.0, 24.0, 56.0, 28.0, 30.0, 20.0, 24.0, 36.0, 22.0)  # 252 mm landscape
ANNEX_HEADER = (
    "STT",
    "Nội dung",
    "Hoạt động",
    "Đơn vị chủ trì",
    "Đơn vị phối hợp",
    "Thời gian thực hiện",
    "Tình trạng",
    "Kết quả thực hiện",
    "Văn bản, minh chứng",
)
CENTER, LEFT = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.LEFT


def generate_docx(data: ReportData) -> bytes:
    document = new_document()
    set_fonts(document)
    a4(document.sections[0])
    page_numbers(document.sections[0])
    _core_properties(document, data)
    _header(document, data)
    _title(document, data)
    _sections(document, data)
    _signature(document, data)
    _annex(document, data)
    if data.demo_notice:
        _demo_mark(document, data.demo_notice)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _demo_mark(document: Document, notice: str) -> None:
    """Demo data says so atop every page (each section's headers) and in its properties."""
    document.core_properties.subject = notice
    for section in document.sections:
        for header in (section.first_page_header, section.header):
            if header.is_linked_to_previous:
                continue  # it shows the previous section's, already marked
            paragraph = header.paragraphs[0].insert_paragraph_before()
            paragraph.paragraph_format.alignment = CENTER
            run = paragraph.add_run(notice.upper())
            run.bold, run.font.size = True, Pt(11)
            run.font.color.rgb = RGBColor(0xB0, 0x00, 0x20)


def _core_properties(document: Document, data: ReportData) -> None:
    props = document.core_properties
    props.title = words.subject(data)[:255]
    props.author = props.last_modified_by = "PAPI Tracker"
    stamp = data.generated_at.replace(tzinfo=None)
    props.created = props.modified = stamp
    props.revision = 1


def _header(document: Document, data: ReportData) -> None:
    """Row 1: issuing body | national title and motto; row 2: number | place and date."""
    table = layout_table(document, 2, HEADER_MM)
    left, right = table.rows[0].cells
    lines = header_lines(data.issuing_body, data.governing_body)
    fill(left, [text for text, _bold in lines], size=13, bold=True, align=CENTER)
    for paragraph, (_text, bold) in zip(left.paragraphs, lines, strict=True):
        for run in paragraph.runs:
            run.bold = bold
    rule(left, 22, HEADER_MM[0])
    fill(right, [NATIONAL_TITLE], size=12, bold=True, align=CENTER)
    para(right, NATIONAL_MOTTO, size=13, bold=True)
    rule(right, 58, HEADER_MM[1])
    number, place = table.rows[1].cells
    fill(number, [number_line(data.document_number)], size=13, align=CENTER)
    fill(place, [_dated(data)], size=13, italic=True, align=CENTER)


def _dated(data: ReportData) -> str:
    """The signing date, or its day left blank for the clerk (a draft)."""
    if data.signed_on is not None:
        return dated_line(data.place_name, data.signed_on)
    return blank_dated_line(data.place_name, data.as_of)


def _title(document: Document, data: ReportData) -> None:
    para(document, REPORT_TYPE, bold=True, before=18)
    para(document, words.subject(data), bold=True, before=2)
    rule(document, 40, 165)
    if data.recipient:
        para(document, f"Kính gửi: {data.recipient}.", before=12, after=6)


def _sections(document: Document, data: ReportData) -> None:
    heading = iter(words.HEADINGS)
    for line in words.opening(data):
        body(document, line)
    body(document, next(heading), bold=True)
    body(document, "1. Kết quả chung", bold=True)
    for line in words.overall(data):
        body(document, line)
    for index in data.by_index:  # one table per framework the plan follows
        if index.lines:
            body(document, words.index_lead(data, index))
            _figure_table(document, data, upper_first(index.dimension_noun), index.lines)
    if data.by_commune:
        body(document, words.rollup_lead(data, communes=True))
        _figure_table(document, data, "Xã, phường", data.by_commune)
    if data.by_department:
        body(document, words.rollup_lead(data, communes=False))
        _figure_table(document, data, "Cơ quan, đơn vị", data.by_department)
    body(document, "2. Kết quả thực hiện theo từng nội dung của Kế hoạch", bold=True)
    for title, lines in words.group_sections(data):
        body(document, title, bold=True)
        for line in lines:
            body(document, line)
    body(document, next(heading), bold=True)
    highlight(body(document, words.DRAFT_NOTE, italic=True))
    body(document, "1. Ưu điểm", bold=True)
    for line in words.strengths(data):
        body(document, line)
    body(document, "2. Tồn tại, hạn chế và nguyên nhân", bold=True)
    for line in words.weaknesses(data):
        paragraph = body(document, line)
        if line == words.CAUSES:
            highlight(paragraph)
    body(document, next(heading), bold=True)
    for line in words.directions(data):
        body(document, line)
    proposals = words.proposals(data)
    if proposals:
        body(document, next(heading), bold=True)
        for line in proposals:
            body(document, line)
    body(document, words.closing(data))


def _figure_table(
    document: Document, data: ReportData, what: str, rows: Sequence[FigureLine]
) -> None:
    noun = data.noun
    header = (
        "STT",
        what,
        f"Số {noun}",
        "Đã và đang triển khai",
        "Tỷ lệ",
        "Đã hoàn thành",
        "Tỷ lệ",
    )
    table = grid_table(document, FIGURE_MM, header)
    for row in rows:
        cells = add_row(table, FIGURE_MM)
        values = (
            row.key,
            row.label,
            str(row.total),
            row.carried_fraction,
            row.carried_percent,
            row.done_fraction,
            row.done_percent,
        )
        for index, (cell, value) in enumerate(zip(cells, values, strict=True)):
            fill(cell, [value], size=12, align=LEFT if index == 1 else CENTER)
    para(document, size=6)


def _signature(document: Document, data: ReportData) -> None:
    """ "Nơi nhận" bottom left (12 pt bold italic, list 11 pt); the signer's block bottom
    right: the title, room for the signature, then the signer's name (a dotted line for
    the clerk when the plan names nobody)."""
    para(document, size=6)
    table = layout_table(document, 1, (80.0, 85.0))
    left, right = table.rows[0].cells
    fill(left, ["Nơi nhận:"], size=12, bold=True, italic=True, align=LEFT)
    for line in words.recipients(data):
        para(left, line, size=11, align=LEFT)
    title = SIGNATURES.get(data.signer_role, SIGNATURES["deputy"])
    fill(right, list(title), size=14, bold=True, align=CENTER)
    for _ in range(4):
        para(right, "")
    para(right, data.signer_name or "……………………………", size=14, bold=bool(data.signer_name))


def _annex(document: Document, data: ReportData) -> None:
    page_numbers(landscape_section(document), restart=True)
    # The paragraph that now ends the first section must not spill onto a page of its own.
    ending = document.paragraphs[-1].paragraph_format
    ending.line_spacing, ending.space_before, ending.space_after = Pt(1), Pt(0), Pt(0)
    para(document, "PHỤ LỤC", bold=True)
    title = f"TÌNH HÌNH THỰC HIỆN CÁC HOẠT ĐỘNG CỦA KẾ HOẠCH SỐ {data.plan_number}".upper()
    para(document, title, bold=True, before=2)
    period = f"Kỳ báo cáo: {data.round_label}; " if data.round_label else ""
    para(document, f"{period}tính đến ngày {words.as_of_day(data)}", size=13, before=2)
    signed = data.signed_on or data.as_of
    note = annex_note(
        data.document_number, signed, data.issuing_body, blank_day=data.signed_on is None
    )
    para(document, note, size=13, italic=True, before=2, after=8)
    table = grid_table(document, ANNEX_MM, ANNEX_HEADER, size=11)
    for group in data.groups:
        first = len(table.rows)
        if group.intro:
            cells = add_row(table, ANNEX_MM)
            fill(cells[2], [group.intro], italic=True)
        for activity in group.activities:
            _annex_row(add_row(table, ANNEX_MM), activity)
        _merge_group(table, first, group.label, group.title)


def _annex_row(cells: list[_Cell], activity: ActivityRow) -> None:
    label = REPORT_LABELS[Outcome(activity.outcome)] if activity.outcome else activity.status
    status = [label] + ([activity.progress] if activity.progress else [])
    fill(cells[2], [activity.heading])
    fill(cells[3], _units(activity.lead_units))
    fill(cells[4], _units(activity.support_units))
    fill(cells[5], [activity.timeframe_text], align=CENTER)
    fill(cells[6], status)
    fill(cells[7], activity.result_lines())
    fill(cells[8], activity.evidence_lines())


def _units(names: Sequence[str]) -> list[str]:
    return [f"- {n}." for n in names] if len(names) > 1 else [f"{n}." for n in names]


def _merge_group(table: Table, first: int, label: str, title: str) -> None:
    """STT and Nội dung are given once per group, in merged cells, as in the annex."""
    last = len(table.rows) - 1
    if last < first:
        return
    for column, text in ((0, label), (1, title)):
        top = table.cell(first, column)
        if last > first:
            top = top.merge(table.cell(last, column))
        fill(top, [text], align=CENTER if column == 0 else LEFT)
