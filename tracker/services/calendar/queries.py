"""The rows a calendar feed is made of, as plain tuples: five queries whatever the size of
the feed, built once per shape of selection with bound parameters (building SQLAlchemy
statements cost ~2 ms a feed, more than running some of them). Limited to some activities
(`only`), they are the rows of those activities' events as the whole feed has them: how a
kept feed is brought up to date after a change (services.calendar.kept).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, Select, bindparam, case, func, or_, select
from sqlalchemy.orm import aliased

from tracker.domain.periods import Period as PeriodSpan
from tracker.domain.periods import PeriodKind
from tracker.domain.timeframes import TimeframeKind
from tracker.domain.units import Placed, shown_units
from tracker.extensions import db
from tracker.models import (
    LEAD,
    Activity,
    Assignment,
    Change,
    Plan,
    ProgressReport,
    ReportEvent,
    ReportingPeriod,
    Unit,
    UnitGroupMember,
)

ONGOING = TimeframeKind.ONGOING.value


@dataclass(frozen=True)
class Selection:
    """Which assignments a feed shows. None means "no limit" for each filter."""

    unit_ids: tuple[int, ...] | None = None
    plan_ids: tuple[int, ...] | None = None
    activity_id: int | None = None
    names_unit: bool = False  # the summary names the unit (a feed of several units)
    include_done: bool = True
    # Reports are private to their unit: statuses are shown for these units only.
    status_units: frozenset[int] | None = None
    lead_only: bool = False  # lead assignments only (a plan's feed counts nothing else)
    # Leave out archived plans (services.plan_archive): a unit's or a person's feed.
    followed_only: bool = False


class Row(NamedTuple):
    assignment_id: int
    unit_id: int
    unit_name: str
    role: str
    activity_id: int
    plan_id: int
    number: str | None
    text: str
    kind: str
    timeframe_text: str
    due_on: date | None
    original_due_on: date | None
    earlier_due_dates: str  # deadlines before due_on (domain.timeframes.encode_dates)


class Report(NamedTuple):
    id: int
    assignment_id: int
    period_id: int
    status: str
    state: str
    touches: int
    touched_at: datetime | None


class Touch(NamedTuple):
    count: int
    at: datetime | None


class Period(NamedTuple):
    id: int
    due_on: date
    label: str
    # The span: a plan's feed makes periods with the same cut-off one report round.
    starts_on: date
    ends_on: date


@dataclass
class FeedRows:
    rows: list[Row]  # one per assignment, in annex order
    units: dict[int, list[tuple[str, int | None, str]]]  # activity → (role, unit id, name)
    periods: dict[int, list[Period]]  # plan → its periods by due date
    reports: dict[int, list[Report]]  # assignment → its reports by period
    touches: dict[tuple[str, int], Touch]  # ("activity" | "period", id) → changes
    created: dict[int, datetime]  # plan → when it was made: an untouched event's time


def read_rows(selection: Selection, only: Sequence[int] | None = None) -> FeedRows:
    """The feed's rows, of the activities `only` when given."""
    stmts = _statements(_shape(selection, only))
    result = db.session.connection().execute(stmts.rows, _params(selection, only))
    rows = [Row(*r) for r in result.all()]
    if not rows:
        return FeedRows([], {}, {}, {}, {}, {})
    data = read_rest(selection, sorted({r.plan_id for r in rows}), only=only)
    data.rows = rows
    return data


def read_rest(
    selection: Selection,
    plan_ids: list[int],
    with_units: bool = True,
    only: Sequence[int] | None = None,
) -> FeedRows:
    """Everything a feed reads besides its rows, which are left empty: the activities'
    units (unless `with_units` is false), the plans' periods and creation, the reports
    and what touched the activities and periods. For services.calendar.plan too, which
    reads its rows its own way."""
    stmts = _statements(_shape(selection, only))
    params = {**_params(selection, only), "row_plan_ids": plan_ids}
    # Plain tuples from Core, past the ORM's result layer (~1 ms a statement), fetched
    # all at once (iterating a result fetches row by row, twice as slow).
    connection = db.session.connection()

    def run(stmt: Select[Any]) -> Sequence[Any]:
        return connection.execute(stmt, params).all()

    return FeedRows(
        rows=[],
        units=units_shown(run(stmts.units) if with_units else []),
        periods=_periods(run(stmts.periods)),
        reports=_reports(run(stmts.reports)),
        touches=_touches(run(stmts.touches)),
        created={plan: at for plan, at in run(stmts.plans)},
    )


