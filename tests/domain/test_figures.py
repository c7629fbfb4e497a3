"""Completion figures and their Vietnamese formatting (issue 4)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.domain.figures import (
    CountRule,
    Outcome,
    Task,
    combine,
    outcome,
    provincial_form,
    summarise,
)
from tracker.domain.numbers import count, fraction, percent, percent_value

AS_OF = date(2023, 12, 15)


@pytest.mark.parametrize(
    "n,text",
    [
        (0, "00"),
        (1, "01"),
        (7, "07"),
        (10, "10"),
        (28, "28"),
        (2212, "2.212"),
        (1234567, "1.234.567"),
    ],
)
def test_count(n, text):
    assert count(n) == text


@pytest.mark.parametrize(
    "num,den,text",
    [
        (7, 19, "36,84%"),
        (30, 31, "96,77%"),
        (7, 36, "19,44%"),
        (27, 28, "96,43%"),
        (5, 27, "18,52%"),
        (22, 27, "81,48%"),
        (1, 28, "3,57%"),
        (5, 8, "62,50%"),
        (1, 1, "100%"),
        (1, 5, "20%"),
        (0, 3, "0%"),
        (0, 0, "—"),
        (1, 200, "0,50%"),
        (1, 8, "12,50%"),
        (1, 400, "0,25%"),
        (1, 800, "0,13%"),  # 0,125 rounds half-up
        (2212, 100, "2.212%"),
    ],
)
def test_percent(num, den, text):
    assert percent(num, den) == text


def test_fraction():
    assert fraction(7, 19) == "07/19"
    assert fraction(30, 31) == "30/31"


@given(st.integers(0, 10_000), st.integers(1, 10_000))
def test_formatted_percent_agrees_with_the_exact_fraction(num, den):
    text = percent(num, den)
    value = Decimal(text.rstrip("%").replace(".", "").replace(",", "."))
    exact = Fraction(num * 100, den)
    assert abs(Fraction(value) - exact) <= Fraction(1, 200)  # half a hundredth
    assert value == percent_value(num, den)


@given(st.lists(st.integers(0, 500), min_size=1, max_size=8).filter(lambda xs: sum(xs) > 0))
def test_shares_add_up(parts):
    total = sum(parts)
    shares = [percent_value(p, total) for p in parts]
    assert abs(sum(shares) - 100) <= Decimal("0.005") * len(parts)


def task(**kw) -> Task:
    return Task(**{"activity_id": 1, "unit_id": 1, "ongoing": False, **kw})


@pytest.mark.parametrize(
    "kw,expected",
    [
        (
            {"status": "done", "due_on": date(2023, 12, 31), "done_on": date(2023, 11, 1)},
            Outcome.DONE_ON_TIME,
        ),
        (
            {"status": "done", "due_on": date(2023, 6, 30), "done_on": date(2023, 7, 5)},
            Outcome.DONE_LATE,
        ),
        # extended from 30/6 to 31/12, finished 5/7: still late against the first deadline
        (
            {
                "status": "done",
                "due_on": date(2023, 12, 31),
                "original_due_on": date(2023, 6, 30),
                "done_on": date(2023, 7, 5),
            },
            Outcome.DONE_LATE,
        ),
        ({"status": "in_progress", "due_on": date(2023, 12, 31)}, Outcome.IN_PROGRESS),
        ({"status": "in_progress", "due_on": date(2023, 11, 30)}, Outcome.OVERDUE),
        ({"due_on": date(2023, 11, 30)}, Outcome.OVERDUE),
        ({"due_on": date(2023, 12, 15)}, Outcome.NOT_STARTED),  # due today: not late yet
        ({}, Outcome.NOT_STARTED),
        ({"status": "not_done"}, Outcome.NOT_CARRIED_OUT),
        (
            {"ongoing": True, "status": "in_progress", "reported_this_period": True},
            Outcome.ONGOING_REPORTED,
        ),
        (
            {"ongoing": True, "status": "done", "reported_this_period": True},
            Outcome.ONGOING_REPORTED,
        ),
        ({"ongoing": True, "status": "in_progress"}, Outcome.ONGOING_NOT_REPORTED),
        ({"ongoing": True, "status": "not_done"}, Outcome.NOT_CARRIED_OUT),
    ],
)
def test_outcome(kw, expected):
    assert outcome(task(**kw), AS_OF) == expected


def test_seed_000_example():
    """28 tasks; 27 carried out (96,43%); 05 fully done (18,52% of 27); 22 ongoing
    (81,48% of 27); 01 not carried out (3,57% of 28)."""
    tasks = (
        [
            task(activity_id=i, status="done", due_on=date(2023, 12, 31), done_on=date(2023, 10, 1))
            for i in range(5)
        ]
        + [
            task(activity_id=10 + i, ongoing=True, status="in_progress", reported_this_period=True)
            for i in range(22)
        ]
        + [task(activity_id=99, status="not_done")]
    )
    summary = summarise(tasks, AS_OF)
    assert (summary.total, summary.carried_out.numerator) == (28, 27)
    assert summary.breakdown() == (
        "Tổng số 28 nhiệm vụ, đã tổ chức thực hiện được 27 nhiệm vụ, đạt 96,43%; trong đó có "
        "05 nhiệm vụ, chiếm 18,52% đã hoàn thành 100%; 22 nhiệm vụ đã thực hiện hoàn thành và "
        "thực hiện thường xuyên, chiếm 81,48%; có 01 nhiệm vụ đơn vị không tổ chức thực hiện, "
        "chiếm 3,57%."
    )


def test_seed_002_headline():
    tasks = [
        task(activity_id=i, status="done", due_on=date(2024, 6, 30), done_on=date(2024, 3, 1))
        for i in range(7)
    ]
    tasks += [task(activity_id=100 + i, due_on=date(2024, 12, 31)) for i in range(12)]
    summary = summarise(tasks, date(2024, 6, 15), noun="chỉ tiêu")
    assert (
        summary.headline()
        == "Đã triển khai thực hiện hoàn thành 07/19 chỉ tiêu, đạt 36,84% kế hoạch"
    )


def test_count_rules_for_ten_communes():
    communes = [
        task(
            activity_id=1,
            unit_id=u,
            status="done",
            due_on=date(2023, 12, 31),
            done_on=date(2023, 9, 1),
        )
        for u in range(7)
    ]
    communes += [task(activity_id=1, unit_id=u, due_on=date(2023, 12, 31)) for u in range(7, 10)]
    each = summarise(communes, AS_OF, CountRule.EACH)
    assert each.done.fraction == "07/10"
    every = summarise(communes, AS_OF, CountRule.ALL)
    assert (every.total, every.done.numerator) == (1, 0)
    assert every.counts == {Outcome.IN_PROGRESS: 1}


@pytest.mark.parametrize(
    "outcomes,expected",
    [
        ([Outcome.DONE_ON_TIME, Outcome.DONE_LATE], Outcome.DONE_LATE),
        ([Outcome.DONE_ON_TIME, Outcome.OVERDUE], Outcome.OVERDUE),
        ([Outcome.NOT_CARRIED_OUT], Outcome.NOT_CARRIED_OUT),
        ([Outcome.NOT_STARTED, Outcome.NOT_STARTED], Outcome.NOT_STARTED),
        ([Outcome.ONGOING_REPORTED, Outcome.ONGOING_REPORTED], Outcome.ONGOING_REPORTED),
        ([Outcome.ONGOING_REPORTED, Outcome.ONGOING_NOT_REPORTED], Outcome.ONGOING_NOT_REPORTED),
    ],
)
def test_combine(outcomes, expected):
    assert combine(outcomes) == expected


def test_provincial_form_rows():
    tasks = [
        task(status="done", due_on=date(2023, 6, 30), done_on=date(2023, 6, 1)),
        task(status="done", due_on=date(2023, 6, 30), done_on=date(2023, 7, 1)),
        task(due_on=date(2023, 9, 30)),
        task(due_on=date(2023, 12, 31)),
    ]
    form = provincial_form(summarise(tasks, AS_OF), assigned=4)
    assert (
        form.in_plan,
        form.done,
        form.assigned,
        form.done_on_time,
        form.done_late,
        form.overdue,
    ) == (4, 2, 4, 1, 1, 1)


@given(
    st.lists(
        st.builds(
            Task,
            activity_id=st.integers(1, 5),
            unit_id=st.integers(1, 3),
            ongoing=st.booleans(),
            due_on=st.one_of(st.none(), st.dates(date(2023, 1, 1), date(2024, 12, 31))),
            original_due_on=st.one_of(st.none(), st.dates(date(2023, 1, 1), date(2024, 12, 31))),
            status=st.sampled_from([None, "done", "not_done", "in_progress", "not_started"]),
            done_on=st.one_of(st.none(), st.dates(date(2023, 1, 1), date(2024, 12, 31))),
            reported_this_period=st.booleans(),
        ),
        max_size=30,
    ),
    st.sampled_from(list(CountRule)),
)
def test_counts_add_up_to_the_total(tasks, rule):
    summary = summarise(tasks, AS_OF, rule)
    expected = len(tasks) if rule is CountRule.EACH else len({t.activity_id for t in tasks})
    assert summary.total == expected
    assert (
        summary.carried_out.numerator
        + summary.n(
            Outcome.OVERDUE,
            Outcome.NOT_STARTED,
            Outcome.ONGOING_NOT_REPORTED,
            Outcome.NOT_CARRIED_OUT,
        )
        == summary.total
    )
