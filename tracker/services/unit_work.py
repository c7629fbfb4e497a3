"""What a unit owes (the work page): for each plan, reports returned for correction,
overdue, due this period, waiting for review, accepted, waiting for a date, done.

Read in four queries whatever the number of plans and assignments: the unit's
assignments, their activities, their reports and the plans' periods — a commune of a
province works on plans of hundreds of activities."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tracker.domain.timeframes import TimeframeKind, decode_dates, unanswered
from tracker.extensions import db
from tracker.models import Activity, Assignment, Plan, Unit
from tracker.models.reporting import (
    ACCEPTED,
    DONE,
    DRAFT,
    NOT_DONE,
    RETURNED,
    SUBMITTED,
    ProgressReport,
    ReportingPeriod,
)
from tracker.services.periods import current_of, in_period_order


@dataclass
class WorkItem:
    assignment: Assignment
    report: ProgressReport | None
    due_on: date | None  # None: waits for Phòng Nội vụ to set a date
    is_overdue: bool
    # The period a report is (to be) written for; None when the plan has no period.
    period: ReportingPeriod | None = None

    @property
    def activity(self) -> Activity:
        return self.assignment.activity


@dataclass
class UnitWork:
    """One plan's work for one unit, in `period` (the plan's current one by default)."""

    unit: Unit
    period: ReportingPeriod | None
    plan: Plan
    periods: list[ReportingPeriod] = field(default_factory=list)  # the plan's, in order
    assignments: int = 0  # how many the unit has in the plan
    # Every report sent back for correction and not yet resubmitted, whatever its period.
    returned: list[WorkItem] = field(default_factory=list)
    overdue: list[WorkItem] = field(default_factory=list)
    due: list[WorkItem] = field(default_factory=list)
    submitted: list[WorkItem] = field(default_factory=list)
    accepted: list[WorkItem] = field(default_factory=list)
    waiting_for_date: list[WorkItem] = field(default_factory=list)
    done_earlier: list[WorkItem] = field(default_factory=list)

    @property
    def owed_count(self) -> int:
        return len(self.returned) + len(self.overdue) + len(self.due)


def unit_work(unit: Unit, plan: Plan, period: ReportingPeriod | None, today: date) -> UnitWork:
    """What `unit` owes in one plan for `period`."""
    return work_by_plan(unit, [plan], today, {plan.id: period})[0]


def work_by_plan(
    unit: Unit,
    plans: list[Plan],
    today: date,
    chosen: Mapping[int, ReportingPeriod | None] | None = None,
) -> list[UnitWork]:
    """What `unit` owes in each plan, in the order of `plans`: ongoing activities a report
    each period, dated ones a report by their deadline until one is accepted as done.
    Each plan is seen in its period in `chosen` (plan id → period) or else its current
    one on `today`."""
    chosen = chosen or {}
    plan_ids = [p.id for p in plans]
    if not plan_ids:
        return []
    periods = _periods_by_plan(plan_ids)
    works = {}
    for plan in plans:
        of_plan = periods[plan.id]
        period = chosen[plan.id] if plan.id in chosen else current_of(of_plan, today)
        works[plan.id] = UnitWork(unit, period, plan, periods=of_plan)
    due_of = {p.id: p.due_on for of_plan in periods.values() for p in of_plan}
    period_of = {p.id: p for of_plan in periods.values() for p in of_plan}
    assignments = _assignments(unit, plan_ids)
    reports = _reports_by_assignment([a.id for a in assignments])
    for assignment in assignments:
        work = works[assignment.activity.plan_id]
        work.assignments += 1
        found = reports.get(assignment.id, [])
        deadline = next_deadline(assignment, found, due_of)
        _classify(work, assignment, found, today, deadline)
        _returned_elsewhere(work, assignment, found, period_of)
    return [works[plan_id] for plan_id in plan_ids]


def _periods_by_plan(plan_ids: list[int]) -> dict[int, list[ReportingPeriod]]:
    stmt = select(ReportingPeriod).where(ReportingPeriod.plan_id.in_(plan_ids))
    found: dict[int, list[ReportingPeriod]] = defaultdict(list)
    for period in db.session.scalars(stmt):
        found[period.plan_id].append(period)
    return {plan_id: in_period_order(found[plan_id]) for plan_id in plan_ids}


def _assignments(unit: Unit, plan_ids: list[int]) -> list[Assignment]:
    stmt = (
        select(Assignment)
        .join(Activity)
        .where(Assignment.unit_id == unit.id, Activity.plan_id.in_(plan_ids))
        .options(selectinload(Assignment.activity))
        .order_by(Activity.plan_id, Activity.position, Assignment.role)
    )
    return list(db.session.scalars(stmt))


def next_deadline(
    assignment: Assignment, reports: list[ProgressReport], due_of: Mapping[int, date]
) -> date | None:
    """The deadline a dated activity waits on next: of several ("15/6 và 15/12"), the
    first that no sent or accepted report of a period due on or after it answers (as
    services.reminders.decisions counts); else the last."""
    activity = assignment.activity
    said = [due_of[r.period_id] for r in reports if r.state in (SUBMITTED, ACCEPTED)]
    waiting = unanswered(decode_dates(activity.earlier_due_dates), activity.due_on, said)
    return waiting[0] if waiting else activity.due_on


def _reports_by_assignment(ids: Iterable[int]) -> dict[int, list[ProgressReport]]:
    found: dict[int, list[ProgressReport]] = {}
    ids = list(ids)
    if ids:
        # In the order they were written: _classify takes the last finished one. Without
        # ORDER BY, PostgreSQL returns rows as stored, and an updated row moves.
        stmt = (
            select(ProgressReport)
            .where(ProgressReport.assignment_id.in_(ids))
            .order_by(ProgressReport.id)
        )
        for report in db.session.scalars(stmt):
            found.setdefault(report.assignment_id, []).append(report)
    return found


def _classify(
    work: UnitWork,
    assignment: Assignment,
    reports: list[ProgressReport],
    today: date,
    deadline: date | None,
) -> None:
    activity, period = assignment.activity, work.period
    this_period = next((r for r in reports if period and r.period_id == period.id), None)
    if activity.timeframe_kind == TimeframeKind.ONGOING:
        due = period.due_on if period else None
    else:
        due = deadline
        finished = [r for r in reports if r.state == ACCEPTED and r.status in (DONE, NOT_DONE)]
        if finished and this_period is None:
            work.done_earlier.append(WorkItem(assignment, finished[-1], due, False, period))
            return
        if due is None:
            work.waiting_for_date.append(WorkItem(assignment, this_period, None, False, period))
            return
    item = WorkItem(assignment, this_period, due, False, period)
    state = this_period.state if this_period else DRAFT
    if state == RETURNED:
        work.returned.append(item)
    elif state == SUBMITTED:
        work.submitted.append(item)
    elif state == ACCEPTED:
        work.accepted.append(item)
    elif due is not None and due < today:
        item.is_overdue = True
        work.overdue.append(item)
    else:
        work.due.append(item)


def _returned_elsewhere(
    work: UnitWork,
    assignment: Assignment,
    reports: list[ProgressReport],
    period_of: Mapping[int, ReportingPeriod],
) -> None:
    """Reports of the plan's other periods sent back for correction: still owed (the
    reminders mail them at once), so they stay on the page whichever period it shows."""
    shown = work.period.id if work.period else None
    for report in reports:
        if report.state == RETURNED and report.period_id != shown:
            period = period_of[report.period_id]
            work.returned.append(WorkItem(assignment, report, period.due_on, False, period))
