"""Completion figures (issue 12: carried out, lũy kế, the plan's items) and their
Vietnamese formatting."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.domain import figure_text
from tracker.domain.figures import (
    CARRIED_OUT,
    NO_RESULT,
    AcceptedReport,
    ActivityFacts,
    CountRule,
    Lead,
    Outcome,
    PeriodSpan,
    PlanFacts,
    Tally,
    combine,
    deadline_in_force,
    task_outcome,
)
from tracker.domain.numbers import count, fraction, percent, percent_value
from tracker.domain.plan_figures import compute

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


# Periods of a plan with halves and year (one period per cut-off: the year's report is
# the second half's).
H1 = PeriodSpan(1, date(2022, 12, 15), date(2023, 6, 14), date(2023, 6, 15))
Y = PeriodSpan(2, date(2022, 12, 15), date(2023, 12, 14), date(2023, 12, 15))
PERIODS = (H1, Y)


def activity(id_: int = 1, ongoing: bool = True, leads: int = 1, **kw) -> ActivityFacts:
    lead = tuple(Lead(id_ * 100 + u, u) for u in range(1, leads + 1))
    return ActivityFacts(id=id_, group_id=kw.pop("group_id", 1), ongoing=ongoing, leads=lead, **kw)


_ids = iter(range(1, 10**6))


def report(assignment: int, period: PeriodSpan, status: str, done: date | None = None):
    return AcceptedReport(next(_ids), assignment, period.id, status, done)


def figures(activities, reports, as_of=date(2023, 12, 20), rule=CountRule.ALL, **kw):
    return compute(
        PlanFacts(as_of, tuple(activities), PERIODS, tuple(reports), rule, "nhiệm vụ", **kw)
    )


@pytest.mark.parametrize(
    ("ongoing", "due", "first", "reports", "expected"),
    [
        # dated: done on time / late against the FIRST deadline (an extension does not
        # make late work on time)
        (False, date(2023, 12, 31), None, [("done", date(2023, 11, 1))], Outcome.DONE_ON_TIME),
        (False, date(2023, 6, 30), None, [("done", date(2023, 7, 5))], Outcome.DONE_LATE),
        (
            False,
            date(2023, 12, 31),
            date(2023, 6, 30),
            [("done", date(2023, 7, 5))],
            Outcome.DONE_LATE,
        ),  # fmt: skip
        (False, date(2023, 12, 31), None, [("in_progress", None)], Outcome.IN_PROGRESS),
        (False, date(2023, 11, 30), None, [("in_progress", None)], Outcome.LATE_IN_PROGRESS),
        (False, date(2023, 11, 30), None, [], Outcome.OVERDUE),
        (False, date(2023, 11, 30), None, [("not_started", None)], Outcome.OVERDUE),
        (False, date(2023, 12, 15), None, [], Outcome.NOT_REPORTED),  # due today: not late yet
        (False, None, None, [], Outcome.NOT_REPORTED),
        (False, date(2024, 3, 1), None, [("not_started", None)], Outcome.NOT_STARTED),
        (False, None, None, [("not_done", None)], Outcome.NOT_CARRIED_OUT),
        # ongoing ("Thường xuyên"): carried out once reported under way in a counted round
        (True, None, None, [("in_progress", None)], Outcome.ONGOING),
        (True, None, None, [("in_progress", None), ("not_started", None)], Outcome.ONGOING),
        (True, None, None, [("done", date(2023, 5, 10))], Outcome.DONE_ON_TIME),
        (True, None, None, [], Outcome.NOT_REPORTED),
        (True, None, None, [("not_started", None)], Outcome.NOT_STARTED),
        (True, None, None, [("not_done", None)], Outcome.NOT_CARRIED_OUT),
    ],
)
def test_task_outcome(ongoing, due, first, reports, expected):
    facts = ActivityFacts(1, 1, ongoing, due_on=due, original_due_on=first)
    found = [AcceptedReport(i, 1, 1, status, day) for i, (status, day) in enumerate(reports)]
    assert task_outcome(facts, found, date(2023, 12, 15)) == expected


def tally(**counts: int) -> Tally:
    return Tally.from_counts({Outcome(k): n for k, n in counts.items()})


def test_seed_000_in_its_own_words():
    """Seed 000: "28 nhiệm vụ … thực hiện được 27 nhiệm vụ, đạt 96,43%; trong đó có 05
    nhiệm vụ, chiếm 18,52% đã hoàn thành 100%; 22 nhiệm vụ đã thực hiện hoàn thành và
    thực hiện thường xuyên, chiếm 81,48%; có 01 nhiệm vụ đơn vị không tổ chức thực hiện,
    chiếm 3,57%" — the parts are shares of what was carried out, the rest of the plan."""
    t = tally(done_on_time=5, ongoing=22, not_carried_out=1)
    assert figure_text.summary(t, "nhiệm vụ") == (
        "Đã và đang triển khai thực hiện được 27/28 nhiệm vụ, đạt 96,43% kế hoạch; trong đó "
        "05/27 nhiệm vụ đã hoàn thành 100%, chiếm 18,52%; 22/27 nhiệm vụ đang thực hiện, "
        "thực hiện thường xuyên, chiếm 81,48%. Còn 01/28 nhiệm vụ không thực hiện, chiếm 3,57%."
    )