class _Statements(NamedTuple):
    rows: Select[Any]
    units: Select[Any]
    periods: Select[Any]
    reports: Select[Any]
    touches: Select[Any]
    plans: Select[Any]


_Shape = tuple[bool, bool, bool, bool, bool, bool]


def _shape(selection: Selection, only: Sequence[int] | None = None) -> _Shape:
    return (
        selection.unit_ids is not None,
        selection.plan_ids is not None,
        selection.activity_id is not None,
        selection.lead_only,
        selection.followed_only,
        only is not None,
    )


def _params(selection: Selection, only: Sequence[int] | None = None) -> dict[str, Any]:
    return {
        "unit_ids": list(selection.unit_ids or ()),
        "plan_ids": list(selection.plan_ids or ()),
        "activity_id": selection.activity_id,
        "only_ids": list(only or ()),
    }


@lru_cache(maxsize=16)
def _statements(shape: _Shape) -> _Statements:
    where = _where(shape)
    return _Statements(
        rows=_rows_stmt(where),
        units=_units_stmt(where),
        periods=_periods_stmt(),
        reports=_reports_stmt(where),
        touches=_touches_stmt(where),
        plans=select(Plan.id, Plan.created_at).where(
            Plan.id.in_(bindparam("row_plan_ids", expanding=True))
        ),
    )


def _where(shape: _Shape) -> list[ColumnElement[bool]]:
    by_unit, by_plan, by_activity, lead_only, followed_only, by_activities = shape
    where: list[ColumnElement[bool]] = [
        or_(Activity.timeframe_kind == ONGOING, Activity.due_on.is_not(None))
    ]
    if by_unit:
        where.append(Assignment.unit_id.in_(bindparam("unit_ids", expanding=True)))
    if by_plan:
        where.append(Activity.plan_id.in_(bindparam("plan_ids", expanding=True)))
    if by_activity:
        where.append(Activity.id == bindparam("activity_id"))
    if by_activities:
        where.append(Activity.id.in_(bindparam("only_ids", expanding=True)))
    if lead_only:
        where.append(Assignment.role == LEAD)
    if followed_only:
        archived = select(Plan.id).where(Plan.archived_at.is_not(None))
        where.append(Activity.plan_id.not_in(archived))
    return where


def _rows_stmt(where: list[ColumnElement[bool]]) -> Select[tuple]:  # type: ignore[type-arg]
    return (
        select(
            Assignment.id,
            Assignment.unit_id,
            Unit.name,
            Assignment.role,
            Activity.id,
            Activity.plan_id,
            Activity.number,
            Activity.text,
            Activity.timeframe_kind,
            Activity.timeframe_text,
            Activity.due_on,
            Activity.original_due_on,
            Activity.earlier_due_dates,
        )
        .join(Activity, Activity.id == Assignment.activity_id)
        .join(Unit, Unit.id == Assignment.unit_id)
        .where(*where)
        .order_by(Activity.plan_id, Activity.position, Assignment.role, Assignment.position)
    )


def _activity_ids(where: list[ColumnElement[bool]]) -> Select[tuple[int]]:
    return select(Activity.id).join(Assignment, Assignment.activity_id == Activity.id).where(*where)


def assigned_units(*extra: Any) -> Select[Any]:
    """Each assignment's unit, with the group it came through and that group's size — the
    rows `units_shown` names — and any `extra` columns; the caller filters and orders."""
    group = aliased(Unit)
    sizes = (
        select(UnitGroupMember.group_id, func.count().label("members"))
        .group_by(UnitGroupMember.group_id)
        .subquery()
    )
    return (
        select(
            Assignment.activity_id,
            Assignment.role,
            Assignment.unit_id,
            Unit.name,
            Assignment.via_group_id,
            group.name,
            sizes.c.members,
            *extra,
        )
        .join(Unit, Unit.id == Assignment.unit_id)
        .outerjoin(group, group.id == Assignment.via_group_id)
        .outerjoin(sizes, sizes.c.group_id == Assignment.via_group_id)
    )


def _units_stmt(where: list[ColumnElement[bool]]) -> Select[Any]:
    return (
        assigned_units()
        .where(Assignment.activity_id.in_(_activity_ids(where)))
        .order_by(Assignment.activity_id, Assignment.role, Assignment.position)
    )


