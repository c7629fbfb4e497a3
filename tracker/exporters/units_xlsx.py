"""The unit catalogue as a sheet to fill in: one unit a row, pre-filled with the
locality's units so it round-trips (download, edit, upload). «Loại» chooses from the
kinds (listed on a second sheet: labels hold commas, which an in-cell list cannot);
«Thuộc» suggests the sheet's own names. Read back by domain.unit_sheet, which finds
the header by its words."""

from __future__ import annotations

from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.styles import Alignment
from openpyxl.worksheet.datavalidation import DataValidation

from tracker.exporters.cells import neutralise
from tracker.exporters.template_sheet import choices_sheet, framed_sheet, workbook_bytes

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
    how = (
        "Mỗi dòng một đơn vị. Bắt buộc: tên đơn vị, loại (chọn trong danh sách). Nhiều tên "
        "gọi khác hoặc nhiều nhóm thì cách nhau bởi dấu ;. Đơn vị không có trong bảng được "
        "giữ nguyên."
    )
    title = f"Danh mục đơn vị — {locality}"
    sheet = framed_sheet(workbook, "Đơn vị", title, how, COLUMNS, HEADER_ROW)
    first = HEADER_ROW + 1
    last = first + len(rows) + BLANK_ROWS - 1
    for r, values in enumerate(rows, start=first):
        for c, value in enumerate(values, start=1):
            sheet.cell(r, c, neutralise(value) if value else None)
    for row in range(first, last + 1):
        for col in range(1, len(COLUMNS) + 1):
            sheet.cell(row, col).number_format = "@"
            sheet.cell(row, col).alignment = Alignment(wrap_text=True, vertical="top")
    kind_choice = DataValidation(
        type="list",
        formula1=choices_sheet(workbook, KINDS_SHEET, "Loại", 30, kinds),
        allow_blank=True,
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
    return workbook_bytes(workbook)