def test_seed_000_headline_and_seed_001_share():
    assert figure_text.headline(tally(ongoing=30, not_reported=1), "phần việc") == (
        "Đã và đang triển khai thực hiện được 30/31 phần việc, đạt 96,77% kế hoạch"
    )
    assert tally(done_on_time=7, not_reported=29).carried_out.percent == "19,44%"


def test_nothing_carried_out_yet():
    t = tally(not_reported=3)
    assert figure_text.parts(t, "chỉ tiêu") == ""
    assert figure_text.summary(t, "chỉ tiêu") == (
        "Đã và đang triển khai thực hiện được 00/03 chỉ tiêu, đạt 0% kế hoạch. "
        "Còn 03/03 chỉ tiêu chưa có kết quả thực hiện, chiếm 100%."
    )


def test_an_ongoing_activity_reported_in_the_first_half_counts_in_the_year():
    """Lũy kế: the year's figures keep what was carried out in the first half; the
    round's own figure ("trong kỳ") is kept beside it."""
    first_half_only = activity(1)
    both = activity(2)
    reports = [
        report(101, H1, "in_progress"),
        report(201, H1, "in_progress"),
        report(201, Y, "in_progress"),
    ]
    found = figures([first_half_only, both], reports)
    assert found.round_ids == (Y.id,) and found.earlier_round_ids == ((H1.id,),)
    assert found.cumulative.carried_out.fraction == "02/02"
    assert found.in_round.fraction == "01/02"
    assert [a.in_round for a in found.activities] == [False, True]


def test_work_counts_for_the_round_in_which_it_was_done():
    """A conference held on 10/5 and reported in December counts for the first half too
    (once accepted), so the June figures recomputed later agree with the December ones."""
    conference = activity(1)
    reports = [report(101, Y, "done", date(2023, 5, 10))]
    june = figures([conference], reports, round_ids=(H1.id,))
    assert june.cumulative.done.fraction == "01/01"
    assert june.in_round.fraction == "01/01"
    december = figures([conference], reports)
    assert december.cumulative.done.fraction == "01/01"
    assert december.in_round.fraction == "00/01"  # done in the first half, not this round


def test_reports_of_later_rounds_do_not_count_for_an_earlier_one():
    found = figures([activity(1)], [report(101, Y, "in_progress")], round_ids=(H1.id,))
    assert found.cumulative.carried_out.fraction == "00/01"
    assert found.activities[0].outcome is Outcome.NOT_REPORTED


def test_the_round_as_of_a_date():
    assert figures([activity(1)], [], as_of=date(2023, 6, 20)).round_ids == (H1.id,)
    assert figures([activity(1)], [], as_of=date(2023, 12, 14)).round_ids == (Y.id,)
    assert figures([activity(1)], [], as_of=date(2023, 5, 1)).round_ids == (H1.id,)


def ten_communes(carried: int):
    group = 900
    facts = ActivityFacts(
        1, 1, True, leads=tuple(Lead(100 + u, u, via_group_id=group) for u in range(10))
    )
    reports = [report(100 + u, Y, "in_progress") for u in range(carried)]
    return facts, reports


@pytest.mark.parametrize(
    ("rule", "total", "carried", "outcome"),
    [
        (CountRule.ALL, 1, 0, Outcome.PARTIAL),
        (CountRule.ANY, 1, 1, Outcome.ONGOING),
        (CountRule.EACH, 10, 7, Outcome.PARTIAL),  # the activity shows the ALL view
    ],
)
def test_rules_for_an_activity_led_by_ten_communes(rule, total, carried, outcome):
    facts, reports = ten_communes(7)
    found = figures([facts], reports, rule=rule)
    assert (found.cumulative.total, found.cumulative.carried_out.numerator) == (total, carried)
    only = found.activities[0]
    assert only.outcome is outcome
    (progress,) = only.progress
    assert progress.figure.fraction == "07/10" and progress.group_id == 900
    assert figure_text.progress(progress.figure, "UBND xã, phường", ["Phường 1"]) == (
        "07/10 xã, phường (Phường 1)"
    )


