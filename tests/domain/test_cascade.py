"""domain.cascade: how a commune's own reports count for its task in the province's plan."""

from __future__ import annotations

from datetime import date

import pytest

from tracker.domain.cascade import (
    CommuneReport,
    commune_reports,
    province_period,
    tightened_deadline_error,
)
from tracker.domain.figures import AcceptedReport, PeriodSpan

# The province's rounds: the first half (cut-off 14/6) and the year (14/12).
HALF = PeriodSpan(1, date(2026, 1, 1), date(2026, 6, 14), date(2026, 6, 20))
YEAR = PeriodSpan(2, date(2026, 6, 15), date(2026, 12, 14), date(2026, 12, 20))


def report(id_, office, cutoff, status, done=None, task=7):
    return CommuneReport(id_, task, office, cutoff, status, done)


@pytest.mark.parametrize(
    ("cutoff", "period"),
    [
        (date(2026, 6, 14), 1),
        (date(2026, 3, 31), 1),  # a commune reporting by quarter: the half holds it
        (date(2026, 6, 30), 2),
        (date(2025, 12, 14), 1),  # before the plan's first period: its first round
        (date(2026, 12, 31), None),  # after the last: not counted
    ],
)
def test_a_commune_round_counts_in_the_province_round_holding_its_cutoff(cutoff, period):
    assert province_period(cutoff, (YEAR, HALF)) == period


def test_one_office_done_is_the_commune_done():
    found = commune_reports(
        [report(10, 100, date(2026, 6, 14), "done", date(2026, 5, 2))], {7: 1}, (HALF, YEAR)
    )
    assert found == (AcceptedReport(10, 7, 1, "done", date(2026, 5, 2)),)


def test_two_offices_the_commune_is_done_when_both_are():
    found = commune_reports(
        [
            report(10, 100, date(2026, 6, 14), "done", date(2026, 5, 2)),
            report(11, 101, date(2026, 6, 14), "in_progress"),
            report(12, 101, date(2026, 12, 14), "done", date(2026, 9, 1)),
        ],
        {7: 2},
        (HALF, YEAR),
    )
    # The first half: one done, one under way → under way. The year: both done, on the
    # later date; the first half's done report still stands for that office.
    assert found == (
        AcceptedReport(11, 7, 1, "in_progress", None),
        AcceptedReport(12, 7, 2, "done", date(2026, 9, 1)),
    )


def test_an_office_that_has_not_reported_keeps_the_commune_from_done():
    found = commune_reports(
        [report(10, 100, date(2026, 6, 14), "done", date(2026, 5, 2))], {7: 2}, (HALF, YEAR)
    )
    assert found == (AcceptedReport(10, 7, 1, "in_progress", None),)


def test_not_carried_out_only_when_every_office_says_so():
    one = commune_reports([report(10, 100, date(2026, 6, 14), "not_done")], {7: 2}, (HALF,))
    both = commune_reports(
        [
            report(10, 100, date(2026, 6, 14), "not_done"),
            report(11, 101, date(2026, 6, 14), "not_done"),
        ],
        {7: 2},
        (HALF,),
    )
    assert one[0].status == "not_started" and both[0].status == "not_done"


def test_each_round_gets_an_id_of_its_own():
    found = commune_reports(
        [
            report(20, 100, date(2026, 6, 14), "in_progress"),
            report(5, 101, date(2026, 12, 14), "in_progress"),
        ],
        {7: 2},
        (HALF, YEAR),
    )
    assert len({r.id for r in found}) == 2


@pytest.mark.parametrize(
    ("province", "commune", "refused"),
    [
        (date(2026, 9, 30), date(2026, 9, 15), False),
        (date(2026, 9, 30), date(2026, 9, 30), False),
        (date(2026, 9, 30), date(2026, 10, 1), True),
        (None, date(2026, 10, 1), False),  # an ongoing province activity: any deadline
        (date(2026, 9, 30), None, False),
    ],
)
def test_a_commune_may_tighten_a_deadline_never_loosen_it(province, commune, refused):
    assert (tightened_deadline_error(province, commune) is not None) is refused
