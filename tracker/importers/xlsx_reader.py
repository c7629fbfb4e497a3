"""Excel .xlsx through openpyxl (which parses with defusedxml when it is installed)."""

from __future__ import annotations

import io
import warnings
from datetime import date, datetime

import openpyxl
from openpyxl.xml import DEFUSEDXML

from tracker.importers.docx_reader import parse_xml
from tracker.importers.safety import BadFile, Limits, open_zip, read_member

WHAT = "Excel"

if not DEFUSEDXML:  # pragma: no cover - a broken install, not a user error
    raise RuntimeError("openpyxl must find defusedxml to read untrusted workbooks")


def read_xlsx(data: bytes, limits: Limits) -> list[list[list[str]]]:
    archive = open_zip(data, limits, WHAT)
    names = set(archive.namelist())
    if "xl/workbook.xml" not in names:
        raise BadFile("Tệp không phải bảng tính Excel (.xlsx) hợp lệ.")
    content_types = read_member(archive, "[Content_Types].xml", limits, WHAT)
    if any(n.lower().endswith("vbaproject.bin") for n in names) or b"macroEnabled" in content_types:
        raise BadFile(
            "Bảng tính có chứa macro (.xlsm); hãy lưu lại dưới dạng .xlsx thường rồi tải lên."
        )
    for name in names:  # read every part once with a byte limit before openpyxl does
        part = read_member(archive, name, limits, WHAT)
        if name.endswith((".xml", ".rels")):
            parse_xml(part, WHAT)  # entity and DTD tricks are refused here
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about unsupported extensions
            workbook = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except BadFile:
        raise
    except Exception as exc:  # openpyxl raises many kinds on damaged files
        raise BadFile("Tệp Excel bị hỏng hoặc không đúng định dạng, không mở được.") from exc
    sheets = sorted(workbook.worksheets, key=lambda ws: ws.sheet_state != "visible")
    return [_sheet(ws, limits) for ws in sheets]


def _sheet(ws, limits: Limits) -> list[list[str]]:  # type: ignore[no-untyped-def]
    if ws.max_row > limits.max_rows:
        raise BadFile(f"Trang tính «{ws.title}» có hơn {limits.max_rows:,} dòng; hãy tách phụ lục.")
    covered = set()
    for merged in ws.merged_cells.ranges:
        for row in range(merged.min_row, merged.max_row + 1):
            for col in range(merged.min_col, merged.max_col + 1):
                if (row, col) != (merged.min_row, merged.min_col):
                    covered.add((row, col))
    rows = []
    for r, row in enumerate(ws.iter_rows(values_only=True), start=1):
        cells = [
            "" if (r, c) in covered else _text(value)[: limits.max_cell_chars]
            for c, value in enumerate(row, start=1)
        ]
        rows.append(cells)
    while rows and not any(rows[-1]):
        rows.pop()
    # Keep every row at the sheet's used width: a short row means merged cells to the
    # parser, and Excel rows are never short, only empty at the end.
    width = max((len(_trimmed(r)) for r in rows), default=0)
    return [r[:width] + [""] * (width - len(r)) for r in rows]


def _trimmed(cells: list[str]) -> list[str]:
    end = len(cells)
    while end and not cells[end - 1]:
        end -= 1
    return cells[:end]


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value).strip()
