"""The per-unit progress sheet for units that work offline: one row per assignment of
the unit for a period; the unit fills status, result and evidence and sends it back.

A hidden sheet carries what the file is for (plan, period, unit) so the upload can tell
a wrong file from a right one. Locked columns are protected; the import also compares
them with the database, since protection in Excel is easy to lift.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.worksheet.datavalidation import DataValidation

from tracker.domain.dates import screen_date
from tracker.exporters.cells import neutralise

MARKER = "PAPI-TRACKER tiến độ"
COLUMNS = (
    ("Mã", 8, True),
    ("STT", 7, True),
    ("Hoạt động", 60, True),
    ("Vai trò", 10, True),
    ("Thời hạn", 12, True),
    ("Tình trạng", 18, False),
    ("Kết quả thực hiện", 50, False),
    ("Văn bản, minh chứng", 40, False),
    ("Ngày hoàn thành (dd/mm/yyyy)", 16, False),
    ("Lý do không thực hiện", 30, False),
    ("Khó khăn, vướng mắc", 30, False),
    ("Đề xuất, kiến nghị", 30, False),
)
HEADER_ROW = 4


@dataclass(frozen=True)
class SheetRow:
    assignment_id: int
    number: str
    activity: str
    role: str
    due: str
    status: str = ""
    result: str = ""
    evidence: str = ""
    completed_on: date | None = None
    reason: str = ""
    difficulties: str = ""
    proposals: str = ""


def generate_progress_xlsx(
    *,
    title: str,
    unit: str,
    period_label: str,
    meta: dict[str, str | int],
    statuses: Sequence[str],
    rows: Sequence[SheetRow],
) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Báo cáo tiến độ"
    sheet["A1"] = neutralise(title)
    sheet["A1"].font = Font(bold=True, size=13)
    sheet["A2"] = neutralise(f"Đơn vị: {unit} — Kỳ: {period_label}")
    sheet["A3"] = (
        "Chỉ điền các cột từ «Tình trạng»; không sửa các cột Mã, STT, Hoạt động, Vai trò, Thời hạn."
    )
    sheet["A3"].font = Font(italic=True)
    for col, (header, width, _) in enumerate(COLUMNS, start=1):
        cell = sheet.cell(HEADER_ROW, col, header)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="EEF2F6")
        sheet.column_dimensions[cell.column_letter].width = width
    for r, row in enumerate(rows, start=HEADER_ROW + 1):
        values = (
            row.assignment_id,
            row.number,
            row.activity,
            row.role,
            row.due,
            row.status,
            row.result,
            row.evidence,
            screen_date(row.completed_on) if row.completed_on else "",
            row.reason,
            row.difficulties,
            row.proposals,
        )
        for col, value in enumerate(values, start=1):
            cell = sheet.cell(r, col, neutralise(value) if isinstance(value, str) else value)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            cell.protection = Protection(locked=COLUMNS[col - 1][2])
    last = HEADER_ROW + max(len(rows), 1)
    choices = DataValidation(type="list", formula1='"' + ",".join(statuses) + '"', allow_blank=True)
    choices.error = "Chọn một tình trạng trong danh sách."
    sheet.add_data_validation(choices)
    choices.add(f"F{HEADER_ROW + 1}:F{last}")
    sheet.freeze_panes = sheet.cell(HEADER_ROW + 1, 6)
    sheet.auto_filter.ref = f"A{HEADER_ROW}:L{last}"
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False
    sheet.protection.autoFilter = False
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    info = workbook.create_sheet("_meta")
    info.append([MARKER])
    for key, value in meta.items():
        info.append([key, value])
    info.sheet_state = "hidden"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
