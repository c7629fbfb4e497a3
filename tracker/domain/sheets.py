"""Tables people fill in Excel: the header row found by its words, then one dict a row.

Columns are known by words in their header (folded: no case, no tone marks), so a sheet
may move columns, add its own or leave optional ones out; a title or a note above the
header is skipped. Used by the account sheet and the unit catalogue sheet."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from tracker.domain.text import fold, one_line

HEADER_ROWS = 15  # the header is looked for in the first rows of each table
MAX_HEADER = 40  # a longer cell is a title or a note, not a column's name


def header(row: Sequence[str], columns: Mapping[str, tuple[str, ...]]) -> dict[str, int]:
    """Field → column index, for the fields whose words a cell of `row` holds; each
    cell takes the first field (in `columns`' order) it matches."""
    found: dict[str, int] = {}
    for index, cell in enumerate(row):
        folded = fold(cell)
        if len(folded) > MAX_HEADER:
            continue
        for field, words in columns.items():
            if field not in found and any(w in folded for w in words):
                found[field] = index
                break
    return found


def read_table(
    tables: Sequence[Sequence[Sequence[str]]],
    columns: Mapping[str, tuple[str, ...]],
    required: Sequence[str],
) -> list[tuple[int, dict[str, str]]] | None:
    """(row number as Excel shows it, field → cell cleaned to one line) for each non-empty
    row under the header, in the first table that has one; None when none has. The header
    is the row, among the first ones, with every `required` field and the most fields (a
    title "Danh mục đơn vị" above "Tên đơn vị | Loại | …" names one column only). Fields
    the header lacks are ""."""
    for table in tables:
        best: tuple[int, dict[str, int]] | None = None
        for index, row in enumerate(table[:HEADER_ROWS]):
            found = header(row, columns)
            if all(f in found for f in required) and (best is None or len(found) > len(best[1])):
                best = (index, found)
        if best is not None:
            return _rows(table, best[0], best[1], columns)
    return None


def _rows(
    table: Sequence[Sequence[str]],
    at: int,
    found: dict[str, int],
    columns: Mapping[str, tuple[str, ...]],
) -> list[tuple[int, dict[str, str]]]:
    rows = []
    for number, row in enumerate(table[at + 1 :], start=at + 2):
        cells = {f: one_line(row[i]) if i < len(row) else "" for f, i in found.items()}
        if not any(cells.values()):
            continue
        rows.append((number, {f: cells.get(f, "") for f in columns}))
    return rows
