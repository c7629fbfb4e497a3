"""A feed's events kept between requests, by activity, and brought up to date after a
change by building again only the activities the change logs name (issue 17: the first
request after a change is what people wait for).

Every change to plan data writes a Change row and every report state a ReportEvent row;
both logs are append-only, and their largest ids are the version a feed was built at
(services.calendar.feeds). Between two versions, an activity's events can differ only if
  - a Change row about it (its text, timeframe, deadline, units, reports) is new, or
  - a ReportEvent row of a report of one of its assignments is new.
Anything else new in the logs — a period's due date, a unit's or a group's name, a plan,
the annex reordered — may touch every event: the feed is then built whole, as it is
when nothing is kept (after a restart). So are logs that went backwards or whose last
rows kept are no longer there as they were (rows removed, a backup restored), and long
runs of changes, for which the whole plan is cheaper to read than the list.

Each activity's events are kept as their finished VEVENT text with the key that places
them in the feed; the body is the sorted texts under the feed's header, the same bytes
as a feed built whole (tests/web/test_calendar_feed_bytes.py).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any, NamedTuple

from sqlalchemy import Select, bindparam, select

from tracker.extensions import db
from tracker.models import Assignment, Change, ProgressReport, ReportEvent

# Changes that concern one activity's events only: a Change row of these entities that
# names its activity. "move" reorders the annex, which places every event of a day.
LOCAL_ENTITIES = frozenset({"activity", "assignment", "report"})
# Past this many new log rows, build the feed whole: reading them costs more.
MOST_ROWS = 500
FEEDS_KEPT = 32  # a unit's ~40 events (~40 KB), a plan's ~1,000 (~0.4 MB)


class Version(NamedTuple):
    """The newest row of each log (id 0 and time None for an empty log)."""

    change_id: int
    change_at: datetime | None
    event_id: int
    event_at: datetime | None


Placed = tuple[Any, str]  # (where the event goes, its VEVENT text)
# Builds the events of the activities given, or of every activity for None.
Builder = Callable[[Sequence[int] | None], dict[int, list[Placed]]]


@dataclass
class _Kept:
    version: Version
    by_activity: dict[int, list[Placed]]


_KEPT: OrderedDict[str, _Kept] = OrderedDict()
_LOCK = threading.Lock()


def forget() -> None:
    """As after a restart: the next request of every feed builds it whole."""
    with _LOCK:
        _KEPT.clear()


def event_texts(key: str, version: Version, build: Builder) -> list[str]:
    """The feed's VEVENT texts in order: kept ones where nothing changed, built again
    where something did (`key`: what the feed is, its version aside)."""
    with _LOCK:
        kept = _KEPT.get(key)
    changed = changed_activities(kept.version, version) if kept is not None else None
    if kept is None or changed is None:
        by_activity = build(None)
    else:
        by_activity = dict(kept.by_activity)
        for activity_id in changed:
            by_activity.pop(activity_id, None)
        if changed:
            by_activity.update(build(sorted(changed)))
    with _LOCK:
        _KEPT[key] = _Kept(version, by_activity)
        _KEPT.move_to_end(key)
        while len(_KEPT) > FEEDS_KEPT:
            _KEPT.popitem(last=False)
    placed = [event for events in by_activity.values() for event in events]
    placed.sort(key=_place)
    return [text for _, text in placed]


def _place(event: Placed) -> Any:
    return event[0]


def changed_activities(since: Version, now: Version) -> set[int] | None:
    """The activities whose events may differ between two versions, or None when any
    event may (see the module's docstring)."""
    changes_stmt, events_stmt = _statements()
    changed: set[int] = set()
    logs = (
        (changes_stmt, since.change_id, since.change_at, now.change_id, now.change_at),
        (events_stmt, since.event_id, since.event_at, now.event_id, now.event_at),
    )
    for stmt, since_id, since_at, now_id, now_at in logs:
        if (now_id, now_at) == (since_id, since_at):
            continue  # the newest row is the one the kept events were built at
        if now_id <= since_id:
            return None
        params = {"since": since_id, "now": now_id, "limit": MOST_ROWS + 2}
        rows = db.session.connection().execute(stmt, params).all()
        # From the newest row kept on, which must still be there as it was.
        if since_id and (not rows or tuple(rows[0][:2]) != (since_id, since_at)):
            return None  # not the history the kept events were built from
        rows = rows[1:] if since_id else rows
        if len(rows) > MOST_ROWS or not _local(rows, changed):
            return None
    return changed


def _local(rows: Sequence[Any], changed: set[int]) -> bool:
    """Whether each new log row (id, at, activity id[, entity, action]) concerns one
    activity's events only; those activities are added to `changed`."""
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
