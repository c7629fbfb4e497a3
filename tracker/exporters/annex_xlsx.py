"""The annex matrix with each activity's status, result and evidence for a period, and
a summary sheet of the figures with their numerators, denominators and rule.

Printable as delivered: A4 landscape, fit to one page wide, header rows repeated on
every page; on screen: frozen header, auto-filter, widths set, text wrapped. Every text
cell goes through `neutralise` so nothing a unit typed can run as a formula."""

from __future__ import annotations

import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.worksheet import Worksheet

from tracker.domain.documents import cited_date
from tracker.exporters.cells import neutralise
from tracker.exporters.data import ActivityRow, FigureLine, ReportData

Cell = str | int | None
ANNEX_COLUMNS = (
    ("STT", 6),
    ("Nội dung", 24),
    ("Số", 7),
    ("Hoạt động", 50),
    ("Đơn vị chủ trì", 26),
    ("Đơn vị phối hợp", 26),
    ("Thời gian thực hiện", 16),
    ("Tình trạng", 22),
    ("Tiến độ đơn vị", 16),
    ("Kết quả thực hiện", 45),
    ("Văn bản, minh chứng", 35),
)
FIGURE_HEADER = (
    "Mã",
    "Tên",
    "Tổng số",
    "Đã và đang triển khai",
    "Tỷ lệ triển khai",
    "Đã hoàn thành",
    "Tỷ lệ hoàn thành",
)
ANNEX_HEADER_ROW = 4
BOLD = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="E8EDF2")
THIN = Side(style="thin", color="999999")
GRID = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")


def generate_annex_xlsx(data: ReportData) -> bytes:
    workbook = Workbook()
    annex = workbook.active
    annex.title = "Phụ lục"
    _annex_sheet(annex, data)
    _summary_sheet(workbook.create_sheet("Số liệu"), data)
    workbook.properties.creator = "PAPI Tracker"
    workbook.properties.created = workbook.properties.modified = data.generated_at.replace(
        tzinfo=None
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _put(sheet: Worksheet, row: int, values: Sequence[Cell], bold: bool = False) -> None:
    for column, value in enumerate(values, start=1):
        cell = sheet.cell(row, column, neutralise(value) if isinstance(value, str) else value)
        cell.alignment = WRAP
        if bold:
            cell.font = BOLD


def _title(sheet: Worksheet, data: ReportData, title: str) -> None:
    sheet["A1"] = neutralise(title)
    sheet["A1"].font = Font(bold=True, size=13)
    if data.demo_notice:  # in the title, on screen, and atop every printed page
        sheet["A1"] = neutralise(f"{title} — {data.demo_notice.upper()}")
        sheet["A1"].font = Font(bold=True, size=13, color="B00020")
        sheet.oddHeader.center.text = data.demo_notice
    period = f"Kỳ báo cáo: {data.period.label}; " if data.period else ""
    sheet["A2"] = neutralise(
        f"{data.issuing_body} — Kế hoạch số {data.plan_number} — {period}"
        f"tính đến ngày {cited_date(data.as_of)}"
    )
    sheet["A3"] = neutralise(f"Cách tính: {data.rule}. Chỉ tính báo cáo đã được chấp nhận.")
    sheet["A3"].font = Font(italic=True)


def _annex_sheet(sheet: Worksheet, data: ReportData) -> None:
    _title(sheet, data, f"PHỤ LỤC — TÌNH HÌNH THỰC HIỆN KẾ HOẠCH SỐ {data.plan_number}")
    header = ANNEX_HEADER_ROW
    for column, (name, width) in enumerate(ANNEX_COLUMNS, start=1):
        cell = sheet.cell(header, column, name)
        cell.font, cell.fill, cell.border = BOLD, HEADER_FILL, GRID
        cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
        sheet.column_dimensions[cell.column_letter].width = width
    row = header
    for group in data.groups:
        if group.intro:
            row += 1
            _put(sheet, row, [group.label, group.title, "", group.intro])
            sheet.cell(row, 4).font = Font(italic=True)
        for activity in group.activities:
            row += 1
            _put(sheet, row, _annex_values(group.label, group.title, activity))
    last_column = sheet.cell(header, len(ANNEX_COLUMNS)).column_letter
    for line in sheet.iter_rows(min_row=header + 1, max_row=row):
        for cell in line:
            cell.border = GRID
    sheet.freeze_panes = sheet.cell(header + 1, 4)
    sheet.auto_filter.ref = f"A{header}:{last_column}{max(row, header + 1)}"
    _printable(sheet, f"{header}:{header}")


def _annex_values(label: str, title: str, activity: ActivityRow) -> list[Cell]:
    return [
        label,
        title,
        activity.number,
        activity.text,
        "\n".join(activity.lead_units),
        "\n".join(activity.support_units),
        activity.timeframe_text,
        activity.status,
        activity.progress,
        "\n".join(activity.result_lines()),
        "\n".join(activity.evidence_lines()),
    ]


def _printable(sheet: Worksheet, title_rows: str) -> None:
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # as many pages tall as it takes
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = title_rows
    sheet.page_margins.left = sheet.page_margins.right = 0.5
    sheet.page_margins.top = sheet.page_margins.bottom = 0.6


def _summary_sheet(sheet: Worksheet, data: ReportData) -> None:
    _title(sheet, data, f"SỐ LIỆU THỰC HIỆN KẾ HOẠCH SỐ {data.plan_number}")
    row = 5
    lines = [data.summary, *([data.in_round] if data.in_round else []), *data.progress]
    for text in lines:
        _put(sheet, row, [text])
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=7)
        sheet.row_dimensions[row].height = 45 if len(text) > 120 else 18
        row += 1
    row += 1
    _put(sheet, row, ["Tình trạng", "Số", "Trên tổng số", "Phân số", "Tỷ lệ", "Cách tính"], True)
    header_row = row
    for o in data.outcomes:
        row += 1
        _put(sheet, row, [o.label, o.count, o.total, o.fraction, o.percent, data.rule])
    for index in data.by_index:  # one block per framework the plan follows
        title = f"Theo {index.dimension_noun} {index.short_name}"
        row = _figure_block(sheet, row + 2, title, index.lines)
    row = _figure_block(sheet, row + 2, "Theo nhóm nội dung", data.by_group)
    row = _figure_block(sheet, row + 2, "Theo đơn vị chủ trì", data.by_unit)
    row += 2
    _put(sheet, row, ["Biểu mẫu 1"], True)
    _put(sheet, row + 1, ["STT", "Chỉ tiêu thống kê", "Đơn vị tính", "Số liệu", "Ghi chú"], True)
    for offset, form in enumerate(data.form, start=2):
        value: Cell = form.value if form.value is not None else form.text
        _put(sheet, row + offset, [form.number, form.label, form.unit, value, form.note])
    for column, width in zip("ABCDEFG", (30, 40, 12, 14, 14, 14, 14), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = sheet.cell(header_row + 1, 1)
    _printable(sheet, f"{header_row}:{header_row}")


def _figure_block(sheet: Worksheet, row: int, title: str, lines: Sequence[FigureLine]) -> int:
    _put(sheet, row, [title], True)
    _put(sheet, row + 1, FIGURE_HEADER, True)
    for offset, line in enumerate(lines, start=2):
        values: list[Cell] = [
            line.key,
            line.label,
            line.total,
            line.carried,
            line.carried_percent,
            line.done,
            line.done_percent,
        ]
        _put(sheet, row + offset, values)
    return row + 1 + len(lines)
