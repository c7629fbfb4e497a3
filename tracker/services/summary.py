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
from typing import Any, NamedTuple, TypeVar

from sqlalchemy import Select, func, or_, select

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
    tally,
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

T = TypeVar("T")


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


class Accepted(NamedTuple):  # thousands a plan: a tuple is made twice as fast
    """A report whose state was "accepted" at the moment figures are computed for."""

    period_id: int
    status: str
    completed_on: date | None


CHUNK = 5_000  # report ids in one IN (…) list, far below any database's limit


def _accepted_reports(plan: Plan, moment: datetime, role: str) -> dict[int, list[Accepted]]:
    """assignment id → the plan's reports of `role` assignments that were accepted at
    `moment`, ordered by their period's cut-off.

    A report's columns hold the state of its last event (reporting.log_event writes both
    and stamps `changed_at`), so only the plan's reports changed after `moment` need
    their history read: for figures as of today none, for a past date those since.
    One pass over the plan's reports finds both kinds."""
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
        .join(ReportingPeriod, ProgressReport.period_id == ReportingPeriod.id)
        .join(Assignment, ProgressReport.assignment_id == Assignment.id)
        .where(ReportingPeriod.plan_id == plan.id, Assignment.role == role)
        .where(or_(ProgressReport.state == ACCEPTED, later))
    )
    rows: list[Any] = []
    changed: list[int] = []
    connection = db.session.connection()  # Core rows: no ORM work on thousands of them
    for report_id, assignment_id, period_id, status, completed_on, is_later in connection.execute(
        stmt
    ).all():  # fetched at once: iterating a result fetches row by row, far slower
        if is_later:
            changed.append(report_id)
        else:
            rows.append((assignment_id, period_id, status, completed_on))
    for start in range(0, len(changed), CHUNK):  # none when figures are for today
        rows += connection.execute(_accepted_then(changed[start : start + CHUNK], moment)).all()
    order = {p.id: i for i, p in enumerate(period_service.plan_periods(plan))}
    rows.sort(key=lambda row: order[row[1]])
    found: dict[int, list[Accepted]] = defaultdict(list)
    for assignment_id, period_id, status, completed_on in rows:
        found[assignment_id].append(Accepted(period_id, status, completed_on))
    return found


def _accepted_then(report_ids: list[int], moment: datetime) -> Select[Any]:
    """The reports of `report_ids` whose last event by `moment` is an acceptance,
    in the columns of `_accepted_reports`; the last event is found by a window function."""
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
            ProgressReport.assignment_id,
            ProgressReport.period_id,
            ranked.c.status,
            ranked.c.completed_on,
        )
        .join(ranked, ranked.c.report_id == ProgressReport.id)
        .where(ranked.c.rank == 1, ranked.c.state == ACCEPTED)
    )


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
    outcome: Outcome  # the task's outcome on the date the rows were built for
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
    rows = db.session.connection().execute(stmt).all()
    accepted = _accepted_reports(plan, moment, role)
    deadlines = _deadlines_then(plan, moment)
    dimensions = _dimensions_by_activity(plan)
    period_id = period.id if period is not None else None
    result = []
    for assignment_id, unit_id, via, activity_id, group_id, kind, due_on, original in rows:
        reports = accepted.get(assignment_id, [])
        this_period = [r for r in reports if r.period_id == period_id]
        latest = reports[-1] if reports else None
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
            TaskRow(
                task,
                outcome(task, as_of),
                assignment_id,
                unit_id,
                via,
                group_id,
                dimensions.get(activity_id, ()),
            )
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
    plan_summary = tally(((r.task.activity_id, r.outcome) for r in lead), rule, plan.noun)
    groups = {
        g.id: g
        for g in db.session.scalars(select(ContentGroup).where(ContentGroup.plan_id == plan.id))
    }
    dims = {d.id: d for d in db.session.scalars(select(PapiDimension))}
    unit_ids = {r.unit_id for r in lead} | {r.via_group_id for r in lead if r.via_group_id}
    units = {u.id: u for u in db.session.scalars(select(Unit).where(Unit.id.in_(unit_ids)))}
    form = provincial_form(plan_summary, assigned=len({r.task.activity_id for r in lead}))
    by_group = _split(lead, lambda r: (r.group_id,), rule, plan.noun)
    by_dimension = _split(lead, lambda r: r.dimension_ids, rule, plan.noun)
    by_unit = _split(lead, lambda r: (r.unit_id,), CountRule.EACH, plan.noun)
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
        "commune_groups": _commune_groups(lead, units),
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
    rule: CountRule,
    noun: str,
) -> list[tuple[int, Summary]]:
    buckets: dict[int, list[tuple[int, Outcome]]] = defaultdict(list)
    for row in lead:
        for key in keys(row):
            buckets[key].append((row.task.activity_id, row.outcome))
    return [(key, tally(items, rule, noun)) for key, items in buckets.items()]