def test_all_communes_carried_out():
    facts, reports = ten_communes(10)
    assert figures([facts], reports).activities[0].outcome is Outcome.ONGOING


def test_vague_units_are_in_no_denominator():
    """ "Các cơ quan khác thực hiện tự kiểm tra" can never report: Phòng Nội vụ sees it as
    unresolved; it counts nowhere, nor does an activity led by it alone."""
    mixed = ActivityFacts(1, 1, True, leads=(Lead(101, 1), Lead(102, 99, vague=True)))
    vague_only = ActivityFacts(2, 1, True, leads=(Lead(201, 99, vague=True),))
    for rule in CountRule:
        found = figures([mixed, vague_only], [report(101, Y, "in_progress")], rule=rule)
        assert found.cumulative.total == 1
        assert found.cumulative.carried_out.fraction == "01/01"
        assert found.unresolved == ((1, 99), (2, 99))
        assert found.activities[1].outcome is None
        assert dict(found.by_unit).keys() == {1}


def test_an_activity_done_in_its_text_is_counted_done():
    """The June 2023 report said the conference was "Hoàn thành ngày 10/5/2023" and
    counted it 00/01: whatever a counted report says, the figures say too."""
    found = figures([activity(1)], [report(101, H1, "done", date(2023, 5, 10))], round_ids=(1,))
    assert found.cumulative.done.fraction == "01/01"
    assert found.counted_reports == found.round_reports


def test_an_activity_counts_under_every_dimension_it_serves():
    found = figures(
        [activity(1, dimension_ids=(1, 2)), activity(2, dimension_ids=(2,))],
        [report(101, Y, "in_progress")],
    )
    by = {k: t.carried_out.fraction for k, t in found.by_dimension}
    assert by == {1: "01/01", 2: "01/02"}
    assert sum(t.total for _, t in found.by_dimension) > found.cumulative.total


def test_overdue_tasks_with_days_late():
    late = activity(1, ongoing=False, due_on=date(2023, 11, 30))
    working = activity(2, ongoing=False, due_on=date(2023, 12, 1))
    found = figures([late, working], [report(201, Y, "in_progress")])
    assert [(o.activity_id, o.days_late, o.outcome) for o in found.overdue] == [
        (1, 20, Outcome.OVERDUE),
        (2, 19, Outcome.LATE_IN_PROGRESS),
    ]
    assert found.cumulative.late.fraction == "02/02"
    assert found.form.late == 2 and found.form.carried_out == 1


def test_supporting_units_are_counted_apart():
    facts = ActivityFacts(1, 1, True, leads=(Lead(101, 1),), supports=(102, 103))
    found = figures([facts], [report(102, Y, "in_progress")])
    assert found.support.fraction == "01/02"
    assert found.cumulative.total == 1 and found.cumulative.carried_out.numerator == 0


def test_deadline_in_force():
    moved = [
        (datetime(2023, 9, 1, tzinfo=UTC), date(2023, 6, 30)),
        (datetime(2023, 10, 1, tzinfo=UTC), date(2023, 9, 30)),
    ]
    assert deadline_in_force(date(2023, 12, 31), moved) == date(2023, 6, 30)
    assert deadline_in_force(date(2023, 12, 31), moved[1:]) == date(2023, 9, 30)
    assert deadline_in_force(date(2023, 12, 31), []) == date(2023, 12, 31)


@pytest.mark.parametrize(
    ("outcomes", "rule", "ongoing", "expected"),
    [
        ([Outcome.DONE_ON_TIME, Outcome.DONE_LATE], CountRule.ALL, False, Outcome.DONE_LATE),
        ([Outcome.DONE_ON_TIME, Outcome.IN_PROGRESS], CountRule.ALL, False, Outcome.IN_PROGRESS),
        ([Outcome.DONE_ON_TIME, Outcome.ONGOING], CountRule.ALL, True, Outcome.ONGOING),
        ([Outcome.DONE_ON_TIME, Outcome.OVERDUE], CountRule.ALL, False, Outcome.PARTIAL),
        ([Outcome.NOT_CARRIED_OUT], CountRule.ALL, False, Outcome.NOT_CARRIED_OUT),
        (
            [Outcome.NOT_CARRIED_OUT, Outcome.NOT_REPORTED],
            CountRule.ALL,
            True,
            Outcome.NOT_REPORTED,
        ),  # fmt: skip
        ([Outcome.OVERDUE, Outcome.NOT_STARTED], CountRule.ALL, False, Outcome.OVERDUE),
        ([Outcome.DONE_ON_TIME, Outcome.OVERDUE], CountRule.ANY, False, Outcome.DONE_ON_TIME),
        (
            [Outcome.NOT_CARRIED_OUT, Outcome.NOT_REPORTED],
            CountRule.ANY,
            True,
            Outcome.NOT_REPORTED,
        ),  # fmt: skip
    ],
)
def test_combine(outcomes, rule, ongoing, expected):
    assert combine(outcomes, rule, ongoing) == expected


