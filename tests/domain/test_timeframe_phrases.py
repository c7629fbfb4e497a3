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


def test_at_least_fifty_phrases():
    assert len(PHRASES) >= 50


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
        ("Theo Kế hoạch đã được phê duyệt", "Theo kế hoạch khác — chờ Phòng Nội vụ ấn định"),
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
