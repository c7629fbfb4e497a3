"""The timeframe reader on the phrases real annexes use (domain.md, seed 004, other plans)."""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.domain.timeframes import Cadence, TimeframeKind, read_timeframe

D = date
K = TimeframeKind
C = Cadence
PLAN_YEAR = 2023

# phrase, kind, starts_on, due_on, cadence
PHRASES = [
    # ongoing: no single deadline, a report every period
    ("Thường xuyên", K.ONGOING, None, None, C.PERIOD),
    ("thường xuyên.", K.ONGOING, None, None, C.PERIOD),
    ("THƯỜNG XUYÊN", K.ONGOING, None, None, C.PERIOD),
    ("Thường xuyên, liên tục", K.ONGOING, None, None, C.PERIOD),
    ("Hằng năm", K.ONGOING, None, None, C.YEAR),
    ("Hàng năm", K.ONGOING, None, None, C.YEAR),
    ("hằng năm.", K.ONGOING, None, None, C.YEAR),
    ("Hằng quý", K.ONGOING, None, None, C.QUARTER),
    ("Hàng tháng", K.ONGOING, None, None, C.MONTH),
    ("định kỳ 6 tháng, hằng năm", K.ONGOING, None, None, C.HALF_YEAR),
    ("Định kỳ hằng năm", K.ONGOING, None, None, C.YEAR),
    ("Quý IV/2023 và các năm tiếp theo", K.ONGOING, None, None, C.YEAR),
    ("2 lần/năm", K.ONGOING, None, None, C.HALF_YEAR),
    ("6 tháng/lần", K.ONGOING, None, None, C.HALF_YEAR),
    ("1 lần/năm", K.ONGOING, None, None, C.YEAR),
    ("2 lần mỗi năm", K.ONGOING, None, None, C.HALF_YEAR),
    ("Mỗi năm 2 lần", K.ONGOING, None, None, C.HALF_YEAR),
    ("Mỗi quý", K.ONGOING, None, None, C.QUARTER),
    ("Định kỳ hằng quý", K.ONGOING, None, None, C.QUARTER),
    ("Ngày 25 hằng tháng", K.ONGOING, None, None, C.MONTH),
    ("Hằng quý, trước ngày 20 tháng cuối quý", K.ONGOING, None, None, C.QUARTER),
    ("Thường xuyên khi có yêu cầu", K.ONGOING, None, None, C.PERIOD),
    ("Năm 2025 và các năm tiếp theo", K.ONGOING, None, None, C.YEAR),
    ("Năm 2025 và những năm tiếp theo", K.ONGOING, None, None, C.YEAR),
    ("Từ năm 2025 trở đi", K.ONGOING, D(2025, 1, 1), None, C.PERIOD),
    ("Từ tháng 9/2025 trở đi", K.ONGOING, D(2025, 9, 1), None, C.PERIOD),
    ("Năm 2025 và tiếp tục thực hiện các năm sau", K.ONGOING, None, None, C.YEAR),
    ("Hằng tháng (trừ tháng Tết)", K.ONGOING, None, None, C.MONTH),
    ("Từ quý III/2025 và các năm tiếp theo", K.ONGOING, None, None, C.YEAR),
    # dated by another plan
    ("Theo Kế hoạch đã được Ủy ban nhân dân thị xã phê duyệt", K.OTHER_PLAN, None, None, None),
    ("Theo kế hoạch riêng", K.OTHER_PLAN, None, None, None),
    ("Theo lộ trình của tỉnh", K.OTHER_PLAN, None, None, None),
    ("Thực hiện theo Kế hoạch số 35/KH-UBND", K.OTHER_PLAN, None, None, None),
    # a year, a half, a quarter, a month
    ("Năm 2023", K.RANGE, D(2023, 1, 1), D(2023, 12, 31), None),
    ("năm 2024.", K.RANGE, D(2024, 1, 1), D(2024, 12, 31), None),
    ("Trong năm 2023", K.RANGE, D(2023, 1, 1), D(2023, 12, 31), None),
    ("2025", K.RANGE, D(2025, 1, 1), D(2025, 12, 31), None),
    ("Giai đoạn 2023-2025", K.RANGE, D(2023, 1, 1), D(2025, 12, 31), None),
    ("Năm 2023 - 2025", K.RANGE, D(2023, 1, 1), D(2025, 12, 31), None),
    ("6 tháng đầu năm 2023", K.RANGE, D(2023, 1, 1), D(2023, 6, 30), None),
    ("6 tháng cuối năm 2023", K.RANGE, D(2023, 7, 1), D(2023, 12, 31), None),
    ("9 tháng đầu năm 2024", K.RANGE, D(2024, 1, 1), D(2024, 9, 30), None),
    ("6 tháng đầu năm", K.RANGE, D(2023, 1, 1), D(2023, 6, 30), None),
    ("Quý II/2024", K.RANGE, D(2024, 4, 1), D(2024, 6, 30), None),
    ("quý 4/2024", K.RANGE, D(2024, 10, 1), D(2024, 12, 31), None),
    ("Quý I năm 2024", K.RANGE, D(2024, 1, 1), D(2024, 3, 31), None),
    ("Quý 2 năm 2024", K.RANGE, D(2024, 4, 1), D(2024, 6, 30), None),
    ("Quý III", K.RANGE, D(2023, 7, 1), D(2023, 9, 30), None),
    ("Tháng 10/2024", K.RANGE, D(2024, 10, 1), D(2024, 10, 31), None),
    ("tháng 2 năm 2024", K.RANGE, D(2024, 2, 1), D(2024, 2, 29), None),
    ("Trong tháng 12", K.RANGE, D(2023, 12, 1), D(2023, 12, 31), None),
    ("Từ tháng 8 đến tháng 11/2023", K.RANGE, D(2023, 8, 1), D(2023, 11, 30), None),
    ("tháng 8-11/2023", K.RANGE, D(2023, 8, 1), D(2023, 11, 30), None),
    ("Từ tháng 8 đến tháng 11 năm 2023", K.RANGE, D(2023, 8, 1), D(2023, 11, 30), None),
    ("từ ngày 01/3/2024 đến ngày 30/4/2024", K.RANGE, D(2024, 3, 1), D(2024, 4, 30), None),
    ("Từ 15/5 đến 15/6/2024", K.RANGE, D(2024, 5, 15), D(2024, 6, 15), None),
    # one deadline
    ("Trước ngày 30/6/2024", K.DEADLINE, None, D(2024, 6, 30), None),
    ("trước ngày 15/12/2023.", K.DEADLINE, None, D(2023, 12, 15), None),
    ("Trước 15/12", K.DEADLINE, None, D(2023, 12, 15), None),
    ("Trước ngày 31/01/2026", K.DEADLINE, None, D(2026, 1, 31), None),
    ("Chậm nhất ngày 15/12/2024", K.DEADLINE, None, D(2024, 12, 15), None),
    ("Hạn chót 15/12/2024", K.DEADLINE, None, D(2024, 12, 15), None),
    ("Hoàn thành trước ngày 30/9/2023", K.DEADLINE, None, D(2023, 9, 30), None),
    ("Trước ngày 30-6-2024", K.DEADLINE, None, D(2024, 6, 30), None),
    ("Trước ngày 30.6.2024", K.DEADLINE, None, D(2024, 6, 30), None),
    ("30/11/2023", K.DEADLINE, None, D(2023, 11, 30), None),
    # never guessed
    ("Khi có văn bản chỉ đạo", K.UNDATED, None, None, None),
    ("Khi có yêu cầu", K.UNDATED, None, None, None),
    ("Trước ngày 31/02/2024", K.UNDATED, None, None, None),
    ("Tháng 13/2024", K.UNDATED, None, None, None),
    ("", K.UNDATED, None, None, None),
    ("Sớm nhất có thể", K.UNDATED, None, None, None),
]


