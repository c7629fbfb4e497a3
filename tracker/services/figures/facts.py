"""What a plan's figures are computed from, read as plain rows (tracker.domain.figures
does the computing).

"As of" means the end of that day in Asia/Ho_Chi_Minh: a report counts only if it was
accepted by then (from the append-only report events), and a deadline is the one in
force then (from the recorded deadline moves). A province plan's facts include what its
communes' own plans report on the activities they took in (domain.cascade).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from typing import Any, NamedTuple

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import aliased

from tracker.clock import LOCAL_TZ
from tracker.domain.cascade import CommuneReport, commune_reports
from tracker.domain.figures import (
    AcceptedReport,
    ActivityFacts,
    CountRule,
    Lead,
    PeriodSpan,
    PlanFacts,
    deadline_in_force,
)
from tracker.domain.plan_figures import PlanFigures, compute
from tracker.domain.timeframes import TimeframeKind
from tracker.domain.units import UnitKind
from tracker.extensions import db
from tracker.models import (
    LEAD,
    Activity,
    Assignment,
    DeadlineChange,
    Plan,
    ProgressReport,
    ReportEvent,
    Unit,
    activity_dimension,
)
from tracker.models.reporting import ACCEPTED, ReportingPeriod
from tracker.services import periods as period_service

OfficeUnit = aliased(Unit)
CHUNK = 5_000  # report ids in one IN (…) list, far below any database's limit


def end_of_day(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), time(0), LOCAL_TZ) - timedelta(microseconds=1)


def plan_facts(
    plan: Plan, as_of: date, period: ReportingPeriod | None = None, to_date: bool = False
) -> PlanFacts:
    """What the computation needs, in plain rows. The figures speak for `period`'s round;
    without one, for the last round closed by `as_of` (a report's figures), or with
    `to_date` for the round under way (everything so far: the dashboard's)."""
    return read_facts(plan, as_of, period, to_date).facts


class Read(NamedTuple):
    """Facts as read, with whose they are: what services.figures.kept needs to bring them
    up to date activity by activity."""

    facts: PlanFacts
    activity_of: dict[int, int]  # assignment id → activity id, every assignment read


def read_facts(
    plan: Plan, as_of: date, period: ReportingPeriod | None = None, to_date: bool = False
) -> Read:
    """plan_facts(), with the activity of each assignment."""
    moment = end_of_day(as_of)
    periods = tuple(
        PeriodSpan(p.id, p.starts_on, p.ends_on, p.due_on)
        for p in period_service.plan_periods(plan)
    )
    assignments = _assignments(plan)
    facts = PlanFacts(
        as_of=as_of,
        activities=_activities(plan, assignments, moment),
        periods=periods,
        reports=_accepted_reports([p.id for p in periods], moment)
        + _commune_reports(plan, _commune_tasks(assignments), periods, moment),
        rule=CountRule(plan.count_rule),
        noun=plan.noun,
        round_ids=(period.id,) if period is not None else None,
        to_date=to_date,
    )
    return Read(facts, _activity_of(assignments))


def read_activities(plan: Plan, facts: PlanFacts, activity_ids: list[int]) -> Read:
    """The facts of some of the plan's activities (those still there, in annex order)
    and their own reports accepted at `facts.as_of`, in `facts.periods`; of the rest of
    `facts` only the periods are read from. Not the reports of communes' plans
    (_commune_reports): a plan that has communes is read whole."""
    moment = end_of_day(facts.as_of)
    assignments = _assignments(plan, activity_ids)
    activity_of = _activity_of(assignments)
    reports = _accepted_reports(
        [p.id for p in facts.periods], moment, assignment_ids=list(activity_of)
    )
    return Read(
        replace(
            facts,
            activities=_activities(plan, assignments, moment, activity_ids),
            reports=reports,
        ),
        activity_of,
    )


def activity_order(plan: Plan) -> list[int]:
    """The plan's activity ids in annex order."""
    return list(
        db.session.connection()
        .execute(select(Activity.id).where(Activity.plan_id == plan.id).order_by(Activity.position))
        .scalars()
    )


def has_communes(plan: Plan) -> bool:
    """Whether communes' plans hang under this (province) plan: their reports count in it."""
    return (
        db.session.connection()
        .execute(select(Plan.id).where(Plan.parent_plan_id == plan.id).limit(1))
        .first()
        is not None
    )


def _activity_of(assignments: dict[int, list[_AssignmentRow]]) -> dict[int, int]:
    return {a.id: activity_id for activity_id, rows in assignments.items() for a in rows}


class _AssignmentRow(NamedTuple):
    id: int
    unit_id: int
    via_group_id: int | None
    role: str
    unit_kind: str
    commune_id: int | None  # a commune's own unit in its province's catalogue


def _assignments(
    plan: Plan, activity_ids: list[int] | None = None
) -> dict[int, list[_AssignmentRow]]:
    """Activity id → its assignments in annex order: plans hold thousands (a province's
    activity names a hundred communes), read as Core rows in one query. Of every
    activity, or of `activity_ids`."""
    found: dict[int, list[_AssignmentRow]] = defaultdict(list)
    stmt = (
        select(
            Assignment.activity_id,
            Assignment.id,
            Assignment.unit_id,
            Assignment.via_group_id,
            Assignment.role,
            Unit.kind,
            Unit.commune_id,
        )
        .join(Activity, Assignment.activity_id == Activity.id)
        .join(Unit, Assignment.unit_id == Unit.id)
        .where(Activity.plan_id == plan.id)
        .order_by(Assignment.activity_id, Assignment.position)
    )
    if activity_ids is not None:
        stmt = stmt.where(Activity.id.in_(activity_ids))
    for activity_id, *row in db.session.connection().execute(stmt).all():
        found[activity_id].append(_AssignmentRow(*row))
    return found


def _activities(
    plan: Plan,
    assignments: dict[int, list[_AssignmentRow]],
    moment: datetime,
    activity_ids: list[int] | None = None,
) -> tuple[ActivityFacts, ...]:
    stmt = (
        select(
            Activity.id,
            Activity.group_id,
            Activity.timeframe_kind,
            Activity.due_on,
            Activity.original_due_on,
        )
        .where(Activity.plan_id == plan.id)
        .order_by(Activity.position)
    )
    if activity_ids is not None:
        stmt = stmt.where(Activity.id.in_(activity_ids))
    rows = db.session.connection().execute(stmt).all()
    moved = _deadline_moves_after(plan, moment, activity_ids)
    dimensions = _dimensions_by_activity(plan, activity_ids)
    found = []
    for activity_id, group_id, kind, due_on, original in rows:
        own = assignments.get(activity_id, [])
        leads = tuple(
            Lead(a.id, a.unit_id, a.via_group_id, vague=a.unit_kind == UnitKind.VAGUE)
            for a in own
            if a.role == LEAD and a.unit_kind != UnitKind.GROUP
        )
        supports = tuple(
            a.id
            for a in own
            if a.role != LEAD and a.unit_kind not in (UnitKind.VAGUE, UnitKind.GROUP)
        )
        found.append(
            ActivityFacts(
                id=activity_id,
                group_id=group_id,
                ongoing=kind == TimeframeKind.ONGOING,
                due_on=deadline_in_force(due_on, moved.get(activity_id, [])),
                original_due_on=original,
                dimension_ids=dimensions.get(activity_id, ()),
                leads=leads,
                supports=supports,
            )
        )
    return tuple(found)


def _deadline_moves_after(
    plan: Plan, moment: datetime, activity_ids: list[int] | None
) -> dict[int, list[tuple[datetime, Any]]]:
    """Activity id → (when, deadline before) of each move made after `moment`."""
    found: dict[int, list[tuple[datetime, Any]]] = defaultdict(list)
    stmt = select(DeadlineChange).where(
        DeadlineChange.plan_id == plan.id, DeadlineChange.at > moment
    )
    if activity_ids is not None:
        stmt = stmt.where(DeadlineChange.activity_id.in_(activity_ids))
    for move in db.session.scalars(stmt):
        found[move.activity_id].append((move.at, move.due_before))
    return found


def _dimensions_by_activity(
    plan: Plan, activity_ids: list[int] | None
) -> dict[int, tuple[int, ...]]:
    stmt = (
        select(activity_dimension.c.activity_id, activity_dimension.c.dimension_id)
        .join(Activity, Activity.id == activity_dimension.c.activity_id)
        .where(Activity.plan_id == plan.id)
        .order_by(activity_dimension.c.dimension_id)
    )
    if activity_ids is not None:
        stmt = stmt.where(Activity.id.in_(activity_ids))
    found: dict[int, tuple[int, ...]] = {}
    for activity_id, dimension_id in db.session.execute(stmt):
        found[activity_id] = found.get(activity_id, ()) + (dimension_id,)
    return found


def _accepted_reports(
    period_ids: list[int] | Select[Any],
    moment: datetime,
    assignment_ids: list[int] | None = None,
) -> tuple[AcceptedReport, ...]:
    """The reports of these periods (ids, or a query of them: a hundred communes' plans
    are not a list of bound values) that were accepted at `moment`; of every assignment,
    or of a few (`assignment_ids`).

    A report's columns hold the state of its last event (reporting.log_event writes both
    and stamps `changed_at`), so only reports changed after `moment` need their history
    read: for figures as of today none, for a past date those since. One pass over the
    plan's reports — read from ix_progress_report_figures alone, by period — finds both
    kinds."""
    later = (ProgressReport.changed_at > moment).label("later")
    stmt = (
        select(
            ProgressReport.id,
            ProgressReport.assignment_id,
            ProgressReport.period_id,
            ProgressReport.status,
            ProgressReport.completed_on,
            later,
        )
        .where(ProgressReport.period_id.in_(period_ids))
        .where(or_(ProgressReport.state == ACCEPTED, later))
    )
    if assignment_ids is not None:
        if not assignment_ids:
            return ()
        stmt = stmt.where(ProgressReport.assignment_id.in_(assignment_ids))
    connection = db.session.connection()
    found: list[AcceptedReport] = []
    changed: list[int] = []
    for report_id, assignment_id, period_id, status, completed_on, is_later in connection.execute(
        stmt
    ).all():  # fetched at once: iterating a result fetches row by row, far slower
        if is_later:
            changed.append(report_id)
        else:
            found.append(AcceptedReport(report_id, assignment_id, period_id, status, completed_on))
    for start in range(0, len(changed), CHUNK):  # none when figures are for today
        found += [
            AcceptedReport(*row)
            for row in connection.execute(_accepted_then(changed[start : start + CHUNK], moment))
        ]
    return tuple(found)


def _commune_tasks(assignments: dict[int, list[_AssignmentRow]]) -> dict[tuple[int, int], int]:
    """(activity id, commune id) → the commune's lead task in this (province) plan."""
    return {
        (activity_id, a.commune_id): a.id
        for activity_id, rows in assignments.items()
        for a in rows
        if a.role == LEAD and a.commune_id is not None
    }


def _commune_reports(
    plan: Plan,
    tasks: dict[tuple[int, int], int],
    periods: tuple[PeriodSpan, ...],
    moment: datetime,
) -> tuple[AcceptedReport, ...]:
    """What the communes' own plans report for their `tasks` in this (province) plan: the
    accepted reports on the activities they took in from it (domain.cascade)."""
    if not tasks:
        return ()
    connection = db.session.connection()
    children = select(Plan.id).where(Plan.parent_plan_id == plan.id)
    # The lead offices of the communes' linked activities, read on their own and matched
    # to `tasks` here: one SQL join of both leaves the planner (SQLite without
    # statistics) scanning every assignment of a province activity for each linked one —
    # 100 communes × 100 rows a task.
    linked, office = aliased(Activity), aliased(Assignment)
    office_of = {
        office_id: tasks[(source_id, commune_id)]
        for office_id, source_id, commune_id in connection.execute(
            select(office.id, linked.source_activity_id, Plan.locality_id)
            .join(linked, linked.plan_id == Plan.id)
            .join(office, office.activity_id == linked.id)
            .join(OfficeUnit, office.unit_id == OfficeUnit.id)
            .where(Plan.parent_plan_id == plan.id, linked.source_activity_id.is_not(None))
            .where(office.role == LEAD, OfficeUnit.kind.not_in((UnitKind.GROUP, UnitKind.VAGUE)))
        ).all()
        if (source_id, commune_id) in tasks
    }
    if not office_of:
        return ()
    cutoffs = dict(
        connection.execute(
            select(ReportingPeriod.id, ReportingPeriod.ends_on).where(
                ReportingPeriod.plan_id.in_(children)
            )
        ).all()
    )
    offices = Counter(office_of.values())
    reports = (
        CommuneReport(
            r.id,
            office_of[r.assignment_id],
            r.assignment_id,
            cutoffs[r.period_id],
            r.status,
            r.completed_on,
        )
        for r in _accepted_reports(
            select(ReportingPeriod.id).where(ReportingPeriod.plan_id.in_(children)), moment
        )
        if r.assignment_id in office_of
    )
    return commune_reports(reports, dict(offices), periods)


def _accepted_then(report_ids: list[int], moment: datetime) -> Select[Any]:
    """The reports of `report_ids` whose last event by `moment` is an acceptance, with
    the status and date that event recorded; the last event found by a window function."""
    ranked = (
        select(
            ReportEvent.report_id,
            ReportEvent.state,
            ReportEvent.status,
            ReportEvent.completed_on,
            func.row_number()
            .over(
                partition_by=ReportEvent.report_id,
                order_by=(ReportEvent.at.desc(), ReportEvent.id.desc()),
            )
            .label("rank"),
        )
        .where(ReportEvent.report_id.in_(report_ids), ReportEvent.at <= moment)
        .subquery()
    )
    return (
        select(
            ProgressReport.id,
            ProgressReport.assignment_id,
            ProgressReport.period_id,
            ranked.c.status,
            ranked.c.completed_on,
        )
        .join(ranked, ranked.c.report_id == ProgressReport.id)
        .where(ranked.c.rank == 1, ranked.c.state == ACCEPTED)
    )


def plan_figures(
    plan: Plan, as_of: date, period: ReportingPeriod | None = None, to_date: bool = False
) -> PlanFigures:
    """Every figure of the plan on `as_of`, computed now (plan_facts says which round)."""
    return compute(plan_facts(plan, as_of, period, to_date))
