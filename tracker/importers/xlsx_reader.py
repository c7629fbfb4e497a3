"""Excel .xlsx through openpyxl (which parses with defusedxml when it is installed).

Sizes are checked before anything is expanded: each sheet's declared dimension and its
merged ranges are read from the XML first and counted against the row, column and cell
limits (a 1.6 KB file with one merged range A2:XFD1048576 once took 14.8 GB). The sheets
are then streamed by openpyxl's read-only mode, which builds no cell objects."""

from __future__ import annotations

import io
import warnings
from datetime import date, datetime

import openpyxl
from openpyxl.utils.cell import range_boundaries
from openpyxl.xml import DEFUSEDXML

from tracker.domain.dates import screen_date
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
    merges: dict[str, list[Bounds]] = {}
    for name in names:  # read every part once with a byte limit before openpyxl does
        part = read_member(archive, name, limits, WHAT)
        if name.endswith((".xml", ".rels")):
            root = parse_xml(part, WHAT)  # entity and DTD tricks are refused here
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                merges[name] = _sizes(root, limits)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about unsupported extensions
            workbook = openpyxl.load_workbook(io.BytesIO(data), data_only=True, read_only=True)
    except BadFile:
        raise
    except Exception as exc:  # openpyxl raises many kinds on damaged files
        raise BadFile("Tệp Excel bị hỏng hoặc không đúng định dạng, không mở được.") from exc
    try:
        sheets = sorted(workbook.worksheets, key=lambda ws: ws.sheet_state != "visible")
        return [_sheet(ws, merges.get(ws._worksheet_path, []), limits) for ws in sheets]
    except BadFile:
        raise
    except Exception as exc:  # a sheet damaged past what the checks above can see
        raise BadFile("Tệp Excel bị hỏng hoặc không đúng định dạng, không mở được.") from exc
    finally:
        workbook.close()


Bounds = tuple[int, int, int, int]  # min_col, min_row, max_col, max_row
MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def _bounds(ref: str) -> Bounds:
    try:
        found = range_boundaries(ref.strip().upper())
    except (ValueError, TypeError) as exc:
        raise BadFile(f"Tệp Excel bị hỏng: vùng ô «{ref[:40]}» không đọc được.") from exc
    min_col, min_row, max_col, max_row = found
    if min_col is None or min_row is None or max_col is None or max_row is None:
        raise BadFile(f"Tệp Excel bị hỏng: vùng ô «{ref[:40]}» không đọc được.")
    return min_col, min_row, max_col, max_row


def _sizes(root, limits: Limits) -> list[Bounds]:  # type: ignore[no-untyped-def]
    """A sheet's declared dimension and merged ranges, against the limits; the merged
    ranges once they pass."""
    dimension = root.find(f"{MAIN}dimension")
    ranges = [_bounds(m.get("ref", "")) for m in root.iter(f"{MAIN}mergeCell")]
    declared = [_bounds(dimension.get("ref", "A1"))] if dimension is not None else []
    for _, _, max_col, max_row in [*declared, *ranges]:
        if max_row > limits.max_rows:
            raise BadFile(
                f"Trang tính có hơn {limits.max_rows:,} dòng; hãy tách phụ lục.".replace(",", ".")
            )
        if max_col > limits.max_cols:
            raise BadFile(f"Trang tính có hơn {limits.max_cols} cột; hãy xóa các cột thừa.")
    area = sum((c2 - c1 + 1) * (r2 - r1 + 1) for c1, r1, c2, r2 in [*declared, *ranges])
    if area > limits.max_cells:
        raise BadFile("Trang tính quá lớn (quá nhiều ô, kể cả ô gộp); hãy tách phụ lục.")
    return ranges


def _sheet(ws, ranges: list[Bounds], limits: Limits) -> list[list[str]]:  # type: ignore[no-untyped-def]
    covered = {
        (row, col)
        for min_col, min_row, max_col, max_row in ranges
        for row in range(min_row, max_row + 1)
        for col in range(min_col, max_col + 1)
        if (row, col) != (min_row, min_col)
    }
    ws.reset_dimensions()  # the declared size may be wrong: read the rows there are
    rows = []
    for r, row in enumerate(ws.iter_rows(values_only=True), start=1):
        if r > limits.max_rows or len(row) > limits.max_cols:
            raise BadFile(
                f"Trang tính «{ws.title}» có hơn {limits.max_rows:,} dòng hoặc "
                f"{limits.max_cols} cột; hãy tách phụ lục.".replace(",", ".")
            )
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
        return screen_date(value)
    if isinstance(value, date):
        return screen_date(value)
    return str(value).strip()
