"""The annex table (phụ lục phân công) read from rows of cell strings.

Input is what the file readers extract: tables of raw cell text, possibly with HTML left
over from conversion (`<i>`, `<ul><li>`), "" for merged continuation cells, and ragged
rows. Output is content groups with their activities, plus problems per row. Nothing
here raises on bad input: an annex the parser cannot read gives ``(None, problems)``.

Rows are numbered as the user sees them in the table, starting at 1 with the first row
of the first table.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from tracker.domain.annex_cells import (
    LETTER,
    NUMBER_PREFIX,
    Column,
    is_roman,
    normalise_number,
    place_short_row,
)
from tracker.domain.text import clean, fold, one_line
from tracker.domain.units import UnitCatalog

__all__ = [
    "Column",
    "ParsedActivity",
    "ParsedAnnex",
    "ParsedGroup",
    "Problem",
    "is_roman",
    "normalise_number",
    "parse_annex",
]


@dataclass(frozen=True)
class Problem:
    row: int | None
    message: str
    level: str = "warning"  # "error" | "warning" | "info"


@dataclass(frozen=True)
class ParsedActivity:
    row: int
    number_raw: str
    number: str | None
    text: str
    lead_text: str
    support_text: str
    timeframe_text: str
    extra: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class ParsedGroup:
    row: int
    label: str
    title: str
    intro: str = ""
    activities: tuple[ParsedActivity, ...] = ()


@dataclass(frozen=True)
class ParsedAnnex:
    columns: tuple[tuple[Column, str], ...]
    groups: tuple[ParsedGroup, ...]
    skipped: tuple[tuple[int, str], ...] = ()
    title_lines: tuple[str, ...] = ()

    @property
    def activity_count(self) -> int:
        return sum(len(g.activities) for g in self.groups)


# Header keywords, matched on folded text. Order matters: the first rule that matches a
# header cell decides its column ("co quan, don vi phoi hop" is SUPPORT, not LEAD).
_HEADER_RULES: tuple[tuple[Column, str], ...] = (
    (Column.NUMBER, r"^(so\s*)?(stt|tt|thu tu|so thu tu)\.?$"),
    (Column.SUPPORT, r"phoi hop"),
    (Column.TIMEFRAME, r"thoi gian|thoi han|tien do|hoan thanh"),
    (Column.LEAD, r"chu tri|(don vi|co quan)\b.*thuc hien|trach nhiem"),
    (Column.ACTIVITY, r"hoat dong|nhiem vu|cong viec|giai phap"),
    (Column.GROUP, r"noi dung|linh vuc|nhom"),
    (Column.EXTRA, r"san pham|ghi chu|ket qua|kinh phi|du kien|tieu chi|chi tieu"),
)
_REQUIRED = {Column.ACTIVITY, Column.LEAD}
_RULE_ROW = re.compile(r"^[-_=*|:\s]*$")
_COLUMN_NUMBER = re.compile(r"^\(?\d{1,2}\)?$")

NO_HEADER = (
    "Không tìm thấy dòng tiêu đề của bảng phụ lục (cần các cột như STT, Nội dung/Hoạt động, "
    "Đơn vị chủ trì, Đơn vị phối hợp, Thời gian thực hiện)."
)


def _column_of(cell: str) -> Column | None:
    key = fold(one_line(cell)).strip(" .:*")
    if not key or len(key) > 80:
        return None
    for column, pattern in _HEADER_RULES:
        if re.search(pattern, key):
            return column
    return None


def _header_columns(row: Sequence[str]) -> list[Column | None] | None:
    """The row's columns if it reads as the annex header, else None."""
    columns = [_column_of(cell) for cell in row]
    if Column.ACTIVITY not in columns and columns.count(Column.GROUP) == 1:
        columns[columns.index(Column.GROUP)] = Column.ACTIVITY  # "Nội dung" is the activity
    found = {c for c in columns if c is not None}
    if not found >= _REQUIRED or len(found - {Column.EXTRA}) < 3:
        return None
    seen: set[Column] = set()
    for i, column in enumerate(columns):  # a second cell of the same kind is kept as extra
        if column is not None and column is not Column.EXTRA:
            if column in seen:
                columns[i] = Column.EXTRA
            seen.add(column)
    return columns


@dataclass
class _GroupDraft:
    row: int
    label: str
    title: str
    intro: list[str] = field(default_factory=list)
    items: list[ParsedActivity] = field(default_factory=list)


