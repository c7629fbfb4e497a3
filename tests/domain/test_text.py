"""Text cleaning, folding, name keys and Vietnamese sort order."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.domain.text import clean, fold, name_key, one_line, sort_key


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("<i>Xây dựng kế hoạch:</i>", "Xây dựng kế hoạch:"),
        ('<ul style="list-style-type: none"> - Phòng A. - Phòng B. </ul>', "- Phòng A. - Phòng B."),
        ("<ul><li>Phòng A</li><li>Phòng B</li></ul>", "- Phòng A\n- Phòng B"),
        ("Phòng&nbsp;Nội vụ &amp; Tư pháp", "Phòng Nội vụ & Tư pháp"),
        ("  nhiều   khoảng\t trắng ", "nhiều khoảng trắng"),
        ("", ""),
        (None, ""),
    ],
)
def test_clean(raw, expected):
    assert clean(raw) == expected


def test_clean_is_nfc():
    assert clean(unicodedata.normalize("NFD", "Phòng Nội vụ")) == "Phòng Nội vụ"


@pytest.mark.parametrize(
    "text,folded",
    [
        ("Phòng Nội vụ", "phong noi vu"),
        ("ĐỒNG THÁP", "dong thap"),
        (
            "Trung tâm Văn hóa–Thể thao - Truyền thanh",
            "trung tam van hoa - the thao - truyen thanh",
        ),
        ("Hoà  Đông", "hoa dong"),
    ],
)
def test_fold(text, folded):
    assert fold(text) == folded


@pytest.mark.parametrize(
    "a,b",
    [
        ("UBND xã, phường.", "Ủy ban nhân dân xã, phường"),
        ("Văn phòng HĐND và UBND thị xã", "Văn phòng Hội đồng nhân dân và Ủy ban nhân dân thị xã"),
        ("Ủy ban MTTQ Việt Nam thị xã", "Ủy ban Mặt trận Tổ quốc Việt Nam thị xã"),
        ("Phường Khánh Hoà", "phường khánh hòa"),
        ("Phòng Văn hoá và Thông tin", "Phòng Văn hóa và Thông tin."),
        ("Ủy ban", "Uỷ ban"),
        ("Phòng Tài chính-Kế hoạch", "Phòng Tài chính – Kế hoạch"),
        (unicodedata.normalize("NFD", "xã Lạc Hòa"), "xã Lạc Hoà"),
    ],
)
def test_name_key_forgets_spelling_noise(a, b):
    assert name_key(a) == name_key(b)


@pytest.mark.parametrize(
    "a,b",
    [
        ("xã Lai Hòa", "xã Lạc Hòa"),
        ("Phòng Y tế", "Trung tâm Y tế thị xã"),
        ("Phường 1", "Phường 2"),
    ],
)
def test_name_key_keeps_distinct_names_apart(a, b):
    assert name_key(a) != name_key(b)


def test_vietnamese_order():
    names = [
        "xã Vĩnh Tân",
        "Phường 10",
        "Đông",
        "ăn",
        "Phường 2",
        "Anh",
        "xã Lạc Hòa",
        "Dung",
        "xã Lai Hòa",
        "Ánh",
    ]
    assert sorted(names, key=sort_key) == [
        "Anh",
        "Ánh",
        "ăn",
        "Dung",
        "Đông",
        "Phường 2",
        "Phường 10",
        "xã Lạc Hòa",
        "xã Lai Hòa",
        "xã Vĩnh Tân",
    ]


@given(st.text())
def test_keys_never_fail_and_are_stable(text):
    assert fold(fold(text)) == fold(text)
    assert name_key(name_key(text)) == name_key(text)
    assert one_line(text) == one_line(one_line(text))
    sort_key(text)