def units_shown(rows: Sequence[Any]) -> dict[int, list[tuple[str, int | None, str]]]:
    """activity id → (role, unit id, name) of all its units, named by the one rule
    (domain.units.shown_units): a group whose members are all assigned through it shows
    once, by its name and size ("UBND xã, phường (10)", unit id None)."""
    placed: dict[tuple[int, str], list[Placed]] = defaultdict(list)
    groups: dict[int, tuple[str, int]] = {}
    for activity_id, role, unit_id, name, group_id, group_name, members in rows:
        placed[(activity_id, role)].append(Placed(unit_id, name, group_id))
        if group_id is not None:
            groups[group_id] = (group_name, members or 0)
    result: dict[int, list[tuple[str, int | None, str]]] = defaultdict(list)
    for (activity_id, role), found in placed.items():
        result[activity_id] += [
            (role, None, f"{s.name} ({s.members})") if s.group_id else (role, s.unit_id, s.name)
            for s in shown_units(found, groups)
        ]
    return result


def _periods_stmt() -> Select[Any]:
    return (
        select(
            ReportingPeriod.id,
            ReportingPeriod.plan_id,
            ReportingPeriod.kind,
            ReportingPeriod.year,
            ReportingPeriod.index,
            ReportingPeriod.starts_on,
            ReportingPeriod.ends_on,
            ReportingPeriod.due_on,
        )
        .where(ReportingPeriod.plan_id.in_(bindparam("row_plan_ids", expanding=True)))
        .order_by(ReportingPeriod.due_on, ReportingPeriod.ends_on, ReportingPeriod.id)
    )


def _periods(rows: Iterable[Any]) -> dict[int, list[Period]]:
    """plan id → its reporting periods, by due date."""
    result: dict[int, list[Period]] = defaultdict(list)
    for pid, plan_id, kind, year, index, starts, ends, due in rows:
        label = PeriodSpan(PeriodKind(kind), year, index, starts, ends, due).label
        result[plan_id].append(Period(pid, due, label, starts, ends))
    return result


def _reports_stmt(where: list[ColumnElement[bool]]) -> Select[Any]:
    """Reports in the order of their periods, each with how often its state was written
    and when last (`changed_at`: reporting.log_event writes both, and reading the column
    is cheaper than the latest event)."""
    of_report = ReportEvent.report_id == ProgressReport.id
    return (
        select(
            ProgressReport.id,
            ProgressReport.assignment_id,
            ProgressReport.period_id,
            ProgressReport.status,
            ProgressReport.state,
            select(func.count(ReportEvent.id)).where(of_report).scalar_subquery(),
            ProgressReport.changed_at,
        )
        .join(Assignment, Assignment.id == ProgressReport.assignment_id)
        .join(Activity, Activity.id == Assignment.activity_id)
        .join(ReportingPeriod, ReportingPeriod.id == ProgressReport.period_id)
        .where(*where)
        .order_by(ReportingPeriod.ends_on, ReportingPeriod.starts_on.desc(), ProgressReport.id)
    )


def _reports(rows: Iterable[Any]) -> dict[int, list[Report]]:
    """assignment id → its reports."""
    result: dict[int, list[Report]] = defaultdict(list)
    for row in rows:
        report = Report(*row)
        result[report.assignment_id].append(report)
    return result


def _touches_stmt(where: list[ColumnElement[bool]]) -> Select[Any]:
    """("activity", id): edits of the activity; ("period", id): changes of the period's
    due date. Creating an activity is when it starts (LAST-MODIFIED) but no change
    (SEQUENCE 0); reordering the annex changes no event."""
    is_period = Change.entity == "period"
    about = case((is_period, Change.entity_id), else_=Change.activity_id)
    return (
        select(
            Change.entity,
            about,
            func.sum(case((Change.action == "create", 0), else_=1)),
            func.max(Change.at),
        )
        .where(
            or_(
                (Change.entity == "activity")
                & (Change.action != "move")
                & Change.activity_id.in_(_activity_ids(where)),
                is_period & Change.plan_id.in_(bindparam("row_plan_ids", expanding=True)),
            )
        )
        .group_by(Change.entity, about)
    )


def _touches(rows: Iterable[Any]) -> dict[tuple[str, int], Touch]:
    return {(entity, key): Touch(int(n or 0), at) for entity, key, n, at in rows}