@pytest.mark.parametrize("phrase,kind,starts_on,due_on,cadence", PHRASES)
def test_phrase(phrase, kind, starts_on, due_on, cadence):
    tf = read_timeframe(phrase, PLAN_YEAR)
    assert (tf.kind, tf.starts_on, tf.due_on, tf.cadence) == (kind, starts_on, due_on, cadence)
    assert tf.text == phrase.strip()


def test_at_least_a_hundred_and_fifty_phrases():
    assert len(PHRASES) + len(GRAMMAR) >= 150


@pytest.mark.parametrize("phrase", ["Năm 2023", "Trước ngày 30/6/2024", "Hằng năm", "Quý II/2024"])
def test_nfd_text_reads_the_same(phrase):
    nfd = unicodedata.normalize("NFD", phrase)
    assert read_timeframe(nfd, PLAN_YEAR) == read_timeframe(phrase, PLAN_YEAR)


def test_missing_year_comes_from_the_plan_and_says_so():
    tf = read_timeframe("Trước 15/12", 2024)
    assert tf.due_on == D(2024, 12, 15)
    assert "2024" in tf.note


def test_missing_year_without_a_plan_year_is_undated():
    tf = read_timeframe("Trước 15/12", None)
    assert tf.kind is K.UNDATED and tf.due_on is None
    assert tf.note


