"""The annex's columns, what one cell's text reads as, and where a short row's cells go.

A row with fewer cells than the header lost cells at one end or both: leading merged
cells lost in conversion (seed 004's group 6), or empty trailing cells stripped when the
text was saved or pasted (an activity with no supporting unit or timeframe, a group
title row). Its length alone cannot tell which, so the row is placed where its cells'
content agrees best with the header's columns.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from enum import StrEnum

from tracker.domain.text import fold, one_line
from tracker.domain.timeframes import TimeframeKind, read_timeframe
from tracker.domain.units import UnitCatalog, reads_as_units


class Column(StrEnum):
    NUMBER = "number"  # STT, TT
    GROUP = "group"  # Nội dung (when an activity column exists too)
    ACTIVITY = "activity"  # Hoạt động, Nhiệm vụ
    LEAD = "lead"  # Đơn vị chủ trì
    SUPPORT = "support"  # Đơn vị phối hợp
    TIMEFRAME = "timeframe"  # Thời gian thực hiện, Thời hạn
    EXTRA = "extra"  # Sản phẩm, Ghi chú…: kept as they are


_ROMAN = re.compile(r"^(?=[ivxlc]+$)m{0,3}(c[md]|d?c{0,3})(x[cl]|l?x{0,3})(i[xv]|v?i{0,3})\.?$")
LETTER = re.compile(r"^[a-hA-H][.)]?$")
NUMBER_PREFIX = re.compile(r"^\s*(\d{1,2}(?:\s*[.,]\s*\d{1,2}){0,3})\s*[.,:)]?\s+(?=\S)")
# An STT cell: "1", "1.1.", "5,2,", "3)". Four digits are a year, not a row number.
_STT = re.compile(r"\d{1,3}(?:\s*[.,]\s*\d{1,3}){0,3}\s*[.,:)]?")


def normalise_number(raw: str) -> str | None:
    """ "1.1." → "1.1"; "5,2," → "5.2"; "3" → "3"; anything without digits → None."""
    parts = re.findall(r"\d+", raw or "")
    if not parts or not re.fullmatch(r"[\d.,\s)]*", raw.strip()):
        return None
    return ".".join(str(int(p)) for p in parts)


def is_roman(label: str) -> bool:
    return bool(_ROMAN.match(fold(label).strip())) and bool(label.strip())


class Reads(StrEnum):
    """What a cell's text reads as, judged from the text alone."""

    EMPTY = "empty"
    NUMBER = "number"  # "1", "5,2,", "II", "a)"
    NUMBERED_TEXT = "numbered_text"  # "1.1. Chuyển giao…": an activity by its number
    TIMEFRAME = "timeframe"  # a phrase the timeframe reader understands
    UNITS = "units"  # unit names
    HEADING = "heading"  # an all-capitals title
    TEXT = "text"  # several words of prose: a group title or an activity
    OTHER = "other"  # a word or two that could sit anywhere ("Biên bản")


# Timeframe phrases are short; a long activity that mentions "thường xuyên" or "quý II"
# is still an activity. "Theo Kế hoạch đã được Ủy ban nhân dân thị xã phê duyệt": 12.
_PHRASE_WORDS = 14
_TEXT_WORDS = 4
# Phrases without a year ("Trước 15/12") are undated when no year is given; any leap
# year lets them read as times, which is all that is asked here.
_ANY_YEAR = 2024


def read_cell(text: str, catalog: UnitCatalog | None = None) -> Reads:
    """What `text` reads as. The order matters: "1.1. Kiểm tra…" is an activity before
    anything else, and a time before units ("Theo Kế hoạch … Ủy ban nhân dân …")."""
    line = one_line(text)
    if not line:
        return Reads.EMPTY
    if _STT.fullmatch(line) or is_roman(line) or LETTER.match(line):
        return Reads.NUMBER
    if NUMBER_PREFIX.match(line):
        return Reads.NUMBERED_TEXT
    words = len(line.split())
    if words <= _PHRASE_WORDS and _is_time(line):
        return Reads.TIMEFRAME
    if reads_as_units(text, catalog):
        return Reads.UNITS
    if line.isupper() and words > 1:
        return Reads.HEADING
    return Reads.TEXT if words >= _TEXT_WORDS else Reads.OTHER


