"""A plan's figures as of a date: the facts read from the database for the one
computation (tracker.domain.figures), remembered while the plan is unchanged, and the
names pages and documents print them with.

"As of" means the end of that day in Asia/Ho_Chi_Minh: a report counts only if it was
accepted by then (from the append-only report events), and a deadline is the one in
force then (from the recorded deadline moves). The dashboard, `summary`, the API, the
exports, the activity pages and the digests all read `figures_for()`; JSON is made from
its result at the edge (`figures_json`), never passed between services.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, NamedTuple, TypeVar

from flask import g, has_app_context
from sqlalchemy import Select, event, func, or_, select, union
from sqlalchemy.orm import Session, aliased

from tracker.clock import LOCAL_TZ
from tracker.domain import figure_text
from tracker.domain.cascade import CommuneReport, commune_reports
from tracker.domain.documents import activity_reference
from tracker.domain.figures import (
    OUTCOME_LABELS,
    RULE_LABELS,
    AcceptedReport,
    ActivityFacts,
    CountRule,
    Figure,
    Lead,
    Outcome,
    PeriodSpan,
    PlanFacts,
    Tally,
    deadline_in_force,
)
from tracker.domain.frameworks import FrameworkName
from tracker.domain.plan_figures import ActivityFigure, PlanFigures, compute
from tracker.domain.timeframes import TimeframeKind
from tracker.domain.units import UnitKind
from tracker.extensions import db
from tracker.models import (
    LEAD,
    Activity,
    Assignment,
    Change,
    ContentGroup,
    DeadlineChange,
    IndexDimension,
    Plan,
    ProgressReport,
    ReportEvent,
    Unit,
    activity_dimension,
)
from tracker.models.reporting import ACCEPTED, ReportingPeriod
from tracker.services import periods as period_service
from tracker.services.frameworks import framework_names

T = TypeVar("T")
OfficeUnit = aliased(Unit)
CHUNK = 5_000  # report ids in one IN (…) list, far below any database's limit


def end_of_day(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), time(0), LOCAL_TZ) - timedelta(microseconds=1)


# ---- facts ----------------------------------------------------------------------------------


def plan_facts(
    plan: Plan, as_of: date, period: ReportingPeriod | None = None, to_date: bool = False
) -> PlanFacts:
    """What the computation needs, in plain rows. The figures speak for `period`'s round;
    without one, for the last round closed by `as_of` (a report's figures), or with
    `to_date` for the round under way (everything so far: the dashboard's)."""
    moment = end_of_day(as_of)
    periods = tuple(
        PeriodSpan(p.id, p.starts_on, p.ends_on, p.due_on)
        for p in period_service.plan_periods(plan)
    )
    assignments = _assignments(plan)
    return PlanFacts(
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


class _AssignmentRow(NamedTuple):
    id: int
    unit_id: int
    via_group_id: int | None
    role: str
    unit_kind: str
    commune_id: int | None  # a commune's own unit in its province's catalogue


def _assignments(plan: Plan) -> dict[int, list[_AssignmentRow]]:
    """Activity id → its assignments in annex order: plans hold thousands (a province's
    activity names a hundred communes), read as Core rows in one query."""
    found: dict[int, list[_AssignmentRow]] = defaultdict(list)
    for activity_id, *row in (
        db.session.connection()
        .execute(
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
        .all()
    ):
        found[activity_id].append(_AssignmentRow(*row))
    return found


def _activities(
    plan: Plan, assignments: dict[int, list[_AssignmentRow]], moment: datetime
) -> tuple[ActivityFacts, ...]:
    rows = (
        db.session.connection()
        .execute(
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
        .all()
    )
    moved = _deadline_moves_after(plan, moment)
    dimensions = _dimensions_by_activity(plan)
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


def _deadline_moves_after(plan: Plan, moment: datetime) -> dict[int, list[tuple[datetime, Any]]]:
    """Activity id → (when, deadline before) of each move made after `moment`."""
    found: dict[int, list[tuple[datetime, Any]]] = defaultdict(list)
    stmt = select(DeadlineChange).where(
        DeadlineChange.plan_id == plan.id, DeadlineChange.at > moment
    )
    for move in db.session.scalars(stmt):
        found[move.activity_id].append((move.at, move.due_before))
    return found


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


def _accepted_reports(
    period_ids: list[int] | Select[Any], moment: datetime
) -> tuple[AcceptedReport, ...]:
    """The reports of these periods (ids, or a query of them: a hundred communes' plans
    are not a list of bound values) that were accepted at `moment`.

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


# ---- remembered -----------------------------------------------------------------------------

# Results for (plan, what, arguments, data version): any write to a plan adds a Change, a
# ReportEvent or a DeadlineChange row of that plan, so a remembered result is never
# stale. Per process, bounded; values are plain frozen data, never ORM objects.
_CACHE: dict[tuple[Any, ...], Any] = {}
_CACHE_SIZE = 64


def data_version(plan: Plan) -> tuple[int, int]:
    """The plan's last annex change and last report event, its communes' plans included
    (their reports count in it: domain.cascade): index lookups in one query, remembered
    in the app context until the next write. (A deadline move is written with its
    Change.)"""
    known: dict[int, tuple[int, int]] = g.setdefault("data_versions", {})
    if plan.id not in known:
        plans = or_(Plan.id == plan.id, Plan.parent_plan_id == plan.id)
        own = select(Plan.id).where(plans)
        last_change = select(func.max(Change.id)).where(Change.plan_id.in_(own))
        last_event = select(func.max(ReportEvent.id)).where(ReportEvent.plan_id.in_(own))
        found = db.session.execute(
            select(last_change.scalar_subquery(), last_event.scalar_subquery())
        ).one()
        known[plan.id] = (found[0] or 0, found[1] or 0)
    return known[plan.id]


def _forget_data_versions(*_: Any) -> None:
    """A page asks for a plan's data version several times (figures, names, tables):
    it is read once (`data_version`), and again after any write, commit or rollback."""
    if has_app_context():
        g.pop("data_versions", None)


for _moment in ("after_flush", "after_commit", "after_rollback", "after_bulk_update"):
    event.listen(Session, _moment, _forget_data_versions)


@event.listens_for(Session, "do_orm_execute")
def _forget_on_statement(state: Any) -> None:
    if state.is_insert or state.is_update or state.is_delete:  # Core writes, no flush
        _forget_data_versions()


def remembered(plan: Plan, what: str, arguments: tuple[Any, ...], compute: Callable[[], T]) -> T:
    """compute(), reused while nothing in the plan changed."""
    key = (str(db.engine.url), plan.id, what, arguments, data_version(plan))
    if key not in _CACHE:
        if len(_CACHE) >= _CACHE_SIZE:
            _CACHE.pop(next(iter(_CACHE)), None)  # another thread may have taken it
        _CACHE[key] = compute()
    return _CACHE[key]  # type: ignore[no-any-return]


def figures_for(
    plan: Plan, as_of: date, period: ReportingPeriod | None = None, to_date: bool = False
) -> PlanFigures:
    """plan_figures(), reused while nothing in the plan changed."""
    arguments = (as_of, period.id if period else None, to_date, plan.count_rule, plan.noun)
    return remembered(
        plan, "figures", arguments, lambda: plan_figures(plan, as_of, period, to_date)
    )


# ---- names ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActivityName:
    number: str  # "1.5"; "" when the annex gave none
    text: str
    position: int

    @property
    def short(self) -> str:
        """ "hoạt động 1.5"; an unnumbered one by its name (documents.activity_reference)."""
        return activity_reference(self.number, self.text)

    @property
    def heading(self) -> str:
        """ "1.5. Thông tin tuyên truyền…" as the annex's Hoạt động column reads."""
        return f"{self.number}. {self.text}" if self.number else self.text


@dataclass(frozen=True)
class Names:
    """What the figures' ids are called, read once per plan."""

    units: dict[int, str]
    unit_order: dict[int, int]
    groups: dict[int, tuple[str, str, int]]  # content group id → (label, title, position)
    dimensions: dict[int, str]
    frameworks: tuple[FrameworkName, ...]  # the plan's, each with its dimensions
    activities: dict[int, ActivityName]
    periods: dict[int, str]  # period id → label ("6 tháng đầu năm 2023")

    def round_label(self, round_ids: tuple[int, ...]) -> str:
        """The round's longest period names it ("Năm 2023" for a round holding the second
        half and the year); "" without periods."""
        return self.periods.get(round_ids[-1], "").lower() if round_ids else ""

    def unit_names(self, ids: tuple[int, ...]) -> list[str]:
        return [self.units[i] for i in sorted(ids, key=lambda i: (self.unit_order[i], i))]

    def progress(self, activity: ActivityFigure) -> str:
        """ "07/10 xã, phường (Phường 1, …)" for each group or several lead units, joined
        ("00/10 xã, phường; 00/02 đơn vị chủ trì"); "" for a single lead unit."""
        return "; ".join(
            figure_text.progress(
                p.figure,
                self.units[p.group_id] if p.group_id else "",
                self.unit_names(p.carried_unit_ids),
            )
            for p in activity.progress
        )


def names(plan: Plan) -> Names:
    """Remembered with the plan's data version: every name here is the plan's data
    (activities, groups, periods) or a unit's, and units are never renamed — code that
    comes to rename one must also record a Change for the plans that use it."""
    return remembered(plan, "names", (), lambda: _names(plan))


def _names(plan: Plan) -> Names:
    connection = db.session.connection()
    unit_ids = select(Assignment.unit_id).join(Activity).where(Activity.plan_id == plan.id)
    group_ids = select(Assignment.via_group_id).join(Activity).where(Activity.plan_id == plan.id)
    units = connection.execute(  # one list of ids: two IN (…) joined by OR plan poorly
        select(Unit.id, Unit.name, Unit.position).where(Unit.id.in_(union(unit_ids, group_ids)))
    ).all()
    return Names(
        units={i: name for i, name, _ in units},
        unit_order={i: position for i, _, position in units},
        groups={
            i: (label, title, position)
            for i, label, title, position in connection.execute(
                select(
                    ContentGroup.id, ContentGroup.label, ContentGroup.title, ContentGroup.position
                ).where(ContentGroup.plan_id == plan.id)
            )
        },
        dimensions=dict(connection.execute(select(IndexDimension.id, IndexDimension.name)).all()),
        frameworks=framework_names(plan.frameworks),
        activities={
            i: ActivityName(number or "", text, position)
            for i, number, text, position in connection.execute(
                select(Activity.id, Activity.number, Activity.text, Activity.position).where(
                    Activity.plan_id == plan.id
                )
            )
        },
        periods={p.id: p.label for p in period_service.plan_periods(plan)},
    )


# ---- JSON, at the edge --------------------------------------------------------------------


def figure_json(figure: Figure) -> dict[str, Any]:
    return {
        "numerator": figure.numerator,
        "denominator": figure.denominator,
        "fraction": figure.fraction,
        "percent": figure.percent,
    }


def tally_json(tally: Tally, noun: str) -> dict[str, Any]:
    return {
        "total": tally.total,
        "counts": {
            o.value: {"label": OUTCOME_LABELS[o], **figure_json(Figure(tally.n(o), tally.total))}
            for o in Outcome
        },
        "carried_out": figure_json(tally.carried_out),
        "done": figure_json(tally.done),
        "under_way": figure_json(tally.under_way),
        "no_result": figure_json(tally.no_result),
        "not_carried_out": figure_json(tally.not_carried_out),
        "late": figure_json(tally.late),
        "headline": figure_text.headline(tally, noun),
        "text": figure_text.summary(tally, noun),
    }


def figures_json(plan: Plan, figures: PlanFigures, names: Names) -> dict[str, Any]:
    """Every figure, with its numerator, denominator and the rule that counted it."""
    noun = figures.noun
    return {
        "plan": {"id": plan.id, "number": plan.number, "year": plan.year, "noun": plan.noun},
        "as_of": figures.as_of.isoformat(),
        "round": {
            "periods": [{"id": i, "label": names.periods.get(i, "")} for i in figures.round_ids],
            "label": names.round_label(figures.round_ids),
            "cutoff": figures.cutoff.isoformat() if figures.cutoff else None,
        },
        "rule": {"code": figures.rule.value, "text": RULE_LABELS[figures.rule]},
        "summary": tally_json(figures.cumulative, noun),
        "in_round": figure_json(figures.in_round),
        "by_group": [
            {
                "id": k,
                "label": names.groups[k][0],
                "title": names.groups[k][1],
                **tally_json(t, noun),
            }
            for k, t in sorted(figures.by_group, key=lambda kt: names.groups[kt[0]][2])
        ],
        "by_dimension": [
            {"id": k, "name": names.dimensions.get(k, str(k)), **tally_json(t, noun)}
            for k, t in sorted(figures.by_dimension)
        ],
        "by_unit": [
            {"unit_id": k, "unit": names.units[k], **tally_json(t, noun)}
            for k, t in sorted(figures.by_unit, key=lambda kt: (names.unit_order[kt[0]], kt[0]))
        ],
        "activities": [
            {
                "id": a.activity_id,
                "number": names.activities[a.activity_id].number,
                "outcome": a.outcome.value if a.outcome else None,
                "label": OUTCOME_LABELS[a.outcome] if a.outcome else "Chưa xác định đơn vị",
                "in_round": a.in_round,
                "progress": names.progress(a),
            }
            for a in figures.activities
        ],
        "unresolved": [
            {"activity_id": activity_id, "unit": names.units[unit_id]}
            for activity_id, unit_id in figures.unresolved
        ],
        "overdue": [
            {
                "activity_id": o.activity_id,
                "unit": names.units[o.unit_id],
                "due_on": o.due_on.isoformat(),
                "days_late": o.days_late,
            }
            for o in figures.overdue
        ],
        "supporting": figure_json(figures.support),
        "form": asdict(figures.form),
    }