statuses = st.sampled_from(["done", "in_progress", "not_started", "not_done"])


@st.composite
def plans(draw):
    activities = []
    for i in range(1, draw(st.integers(0, 6)) + 1):
        leads = tuple(
            Lead(
                i * 100 + u,
                u,
                via_group_id=draw(st.sampled_from([None, 7])),
                vague=draw(st.booleans()),
            )
            for u in range(1, draw(st.integers(0, 4)) + 1)
        )
        due = draw(st.one_of(st.none(), st.dates(date(2023, 1, 1), date(2023, 12, 31))))
        activities.append(
            ActivityFacts(
                i,
                draw(st.integers(1, 3)),
                draw(st.booleans()),
                due_on=due,
                dimension_ids=tuple(sorted(draw(st.sets(st.integers(1, 8), max_size=3)))),
                leads=leads,
            )  # fmt: skip
        )
    assignments = [lead.assignment_id for a in activities for lead in a.leads]
    reports = []
    if assignments:
        for n, assignment in enumerate(draw(st.lists(st.sampled_from(assignments), max_size=12))):
            period = draw(st.sampled_from(PERIODS))
            done = draw(st.one_of(st.none(), st.dates(date(2023, 1, 1), date(2023, 12, 31))))
            reports.append(AcceptedReport(n, assignment, period.id, draw(statuses), done))
    return activities, reports


@given(
    plans(),
    st.sampled_from(list(CountRule)),
    st.dates(date(2023, 1, 1), date(2024, 3, 1)),
)
def test_every_item_is_counted_once(plan, rule, as_of):
    activities, reports = plan
    found = figures(activities, reports, as_of=as_of, rule=rule)
    t = found.cumulative
    named = [lead for a in activities for lead in a.leads if not lead.vague]
    if rule is CountRule.EACH:
        assert t.total == len(named)
    else:
        assert t.total == sum(1 for a in activities if any(not x.vague for x in a.leads))
    assert t.carried_out.numerator + t.no_result.numerator + t.not_carried_out.numerator == t.total
    assert found.in_round.numerator <= t.carried_out.numerator
    assert t.n(*CARRIED_OUT) + t.n(*NO_RESULT) + t.n(Outcome.NOT_CARRIED_OUT) == t.total
    for _, by_group in found.by_group:
        assert by_group.total <= t.total
    assert sum(g.total for _, g in found.by_group) == t.total


@given(
    plans(),
    plans(),
    st.sampled_from(list(CountRule)),
    st.dates(date(2023, 1, 1), date(2024, 3, 1)),
    st.data(),
)
def test_figures_brought_up_to_date_are_the_figures_computed_from_nothing(
    plan, other, rule, as_of, data
):
    """compute(facts, previous, changed): the activities `changed` differ between two
    versions of a plan's facts (their facts and their reports, taken from another plan);
    the rest is the same. The figures taken from the previous ones where nothing changed
    are the figures computed from nothing."""
    activities, reports = plan
    ids = [a.id for a in activities]
    changed = data.draw(st.sets(st.sampled_from(ids)) if ids else st.just(set()))
    replaced = {a.id: a for a in other[0]}
    whose = {lead.assignment_id: a.id for a in activities + other[0] for lead in a.leads}
    before = [replaced.get(a.id, a) if a.id in changed else a for a in activities]
    before_reports = [r for r in reports if whose[r.assignment_id] not in changed] + [
        r._replace(id=1000 + r.id) for r in other[1] if whose[r.assignment_id] in changed
    ]
    previous = figures(before, before_reports, as_of=as_of, rule=rule)
    now = figures(activities, reports, as_of=as_of, rule=rule)
    facts = PlanFacts(as_of, tuple(activities), PERIODS, tuple(reports), rule, "nhiệm vụ")
    assert compute(facts, previous, changed) == now
