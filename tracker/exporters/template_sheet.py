"""The frame of a sheet people fill in and upload again (accounts, the unit catalogue):
a title, a line on how to fill it, a header row of named and sized columns, and a
second sheet listing the choices of a drop-down."""

from __future__ import annotations

import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from tracker.exporters.cells import neutralise


def framed_sheet(
    workbook: Workbook,
    name: str,
    title: str,
    how: str,
    columns: Sequence[tuple[str, float]],
    header_row: int,
) -> Worksheet:
    """The workbook's first sheet, called `name`: `title` in A1, `how` in A2, then the
    `columns` (heading, width) on `header_row`."""
    sheet = workbook.active
    sheet.title = name
    sheet["A1"] = neutralise(title)
    sheet["A1"].font = Font(bold=True, size=13)
    sheet["A2"] = how
    sheet["A2"].font = Font(italic=True)
    for col, (header, width) in enumerate(columns, start=1):
        cell = sheet.cell(header_row, col, header)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="EEF2F6")
        sheet.column_dimensions[cell.column_letter].width = width
    return sheet


def choices_sheet(
    workbook: Workbook, name: str, heading: str, width: float, values: Sequence[str]
) -> str:
    """A sheet `name` listing `values` under `heading`; the range a drop-down reads (one
    row at least, so an empty list is still a valid range)."""
    listed = workbook.create_sheet(name)
    listed["A1"] = heading
    listed["A1"].font = Font(bold=True)
    listed.column_dimensions["A"].width = width
    for row, value in enumerate(values, start=2):
        listed.cell(row, 1, neutralise(value))
    return f"'{name}'!$A$2:$A${max(len(values) + 1, 2)}"


def workbook_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
