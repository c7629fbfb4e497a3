"""When reminders fire: steps before and after a deadline in working days, catch-up after
downtime, escalation, digests."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.domain.reminders import Kind, Rules, Step, deadline_steps, digest_steps
from tracker.domain.workdays import WorkCalendar

CAL = WorkCalendar.for_years([2023, 2024, 2025])
RULES = Rules()


def daily(due: date, start: date, end: date, rules: Rules = RULES) -> list[Step]:
    """Every distinct step a scheduler ticking each day from `start` to `end` decides."""
    seen: list[Step] = []
    day = start
    while day <= end:
        for step in deadline_steps(due, rules, CAL, day):
            if step not in seen:
                seen.append(step)
        day += timedelta(days=1)
    return seen


def test_a_june_deadline_day_by_day():
    steps = daily(date(2023, 6, 15), date(2023, 6, 1), date(2023, 7, 5))
    assert steps == [
        Step(Kind.BEFORE, 7, date(2023, 6, 6)),
        Step(Kind.BEFORE, 3, date(2023, 6, 12)),
        Step(Kind.BEFORE, 1, date(2023, 6, 14)),
        Step(Kind.BEFORE, 0, date(2023, 6, 15)),
        Step(Kind.OVERDUE, 1, date(2023, 6, 16)),
        Step(Kind.OVERDUE, 4, date(2023, 6, 21)),
        Step(Kind.ESCALATION, 5, date(2023, 6, 22)),
        Step(Kind.OVERDUE, 7, date(2023, 6, 26)),
        Step(Kind.OVERDUE, 10, date(2023, 6, 29)),
        Step(Kind.OVERDUE, 13, date(2023, 7, 4)),
    ]


def test_around_national_day():
    """Due Wednesday 6/9/2023: 1/9, 2/9 (Saturday) and 4/9 are days off."""
    steps = daily(date(2023, 9, 6), date(2023, 8, 20), date(2023, 9, 12))
    assert [(s.kind, s.step, s.on) for s in steps] == [
        (Kind.BEFORE, 7, date(2023, 8, 24)),
        (Kind.BEFORE, 3, date(2023, 8, 30)),
        (Kind.BEFORE, 1, date(2023, 9, 5)),
        (Kind.BEFORE, 0, date(2023, 9, 6)),
        (Kind.OVERDUE, 1, date(2023, 9, 7)),
        (Kind.OVERDUE, 4, date(2023, 9, 12)),
    ]


def test_around_tet():
    """Due Friday 16/2/2024, right after the Tết week (8–14/2)."""
    steps = daily(date(2024, 2, 16), date(2024, 1, 20), date(2024, 2, 22))
    assert [(s.step, s.on) for s in steps if s.kind is Kind.BEFORE] == [
        (7, date(2024, 1, 31)),
        (3, date(2024, 2, 6)),
        (1, date(2024, 2, 15)),
        (0, date(2024, 2, 16)),
    ]


def test_a_deadline_on_sunday_is_reminded_on_friday():
    steps = daily(date(2023, 12, 31), date(2023, 12, 25), date(2024, 1, 3))
    assert Step(Kind.BEFORE, 0, date(2023, 12, 29)) in steps
    assert Step(Kind.OVERDUE, 1, date(2024, 1, 2)) in steps  # 1/1 is a holiday


def test_catch_up_sends_the_latest_step_only():
    due = date(2023, 6, 15)
    # Down from 5/6 to 13/6: the 7-day reminder is superseded by the 3-day one.
    assert deadline_steps(due, RULES, CAL, date(2023, 6, 13)) == [
        Step(Kind.BEFORE, 3, date(2023, 6, 12))
    ]
    # Down over the deadline: no "due today" after it, the first overdue one instead.
    assert deadline_steps(due, RULES, CAL, date(2023, 6, 16)) == [
        Step(Kind.OVERDUE, 1, date(2023, 6, 16))
    ]
    # A weekend day after a Friday deadline decides nothing new.
    assert deadline_steps(date(2023, 6, 16), RULES, CAL, date(2023, 6, 17)) == []


def test_escalation_is_sent_late_once_and_can_be_off():
    due = date(2023, 6, 15)
    late = deadline_steps(due, RULES, CAL, date(2023, 7, 20))
    assert Step(Kind.ESCALATION, 5, date(2023, 6, 22)) in late
    assert all(
        s.kind is not Kind.ESCALATION
        for s in daily(due, due, date(2023, 7, 20), Rules(escalate_after=0))
    )


def test_digests():
    # Monday 26/6/2023: this week's digest; this month's (from 1/6) stays due all month,
    # so a scheduler that was down on the 1st still sends it once.
    assert digest_steps(date(2023, 6, 26), RULES, CAL) == [
        Step(Kind.WEEKLY, 0, date(2023, 6, 26)),
        Step(Kind.MONTHLY, 0, date(2023, 6, 1)),
    ]
    # Tết week 2024: Monday 12/2 is off, the weekly digest waits for Thursday 15/2.
    assert [s.kind for s in digest_steps(date(2024, 2, 13), RULES, CAL)] == [Kind.MONTHLY]
    assert digest_steps(date(2024, 2, 15), RULES, CAL)[0] == Step(Kind.WEEKLY, 0, date(2024, 2, 15))
    # Monthly: the first working day of the month (1/1/2024 is a holiday).
    assert Step(Kind.MONTHLY, 0, date(2024, 1, 2)) in digest_steps(date(2024, 1, 2), RULES, CAL)
    assert digest_steps(date(2024, 1, 1), RULES, CAL) == []
    off = Rules(weekly_digest=False, monthly_digest=False)
    assert digest_steps(date(2023, 6, 26), off, CAL) == []


def test_rules_problems_are_in_vietnamese():
    assert Rules().problems() == []
    assert Rules(before=(70,), overdue_every=0).problems() == [
        "Số ngày nhắc trước hạn phải từ 0 đến 60.",
        "Nhắc lại quá hạn mỗi 1–60 ngày làm việc.",
    ]


@settings(max_examples=60, deadline=None)
@given(
    st.dates(date(2023, 2, 1), date(2025, 10, 1)),
    st.sets(st.integers(0, 10), min_size=1, max_size=4),
    st.integers(1, 5),
    st.integers(1, 5),
    st.integers(0, 8),
)
def test_daily_ticks_decide_every_step_once(due, before, first, every, escalate):
    rules = Rules(tuple(before), first, every, escalate)
    start, end = due - timedelta(days=40), due + timedelta(days=30)
    steps = daily(due, start, end, rules)
    assert len(steps) == len(set(steps))
    late = CAL.working_days_after(due, end)
    expected_overdue = list(range(first, late + 1, every))
    assert [s.step for s in steps if s.kind is Kind.OVERDUE] == expected_overdue
    assert sorted(s.step for s in steps if s.kind is Kind.BEFORE) == sorted(before)
    assert [s.step for s in steps if s.kind is Kind.ESCALATION] == (
        [escalate] if escalate and late >= escalate else []
    )
    for step in steps:
        assert CAL.is_working_day(step.on)
        if step.kind is Kind.BEFORE:
            assert step.on <= due
        else:
            assert step.on > due
