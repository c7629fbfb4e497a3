"""The unit catalogue as a sheet to fill in: one unit a row, pre-filled with the
locality's units so it round-trips (download, edit, upload). «Loại» chooses from the
kinds (listed on a second sheet: labels hold commas, which an in-cell list cannot);
«Thuộc» suggests the sheet's own names. Read back by domain.unit_sheet, which finds
the header by its words."""

from __future__ import annotations

import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from tracker.exporters.cells import neutralise

COLUMNS = (
    ("Tên đơn vị", 44),
    ("Loại", 24),
    ("Tên viết tắt", 16),
    ("Tên gọi khác (cách nhau bởi ;)", 44),
    ("Thuộc", 30),
    ("Nhóm (cách nhau bởi ;)", 30),
)
HEADER_ROW = 3
BLANK_ROWS = 200  # rows prepared below the units (drop-downs)
KINDS_SHEET = "Loại đơn vị"


def generate_units_template(
    *, locality: str, rows: Sequence[Sequence[str]], kinds: Sequence[str]
) -> bytes:
    """`rows`: the units as the sheet writes them, in the order of COLUMNS."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Đơn vị"
    sheet["A1"] = neutralise(f"Danh mục đơn vị — {locality}")
    sheet["A1"].font = Font(bold=True, size=13)
    sheet["A2"] = (
        "Mỗi dòng một đơn vị. Bắt buộc: tên đơn vị, loại (chọn trong danh sách). Nhiều tên "
        "gọi khác hoặc nhiều nhóm thì cách nhau bởi dấu ;. Đơn vị không có trong bảng được "
        "giữ nguyên."
    )
    sheet["A2"].font = Font(italic=True)
    for col, (header, width) in enumerate(COLUMNS, start=1):
        cell = sheet.cell(HEADER_ROW, col, header)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="EEF2F6")
        sheet.column_dimensions[cell.column_letter].width = width
    first = HEADER_ROW + 1
    last = first + len(rows) + BLANK_ROWS - 1
    for r, values in enumerate(rows, start=first):
        for c, value in enumerate(values, start=1):
            sheet.cell(r, c, neutralise(value) if value else None)
    for row in range(first, last + 1):
        for col in range(1, len(COLUMNS) + 1):
            sheet.cell(row, col).number_format = "@"
            sheet.cell(row, col).alignment = Alignment(wrap_text=True, vertical="top")
    listed = workbook.create_sheet(KINDS_SHEET)
    listed["A1"] = "Loại"
    listed["A1"].font = Font(bold=True)
    listed.column_dimensions["A"].width = 30
    for row, label in enumerate(kinds, start=2):
        listed.cell(row, 1, label)
    kind_choice = DataValidation(
        type="list", formula1=f"'{KINDS_SHEET}'!$A$2:$A${len(kinds) + 1}", allow_blank=True
    )
    kind_choice.error = "Chọn một loại trong danh sách."
    # Free text is still allowed: a parent may be written by one of its other names.
    parent_choice = DataValidation(
        type="list", formula1=f"$A${first}:$A${last}", allow_blank=True, showErrorMessage=False
    )
    for validation, column in ((kind_choice, "B"), (parent_choice, "E")):
        sheet.add_data_validation(validation)
        validation.add(f"{column}{first}:{column}{last}")
    sheet.freeze_panes = sheet.cell(first, 2)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
