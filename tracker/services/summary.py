"""The plan's completion figures as of a date, built from the database for the pure
figures engine (tracker.domain.figures).

"As of" means the end of that day in Asia/Ho_Chi_Minh: a report counts only if it was
accepted by then (from the append-only report events), and a deadline is the one in
force then (from the history of deadline changes).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select

from tracker.clock import LOCAL_TZ
from tracker.domain.figures import (
    OUTCOME_LABELS,
    RULE_LABELS,
    CountRule,
    Figure,
    Outcome,
    Summary,
    Task,
    outcome,
    provincial_form,
    summarise,
)
from tracker.domain.periods import current_period
from tracker.extensions import db
from tracker.models import (
    LEAD,
    Activity,
    Assignment,
    Change,
    ContentGroup,
    PapiDimension,
    Plan,
    ProgressReport,
    ReportEvent,
    Unit,
    activity_dimension,
)
from tracker.models.reporting import ACCEPTED, ReportingPeriod
from tracker.services import periods as period_service
from tracker.services.plans import plan_json


def end_of_day(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), time(0), LOCAL_TZ) - timedelta(microseconds=1)


def period_for(plan: Plan, as_of: date) -> ReportingPeriod | None:
    """The reporting round figures "as of" a date speak for: the latest period whose
    cut-off has passed by then (as of 15/9/2023: the first six months), or the open one
    before any has closed. Ties (6 months and year both end 14/12) go to the shorter."""
    periods = period_service.plan_periods(plan)
    closed = [p for p in periods if p.ends_on <= as_of]
    if closed:
        return max(closed, key=lambda p: (p.ends_on, p.starts_on))
    chosen = current_period([p.period for p in periods], as_of)
    return next((p for p in periods if chosen and p.code == chosen.code), None)


def _accepted_events(
    assignment_ids: list[int], moment: datetime
) -> dict[int, list[tuple[int, ReportEvent]]]:
    """assignment id → [(period id, the report's last event by `moment`)] where that
    event is an acceptance."""
    if not assignment_ids:
        return {}
    stmt = (
        select(ProgressReport.assignment_id, ProgressReport.period_id, ReportEvent)
        .join(ReportEvent, ReportEvent.report_id == ProgressReport.id)
        .where(ProgressReport.assignment_id.in_(assignment_ids), ReportEvent.at <= moment)
        .order_by(ReportEvent.at, ReportEvent.id)
    )
    last: dict[tuple[int, int], ReportEvent] = {}
    for assignment_id, period_id, event in db.session.execute(stmt):
        last[(assignment_id, period_id)] = event
    found: dict[int, list[tuple[int, ReportEvent]]] = defaultdict(list)
    for (assignment_id, period_id), event in last.items():
        if event.state == ACCEPTED:
            found[assignment_id].append((period_id, event))
    return found


def _deadlines_then(plan: Plan, moment: datetime) -> dict[int, date | None]:
    """Activity id → the deadline in force at `moment`, where it changed since."""
    stmt = (
        select(Change)
        .where(
            Change.plan_id == plan.id,
            Change.entity == "activity",
            Change.action == "update",
            Change.at > moment,
        )
        .order_by(Change.at, Change.id)
    )
    then: dict[int, date | None] = {}
    for change in db.session.scalars(stmt):
        before = (change.before or {}).get("Thời hạn")
        if change.activity_id is None or change.activity_id in then or before is None:
            continue
        if (change.after or {}).get("Thời hạn") is None:
            continue
        then[change.activity_id] = datetime.strptime(before, "%d/%m/%Y").date() if before else None
    return then


@dataclass(frozen=True)
class TaskRow:
    """A Task with the keys the figures are split by; plain values, no ORM objects, so
    a plan of thousands of assignments loads in a few queries."""

    task: Task
    assignment_id: int
    unit_id: int
    via_group_id: int | None
    group_id: int
    dimension_ids: tuple[int, ...]


def tasks(
    plan: Plan, as_of: date, period: ReportingPeriod | None, role: str = LEAD
) -> list[TaskRow]:
    """Every assignment of `role` in the plan as a Task on `as_of`."""
    moment = end_of_day(as_of)
    stmt = (
        select(
            Assignment.id,
            Assignment.unit_id,
            Assignment.via_group_id,
            Activity.id,
            Activity.group_id,
            Activity.timeframe_kind,
            Activity.due_on,
            Activity.original_due_on,
        )
        .join(Activity, Assignment.activity_id == Activity.id)
        .where(Activity.plan_id == plan.id, Assignment.role == role)
        .order_by(Activity.position, Assignment.position)
    )
    rows = db.session.execute(stmt).all()
    accepted = _accepted_events([r[0] for r in rows], moment)
    deadlines = _deadlines_then(plan, moment)
    dimensions = _dimensions_by_activity(plan)
    result = []
    for assignment_id, unit_id, via, activity_id, group_id, kind, due_on, original in rows:
        events = accepted.get(assignment_id, [])
        this_period = [e for p, e in events if period is not None and p == period.id]
        latest = events[-1][1] if events else None
        chosen = this_period[-1] if kind == "ongoing" and this_period else latest
        task = Task(
            activity_id=activity_id,
            unit_id=unit_id,
            ongoing=kind == "ongoing",
            due_on=deadlines.get(activity_id, due_on),
            original_due_on=original,
            status=chosen.status if chosen else None,
            done_on=chosen.completed_on if chosen else None,
            reported_this_period=bool(this_period),
        )
        result.append(
            TaskRow(task, assignment_id, unit_id, via, group_id, dimensions.get(activity_id, ()))
        )
    return result


def _dimensions_by_activity(plan: Plan) -> dict[int, tuple[int, ...]]:
    stmt = (
        select(activity_dimension.c.activity_id, activity_dimension.c.dimension_id)
        .join(Activity, Activity.id == activity_dimension.c.activity_id)
        .where(Activity.plan_id == plan.id)
        .order_by(activity_dimension.c.dimension_id)
    )
    found: dict[int, tuple[int, ...]] = {}
    for activity_id, dimension_id in db.session.execute(stmt):
        found[activity_id] = found.get(activity_id, ()) + (dimension_id,)
    return found


def figure_json(figure: Figure, rule: str) -> dict[str, Any]:
    return {
        "numerator": figure.numerator,
        "denominator": figure.denominator,
        "fraction": figure.fraction,
        "percent": figure.percent,
        "rule": rule,
    }


def summary_json(summary: Summary) -> dict[str, Any]:
    rule = RULE_LABELS[summary.rule]
    return {
        "total": summary.total,
        "counts": {
            o.value: {
                "label": OUTCOME_LABELS[o],
                **figure_json(Figure(summary.n(o), summary.total), rule),
            }
            for o in Outcome
        },
        "done": figure_json(summary.done, rule),
        "carried_out": figure_json(summary.carried_out, rule),
        "not_carried_out": figure_json(summary.not_carried_out, rule),
        "headline": summary.headline(),
        "breakdown": summary.breakdown(),
    }


def compute_summary(
    plan: Plan,
    as_of: date,
    period: ReportingPeriod | None = None,
    lead: list[TaskRow] | None = None,
) -> dict[str, Any]:
    """Every figure of the plan on `as_of`, with numerators, denominators and rules.
    `lead` passes the lead tasks when the caller already built them for this date."""
    period = period or period_for(plan, as_of)
    rule = CountRule(plan.count_rule)
    lead = lead if lead is not None else tasks(plan, as_of, period)
    all_tasks = [r.task for r in lead]
    plan_summary = summarise(all_tasks, as_of, rule, plan.noun)
    groups = {
        g.id: g
        for g in db.session.scalars(select(ContentGroup).where(ContentGroup.plan_id == plan.id))
    }
    dims = {d.id: d for d in db.session.scalars(select(PapiDimension))}
    unit_ids = {r.unit_id for r in lead} | {r.via_group_id for r in lead if r.via_group_id}
    units = {u.id: u for u in db.session.scalars(select(Unit).where(Unit.id.in_(unit_ids)))}
    form = provincial_form(plan_summary, assigned=len({t.activity_id for t in all_tasks}))
    by_group = _split(lead, lambda r: (r.group_id,), as_of, rule, plan.noun)
    by_dimension = _split(lead, lambda r: r.dimension_ids, as_of, rule, plan.noun)
    by_unit = _split(lead, lambda r: (r.unit_id,), as_of, CountRule.EACH, plan.noun)
    return {
        "plan": plan_json(plan),
        "as_of": as_of.isoformat(),
        "period": {"code": period.code, "label": period.label} if period else None,
        "rule": {"code": rule.value, "text": RULE_LABELS[rule]},
        "summary": summary_json(plan_summary),
        "by_group": [
            {"label": groups[k].label, "title": groups[k].title, **summary_json(s)}
            for k, s in sorted(by_group, key=lambda ks: groups[ks[0]].position)
        ],
        "by_dimension": [
            {"id": k, "name": dims[k].name, **summary_json(s)} for k, s in sorted(by_dimension)
        ],
        "by_unit": [
            {"unit": units[k].name, **summary_json(s)}
            for k, s in sorted(by_unit, key=lambda ks: (units[ks[0]].position, ks[0]))
        ],
        "supporting": _supporting(plan, as_of, period),
        "commune_groups": _commune_groups(lead, as_of, units),
        "form": {
            "in_plan": form.in_plan,
            "done": form.done,
            "assigned": form.assigned,
            "done_on_time": form.done_on_time,
            "done_late": form.done_late,
            "overdue": form.overdue,
        },
    }


def _supporting(plan: Plan, as_of: date, period: ReportingPeriod | None) -> dict[str, Any]:
    """Supporting units, counted apart: their assignments with a contribution accepted for
    the round by `as_of`. Acceptance is final in the review flow, so one query tells."""
    assignments = (
        select(Assignment.id)
        .join(Activity, Assignment.activity_id == Activity.id)
        .where(Activity.plan_id == plan.id, Assignment.role == "support")
    )
    total = db.session.scalar(select(func.count()).select_from(assignments.subquery())) or 0
    reported = 0
    if period is not None:
        reported = (
            db.session.scalar(
                select(func.count(func.distinct(ProgressReport.assignment_id)))
                .join(ReportEvent, ReportEvent.report_id == ProgressReport.id)
                .where(
                    ProgressReport.assignment_id.in_(assignments),
                    ProgressReport.period_id == period.id,
                    ReportEvent.state == ACCEPTED,
                    ReportEvent.at <= end_of_day(as_of),
                )
            )
            or 0
        )
    return {
        "total": total,
        "reported": figure_json(
            Figure(reported, total), "mỗi việc phối hợp có báo cáo được chấp nhận trong kỳ"
        ),
    }


def _split(
    lead: list[TaskRow],
    keys: Callable[[TaskRow], Iterable[int]],
    as_of: date,
    rule: CountRule,
    noun: str,
) -> list[tuple[int, Summary]]:
    buckets: dict[int, list[Task]] = defaultdict(list)
    for row in lead:
        for key in keys(row):
            buckets[key].append(row.task)
    return [(key, summarise(items, as_of, rule, noun)) for key, items in buckets.items()]


CARRIED_FOR_GROUPS = (Outcome.DONE_ON_TIME, Outcome.DONE_LATE, Outcome.ONGOING_REPORTED)


def _commune_groups(
    lead: list[TaskRow], as_of: date, units: dict[int, Unit]
) -> list[dict[str, Any]]:
    """ "07/10 xã, phường" for every activity led by a group of communes."""
    by_activity: dict[tuple[int, int], list[Task]] = defaultdict(list)
    for row in lead:
        if row.via_group_id:
            by_activity[(row.task.activity_id, row.via_group_id)].append(row.task)
    labels = dict(
        db.session.execute(
            select(Activity.id, Activity.number).where(Activity.id.in_({a for a, _ in by_activity}))
        ).all()
    )
    result = []
    for (activity_id, group_id), items in by_activity.items():
        group = units[group_id].name
        done = sum(1 for t in items if outcome(t, as_of) in CARRIED_FOR_GROUPS)
        result.append(
            {
                "activity": labels.get(activity_id) or str(activity_id),
                "activity_id": activity_id,
                "group": group,
                "numerator": done,
                "denominator": len(items),
                "text": f"{done:02d}/{len(items):02d} {group.removeprefix('UBND ')}",
            }
        )
    return result


@dataclass(frozen=True)
class Overdue:
    activity_id: int
    number: str
    text: str
    unit: str
    due_on: date
    days_late: int


def overdue(rows: list[TaskRow], as_of: date) -> list[Overdue]:
    """Overdue lead tasks, most days late first."""
    late = [r for r in rows if outcome(r.task, as_of) is Outcome.OVERDUE]
    if not late:
        return []
    activities = {
        a.id: a
        for a in db.session.scalars(
            select(Activity).where(Activity.id.in_({r.task.activity_id for r in late}))
        )
    }
    units = {
        u.id: u
        for u in db.session.scalars(select(Unit).where(Unit.id.in_({r.unit_id for r in late})))
    }
    found = []
    for row in late:
        activity, due = activities[row.task.activity_id], row.task.due_on
        assert due is not None
        found.append(
            Overdue(
                activity.id,
                activity.number or "",
                activity.text,
                units[row.unit_id].name,
                due,
                (as_of - due).days,
            )
        )
    return sorted(found, key=lambda o: -o.days_late)


# Figures for (plan, as_of, round, rule, data version): any write adds a Change or a
# ReportEvent row, so a cached result is never stale. Per process, bounded.
_CACHE: dict[tuple[Any, ...], tuple[dict[str, Any], list[Overdue]]] = {}
_CACHE_SIZE = 64


def data_version(plan: Plan) -> tuple[int, int]:
    last_change = db.session.scalar(select(func.max(Change.id)).where(Change.plan_id == plan.id))
    last_event = db.session.scalar(select(func.max(ReportEvent.id)))
    return last_change or 0, last_event or 0


def cached_summary(plan: Plan, as_of: date) -> tuple[dict[str, Any], list[Overdue]]:
    """(compute_summary, the overdue list), reused while nothing in the plan changed."""
    period = period_for(plan, as_of)
    key = (
        str(db.engine.url),
        plan.id,
        as_of,
        period.id if period else None,
        plan.count_rule,
        data_version(plan),
    )
    if key not in _CACHE:
        lead = tasks(plan, as_of, period)
        if len(_CACHE) >= _CACHE_SIZE:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[key] = (compute_summary(plan, as_of, period, lead), overdue(lead, as_of))
    return _CACHE[key]
