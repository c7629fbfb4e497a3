"""Index frameworks (bộ chỉ số): the rule that a plan's activities are tagged with the
dimensions of one or more frameworks — PAPI's 8 dimensions (chỉ số nội dung), PAR INDEX's
fields (lĩnh vực), SIPAS's elements (yếu tố), others added later — and that a plan's
figures are told once per framework, each dimension's row from the one computation's
`by_dimension` (an item counts under every dimension it is tagged with).

Also the check of a new framework as Phòng Nội vụ types it: (framework, problems), never
an exception on the first bad field."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tracker.domain.figures import Tally
from tracker.domain.text import fold, one_line

# What a framework calls its parts → the word for one of them in running text:
# "một nhiệm vụ có thể góp vào nhiều chỉ số nội dung và được tính ở mọi chỉ số nó góp vào".
DIMENSION_NOUNS: dict[str, str] = {
    "chỉ số nội dung": "chỉ số",
    "chỉ số thành phần": "chỉ số",
    "lĩnh vực": "lĩnh vực",
    "tiêu chí": "tiêu chí",
    "yếu tố": "yếu tố",
    "nội dung": "nội dung",
}

NAME_MAX = 200
SHORT_NAME_MAX = 30
DIMENSION_NAME_MAX = 200
MAX_DIMENSIONS = 40


@dataclass(frozen=True)
class DimensionName:
    id: int
    number: int  # within its framework: PAPI 1–8
    name: str


@dataclass(frozen=True)
class FrameworkName:
    """A framework as pages and documents name it."""

    id: int
    code: str  # "PAPI", "PAR_INDEX"
    name: str  # "Chỉ số PAPI"
    short_name: str  # "PAPI", "PAR INDEX"
    dimension_noun: str  # "chỉ số nội dung", "lĩnh vực", "yếu tố"
    dimensions: tuple[DimensionName, ...]  # by number

    @property
    def dimension_word(self) -> str:
        """One dimension in running text ("chỉ số", "lĩnh vực")."""
        return DIMENSION_NOUNS.get(self.dimension_noun, self.dimension_noun)


@dataclass(frozen=True)
class DimensionFigure:
    dimension: DimensionName
    tally: Tally


@dataclass(frozen=True)
class FrameworkFigures:
    framework: FrameworkName
    lines: tuple[DimensionFigure, ...]  # the dimensions some item is tagged with, by number


def by_framework(
    frameworks: Sequence[FrameworkName], by_dimension: Sequence[tuple[int, Tally]]
) -> tuple[FrameworkFigures, ...]:
    """One section per framework, in the order given (the plan's), each with the rows of
    its dimensions that some item counts under; a framework no item is tagged with has
    no rows. Rows of dimensions outside `frameworks` are not shown here."""
    tallies = dict(by_dimension)
    return tuple(
        FrameworkFigures(
            framework,
            tuple(
                DimensionFigure(d, tallies[d.id]) for d in framework.dimensions if d.id in tallies
            ),
        )
        for framework in frameworks
    )


# ---- a new framework, as typed ---------------------------------------------------------------


@dataclass(frozen=True)
class NewFramework:
    name: str
    short_name: str
    dimension_noun: str
    dimensions: tuple[str, ...]  # names, numbered 1… in this order

    @property
    def code(self) -> str:
        """ "PAR INDEX" → "PAR_INDEX": the key the command line and the seeds use."""
        return "_".join(fold(self.short_name).upper().split())


def read_new_framework(
    name: str,
    short_name: str,
    dimension_noun: str,
    dimension_lines: str,
    taken_names: Sequence[str] = (),
) -> tuple[NewFramework | None, list[str]]:
    """A framework from the form's fields: its name, short name, what its parts are
    called and one dimension a line ("1. Công tác chỉ đạo…" or without the number).
    `taken_names`: names and short names already used, compared without diacritics or
    case. Returns (None, problems in Vietnamese) when anything is wrong."""
    problems: list[str] = []
    name, short_name = one_line(name), one_line(short_name)
    if not name:
        problems.append("Nhập tên bộ chỉ số (ví dụ: Chỉ số hài lòng của người dân).")
    elif len(name) > NAME_MAX:
        problems.append(f"Tên bộ chỉ số dài quá {NAME_MAX} ký tự.")
    if not short_name:
        problems.append("Nhập tên viết tắt (ví dụ: SIPAS).")
    elif len(short_name) > SHORT_NAME_MAX:
        problems.append(f"Tên viết tắt dài quá {SHORT_NAME_MAX} ký tự.")
    taken = {fold(t) for t in taken_names}
    for value in (name, short_name):
        if value and fold(value) in taken:
            problems.append(f"Đã có bộ chỉ số «{value}»; chọn tên khác.")
    if dimension_noun not in DIMENSION_NOUNS:
        problems.append("Chọn cách gọi các phần của bộ chỉ số trong danh sách.")
    dimensions, dimension_problems = _dimension_names(dimension_lines)
    problems += dimension_problems
    if problems:
        return None, problems
    return NewFramework(name, short_name, dimension_noun, dimensions), []


def _dimension_names(text: str) -> tuple[tuple[str, ...], list[str]]:
    names = [_without_number(one_line(line)) for line in text.splitlines()]
    names = [n for n in names if n]
    problems = []
    if not names:
        problems.append("Nhập các chỉ số thành phần, mỗi dòng một chỉ số.")
    if len(names) > MAX_DIMENSIONS:
        problems.append(f"Một bộ chỉ số có nhiều nhất {MAX_DIMENSIONS} chỉ số thành phần.")
    for n in names:
        if len(n) > DIMENSION_NAME_MAX:
            problems.append(f"Dòng «{n[:40]}…» dài quá {DIMENSION_NAME_MAX} ký tự.")
    seen: set[str] = set()
    for n in names:
        if fold(n) in seen:
            problems.append(f"Chỉ số «{n}» ghi hai lần.")
        seen.add(fold(n))
    return tuple(names), problems


def _without_number(line: str) -> str:
    """ "3. Cải cách thủ tục hành chính" → "Cải cách thủ tục hành chính"."""
    head, _, rest = line.partition(" ")
    if rest and head.rstrip(".)").isdigit():
        return rest.strip()
    return line