@dataclass
class _Builder:
    """Mutable state while walking the rows; frozen into ParsedAnnex at the end."""

    columns: list[Column | None]
    headers: list[str]
    catalog: UnitCatalog | None = None
    groups: list[_GroupDraft] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def has(self, column: Column) -> bool:
        return column in self.columns

    def new_group(self, row: int, label: str, title: str) -> None:
        self.groups.append(_GroupDraft(row, label, title))

    def current_group(self, row: int) -> _GroupDraft:
        if not self.groups:
            self.problems.append(
                Problem(row, "Hoạt động đứng trước mọi nhóm nội dung: xếp vào một nhóm không tên.")
            )
            self.new_group(row, "", "")
        return self.groups[-1]


def parse_annex(
    tables: Sequence[Sequence[Sequence[str]]],
    paragraphs: Sequence[str] = (),
    catalog: UnitCatalog | None = None,
) -> tuple[ParsedAnnex | None, tuple[Problem, ...]]:
    """Find the header, then read groups and activities from the rows that follow it.

    Tables after the header's table continue the annex (a Word table broken across
    pages) when their width fits. A row shorter than the header lost leading merged
    cells or had its empty trailing cells stripped: its cells go under the columns
    their content fits (`annex_cells.place_short_row`); `catalog`, the plan's units,
    helps tell unit names from other text. A row that fits more than one way is read
    right-aligned and reported.
    """
    numbered = _number_rows(tables)
    start = next(
        ((i, cols) for i, (_, _, row) in enumerate(numbered) if (cols := _header_columns(row))),
        None,
    )
    if start is None:
        return None, (Problem(None, NO_HEADER, "error"),)
    index, columns = start
    header_row, header_table, header = numbered[index]
    builder = _Builder(columns=columns, headers=[one_line(c) for c in header], catalog=catalog)
    for row_no, table_no, row in numbered[index + 1 :]:
        if table_no != header_table and len(_trimmed(row)) > len(columns) + 1:
            continue  # another table that is not part of the annex
        _read_row(builder, row_no, list(row))
    annex = _freeze(builder, header, paragraphs, header_row)
    return annex, tuple(builder.problems)


def _number_rows(
    tables: Sequence[Sequence[Sequence[str]]],
) -> list[tuple[int, int, Sequence[str]]]:
    rows: list[tuple[int, int, Sequence[str]]] = []
    row_no = 0
    for table_no, table in enumerate(tables):
        for row in table:
            row_no += 1
            rows.append((row_no, table_no, [str(c) if c is not None else "" for c in row]))
    return rows


def _trimmed(row: Sequence[str]) -> list[str]:
    cells = list(row)
    while cells and not clean(cells[-1]):
        cells.pop()
    return cells


def _align(builder: _Builder, row_no: int, row: list[str]) -> list[str]:
    width = len(builder.columns)
    cells = _trimmed(row)
    if len(cells) > width:
        extra = " ".join(clean(c) for c in cells[width:] if clean(c))
        builder.problems.append(
            Problem(row_no, f"Dòng có nhiều ô hơn tiêu đề; phần thừa «{extra[:60]}» bị bỏ qua.")
        )
        return cells[:width]
    if cells and len(row) < width:
        placed, ambiguous = place_short_row(cells, builder.columns, builder.catalog)
        if ambiguous:
            builder.problems.append(Problem(row_no, _unclear_row(builder, placed)))
        return placed
    return cells + [""] * (width - len(cells))  # as wide as the header: cells stay put


def _unclear_row(builder: _Builder, placed: list[str]) -> str:
    first = next(i for i, cell in enumerate(placed) if clean(cell))
    return (
        f"Dòng có ít ô hơn tiêu đề và không rõ ô nào thuộc cột nào: đã xếp "
        f"«{one_line(placed[first])[:40]}» vào cột «{builder.headers[first]}». "
        "Hãy kiểm tra lại dòng này."
    )


def _cell(builder: _Builder, cells: list[str], column: Column) -> str:
    return cells[builder.columns.index(column)] if builder.has(column) else ""