def test_undated_keeps_the_phrase_and_explains():
    tf = read_timeframe("Khi có văn bản chỉ đạo của tỉnh", 2023)
    assert tf.text == "Khi có văn bản chỉ đạo của tỉnh"
    assert tf.note and not tf.is_dated


@pytest.mark.parametrize(
    "phrase,label",
    [
        ("Năm 2023", "Từ 01/01/2023 đến 31/12/2023"),
        ("Trước ngày 30/6/2024", "Hạn 30/06/2024"),
        ("Thường xuyên", "Thường xuyên (báo cáo mỗi kỳ)"),
        ("Theo Kế hoạch đã được phê duyệt", "Theo kế hoạch khác — chờ ấn định thời hạn"),
        ("Khi có yêu cầu", "Chưa xác định được thời hạn"),
    ],
)
def test_label(phrase, label):
    assert read_timeframe(phrase, 2023).label() == label


@given(st.text(max_size=200), st.one_of(st.none(), st.integers(1900, 2200)))
def test_never_raises_and_dates_are_consistent(text, year):
    tf = read_timeframe(text, year)
    if tf.starts_on and tf.due_on:
        assert tf.starts_on <= tf.due_on
    if tf.kind in (K.DEADLINE, K.RANGE):
        assert tf.due_on is not None
    else:
        assert tf.due_on is None
    if tf.kind is K.UNDATED:
        assert tf.note


@given(st.from_regex(r"(Trước ngày |Quý |Tháng |Từ tháng |Năm )[0-9IVX/ .-]{0,14}", fullmatch=True))
def test_fuzz_near_misses(text):
    test_never_raises_and_dates_are_consistent.hypothesis.inner_test(text, 2023)


