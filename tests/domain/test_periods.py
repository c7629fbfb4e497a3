"""Reporting periods and the cut-offs of Nghị định 09/2019/NĐ-CP, Điều 12."""

from __future__ import annotations

from datetime import date

import pytest

from tracker.domain.periods import (
    PeriodKind,
    current_period,
    cutoff,
    make_period,
    next_working_day,
    periods_of_year,
)
from tracker.domain.workdays import WorkCalendar

K = PeriodKind


@pytest.mark.parametrize(
    "kind,index,start,end",
    [
        (K.QUARTER, 1, date(2022, 12, 15), date(2023, 3, 14)),
        (K.QUARTER, 2, date(2023, 3, 15), date(2023, 6, 14)),
        (K.QUARTER, 3, date(2023, 6, 15), date(2023, 9, 14)),
        (K.QUARTER, 4, date(2023, 9, 15), date(2023, 12, 14)),
        (K.HALF, 1, date(2022, 12, 15), date(2023, 6, 14)),
        (K.HALF, 2, date(2023, 6, 15), date(2023, 12, 14)),
        (K.NINE_MONTHS, 1, date(2022, 12, 15), date(2023, 9, 14)),
        (K.YEAR, 1, date(2022, 12, 15), date(2023, 12, 14)),
    ],
)
def test_cutoffs(kind, index, start, end):
    assert cutoff(kind, 2023, index) == (start, end)


def test_no_fifth_quarter():
    with pytest.raises(ValueError):
        cutoff(K.QUARTER, 2023, 5)


def test_due_one_working_day_after_the_cutoff():
    assert make_period(K.YEAR, 2023).due_on == date(2023, 12, 15)  # Thursday 14 → Friday 15
    assert make_period(K.HALF, 2024).due_on == date(2024, 6, 17)  # Friday 14 → Monday 17
    assert next_working_day(date(2023, 9, 16)) == date(2023, 9, 18)


@pytest.mark.parametrize(
    ("day", "due"),
    [
        (date(2024, 12, 31), date(2025, 1, 2)),  # 1/1 is Tết Dương lịch
        (date(2024, 2, 7), date(2024, 2, 15)),  # over Tết Giáp Thìn (8–14/2/2024)
        (date(2023, 8, 31), date(2023, 9, 5)),  # 1/9, 2/9 and 4/9/2023 (nghỉ bù)
        (date(2024, 4, 26), date(2024, 5, 2)),  # 29/4/2024 (swapped), 30/4, 1/5
    ],
)
def test_the_default_due_date_skips_public_holidays(day, due):
    assert next_working_day(day) == due


def test_the_due_date_follows_the_work_calendar_given():
    """Days off the coordinator recorded push it on; a make-up Saturday is a working day."""
    cal = WorkCalendar.for_years(
        [2023, 2024], days_off=[date(2023, 12, 15)], extra_working_days=[date(2024, 5, 4)]
    )
    assert make_period(K.YEAR, 2023, calendar=cal).due_on == date(2023, 12, 18)
    assert next_working_day(date(2024, 5, 3), cal) == date(2024, 5, 4)
    assert next_working_day(date(2024, 5, 3)) == date(2024, 5, 6)
    assert [p.due_on for p in periods_of_year(2023, {K.HALF, K.YEAR}, cal)] == [
        date(2023, 6, 15),
        date(2023, 12, 18),
    ]


@pytest.mark.parametrize("year", range(2023, 2028))
def test_every_default_due_date_is_a_working_day(year):
    cal = WorkCalendar.for_years([year, year + 1])
    for period in periods_of_year(year, set(K)):
        assert cal.is_working_day(period.due_on)
        assert cal.working_days_after(period.ends_on, period.due_on) == 1


def test_labels_and_codes():
    h1 = make_period(K.HALF, 2023, 1)
    assert (h1.label, h1.code) == ("6 tháng đầu năm 2023", "2023-H1")
    assert make_period(K.QUARTER, 2024, 3).label == "Quý III/2024"
    assert make_period(K.NINE_MONTHS, 2023).code == "2023-M9"
    assert make_period(K.YEAR, 2023).label == "Năm 2023"


def test_seed_plan_collects_six_months_and_year():
    """The year's report is the second half's: one period per cut-off, the longer."""
    codes = [p.code for p in periods_of_year(2023, {K.HALF, K.YEAR})]
    assert codes == ["2023-H1", "2023-Y"]
    assert [p.code for p in periods_of_year(2023, {K.HALF})] == ["2023-H1", "2023-H2"]


def test_one_period_per_cut_off_the_longest():
    every = periods_of_year(2024, set(K))
    assert [p.code for p in every] == ["2024-Q1", "2024-H1", "2024-M9", "2024-Y"]
    assert [p.ends_on for p in every] == [
        date(2024, 3, 14),
        date(2024, 6, 14),
        date(2024, 9, 14),
        date(2024, 12, 14),
    ]


def test_current_period():
    periods = periods_of_year(2023, {K.HALF, K.YEAR})
    assert current_period(periods, date(2023, 5, 1)).code == "2023-H1"
    assert current_period(periods, date(2023, 6, 15)).code == "2023-H1"  # due that day
    assert current_period(periods, date(2023, 6, 16)).code == "2023-Y"
    assert current_period(periods, date(2024, 2, 1)).code == "2023-Y"


def test_report_rounds_join_periods_with_the_same_cut_off():
    """One rule for reminders, feeds, work pages and figures: periods ending together
    are one round, the shorter first (a plan made before one period per cut-off holds
    both the second half and the year)."""
    from tracker.domain.periods import report_rounds, round_as_of

    halves = [make_period(PeriodKind.HALF, 2023, i) for i in (1, 2)]
    year = make_period(PeriodKind.YEAR, 2023)
    rounds = report_rounds([year, *halves])
    assert [[p.code for p in r] for r in rounds] == [["2023-H1"], ["2023-H2", "2023-Y"]]
    assert round_as_of([year, *halves], date(2023, 9, 1))[0].code == "2023-H1"
    assert round_as_of([year, *halves], date(2023, 12, 14))[0].code == "2023-H2"
    assert round_as_of([year, *halves], date(2023, 3, 1))[0].code == "2023-H1"
    assert round_as_of([], date(2023, 3, 1)) is None
