"""Reporting periods (kỳ báo cáo) and their cut-off dates.

Periodic reports take data up to a cut-off (Nghị định 09/2019/NĐ-CP, Điều 12):
- quarter: from the 15th of the month before the quarter to the 14th of its last month;
- 6 months: 15/12 of the previous year to 14/6; second half 15/6 to 14/12;
- 9 months: 15/12 of the previous year to 14/9;
- year: 15/12 of the previous year to 14/12.
Both ends are inclusive. The report is due at least one working day after the cut-off
(Điều 8.5); the default due date here is the first working day after it, by a work
calendar (weekends, public holidays, and the days off and make-up days recorded; without
one, weekends and public holidays). A plan may set its own due dates.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Protocol, TypeVar

from tracker.domain.workdays import WorkCalendar


class PeriodKind(StrEnum):
    QUARTER = "quarter"
    HALF = "half"  # 6 tháng
    NINE_MONTHS = "nine_months"
    YEAR = "year"


KIND_LABELS = {
    PeriodKind.QUARTER: "Quý",
    PeriodKind.HALF: "6 tháng",
    PeriodKind.NINE_MONTHS: "9 tháng",
    PeriodKind.YEAR: "Năm",
}
# How many periods of each kind a year has.
PER_YEAR = {
    PeriodKind.QUARTER: 4,
    PeriodKind.HALF: 2,
    PeriodKind.NINE_MONTHS: 1,
    PeriodKind.YEAR: 1,
}
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


@dataclass(frozen=True)
class Period:
    kind: PeriodKind
    year: int
    index: int  # quarter 1–4, half 1–2, otherwise 1
    starts_on: date  # first day of data (inclusive)
    ends_on: date  # cut-off: last day of data (inclusive)
    due_on: date  # report due

    @property
    def code(self) -> str:
        """Stable short code: 2023-Q3, 2023-H1, 2023-M9, 2023-Y."""
        suffix = {
            PeriodKind.QUARTER: f"Q{self.index}",
            PeriodKind.HALF: f"H{self.index}",
            PeriodKind.NINE_MONTHS: "M9",
            PeriodKind.YEAR: "Y",
        }[self.kind]
        return f"{self.year}-{suffix}"

    @property
    def label(self) -> str:
        if self.kind is PeriodKind.QUARTER:
            return f"Quý {ROMAN[self.index]}/{self.year}"
        if self.kind is PeriodKind.HALF:
            part = "đầu" if self.index == 1 else "cuối"
            return f"6 tháng {part} năm {self.year}"
        if self.kind is PeriodKind.NINE_MONTHS:
            return f"9 tháng năm {self.year}"
        return f"Năm {self.year}"

    def contains(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on


def next_working_day(day: date, calendar: WorkCalendar | None = None) -> date:
    """The first working day strictly after `day` by `calendar`; without one, the first
    day after it that is neither a weekend nor a public holiday (31/12/2024 → 2/1/2025).
    A make-up Saturday the calendar records is a working day."""
    cal = calendar or WorkCalendar.for_years({day.year, day.year + 1})
    return cal.on_or_after(day + timedelta(days=1))


def cutoff(kind: PeriodKind, year: int, index: int = 1) -> tuple[date, date]:
    """(first day, last day) of the data a period's report covers; both inclusive."""
    if not 1 <= index <= PER_YEAR[kind]:
        raise ValueError(f"{kind} has no period {index}")
    if kind is PeriodKind.QUARTER:
        first_month = 3 * index - 3  # the month before the quarter (0 = December before)
        start = date(year - 1, 12, 15) if first_month == 0 else date(year, first_month, 15)
        return start, date(year, 3 * index, 14)
    if kind is PeriodKind.HALF:
        if index == 1:
            return date(year - 1, 12, 15), date(year, 6, 14)
        return date(year, 6, 15), date(year, 12, 14)
    if kind is PeriodKind.NINE_MONTHS:
        return date(year - 1, 12, 15), date(year, 9, 14)
    return date(year - 1, 12, 15), date(year, 12, 14)