def _is_time(line: str) -> bool:
    return read_timeframe(line, _ANY_YEAR).kind is not TimeframeKind.UNDATED


# How well each reading fits each column: 2 is what the column holds, -2 what it never
# holds, 0 says nothing. Prose leans to Hoạt động: a group title comes with its STT or in
# capitals, and prose under a unit column may be a name nobody listed. Columns the header
# does not name count as EXTRA (Sản phẩm, Ghi chú hold anything).
_FIT_ORDER = (
    Column.NUMBER,
    Column.GROUP,
    Column.ACTIVITY,
    Column.LEAD,
    Column.SUPPORT,
    Column.TIMEFRAME,
    Column.EXTRA,
)
# fmt: off
_FIT_TABLE: dict[Reads, tuple[int, ...]] = {
    #                     STT  Nội dung  Hoạt động  Chủ trì  Phối hợp  Thời gian  other
    Reads.NUMBER:        (  2,    -2,       -2,       -2,      -2,       -1,       0),
    Reads.NUMBERED_TEXT: ( -2,    -1,        2,       -2,      -2,       -2,      -1),
    Reads.TIMEFRAME:     ( -2,    -1,       -1,       -2,      -2,        2,       0),
    Reads.UNITS:         ( -2,    -1,       -1,        2,       2,       -2,       0),
    Reads.HEADING:       ( -2,     2,        1,       -2,      -2,       -2,      -1),
    Reads.TEXT:          ( -2,     0,        1,        0,       0,       -1,       0),
    Reads.OTHER:         ( -1,     0,        0,        0,       0,        0,       0),
}
# fmt: on
_FIT = {
    (kind, column): fit
    for kind, row in _FIT_TABLE.items()
    for column, fit in zip(_FIT_ORDER, row, strict=True)
}
# Every annex row carries its text under Nội dung or Hoạt động, so a placement that
# leaves both empty costs two strong misfits: one cell, however clear ("Thường xuyên"),
# does not outweigh it, and an activity that opens like a unit name ("UBND xã tổ chức…")
# or mentions a time stays under Hoạt động.
_NO_TEXT = -4
_TEXT_COLUMNS = (Column.GROUP, Column.ACTIVITY)


def place_short_row(
    cells: Sequence[str], columns: Sequence[Column | None], catalog: UnitCatalog | None = None
) -> tuple[list[str], bool]:
    """`cells` (no trailing empties, fewer than `columns`) padded to the header's width
    where their content fits the columns best, and whether that choice was a tie.

    Every shift from left-aligned (trailing cells stripped) to right-aligned (leading
    merged cells lost) is scored; between shifts that score the same the rightmost wins,
    which is how rows were read before content was looked at (seed 004)."""
    reads = [read_cell(cell, catalog) for cell in cells]
    room = len(columns) - len(cells)
    scores = [_score(reads, columns[shift : shift + len(cells)]) for shift in range(room + 1)]
    best = max(scores)
    tied = [shift for shift, score in enumerate(scores) if score == best]
    shift = tied[-1]
    return [""] * shift + list(cells) + [""] * (room - shift), len(tied) > 1


def _score(reads: Sequence[Reads], columns: Sequence[Column | None]) -> int:
    score = sum(
        _FIT.get((kind, column or Column.EXTRA), 0)
        for kind, column in zip(reads, columns, strict=True)
    )
    has_text = any(
        kind is not Reads.EMPTY and column in _TEXT_COLUMNS
        for kind, column in zip(reads, columns, strict=True)
    )
    return score if has_text else score + _NO_TEXT