def _read_row(builder: _Builder, row_no: int, row: list[str]) -> None:
    if all(_RULE_ROW.match(clean(c)) for c in row):
        return  # blank row or a markdown rule after the table
    if _header_columns(row) is not None:
        builder.skipped.append((row_no, "Dòng tiêu đề lặp lại (sang trang)."))
        return
    texts = [clean(c) for c in row]
    if all(_COLUMN_NUMBER.match(t) or not t for t in texts) and sum(bool(t) for t in texts) >= 3:
        builder.skipped.append((row_no, "Dòng đánh số cột (1), (2), (3)…"))
        return
    cells = _align(builder, row_no, row)
    number = one_line(_cell(builder, cells, Column.NUMBER))
    group_title = one_line(_cell(builder, cells, Column.GROUP))
    raw_activity = _cell(builder, cells, Column.ACTIVITY)
    activity = one_line(raw_activity)
    lead = clean(_cell(builder, cells, Column.LEAD))
    support = clean(_cell(builder, cells, Column.SUPPORT))
    timeframe = one_line(_cell(builder, cells, Column.TIMEFRAME))
    unitless = not (lead or support or timeframe)

    if builder.has(Column.GROUP):
        if number or group_title:
            builder.new_group(row_no, number, group_title)
    elif unitless and (is_roman(number) or LETTER.match(number)):
        builder.new_group(row_no, number, activity)
        return
    elif unitless and not number and activity and activity.isupper():
        builder.new_group(row_no, "", activity)
        return
    if not activity:
        if lead or support or timeframe:
            builder.problems.append(
                Problem(
                    row_no, "Dòng có đơn vị/thời gian nhưng không có nội dung hoạt động: bỏ qua."
                )
            )
        return
    group = builder.current_group(row_no)
    if unitless and (_is_italic(raw_activity) or activity.endswith(":")):
        group.intro.append(activity)
        builder.skipped.append((row_no, "Dòng tiêu đề trong nhóm, không phải hoạt động."))
        return
    item = _activity(builder, row_no, cells, number, activity, lead, support, timeframe)
    group.items.append(item)


def _is_italic(raw: str) -> bool:
    text = raw.strip()
    return text.lower().startswith(("<i>", "<em>")) and text.lower().endswith(("</i>", "</em>"))


def _activity(
    builder: _Builder,
    row_no: int,
    cells: list[str],
    number_cell: str,
    activity: str,
    lead: str,
    support: str,
    timeframe: str,
) -> ParsedActivity:
    number_raw, text = "", activity
    match = NUMBER_PREFIX.match(activity)
    if match:
        number_raw, text = match.group(0).strip(), activity[match.end() :].strip()
    elif not builder.has(Column.GROUP) and number_cell and normalise_number(number_cell):
        number_raw = number_cell
    number = normalise_number(number_raw)
    if number and "," in number_raw:
        builder.problems.append(
            Problem(row_no, f"Số thứ tự «{number_raw}» được đọc là {number}.", "info")
        )
    if not lead:
        builder.problems.append(Problem(row_no, "Hoạt động chưa có đơn vị chủ trì."))
    extra = tuple(
        (builder.headers[i], one_line(cells[i]))
        for i, column in enumerate(builder.columns)
        if column is Column.EXTRA or column is None and builder.headers[i]
    )
    return ParsedActivity(row_no, number_raw, number, text, lead, support, timeframe, extra)


def _freeze(
    builder: _Builder, header: Sequence[str], paragraphs: Sequence[str], header_row: int
) -> ParsedAnnex:
    groups = []
    for g in builder.groups:
        _check_numbers(builder, g)
        if not g.items and not g.intro:
            builder.skipped.append((g.row, "Nhóm nội dung không có hoạt động nào."))
            continue
        groups.append(ParsedGroup(g.row, g.label, g.title, " ".join(g.intro), tuple(g.items)))
    columns = tuple(
        (c if c is not None else Column.EXTRA, one_line(h))
        for c, h in zip(builder.columns, header, strict=False)
        if c is not None or one_line(h)
    )
    titles = tuple(one_line(p) for p in paragraphs if _looks_like_title(p))
    return ParsedAnnex(columns, tuple(groups), tuple(builder.skipped), titles)


def _check_numbers(builder: _Builder, group: _GroupDraft) -> None:
    """Warn when "3.1" sits under group 4: a misplaced row or a typo in the file."""
    label = normalise_number(group.label)
    if not label:
        return
    for item in group.items:
        if item.number and "." in item.number and item.number.split(".")[0] != label:
            builder.problems.append(
                Problem(item.row, f"Số {item.number} không khớp với nhóm {group.label}.")
            )


def _looks_like_title(paragraph: str) -> bool:
    key = fold(paragraph)
    return key.startswith(("phu luc", "bang phan cong", "(kem theo", "kem theo"))
