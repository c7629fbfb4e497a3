"""The plan's completion figures as of a date, built from the database for the pure
figures engine (tracker.domain.figures).

"As of" means the end of that day in Asia/Ho_Chi_Minh: a report counts only if it was
accepted by then (from the append-only report events), and a deadline is the one in
force then (from the history of deadline changes).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

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
from tracker.models import LEAD, Activity, Assignment, Change, Plan, ProgressReport, ReportEvent
from tracker.models.reporting import ACCEPTED, ReportingPeriod
from tracker.services import reporting
from tracker.services.plans import plan_json


def end_of_day(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), time(0), LOCAL_TZ) - timedelta(microseconds=1)


def period_for(plan: Plan, as_of: date) -> ReportingPeriod | None:
    """The reporting round figures "as of" a date speak for: the latest period whose
    cut-off has passed by then (as of 15/9/2023: the first six months), or the open one
    before any has closed. Ties (6 months and year both end 14/12) go to the shorter."""
    periods = reporting.plan_periods(plan)
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


def tasks(
    plan: Plan, as_of: date, period: ReportingPeriod | None, role: str = LEAD
) -> list[tuple[Task, Assignment]]:
    """Every assignment of `role` in the plan as a Task on `as_of`."""
    moment = end_of_day(as_of)
    stmt = (
        select(Assignment)
        .join(Activity)
        .where(Activity.plan_id == plan.id, Assignment.role == role)
        .order_by(Activity.position, Assignment.position)
        .options(
            selectinload(Assignment.activity).selectinload(Activity.dimensions),
            selectinload(Assignment.activity).selectinload(Activity.group),
            selectinload(Assignment.unit),
            selectinload(Assignment.via_group),
        )
    )
    assignments = list(db.session.scalars(stmt))
    accepted = _accepted_events([a.id for a in assignments], moment)
    deadlines = _deadlines_then(plan, moment)
    result = []
    for assignment in assignments:
        activity = assignment.activity
        events = accepted.get(assignment.id, [])
        this_period = [e for p, e in events if period is not None and p == period.id]
        latest = events[-1][1] if events else None
        chosen = this_period[-1] if activity.timeframe_kind == "ongoing" and this_period else latest
        due = deadlines.get(activity.id, activity.due_on)
        task = Task(
            activity_id=activity.id,
            unit_id=assignment.unit_id,
            ongoing=activity.timeframe_kind == "ongoing",
            due_on=due,
            original_due_on=activity.original_due_on,
            status=chosen.status if chosen else None,
            done_on=chosen.completed_on if chosen else None,
            reported_this_period=bool(this_period),
        )
        result.append((task, assignment))
    return result


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
    plan: Plan, as_of: date, period: ReportingPeriod | None = None
) -> dict[str, Any]:
    """Every figure of the plan on `as_of`, with numerators, denominators and rules."""
    period = period or period_for(plan, as_of)
    rule = CountRule(plan.count_rule)
    lead = tasks(plan, as_of, period)
    all_tasks = [t for t, _ in lead]
    plan_summary = summarise(all_tasks, as_of, rule, plan.noun)
    groups = _split(lead, lambda a: [a.activity.group], as_of, rule, plan.noun)
    dimensions = _split(lead, lambda a: a.activity.dimensions, as_of, rule, plan.noun)
    units = _split(lead, lambda a: [a.unit], as_of, CountRule.EACH, plan.noun)
    support = tasks(plan, as_of, period, role="support")
    form = provincial_form(plan_summary, assigned=len({t.activity_id for t in all_tasks}))
    return {
        "plan": plan_json(plan),
        "as_of": as_of.isoformat(),
        "period": {"code": period.code, "label": period.label} if period else None,
        "rule": {"code": rule.value, "text": RULE_LABELS[rule]},
        "summary": summary_json(plan_summary),
        "by_group": [{"label": g.label, "title": g.title, **summary_json(s)} for g, s in groups],
        "by_dimension": [{"id": d.id, "name": d.name, **summary_json(s)} for d, s in dimensions],
        "by_unit": [{"unit": u.name, **summary_json(s)} for u, s in units],
        "supporting": summary_json(
            summarise([t for t, _ in support], as_of, CountRule.EACH, plan.noun)
        ),
        "commune_groups": _commune_groups(lead, as_of),
        "form": {
            "in_plan": form.in_plan,
            "done": form.done,
            "assigned": form.assigned,
            "done_on_time": form.done_on_time,
            "done_late": form.done_late,
            "overdue": form.overdue,
        },
    }


def _split(lead, keys, as_of, rule, noun):  # type: ignore[no-untyped-def]
    buckets: dict[int, tuple[Any, list[Task]]] = {}
    for task, assignment in lead:
        for key in keys(assignment):
            buckets.setdefault(key.id, (key, []))[1].append(task)
    ordered = sorted(buckets.values(), key=lambda kv: getattr(kv[0], "position", kv[0].id))
    return [(key, summarise(items, as_of, rule, noun)) for key, items in ordered]


def _commune_groups(lead, as_of: date) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    """ "07/10 xã, phường" for every activity led by a group of communes."""
    by_activity: dict[tuple[int, int], list[Task]] = defaultdict(list)
    names: dict[tuple[int, int], tuple[Activity, str]] = {}
    for task, assignment in lead:
        if assignment.via_group_id:
            key = (assignment.activity_id, assignment.via_group_id)
            by_activity[key].append(task)
            names[key] = (assignment.activity, assignment.via_group.name)
    result = []
    for key, items in by_activity.items():
        activity, group = names[key]
        done = sum(
            1
            for t in items
            if outcome(t, as_of)
            in (Outcome.DONE_ON_TIME, Outcome.DONE_LATE, Outcome.ONGOING_REPORTED)
        )
        result.append(
            {
                "activity": activity.number or activity.text[:60],
                "group": group,
                "numerator": done,
                "denominator": len(items),
                "text": f"{done:02d}/{len(items):02d} {group.removeprefix('UBND ')}",
            }
        )
    return result
