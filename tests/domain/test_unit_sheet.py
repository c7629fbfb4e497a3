"""Reading a unit catalogue sheet (issue 16): the header found by its words, names split
at ";", kinds read from their labels, and group names that say whom they hold."""

from __future__ import annotations

import pytest

from tracker.domain.unit_sheet import (
    SheetUnit,
    all_of_kind,
    kind_of,
    read_unit_sheet,
    split_names,
)
from tracker.domain.units import UnitKind

LABELS = {UnitKind.OFFICE: "Cơ quan chuyên môn", UnitKind.GROUP: "Nhóm đơn vị"}


@pytest.mark.parametrize(
    "name, kind",
    [
        ("UBND các xã, phường", UnitKind.COMMUNE),
        ("UBND xã, phường", UnitKind.COMMUNE),
        ("Ủy ban nhân dân các xã, phường, đặc khu", UnitKind.COMMUNE),
        ("UBND cấp xã", UnitKind.COMMUNE),
        ("Các ấp, khóm", UnitKind.HAMLET),
        ("Các ấp", UnitKind.HAMLET),
        ("các tổ dân phố", UnitKind.HAMLET),
        ("Ủy ban MTTQ Việt Nam xã, phường", None),
        ("Phường 1", None),
        ("xã Hòa Đông", None),
        ("ấp Hòa Phú", None),
        ("Các ngành có liên quan", None),
        ("", None),
    ],
)
def test_a_group_name_says_whom_it_holds(name, kind):
    assert all_of_kind(name) is kind


@pytest.mark.parametrize(
    "written, kind",
    [
        ("Cơ quan chuyên môn", UnitKind.OFFICE),
        ("co quan chuyen mon", UnitKind.OFFICE),
        ("  NHÓM ĐƠN VỊ ", UnitKind.GROUP),
        ("group", UnitKind.GROUP),
        ("Phòng ban", None),
        ("", None),
    ],
)
def test_a_kind_is_read_from_its_label(written, kind):
    assert kind_of(written, LABELS) is kind


def test_names_are_split_at_semicolons_and_line_breaks_once_each():
    assert split_names("Sở Giáo dục; Ngành Giáo dục\nSở GD&ĐT;; Sở Giáo dục ") == (
        "Sở Giáo dục",
        "Ngành Giáo dục",
        "Sở GD&ĐT",
    )
    assert split_names("") == ()


def test_the_header_is_the_row_naming_most_columns_under_a_title():
    table = [
        ["Danh mục đơn vị — tỉnh Sóc Trăng", "", ""],
        ["", "", ""],
        ["Nhóm", "Tên đơn vị", "Loại đơn vị", "Ghi chú", "Tên khác"],
        ["UBND các xã, phường", "xã An Hiệp", "UBND xã, phường", "mới", "UBND xã An Hiệp"],
        ["", "", "", "", ""],
        ["", "Sở Y tế", "Đơn vị sự nghiệp", "", ""],
    ]
    rows, problems = read_unit_sheet([[["không phải bảng"]], table])
    assert problems == []
    assert rows == [
        SheetUnit(
            row=4,
            name="xã An Hiệp",
            kind="UBND xã, phường",
            aliases=("UBND xã An Hiệp",),
            groups=("UBND các xã, phường",),
        ),
        SheetUnit(row=6, name="Sở Y tế", kind="Đơn vị sự nghiệp"),
    ]


def test_a_sheet_without_a_name_column_is_refused_in_vietnamese():
    rows, problems = read_unit_sheet([[["Đơn vị", "Loại"], ["Sở Y tế", "Cơ quan chuyên môn"]]])
    assert rows == [] and "Không tìm thấy dòng tiêu đề có cột «Tên đơn vị»" in problems[0]