def make_period(
    kind: PeriodKind,
    year: int,
    index: int = 1,
    due_on: date | None = None,
    calendar: WorkCalendar | None = None,
) -> Period:
    """A period with its cut-off; due on `due_on`, or by default on the first working day
    after the cut-off (next_working_day, by `calendar`)."""
    start, end = cutoff(kind, year, index)
    return Period(kind, year, index, start, end, due_on or next_working_day(end, calendar))


def periods_of_year(
    year: int, kinds: set[PeriodKind], calendar: WorkCalendar | None = None
) -> list[Period]:
    """The periods of the given kinds in a year, ordered by cut-off, one per cut-off:
    where two end together the longer stands for both, as one report covers them (the
    year's report is the second half's, "quý II và 6 tháng đầu năm" is one report).
    Default due dates by `calendar` (next_working_day)."""
    calendar = calendar or WorkCalendar.for_years({year, year + 1})
    longest: dict[date, Period] = {}
    for kind in PeriodKind:
        if kind not in kinds:
            continue
        for index in range(1, PER_YEAR[kind] + 1):
            period = make_period(kind, year, index, calendar=calendar)
            kept = longest.get(period.ends_on)
            if kept is None or period.starts_on < kept.starts_on:
                longest[period.ends_on] = period
    return sorted(longest.values(), key=lambda p: p.ends_on)


def current_period(periods: list[Period], today: date) -> Period | None:
    """The period a unit is reporting for on `today`: the first whose report is not yet
    due (today ≤ due date), else the last one."""
    ordered = sorted(periods, key=lambda p: (p.due_on, -p.starts_on.toordinal()))
    for period in ordered:
        if today <= period.due_on:
            return period
    return ordered[-1] if ordered else None


class Span(Protocol):
    """Anything with a period's dates: a Period, a ReportingPeriod row, a plain tuple."""

    @property
    def starts_on(self) -> date: ...

    @property
    def ends_on(self) -> date: ...

    @property
    def due_on(self) -> date: ...


S = TypeVar("S", bound=Span)


def report_rounds(periods: Iterable[S]) -> list[tuple[S, ...]]:
    """The report rounds (đợt báo cáo) of a plan's periods, in cut-off order.

    Periods with the same cut-off are one round: a unit sends one report for them. New
    plans have one period per cut-off (periods_of_year); a plan made before may hold the
    second half and the year, both ending 14/12. Within a round the shorter period comes
    first: it names the round (its calendar event, its due date, the report a unit is
    asked for). Reminders, the calendar, the work pages and the figures all use this."""
    by_end: dict[date, list[S]] = {}
    for period in sorted(periods, key=lambda p: (p.ends_on, -p.starts_on.toordinal())):
        by_end.setdefault(period.ends_on, []).append(period)
    return [tuple(same) for same in by_end.values()]


def round_as_of(periods: Iterable[S], as_of: date) -> tuple[S, ...] | None:
    """The round that figures "as of" a date speak for: the last whose cut-off has passed
    by then (as of 15/9/2023 with halves and year: the first six months), or, before any
    has closed, the round being reported (the first whose report is not yet due).
    None for a plan without periods."""
    rounds = report_rounds(periods)
    closed = [r for r in rounds if r[0].ends_on <= as_of]
    if closed:
        return closed[-1]
    open_ = [r for r in rounds if as_of <= r[0].due_on]
    return open_[0] if open_ else (rounds[-1] if rounds else None)


def round_to_date(periods: Iterable[S], as_of: date) -> tuple[S, ...] | None:
    """The round that figures "to date" speak for: the first whose cut-off is on or after
    `as_of` (the round under way), or the last. Counted with the rounds before it, it
    holds everything accepted in the year so far — what a dashboard shows between two
    reports. None for a plan without periods."""
    rounds = report_rounds(periods)
    return next((r for r in rounds if r[0].ends_on >= as_of), rounds[-1] if rounds else None)
