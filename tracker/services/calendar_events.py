"""The events of a calendar feed, read as plain rows (no ORM object per event).

What a unit owes follows reporting.unit_work(): an ongoing activity owes a report every
reporting period of its plan, due on the period's due date; any other activity with a
date owes its deadline; an activity without a date owes nothing a calendar can show.

SEQUENCE of an event counts what touched it: edits of its activity (text, timeframe,
deadline, units — each one a Change row), its report's saves and reviews (ReportEvent
rows) and, for a period's report, changes of the period's due date (Change rows).
All three logs are append-only, so SEQUENCE only grows. LAST-MODIFIED is the latest of
their times, or the plan's creation when nothing touched the event yet.

Five queries whatever the size of the feed: a whole plan of ~1,000 events has to be
written in a few tens of milliseconds (quality.md).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, Select, bindparam, case, func, or_, select
from sqlalchemy.orm import aliased

from tracker.domain.calendar import DONE_MARK, DeadlineEvent
from tracker.domain.periods import Period, PeriodKind
from tracker.domain.timeframes import TimeframeKind
from tracker.extensions import db
from tracker.models import (
    LEAD,
    SUPPORT,
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
from tracker.models.reporting import ACCEPTED, DONE, NOT_DONE, RETURNED, STATUS_LABELS, SUBMITTED

ROLE_NAMES = ((LEAD, "Đơn vị chủ trì"), (SUPPORT, "Đơn vị phối hợp"))
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


class _Row(NamedTuple):
    assignment_id: int
    unit_id: int
    unit_name: str
    role: str
    activity_id: int
    plan_id: int
    plan_created: datetime
    number: str | None
    text: str
    kind: str
    timeframe_text: str
    due_on: date | None
    original_due_on: date | None


class _Report(NamedTuple):
    id: int
    assignment_id: int
    period_id: int
    status: str
    state: str
    touches: int
    touched_at: datetime | None


class _Touch(NamedTuple):
    count: int
    at: datetime | None


class _Period(NamedTuple):
    id: int
    due_on: date
    label: str


def build_events(selection: Selection, base_url: str, host: str) -> list[DeadlineEvent]:
    """Every event of the selection, by date."""
    stmts = _statements(_shape(selection))
    params = _params(selection)
    rows = [_Row(*r) for r in db.session.execute(stmts.rows, params)]
    if not rows:
        return []
    plan_params = {**params, "row_plan_ids": sorted({r.plan_id for r in rows})}
    context = _Context(
        selection=selection,
        base_url=base_url,
        host=host,
        units=_units_of_activities(db.session.execute(stmts.units, params).all()),
        periods=_periods(db.session.execute(stmts.periods, plan_params)),
        reports=_reports(db.session.execute(stmts.reports, params)),
        touches=_touches(db.session.execute(stmts.touches, plan_params)),
    )
    events = [event for row in rows for event in context.events_of(row)]
    if not selection.include_done:
        events = [e for e in events if not e.done]
    events.sort(key=lambda e: (e.day, e.uid))
    return events


# ---- the queries ---------------------------------------------------------------------------
# Built once per shape of selection (which filters it has) with bound parameters: building
# SQLAlchemy statements costs ~2 ms a feed, more than running some of them.


class _Statements(NamedTuple):
    rows: Select[Any]
    units: Select[Any]
    periods: Select[Any]
    reports: Select[Any]
    touches: Select[Any]


_Shape = tuple[bool, bool, bool]


def _shape(selection: Selection) -> _Shape:
    return (
        selection.unit_ids is not None,
        selection.plan_ids is not None,
        selection.activity_id is not None,
    )


def _params(selection: Selection) -> dict[str, Any]:
    return {
        "unit_ids": list(selection.unit_ids or ()),
        "plan_ids": list(selection.plan_ids or ()),
        "activity_id": selection.activity_id,
    }


@lru_cache(maxsize=8)
def _statements(shape: _Shape) -> _Statements:
    where = _where(shape)
    return _Statements(
        rows=_rows_stmt(where),
        units=_units_stmt(where),
        periods=_periods_stmt(),
        reports=_reports_stmt(where),
        touches=_touches_stmt(where),
    )


def _where(shape: _Shape) -> list[ColumnElement[bool]]:
    by_unit, by_plan, by_activity = shape
    where: list[ColumnElement[bool]] = [
        or_(Activity.timeframe_kind == ONGOING, Activity.due_on.is_not(None))
    ]
    if by_unit:
        where.append(Assignment.unit_id.in_(bindparam("unit_ids", expanding=True)))
    if by_plan:
        where.append(Activity.plan_id.in_(bindparam("plan_ids", expanding=True)))
    if by_activity:
        where.append(Activity.id == bindparam("activity_id"))
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
            Plan.created_at,
            Activity.number,
            Activity.text,
            Activity.timeframe_kind,
            Activity.timeframe_text,
            Activity.due_on,
            Activity.original_due_on,
        )
        .join(Activity, Activity.id == Assignment.activity_id)
        .join(Plan, Plan.id == Activity.plan_id)
        .join(Unit, Unit.id == Assignment.unit_id)
        .where(*where)
        .order_by(Activity.plan_id, Activity.position, Assignment.role, Assignment.position)
    )


def _activity_ids(where: list[ColumnElement[bool]]) -> Select[tuple[int]]:
    return select(Activity.id).join(Assignment, Assignment.activity_id == Activity.id).where(*where)


def _units_stmt(where: list[ColumnElement[bool]]) -> Select[Any]:
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
        )
        .join(Unit, Unit.id == Assignment.unit_id)
        .outerjoin(group, group.id == Assignment.via_group_id)
        .outerjoin(sizes, sizes.c.group_id == Assignment.via_group_id)
        .where(Assignment.activity_id.in_(_activity_ids(where)))
        .order_by(Assignment.activity_id, Assignment.role, Assignment.position)
    )


def _units_of_activities(rows: Sequence[Any]) -> dict[int, list[tuple[str, int | None, str]]]:
    """activity id → (role, unit id, name) of all its units. A group whose members are all
    assigned through it shows once, by its name ("UBND xã, phường (10)", unit id None)."""
    through: dict[tuple[int, str, int], int] = defaultdict(int)
    for activity_id, role, _, _, group_id, _, _ in rows:
        if group_id is not None:
            through[(activity_id, role, group_id)] += 1
    result: dict[int, list[tuple[str, int | None, str]]] = defaultdict(list)
    shown: set[tuple[int, str, int]] = set()
    for activity_id, role, unit_id, name, group_id, group_name, members in rows:
        key = (activity_id, role, group_id or 0)
        if group_id is not None and (members or 0) > 1 and through[key] == members:
            if key not in shown:
                shown.add(key)
                result[activity_id].append((role, None, f"{group_name} ({members})"))
            continue
        result[activity_id].append((role, unit_id, name))
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


def _periods(rows: Iterable[Any]) -> dict[int, list[_Period]]:
    """plan id → its reporting periods, by due date."""
    result: dict[int, list[_Period]] = defaultdict(list)
    for pid, plan_id, kind, year, index, starts, ends, due in rows:
        label = Period(PeriodKind(kind), year, index, starts, ends, due).label
        result[plan_id].append(_Period(pid, due, label))
    return result


def _reports_stmt(where: list[ColumnElement[bool]]) -> Select[Any]:
    """Reports in the order of their periods, each with how often its state was written
    and when last."""
    of_report = ReportEvent.report_id == ProgressReport.id
    return (
        select(
            ProgressReport.id,
            ProgressReport.assignment_id,
            ProgressReport.period_id,
            ProgressReport.status,
            ProgressReport.state,
            select(func.count(ReportEvent.id)).where(of_report).scalar_subquery(),
            select(func.max(ReportEvent.at)).where(of_report).scalar_subquery(),
        )
        .join(Assignment, Assignment.id == ProgressReport.assignment_id)
        .join(Activity, Activity.id == Assignment.activity_id)
        .join(ReportingPeriod, ReportingPeriod.id == ProgressReport.period_id)
        .where(*where)
        .order_by(ReportingPeriod.ends_on, ReportingPeriod.starts_on.desc(), ProgressReport.id)
    )


def _reports(rows: Iterable[Any]) -> dict[int, list[_Report]]:
    """assignment id → its reports."""
    result: dict[int, list[_Report]] = defaultdict(list)
    for row in rows:
        report = _Report(*row)
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


def _touches(rows: Iterable[Any]) -> dict[tuple[str, int], _Touch]:
    return {(entity, key): _Touch(int(n or 0), at) for entity, key, n, at in rows}


def report_status(report: _Report | None, closes_on_accept: bool) -> tuple[str, bool]:
    """(what the summary says, whether the item is done). A period's report is done once
    accepted; a deadline only when the report accepted says done or not carried out."""
    if report is None:
        return "Chưa báo cáo", False
    label = STATUS_LABELS[report.status].lower()
    if report.state == ACCEPTED:
        if report.status == DONE:
            return f"{DONE_MARK} Đã hoàn thành", True
        if report.status == NOT_DONE:
            return f"{DONE_MARK} Không thực hiện (đã duyệt)", True
        if closes_on_accept:
            return f"{DONE_MARK} Đã báo cáo ({label})", True
        return f"Đã báo cáo ({label})", False
    if report.state == SUBMITTED:
        return f"Chờ duyệt ({label})", False
    if report.state == RETURNED:
        return "Bị trả lại, cần sửa", False
    return "Chưa gửi báo cáo", False


@dataclass
class _Context:
    selection: Selection
    base_url: str
    host: str
    units: dict[int, list[tuple[str, int | None, str]]]
    periods: dict[int, list[_Period]]
    reports: dict[int, list[_Report]]
    touches: dict[tuple[str, int], _Touch]

    def events_of(self, row: _Row) -> Iterator[DeadlineEvent]:
        reports = self.reports.get(row.assignment_id, [])
        status_units = self.selection.status_units
        private = status_units is not None and row.unit_id not in status_units
        base = (self.touches.get(("activity", row.activity_id)), _Touch(0, row.plan_created))
        common = self._common(row)
        if row.kind == ONGOING:
            for period in self.periods.get(row.plan_id, []):
                report = next((r for r in reports if r.period_id == period.id), None)
                status, done = ("", False) if private else report_status(report, True)
                seq, at = _sum(base, self.touches.get(("period", period.id)), report)
                yield DeadlineEvent(
                    uid=f"assignment-{row.assignment_id}-period-{period.id}@{self.host}",
                    day=period.due_on,
                    status=status,
                    done=done,
                    sequence=seq,
                    last_modified=at,
                    period_label=period.label,
                    **common,
                )
            return
        finished = [r for r in reports if r.state == ACCEPTED and r.status in (DONE, NOT_DONE)]
        latest = finished[-1] if finished else (reports[-1] if reports else None)
        status, done = ("", False) if private else report_status(latest, False)
        seq, at = _sum(base, *reports)
        assert row.due_on is not None  # the query keeps dated activities only
        yield DeadlineEvent(
            uid=f"assignment-{row.assignment_id}-deadline@{self.host}",
            day=row.due_on,
            status=status,
            done=done,
            sequence=seq,
            last_modified=at,
            original_due_on=row.original_due_on,
            **common,
        )

    def _common(self, row: _Row) -> dict[str, Any]:
        """What every event of one assignment shares."""
        units = self.units.get(row.activity_id, ())
        return {
            "role": row.role,
            "number": row.number,
            "text": row.text,
            "url": f"{self.base_url}/activities/{row.activity_id}",
            "timeframe_text": row.timeframe_text,
            "unit_name": row.unit_name if self.selection.names_unit else None,
            "other_units": tuple(
                (label, tuple(n for r, u, n in units if r == role and u != row.unit_id))
                for role, label in ROLE_NAMES
            ),
        }


def _sum(base: tuple[_Touch | None, ...], *more: _Touch | _Report | None) -> tuple[int, datetime]:
    """Total changes and the latest time over what touched an event (a report's own
    count and time come with it)."""
    count, latest = 0, None
    for touch in (*base, *more):
        if touch is None:
            continue
        n, at = (touch.touches, touch.touched_at) if isinstance(touch, _Report) else touch
        count += n
        if at is not None and (latest is None or at > latest):
            latest = at
    assert latest is not None  # the plan's creation is always there
    return count, latest
