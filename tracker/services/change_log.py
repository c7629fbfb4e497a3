"""What changed between two versions of the plan data, from the change logs — for what is
kept between requests and brought up to date after a change (calendar feeds:
services.calendar.kept; figures: services.figures.kept).

Every change to plan data writes a Change row and every report state a ReportEvent row;
both logs are append-only, and their largest ids are a version of the data. Between two
versions, what concerns one activity can differ only if
  - a Change row about it (its text, timeframe, deadline, units, reports) is new, or
  - a ReportEvent row of a report of one of its assignments is new.
Anything else new in the logs — a period's due date, a unit's or a group's name, a plan,
the annex reordered — may touch every activity: what is kept is then built whole, as it
is when nothing is kept (after a restart). So are logs that went backwards or whose last
rows kept are no longer there as they were (rows removed, a backup restored), and long
runs of changes, for which the whole plan is cheaper to read than the list.

`Kept` is where a worker keeps such values, each with the version it was built from:
the figures (services.figures.kept) and the annex pages (web.plans.matrix).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any, NamedTuple, TypeVar

from sqlalchemy import Select, bindparam, func, select

from tracker.extensions import db
from tracker.models import Assignment, Change, ProgressReport, ReportEvent

# Changes that concern one activity only: a Change row of these entities that names its
# activity. "move" reorders the annex, which places every activity.
LOCAL_ENTITIES = frozenset({"activity", "assignment", "report"})
REPORT = "report"  # a unit's progress report: its words, state, evidence
# Past this many new log rows, build whole: reading them costs more.
MOST_ROWS = 500
T = TypeVar("T")


class Version(NamedTuple):
    """The newest row of each log (id 0 and time None for an empty log)."""

    change_id: int
    change_at: datetime | None
    event_id: int
    event_at: datetime | None


def current() -> Version:
    """The data's version now: the newest row of each log, in one query."""
    return Version(*db.session.connection().execute(_current_statement()).one())


class Kept:
    """Values kept between requests in this process, each with the version of the data it
    was built from; past `size` values, the least recently used is dropped."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._values: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[Any, ...]) -> Any:
        with self._lock:
            return self._values.get(key)

    def put(self, key: tuple[Any, ...], value: Any) -> None:
        with self._lock:
            self._values[key] = value
            self._values.move_to_end(key)
            while len(self._values) > self.size:
                self._values.popitem(last=False)

    def clear(self) -> None:
        """As after a restart: everything is built whole again."""
        with self._lock:
            self._values.clear()

    def unless_annex_changed(self, plan_id: int, what: Any, build: Callable[[], T]) -> T:
        """build(), kept while only reports change (`only_reports`): for what reads the
        plan's annex, its units, groups and periods, and no report."""
        version = current()  # before the data: a later write is read again later
        key = (str(db.engine.url), plan_id, what)
        kept = self.get(key)
        if isinstance(kept, _Value) and (
            kept.version == version or only_reports(kept.version, version)
        ):
            value: T = kept.value
        else:
            value = build()
        self.put(key, _Value(version, value))
        return value


@dataclass(frozen=True)
class _Value:
    version: Version
    value: Any


def changed_activities(since: Version, now: Version) -> set[int] | None:
    """The activities that may differ between two versions, or None when anything may
    (see the module's docstring)."""
    changes_stmt, events_stmt = _statements()
    changed: set[int] = set()
    logs = (
        (changes_stmt, since.change_id, since.change_at, now.change_id, now.change_at),
        (events_stmt, since.event_id, since.event_at, now.event_id, now.event_at),
    )
    for stmt, since_id, since_at, now_id, now_at in logs:
        rows = _new_rows(stmt, since_id, since_at, now_id, now_at)
        if rows is None or not _local(rows, changed):
            return None
    return changed


def only_reports(since: Version, now: Version) -> bool:
    """Whether every change between two versions is to a unit's report (its words, state
    or evidence): the annex, its units, groups and periods are as they were."""
    changes_stmt, _ = _statements()
    rows = _new_rows(changes_stmt, since.change_id, since.change_at, now.change_id, now.change_at)
    return rows is not None and all(row[3] == REPORT for row in rows)


def _new_rows(
    stmt: Select[Any], since_id: int, since_at: datetime | None, now_id: int, now_at: Any
) -> Sequence[Any] | None:
    """The log's rows after the newest one kept up to `now`, or None when they cannot be
    trusted or are too many."""
    if (now_id, now_at) == (since_id, since_at):
        return ()  # the newest row is the one kept
    if now_id <= since_id:
        return None
    params = {"since": since_id, "now": now_id, "limit": MOST_ROWS + 2}
    rows = db.session.connection().execute(stmt, params).all()
    # From the newest row kept on, which must still be there as it was.
    if since_id and (not rows or tuple(rows[0][:2]) != (since_id, since_at)):
        return None  # not the history what is kept was built from
    rows = rows[1:] if since_id else rows
    return None if len(rows) > MOST_ROWS else rows


def _local(rows: Sequence[Any], changed: set[int]) -> bool:
    """Whether each new log row (id, at, activity id[, entity, action]) concerns one
    activity only; those activities are added to `changed`."""
    for _, _, activity_id, *what in rows:
        if activity_id is None:  # a change of no activity, or a report no longer there
            return False
        if what and (what[0] not in LOCAL_ENTITIES or what[1] == "move"):
            return False
        changed.add(activity_id)
    return True


@lru_cache(maxsize=1)  # built once: building statements costs more than running these
def _statements() -> tuple[Select[Any], Select[Any]]:
    """Each log's rows from the newest one kept (`since`, 0 for none) to `now`."""
    changes = (
        select(Change.id, Change.at, Change.activity_id, Change.entity, Change.action)
        .where(Change.id >= bindparam("since"), Change.id <= bindparam("now"))
        .order_by(Change.id)
        .limit(bindparam("limit"))
    )
    events = (
        select(ReportEvent.id, ReportEvent.at, Assignment.activity_id)
        .outerjoin(ProgressReport, ProgressReport.id == ReportEvent.report_id)
        .outerjoin(Assignment, Assignment.id == ProgressReport.assignment_id)
        .where(ReportEvent.id >= bindparam("since"), ReportEvent.id <= bindparam("now"))
        .order_by(ReportEvent.id)
        .limit(bindparam("limit"))
    )
    return changes, events


@lru_cache(maxsize=1)
def _current_statement() -> Select[Any]:
    """The id and time of each log's newest row."""
    return select(
        select(func.coalesce(func.max(Change.id), 0)).scalar_subquery(),
        select(Change.at).order_by(Change.id.desc()).limit(1).scalar_subquery(),
        select(func.coalesce(func.max(ReportEvent.id), 0)).scalar_subquery(),
        select(ReportEvent.at).order_by(ReportEvent.id.desc()).limit(1).scalar_subquery(),
    )
