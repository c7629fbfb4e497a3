"""The unit catalogue as a sheet: one unit a row — its name, kind (loại), short name,
other names, the unit it belongs to (thuộc) and the groups it is in (nhóm).

Several names in one cell are separated by ";" (or a line break). A group's name may
say whom it holds: "UBND các xã, phường" is every commune, "Các ấp, khóm" every hamlet
(:func:`all_of_kind`); the catalogue sheet fills such a group from the sheet's units of
that kind when no row names it in its «Nhóm» cell.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from tracker.domain.sheets import read_table
from tracker.domain.text import fold, one_line
from tracker.domain.units import UnitKind

# Header words (folded), tried in this order for each cell: "Loại đơn vị" is the kind,
# "Tên viết tắt" the short name, and only then "Tên đơn vị" the name.
COLUMNS: dict[str, tuple[str, ...]] = {
    "kind": ("loai",),
    "short_name": ("viet tat",),
    "aliases": ("goi khac", "ten khac"),
    "parent": ("thuoc", "cap tren"),
    "groups": ("nhom",),
    "name": ("ten don vi", "ten co quan"),  # not "đơn vị": a kind is "Đơn vị sự nghiệp"
}
REQUIRED = ("name",)
HEADERS = ("Tên đơn vị", "Loại", "Tên viết tắt", "Tên gọi khác", "Thuộc", "Nhóm")
SEPARATOR = "; "


@dataclass(frozen=True)
class SheetUnit:
    """One row of a catalogue sheet, as written (each cell cleaned to one line)."""

    row: int  # the sheet's row number, as Excel shows it
    name: str
    kind: str = ""
    short_name: str = ""
    aliases: tuple[str, ...] = ()
    parent: str = ""
    groups: tuple[str, ...] = ()


def split_names(cell: str) -> tuple[str, ...]:
    """The names in a cell separated by ";" or line breaks, each once, in order."""
    names = (one_line(part) for part in re.split(r"[;\n]", cell))
    return tuple(dict.fromkeys(name for name in names if name))


def read_unit_sheet(
    tables: Sequence[Sequence[Sequence[str]]],
) -> tuple[list[SheetUnit], list[str]]:
    """The units listed under the first header with a «Tên đơn vị» column, and the
    problems that make the whole sheet unreadable (in Vietnamese)."""
    rows = read_table(tables, COLUMNS, REQUIRED)
    if rows is None:
        return [], [
            "Không tìm thấy dòng tiêu đề có cột «Tên đơn vị». Hãy dùng bảng mẫu tải từ "
            f"trang này (cột: {', '.join(HEADERS)})."
        ]
    units = [
        SheetUnit(
            row=number,
            name=cells["name"],
            kind=cells["kind"],
            short_name=cells["short_name"],
            aliases=split_names(cells["aliases"]),
            parent=cells["parent"],
            groups=split_names(cells["groups"]),
        )
        for number, cells in rows
    ]
    return units, []


def kind_of(written: str, labels: Mapping[UnitKind, str]) -> UnitKind | None:
    """The kind a «Loại» cell names: its label ("Cơ quan chuyên môn"), with or without
    tone marks, or its code ("office"); None when it names none ("" included)."""
    folded = fold(written)
    if not folded:
        return None
    for kind, label in labels.items():
        if folded in (fold(label), kind.value):
            return kind
    return None


_COMMUNE_WORDS = frozenset({"xa", "phuong", "thi", "tran", "dac", "khu", "cap"})
_HAMLET_WORDS = frozenset({"ap", "khom", "to", "dan", "pho", "buon", "soc", "thon", "lang"})
_OPENING = re.compile(r"^((ubnd|uy ban nhan dan) )?((tat ca|cac|moi) )?")


def all_of_kind(group_name: str) -> UnitKind | None:
    """Whom a group's name says it holds: every commune ("UBND các xã, phường", "UBND cấp
    xã", "Các xã, phường, đặc khu") or every hamlet ("Các ấp, khóm", "Các tổ dân phố");
    None for any other name ("Ủy ban MTTQ xã, phường" names one unit)."""
    folded = " ".join(re.findall(r"[a-z0-9]+", fold(group_name)))
    words = set(_OPENING.sub("", folded).split()) - {"va", "cac"}
    if not words:
        return None
    if words <= _COMMUNE_WORDS and words & {"xa", "phuong", "dac"}:
        return UnitKind.COMMUNE
    if words <= _HAMLET_WORDS and words & {"ap", "khom", "to", "buon", "soc", "thon"}:
        return UnitKind.HAMLET
    return None
