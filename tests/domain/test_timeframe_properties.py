"""Properties of the timeframe reader on phrases built the way annexes write them."""

from __future__ import annotations

import calendar
import re

from hypothesis import assume, given
from hypothesis import strategies as st

from tracker.domain.text import one_line
from tracker.domain.timeframe_words import digits_for_words
from tracker.domain.timeframes import TimeframeKind, read_timeframe

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
PLAN_YEAR = 2023
years = st.integers(2020, 2030)


@st.composite
def item(draw, written_year: bool = True) -> tuple[str, int, str]:
    """One named part of time: (text, its year, its kind)."""
    year = draw(years)
    month, day, quarter = (
        draw(st.integers(1, 12)),
        draw(st.integers(1, 28)),
        draw(st.integers(1, 4)),
    )
    y = f"/{year}" if written_year else ""
    ny = f" năm {year}" if written_year else ""
    kinds = ["day", "month", "quarter", "half"] + (["year"] if written_year else [])
    kind = draw(st.sampled_from(kinds))
    forms = {
        "day": [f"{day}/{month}{y}", f"ngày {day} tháng {month}{ny}"],
        "month": [f"tháng {month}{y}", f"tháng {month}{ny}"],
        "quarter": [f"quý {ROMAN[quarter]}{y}", f"quý {quarter}{ny}"],
        "year": [f"năm {year}"],
        "half": [f"6 tháng đầu năm{ny}", f"6 tháng cuối năm{ny}", f"9 tháng đầu năm{ny}"],
    }
    return draw(st.sampled_from(forms[kind])), year, kind


@st.composite
def phrase(draw, written_year: bool = True) -> tuple[str, set[int]]:
    """A phrase of one to three items joined by lists and ranges, with the words annexes
    put before them; and the years it names."""
    items = draw(st.lists(item(written_year), min_size=1, max_size=3))
    joins = [draw(st.sampled_from([" và ", ", ", " đến ", " - ", "; "])) for _ in items[1:]]
    text = items[0][0] + "".join(j + t for j, (t, _, _) in zip(joins, items[1:], strict=True))
    only_days = all(kind == "day" for _, _, kind in items)
    before = ["", "Trong ", "Đến hết ", "Thời gian: ", "Chậm nhất "]
    before += ["Trước ", "Hạn: ", "Hoàn thành trước "] if only_days else []
    named = {year for _, year, _ in items} if written_year else set()
    return draw(st.sampled_from(before)) + text, named


def _dates(tf):
    return [*tf.due_dates, *([tf.starts_on] if tf.starts_on else [])]


@given(phrase())
def test_a_phrase_that_names_its_years_never_yields_a_date_outside_them(case):
    text, named = case
    tf = read_timeframe(text, PLAN_YEAR)
    assert {day.year for day in _dates(tf)} <= named, (text, tf)


@given(phrase())
def test_a_phrase_of_dated_items_is_always_dated_or_refused_with_a_reason(case):
    text, _ = case
    tf = read_timeframe(text, PLAN_YEAR)
    assert tf.kind in (TimeframeKind.DEADLINE, TimeframeKind.RANGE, TimeframeKind.UNDATED)
    if tf.kind is TimeframeKind.UNDATED:
        assert tf.note and tf.needs_review  # a range that runs backwards, a 31/2…


NOISE = ["abcxyz", "tùy", "theo", "dựng", "vòng", "kể", "số", "lượng", "xem xét"]


@given(phrase(), st.data())
def test_a_word_the_grammar_does_not_know_makes_the_phrase_not_understood(case, data):
    text, _ = case
    words = text.split(" ")
    at = data.draw(st.integers(0, len(words)))
    noisy = " ".join([*words[:at], data.draw(st.sampled_from(NOISE)), *words[at:]])
    tf = read_timeframe(noisy, PLAN_YEAR)
    assert tf.kind is TimeframeKind.UNDATED, (noisy, tf)
    assert tf.text == one_line(noisy) and tf.note and tf.needs_review


VOCABULARY = [
    *("ngày", "tháng", "quý", "năm", "trước", "từ", "đến", "hết", "và", "hoặc", ",", "/"),
    *("-", "(", ")", ":", "hằng năm", "các năm tiếp theo", "thường xuyên", "khi", "sau"),
    *("dự kiến", "cuối", "đầu", "giữa", "nay", "chậm nhất", "I", "II", "IV", "V", "sáu"),
    *("mười lăm", "tư", "chín", "15", "6", "12", "31", "2", "9", "30", "2025", "2026"),
    *("1999", "abc", "6 tháng", "lần"),
]


def _supported_day(day, text: str) -> bool:
    """The day is written (in digits, or in words the table of number words reads), or
    is a month's last day, or the 10th/20th of "đầu"/"giữa tháng"."""
    numbers = {int(n) for n in re.findall(r"\d+", text + " " + digits_for_words(text))}
    last = calendar.monthrange(day.year, day.month)[1]
    vague = {10: "đầu", 20: "giữa"}.get(day.day, "\0") in text.lower()
    return day.day in numbers or day.day == last or vague


@given(st.lists(st.sampled_from(VOCABULARY), max_size=12), st.sampled_from([None, 2023, 2025]))
def test_any_date_returned_is_supported_by_the_phrase(words, plan_year):
    text = " ".join(words)
    tf = read_timeframe(text, plan_year)
    written = {int(y) for y in re.findall(r"\d{4}", text)}
    nearby = written | {y - 1 for y in written} | {y + 1 for y in written}
    for day in _dates(tf):
        from_plan = day.year == plan_year and "kế hoạch" in tf.note
        assert day.year in nearby or from_plan, (text, tf)
        assert _supported_day(day, text) or day == tf.starts_on, (text, tf)
    assert list(tf.due_dates) == sorted(set(tf.due_dates))
    if tf.starts_on and tf.due_dates:
        assert tf.starts_on <= tf.due_dates[0]


@given(st.text(max_size=120), st.sampled_from([None, 2023]))
def test_what_is_not_understood_is_kept_verbatim_and_flagged(text, plan_year):
    tf = read_timeframe(text, plan_year)
    assert tf.text == one_line(text)
    if tf.kind is TimeframeKind.UNDATED:
        assert tf.note and tf.needs_review and not tf.due_dates


@given(phrase(written_year=False))
def test_without_a_year_the_plan_year_is_used_and_said(case):
    text, _ = case
    tf = read_timeframe(text, PLAN_YEAR)
    assume(tf.kind is not TimeframeKind.UNDATED)
    assert "2023" in tf.note
    assert {day.year for day in _dates(tf)} <= {2022, 2023, 2024}