# The grammar of dated phrases (domain.timeframe_grammar), by form. Plan year 2023: a
# phrase that writes its own year never takes it.
# phrase, kind, starts_on, every due date, cadence, flagged for review
R = K.RANGE
DL = K.DEADLINE
GRAMMAR = [
    # numbers and dates in words
    ("Ngày 15 tháng 9 năm 2025", DL, None, (D(2025, 9, 15),), None, False),
    ("ngày mười lăm tháng chín năm 2025", DL, None, (D(2025, 9, 15),), None, False),
    ("Trước ngày 30 tháng 6 năm 2025", DL, None, (D(2025, 6, 30),), None, False),
    ("Chậm nhất ngày 31 tháng 12 năm 2025", DL, None, (D(2025, 12, 31),), None, False),
    ("ngày hai mươi tháng mười năm 2025", DL, None, (D(2025, 10, 20),), None, False),
    ("ngày ba mươi mốt tháng mười hai năm 2025", DL, None, (D(2025, 12, 31),), None, False),
    ("Trước ngày mười lăm tháng mười hai", DL, None, (D(2023, 12, 15),), None, False),
    ("Tháng Chín năm 2025", R, D(2025, 9, 1), (D(2025, 9, 30),), None, False),
    ("tháng mười hai năm 2025", R, D(2025, 12, 1), (D(2025, 12, 31),), None, False),
    ("Tháng Giêng năm 2026", R, D(2026, 1, 1), (D(2026, 1, 31),), None, False),
    ("Tháng năm năm 2025", R, D(2025, 5, 1), (D(2025, 5, 31),), None, False),
    ("Quý tư năm 2025", R, D(2025, 10, 1), (D(2025, 12, 31),), None, False),
    ("Quý một năm 2026", R, D(2026, 1, 1), (D(2026, 3, 31),), None, False),
    ("Quý hai/2025", R, D(2025, 4, 1), (D(2025, 6, 30),), None, False),
    ("Sáu tháng đầu năm 2025", R, D(2025, 1, 1), (D(2025, 6, 30),), None, False),
    ("Chín tháng đầu năm 2025", R, D(2025, 1, 1), (D(2025, 9, 30),), None, False),
    ("sáu tháng cuối năm 2025", R, D(2025, 7, 1), (D(2025, 12, 31),), None, False),
    # lists: periods back to back are one span; with gaps, a due date each
    ("Quý II, III/2025", R, D(2025, 4, 1), (D(2025, 9, 30),), None, False),
    ("Quý II và quý III năm 2025", R, D(2025, 4, 1), (D(2025, 9, 30),), None, False),
    ("Trong quý III và quý IV năm 2025", R, D(2025, 7, 1), (D(2025, 12, 31),), None, False),
    ("Quý I, II, III/2024", R, D(2024, 1, 1), (D(2024, 9, 30),), None, False),
    ("Tháng 8, 9 và 10/2025", R, D(2025, 8, 1), (D(2025, 10, 31),), None, False),
    ("Tháng 11, 12/2025 và tháng 1/2026", R, D(2025, 11, 1), (D(2026, 1, 31),), None, False),
    ("Năm 2024, 2025", R, D(2024, 1, 1), (D(2025, 12, 31),), None, False),
    ("Các năm 2024 và 2025", R, D(2024, 1, 1), (D(2025, 12, 31),), None, False),
    ("Năm 2024 và năm 2025", R, D(2024, 1, 1), (D(2025, 12, 31),), None, False),
    ("Quý II hoặc quý III/2025", R, D(2025, 4, 1), (D(2025, 9, 30),), None, False),
    ("Tháng 8 hoặc tháng 9/2025", R, D(2025, 8, 1), (D(2025, 9, 30),), None, False),
    ("Quý I và quý III/2025", R, D(2025, 1, 1), (D(2025, 3, 31), D(2025, 9, 30)), None, False),
    (
        "Quý III/2025 và quý I/2026",
        R,
        D(2025, 7, 1),
        (D(2025, 9, 30), D(2026, 3, 31)),
        None,
        False,
    ),
    (
        "Tháng 3, 6, 9 và 12/2025",
        R,
        D(2025, 3, 1),
        (D(2025, 3, 31), D(2025, 6, 30), D(2025, 9, 30), D(2025, 12, 31)),
        None,
        False,
    ),
    (
        "Tháng 6 và tháng 12 năm 2025",
        R,
        D(2025, 6, 1),
        (D(2025, 6, 30), D(2025, 12, 31)),
        None,
        False,
    ),
    # several deadlines
    (
        "Trước ngày 30/6/2025 và 31/12/2025",
        DL,
        None,
        (D(2025, 6, 30), D(2025, 12, 31)),
        None,
        False,
    ),
    ("Trước ngày 15/6 và 15/12/2025", DL, None, (D(2025, 6, 15), D(2025, 12, 15)), None, False),
    ("15/6/2025; 15/12/2025", DL, None, (D(2025, 6, 15), D(2025, 12, 15)), None, False),
    (
        "Đợt 1: trước 30/6/2025; đợt 2: trước 30/11/2025",
        DL,
        None,
        (D(2025, 6, 30), D(2025, 11, 30)),
        None,
        False,
    ),
    (
        "Lần 1 trước 31/3/2025, lần 2 trước 30/9/2025",
        DL,
        None,
        (D(2025, 3, 31), D(2025, 9, 30)),
        None,
        False,
    ),
    # ranges, across a year end too (the start then takes the earlier year)
    ("Từ quý IV/2025 đến quý I/2026", R, D(2025, 10, 1), (D(2026, 3, 31),), None, False),
    ("Quý IV/2025 - Quý I/2026", R, D(2025, 10, 1), (D(2026, 3, 31),), None, False),
    ("Từ tháng 11/2025 đến tháng 02/2026", R, D(2025, 11, 1), (D(2026, 2, 28),), None, False),
    ("Từ tháng 11 đến tháng 02/2026", R, D(2025, 11, 1), (D(2026, 2, 28),), None, False),
    ("Tháng 11/2025 - tháng 2/2026", R, D(2025, 11, 1), (D(2026, 2, 28),), None, False),
    ("Từ tháng 11/2025 đến tháng 2", R, D(2025, 11, 1), (D(2026, 2, 28),), None, False),
    (
        "Từ ngày 01/7/2025 đến hết ngày 31/12/2025",
        R,
        D(2025, 7, 1),
        (D(2025, 12, 31),),
        None,
        False,
    ),
    ("Từ ngày 15/11 đến ngày 15/01/2026", R, D(2025, 11, 15), (D(2026, 1, 15),), None, False),
    ("Từ 15/11/2025 - 15/01/2026", R, D(2025, 11, 15), (D(2026, 1, 15),), None, False),
    ("Từ tháng 10/2025 đến hết quý I/2026", R, D(2025, 10, 1), (D(2026, 3, 31),), None, False),
    ("Từ quý III đến quý IV/2025", R, D(2025, 7, 1), (D(2025, 12, 31),), None, False),
    ("Tháng 8 - 12/2025", R, D(2025, 8, 1), (D(2025, 12, 31),), None, False),
    ("Từ năm 2024 đến năm 2026", R, D(2024, 1, 1), (D(2026, 12, 31),), None, False),
    ("2024 - 2025", R, D(2024, 1, 1), (D(2025, 12, 31),), None, False),
    ("Giai đoạn 2025 – 2030", R, D(2025, 1, 1), (D(2030, 12, 31),), None, False),
    ("Từ nay đến 30/9/2025", DL, None, (D(2025, 9, 30),), None, False),
    ("Từ nay đến hết năm 2025", DL, None, (D(2025, 12, 31),), None, False),
    ("Từ nay đến cuối năm 2025", DL, None, (D(2025, 12, 31),), None, False),
    ("Từ nay đến tháng 10/2025", DL, None, (D(2025, 10, 31),), None, False),
    # parts of a period
    ("Cuối năm 2025", R, D(2025, 10, 1), (D(2025, 12, 31),), None, False),
    ("Cuối năm", R, D(2023, 10, 1), (D(2023, 12, 31),), None, False),
    ("Cuối năm nay", R, D(2023, 10, 1), (D(2023, 12, 31),), None, False),
    ("Đầu năm 2026", R, D(2026, 1, 1), (D(2026, 3, 31),), None, True),
    ("Hết năm 2025", DL, None, (D(2025, 12, 31),), None, False),
    ("Đến hết năm 2025", DL, None, (D(2025, 12, 31),), None, False),
    ("Đến hết tháng 9/2025", DL, None, (D(2025, 9, 30),), None, False),
    ("Trước cuối năm 2025", DL, None, (D(2025, 12, 31),), None, False),
    ("Trước cuối tháng 9/2025", DL, None, (D(2025, 9, 30),), None, False),
    ("Trong tháng 9/2025", R, D(2025, 9, 1), (D(2025, 9, 30),), None, False),
    ("Cuối tháng 9/2025", R, D(2025, 9, 21), (D(2025, 9, 30),), None, False),
    ("Đầu tháng 10/2025", R, D(2025, 10, 1), (D(2025, 10, 10),), None, True),
    ("Giữa tháng 10/2025", R, D(2025, 10, 11), (D(2025, 10, 20),), None, True),
    ("Cuối quý II/2025", R, D(2025, 6, 1), (D(2025, 6, 30),), None, False),
    ("Đầu quý III/2025", R, D(2025, 7, 1), (D(2025, 7, 31),), None, True),
    ("Cả năm 2025", R, D(2025, 1, 1), (D(2025, 12, 31),), None, False),
    ("Trong năm nay", R, D(2023, 1, 1), (D(2023, 12, 31),), None, False),
    ("Tháng 12 năm nay", R, D(2023, 12, 1), (D(2023, 12, 31),), None, False),
    # "trước" a period: before it begins, flagged
    ("Trước tháng 9/2025", DL, None, (D(2025, 8, 31),), None, True),
    ("Trước quý III/2025", DL, None, (D(2025, 6, 30),), None, True),
    ("Trước năm 2026", DL, None, (D(2025, 12, 31),), None, True),
    # labels, other separators and brackets
    ("Thời hạn: trước ngày 30/9/2025", DL, None, (D(2025, 9, 30),), None, False),
    ("Thời gian: Quý III/2025", R, D(2025, 7, 1), (D(2025, 9, 30),), None, False),
    ("Thời gian thực hiện: năm 2025", R, D(2025, 1, 1), (D(2025, 12, 31),), None, False),
    ("Hạn: 15/10/2025", DL, None, (D(2025, 10, 15),), None, False),
    ("Hạn chót: 30/9/2025", DL, None, (D(2025, 9, 30),), None, False),
    ("Tiến độ: tháng 10/2025", R, D(2025, 10, 1), (D(2025, 10, 31),), None, False),
    ("Tháng 9-2025", R, D(2025, 9, 1), (D(2025, 9, 30),), None, False),
    ("Tháng 9.2025", R, D(2025, 9, 1), (D(2025, 9, 30),), None, False),
    ("Quý 4 - 2025", R, D(2025, 10, 1), (D(2025, 12, 31),), None, False),
    ("quý IV năm 2025", R, D(2025, 10, 1), (D(2025, 12, 31),), None, False),
    ("Quý III/2025 (trước ngày 15/9/2025)", R, D(2025, 7, 1), (D(2025, 9, 15),), None, False),
    ("Quý III/2025 (hạn 15/9)", R, D(2025, 7, 1), (D(2025, 9, 15),), None, False),
    ("Năm 2025 (hoàn thành trước 30/11)", R, D(2025, 1, 1), (D(2025, 11, 30),), None, False),
    ("Tháng 10/2025 (chậm nhất ngày 25/10)", R, D(2025, 10, 1), (D(2025, 10, 25),), None, False),
    ("Quý III (năm 2025)", R, D(2025, 7, 1), (D(2025, 9, 30),), None, False),
    ("Trước 15/12 (năm 2025)", DL, None, (D(2025, 12, 15),), None, False),
    ("[Quý IV/2025]", R, D(2025, 10, 1), (D(2025, 12, 31),), None, False),
    (
        "Năm 2025 (tháng 6 và tháng 12)",
        R,
        D(2025, 1, 1),
        (D(2025, 6, 30), D(2025, 12, 31)),
        None,
        False,
    ),
    # one deadline, written every way
    ("Chậm nhất là ngày 15/12/2025", DL, None, (D(2025, 12, 15),), None, False),
    ("Hoàn thành trong tháng 10/2025", R, D(2025, 10, 1), (D(2025, 10, 31),), None, False),
    ("Xong trước 30/9/2025", DL, None, (D(2025, 9, 30),), None, False),
    ("Trước 30/9", DL, None, (D(2023, 9, 30),), None, False),
    ("Trước ngày 5/9/2025", DL, None, (D(2025, 9, 5),), None, False),
    ("ngày 30/9/2025", DL, None, (D(2025, 9, 30),), None, False),
    ("Quý II/2025", R, D(2025, 4, 1), (D(2025, 6, 30),), None, False),
    ("Trước 15/12/2025", DL, None, (D(2025, 12, 15),), None, False),
    # repeating, with its days in the plan's year
    (
        "Trước ngày 15/6 và 15/12 hằng năm",
        DL,
        None,
        (D(2023, 6, 15), D(2023, 12, 15)),
        C.YEAR,
        False,
    ),
    ("Ngày 15/6 và 15/12 hằng năm", DL, None, (D(2023, 6, 15), D(2023, 12, 15)), C.YEAR, False),
    ("15/6 và 15/12 hàng năm", DL, None, (D(2023, 6, 15), D(2023, 12, 15)), C.YEAR, False),
    ("Hằng năm, trước ngày 15/12", DL, None, (D(2023, 12, 15),), C.YEAR, False),
    ("Trước ngày 20/12 hằng năm", DL, None, (D(2023, 12, 20),), C.YEAR, False),
    (
        "Định kỳ 6 tháng (trước 15/6 và 15/12)",
        DL,
        None,
        (D(2023, 6, 15), D(2023, 12, 15)),
        C.HALF_YEAR,
        False,
    ),
    (
        "Tháng 6 và tháng 12 hằng năm",
        R,
        D(2023, 6, 1),
        (D(2023, 6, 30), D(2023, 12, 31)),
        C.YEAR,
        False,
    ),
    ("Quý I hằng năm", R, D(2023, 1, 1), (D(2023, 3, 31),), C.YEAR, False),
    ("Tháng 12 hằng năm", R, D(2023, 12, 1), (D(2023, 12, 31),), C.YEAR, False),
    (
        "Trước ngày 15/12 hằng năm, bắt đầu từ năm 2025",
        R,
        D(2025, 1, 1),
        (D(2025, 12, 15),),
        C.YEAR,
        False,
    ),
    (
        "Mỗi năm 2 lần (tháng 6 và tháng 12)",
        R,
        D(2023, 6, 1),
        (D(2023, 6, 30), D(2023, 12, 31)),
        C.HALF_YEAR,
        False,
    ),
    ("Báo cáo trước 15/12/2025", DL, None, (D(2025, 12, 15),), None, False),
    ("Từ ngày ban hành Kế hoạch đến 31/12/2025", DL, None, (D(2025, 12, 31),), None, False),
    # tied to an event: the month written, flagged
    (
        "Sau khi có quyết định phê duyệt (dự kiến tháng 10/2025)",
        DL,
        None,
        (D(2025, 10, 31),),
        None,
        True,
    ),
    ("Khi tổ chức Đại hội (tháng 9/2025)", DL, None, (D(2025, 9, 30),), None, True),
    ("Ngay sau khi Kế hoạch được ban hành (tháng 5/2025)", DL, None, (D(2025, 5, 31),), None, True),
    ("Sau Hội nghị tổng kết, dự kiến tháng 12/2025", DL, None, (D(2025, 12, 31),), None, True),
    ("Trước khi tổ chức kỳ họp HĐND (ngày 10/12/2025)", DL, None, (D(2025, 12, 10),), None, True),
    # never guessed
    ("Khi có văn bản hướng dẫn của tỉnh", K.UNDATED, None, (), None, True),
    ("Sau khi Đại hội Đảng bộ (quý IV/2025)", K.UNDATED, None, (), None, True),
    ("Phụ thuộc tiến độ dự án", K.UNDATED, None, (), None, True),
    ("Trong vòng 30 ngày kể từ ngày ký", K.UNDATED, None, (), None, True),
    ("Giữa năm 2025", K.UNDATED, None, (), None, True),
    ("Ngày 31/9/2025", K.UNDATED, None, (), None, True),
    ("Quý V/2025", K.UNDATED, None, (), None, True),
    ("Từ 1/10/2025 đến 1/9/2025", K.UNDATED, None, (), None, True),
    ("Theo tiến độ", K.UNDATED, None, (), None, True),
    ("Năm học 2025-2026", K.UNDATED, None, (), None, True),
    ("Quý III/2025, tùy tình hình", K.UNDATED, None, (), None, True),
    # words in brackets with no date are an aside: not read, flagged
    ("Trước 15/11/2025 (báo cáo kết quả)", DL, None, (D(2025, 11, 15),), None, True),
    ("Quý III/2025 (nếu có điều kiện)", R, D(2025, 7, 1), (D(2025, 9, 30),), None, True),
    (
        "Sau khi có kết quả khảo sát PAPI năm 2024 (tháng 5/2025)",
        DL,
        None,
        (D(2025, 5, 31),),
        None,
        True,
    ),
    (
        "6 tháng đầu năm và cả năm 2025",
        R,
        D(2025, 1, 1),
        (D(2025, 6, 30), D(2025, 12, 31)),
        None,
        False,
    ),
    ("Chậm nhất trong tháng 6/2025", DL, None, (D(2025, 6, 30),), None, False),
    (
        "Đợt 1: Quý II/2025; Đợt 2: Quý IV/2025",
        R,
        D(2025, 4, 1),
        (D(2025, 6, 30), D(2025, 12, 31)),
        None,
        False,
    ),
]