CARRIED_FOR_GROUPS = (Outcome.DONE_ON_TIME, Outcome.DONE_LATE, Outcome.ONGOING_REPORTED)


def _commune_groups(lead: list[TaskRow], units: dict[int, Unit]) -> list[dict[str, Any]]:
    """ "07/10 xã, phường" for every activity led by a group of communes."""
    by_activity: dict[tuple[int, int], list[Outcome]] = defaultdict(list)
    for row in lead:
        if row.via_group_id:
            by_activity[(row.task.activity_id, row.via_group_id)].append(row.outcome)
    labels = dict(
        db.session.execute(
            select(Activity.id, Activity.number).where(Activity.id.in_({a for a, _ in by_activity}))
        ).all()
    )
    result = []
    for (activity_id, group_id), items in by_activity.items():
        group = units[group_id].name
        done = sum(1 for o in items if o in CARRIED_FOR_GROUPS)
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
    late = [r for r in rows if r.outcome is Outcome.OVERDUE]
    if not late:
        return []
    activities = {
        activity_id: (number, text)
        for activity_id, number, text in db.session.execute(
            select(Activity.id, Activity.number, Activity.text).where(
                Activity.id.in_({r.task.activity_id for r in late})
            )
        )
    }
    units = dict(
        db.session.execute(
            select(Unit.id, Unit.name).where(Unit.id.in_({r.unit_id for r in late}))
        ).all()
    )
    found = []
    for row in late:
        (number, text), due = activities[row.task.activity_id], row.task.due_on
        assert due is not None
        found.append(
            Overdue(
                row.task.activity_id,
                number or "",
                text,
                units[row.unit_id],
                due,
                (as_of - due).days,
            )
        )
    return sorted(found, key=lambda o: -o.days_late)


# Results for (plan, what, arguments, data version): any write to a plan adds a Change or
# a ReportEvent row of that plan, so a remembered result is never stale. Per process,
# bounded; values are plain data, never ORM objects (they outlive their session).
_CACHE: dict[tuple[Any, ...], Any] = {}
_CACHE_SIZE = 64


def data_version(plan: Plan) -> tuple[int, int]:
    """The plan's last annex change and last report event: two index lookups."""
    last_change = db.session.scalar(select(func.max(Change.id)).where(Change.plan_id == plan.id))
    last_event = db.session.scalar(
        select(func.max(ReportEvent.id)).where(ReportEvent.plan_id == plan.id)
    )
    return last_change or 0, last_event or 0


def remembered(plan: Plan, what: str, arguments: tuple[Any, ...], compute: Callable[[], T]) -> T:
    """compute(), reused while nothing in the plan changed."""
    key = (str(db.engine.url), plan.id, what, arguments, data_version(plan))
    if key not in _CACHE:
        if len(_CACHE) >= _CACHE_SIZE:
            _CACHE.pop(next(iter(_CACHE)), None)  # another thread may have taken it
        _CACHE[key] = compute()
    return _CACHE[key]  # type: ignore[no-any-return]


def cached_summary(plan: Plan, as_of: date) -> tuple[dict[str, Any], list[Overdue]]:
    """(compute_summary, the overdue list), reused while nothing in the plan changed."""
    period = period_for(plan, as_of)

    def compute() -> tuple[dict[str, Any], list[Overdue]]:
        lead = tasks(plan, as_of, period)
        return compute_summary(plan, as_of, period, lead), overdue(lead, as_of)

    arguments = (as_of, period.id if period else None, plan.count_rule)
    return remembered(plan, "summary", arguments, compute)
