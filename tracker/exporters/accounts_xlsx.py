"""The blank sheet for creating many accounts at once: one person a row (họ tên, đơn vị,
e-mail, điện thoại, optionally vai trò and tên đăng nhập), with the locality's units on
a second sheet for the «Đơn vị» drop-down. Read back by domain.accounts, which finds
the header by its words, so columns may be moved or left out (except Họ tên, Đơn vị)."""

from __future__ import annotations

from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.styles import Alignment
from openpyxl.worksheet.datavalidation import DataValidation

from tracker.exporters.template_sheet import choices_sheet, framed_sheet, workbook_bytes

COLUMNS = (
    ("Họ tên", 28),
    ("Đơn vị", 40),
    ("E-mail", 30),
    ("Điện thoại", 16),
    ("Vai trò", 26),
    ("Tên đăng nhập", 22),
)
HEADER_ROW = 3
BLANK_ROWS = 200  # rows prepared (text format, drop-downs)
UNITS_SHEET = "Danh mục đơn vị"


def generate_accounts_template(
    *, locality: str, units: Sequence[str], roles: Sequence[str], default_role: str
) -> bytes:
    workbook = Workbook()
    how = (
        "Mỗi dòng một người. Bắt buộc: họ tên, đơn vị (chọn trong danh sách). "
        f"Vai trò để trống là «{default_role}»; tên đăng nhập để trống thì hệ thống tự tạo."
    )
    title = f"Danh sách tài khoản cần tạo — {locality}"
    sheet = framed_sheet(workbook, "Tài khoản", title, how, COLUMNS, HEADER_ROW)
    first, last = HEADER_ROW + 1, HEADER_ROW + BLANK_ROWS
    for row in range(first, last + 1):
        # Text cells: Excel keeps a phone number's leading 0 and never reads a date.
        for col in range(1, len(COLUMNS) + 1):
            sheet.cell(row, col).number_format = "@"
        sheet.cell(row, 2).alignment = Alignment(wrap_text=True)
    # Free text is still allowed: a unit written another way is matched by its aliases.
    unit_choice = DataValidation(
        type="list",
        formula1=choices_sheet(workbook, UNITS_SHEET, "Đơn vị", 60, units),
        allow_blank=True,
        showErrorMessage=False,
    )
    role_choice = DataValidation(
        type="list", formula1='"' + ",".join(roles) + '"', allow_blank=True
    )
    role_choice.error = "Chọn một vai trò trong danh sách."
    for validation, column in ((unit_choice, "B"), (role_choice, "E")):
        sheet.add_data_validation(validation)
        validation.add(f"{column}{first}:{column}{last}")
    sheet.freeze_panes = sheet.cell(first, 1)
    return workbook_bytes(workbook)
