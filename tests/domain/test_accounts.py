"""Phone numbers, user names made from a unit and a name, and account sheets."""

from __future__ import annotations

import csv
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.domain.catalog_fixture import SEEDS
from tracker.domain.accounts import (
    USERNAME,
    SheetAccount,
    person_part,
    phone_display,
    phone_number,
    read_account_sheet,
    suggest_username,
    unit_part,
)


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("0912345678", "0912345678"),
        ("0912 345 678", "0912345678"),
        ("0912.345.678", "0912345678"),
        ("091-234-5678", "0912345678"),
        ("+84 912 345 678", "0912345678"),
        ("+84912345678", "0912345678"),
        ("0084 912 345 678", "0912345678"),
        ("84912345678", "0912345678"),  # Excel dropped the +
        ("912345678", "0912345678"),  # Excel dropped the leading 0
        ("0389 123 456", "0389123456"),
        ("0299 3861 234", "02993861234"),  # Sóc Trăng landline
        ("(0299) 3.861.234", "02993861234"),
        ("+84 299 3861 234", "02993861234"),
        ("024 3825 1234", "02438251234"),  # Hà Nội
    ],
)
def test_phone_numbers_are_stored_in_national_form(written, stored):
    assert phone_number(written) == stored


@pytest.mark.parametrize(
    ("written", "why"),
    [
        ("", "Chưa nhập số điện thoại"),
        ("0912 345 67", "không đúng"),  # a digit short
        ("09123456789", "không đúng"),  # a digit too many
        ("0112345678", "không đúng"),  # no such prefix
        ("0912 345 67a", "chỉ gồm chữ số"),
        ("0912 345 678, 0913 000 111", "chỉ gồm chữ số"),  # two numbers
        ("+1 202 555 0100", "chỉ gồm chữ số"),
        ("+84 12 345 678", "không đúng"),
        ("０９１２３４５６７８", "chỉ gồm chữ số"),  # full-width digits
    ],
)
def test_phone_numbers_refused_say_why_in_vietnamese(written, why):
    with pytest.raises(ValueError, match=why):
        phone_number(written)


@given(st.sampled_from("35789"), st.text("0123456789", min_size=8, max_size=8))
def test_a_stored_number_reads_back_as_itself(first, rest):
    stored = phone_number("0" + first + rest)
    assert re.fullmatch(r"0[35789]\d{8}", stored)
    assert phone_number(stored) == stored
    assert phone_number(f"+84 {stored[1:4]} {stored[4:7]} {stored[7:]}") == stored


@pytest.mark.parametrize(
    ("stored", "shown"),
    [("0912345678", "0912 345 678"), ("02993861234", "0299 3861 234"), ("", "")],
)
def test_stored_numbers_are_shown_grouped(stored, shown):
    assert phone_display(stored) == shown


def _seed_units():
    with (SEEDS / "units.csv").open(encoding="utf-8") as fp:
        return [(r["name"], r["kind"]) for r in csv.DictReader(fp)]


@pytest.mark.parametrize(
    ("name", "part"),
    [
        ("Phòng Tư pháp", "tuphap"),
        ("Phòng Nội vụ", "noivu"),
        ("Phòng Y tế", "yte"),
        ("Phòng Tài nguyên và Môi trường", "tnmt"),
        ("Phòng Lao động – Thương binh và Xã hội", "ldtbxh"),
        ("Phòng Tài chính – Kế hoạch", "tckh"),
        ("Thanh tra thị xã", "thanhtra"),
        ("Công an thị xã", "congan"),
        ("Bảo hiểm xã hội thị xã", "bhxh"),
        ("Ủy ban MTTQ Việt Nam thị xã", "ubmttqvn"),
        ("Trung tâm Y tế thị xã", "ttyt"),
        ("Phường 1", "phuong1"),
        ("Phường Khánh Hòa", "phuongkhanhhoa"),
        ("xã Hòa Đông", "xahoadong"),
        ("Xã Vĩnh Hải", "xavinhhai"),
    ],
)
def test_unit_parts_read_like_the_unit(name, part):
    assert unit_part(name) == part


def test_every_seed_unit_gives_a_short_ascii_part_and_offices_do_not_collide():
    parts = {}
    for name, kind in _seed_units():
        if kind in ("group", "vague"):
            continue
        part = unit_part(name, commune=kind == "commune")
        assert re.fullmatch(r"[a-z0-9]{2,16}", part), (name, part)
        parts.setdefault(part, []).append(name)
    assert {p: n for p, n in parts.items() if len(n) > 1} == {}


@pytest.mark.parametrize(
    ("name", "part"),
    [
        ("Nguyễn Văn An", "annv"),
        ("Trần Thị Ngọc Hân", "hanttn"),
        ("Lâm Thị Bích", "bichlt"),
        ("Thạch Sô Phết", "phetts"),
        ("  nguyễn   văn   an ", "annv"),
        ("Đặng Đức Định", "dinhdd"),
        ("An", "an"),
        ("Nguyễn Văn An (Phó Chủ tịch)", "annv"),  # a bracket is an aside
    ],
)
def test_person_parts_follow_the_office_mailbox_habit(name, part):
    assert person_part(name) == part


def test_a_taken_user_name_gets_the_next_number():
    taken = {"tuphap.annv", "tuphap.annv2"}
    assert suggest_username("Nguyễn Văn An", "Phòng Tư pháp", taken.__contains__) == "tuphap.annv3"
    assert suggest_username("Nguyễn Văn An", None, taken.__contains__) == "annv"
    assert suggest_username("Lâm Thị Bích", "Phường 1", taken.__contains__) == "phuong1.bichlt"


@given(st.text(min_size=0, max_size=80), st.one_of(st.none(), st.text(max_size=120)))
def test_made_user_names_are_always_valid(full_name, unit_name):
    made = suggest_username(full_name, unit_name, lambda _name: False)
    assert USERNAME.match(made), made


HEADER = ["STT", "Họ và tên", "Đơn vị công tác", "Email", "Số điện thoại", "Vai trò", "Tài khoản"]


def test_the_sheet_is_found_by_its_header_words_and_empty_rows_skipped():
    notes = ["Danh sách tài khoản — họ tên, đơn vị, e-mail, điện thoại (ghi chú dài hơn tiêu đề)"]
    table = [
        notes,
        [],
        HEADER,
        ["1", " Nguyễn  Văn An ", "Phòng Tư pháp", "an@x.vn", "0912345678", "", ""],
        ["", "", "", "", "", "", ""],
        ["2", "Lâm Thị Bích", "UBND xã Vĩnh Hải", "", "", "Lãnh đạo", "vinhhai.ld"],
    ]
    rows, problems = read_account_sheet([[["Đơn vị"], ["Phòng Tư pháp"]], table])
    assert problems == []
    assert rows == [
        SheetAccount(4, "Nguyễn Văn An", "Phòng Tư pháp", "an@x.vn", "0912345678"),
        SheetAccount(6, "Lâm Thị Bích", "UBND xã Vĩnh Hải", "", "", "Lãnh đạo", "vinhhai.ld"),
    ]


def test_a_sheet_without_name_and_unit_columns_says_so():
    rows, problems = read_account_sheet([[["Tên", "Phòng ban"], ["An", "Tư pháp"]]])
    assert rows == []
    assert "«Họ tên» và «Đơn vị»" in problems[0]