@pytest.mark.parametrize("phrase,kind,starts_on,due_dates,cadence,review", GRAMMAR)
def test_grammar(phrase, kind, starts_on, due_dates, cadence, review):
    tf = read_timeframe(phrase, PLAN_YEAR)
    got = (tf.kind, tf.starts_on, tf.due_dates, tf.cadence, tf.needs_review)
    assert got == (kind, starts_on, due_dates, cadence, review), tf.note
    assert tf.text == phrase
    if review:
        assert tf.note


@pytest.mark.parametrize(
    "phrase", ["Quý II/2025", "Trước 15/12/2025", "Tháng 9-2025", "Quý II, III/2025"]
)
def test_a_written_year_wins_over_the_plans(phrase):
    tf = read_timeframe(phrase, PLAN_YEAR)
    assert {day.year for day in tf.due_dates} == {2025}
    assert "kế hoạch" not in tf.note


@pytest.mark.parametrize(
    "phrase,label",
    [
        ("Quý II, III/2025", "Từ 01/04/2025 đến 30/09/2025"),
        ("Quý I và quý III/2025", "Từ 01/01/2025 đến 30/09/2025, hạn 31/03/2025 và 30/09/2025"),
        ("Trước ngày 15/6 và 15/12 hằng năm", "Hằng năm, hạn 15/06/2023 và 15/12/2023"),
        ("Thường xuyên, trước 15/12/2025", "Thường xuyên; hạn 15/12/2025"),
        ("Từ tháng 7/2025", "Thường xuyên (báo cáo mỗi kỳ), từ 01/07/2025"),
    ],
)
def test_label_of_several_dates(phrase, label):
    assert read_timeframe(phrase, PLAN_YEAR).label() == label
