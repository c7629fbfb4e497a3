"""A feed's events kept between requests, by activity, and brought up to date after a
change by building again only the activities the change logs name (issue 17: the first
request after a change is what people wait for).

Every change to plan data writes a Change row and every report state a ReportEvent row;
both logs are append-only, and their largest ids are the version a feed was built at
(services.calendar). Between two versions, an activity's events can differ only if
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
FEEDS_KEPT = 16  # a unit's ~40 events, a plan's ~1,000: a few MB at most


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
    if now == since:
        return set()
    if now.change_id < since.change_id or now.event_id < since.event_id:
        return None
    anchors_stmt, changes_stmt, events_stmt = _statements()
    connection = db.session.connection()
    params = {
        "since_change": since.change_id,
        "now_change": now.change_id,
        "since_event": since.event_id,
        "now_event": now.event_id,
        "limit": MOST_ROWS + 1,
    }
    if tuple(connection.execute(anchors_stmt, params).one()) != (since.change_at, since.event_at):
        return None  # not the history the kept events were built from
    changes = connection.execute(changes_stmt, params).all() if now[0] > since[0] else []
    events = connection.execute(events_stmt, params).all() if now[2] > since[2] else []
    if len(changes) > MOST_ROWS or len(events) > MOST_ROWS:
        return None
    changed = set()
    for entity, action, activity_id in changes:
        if entity not in LOCAL_ENTITIES or action == "move" or activity_id is None:
            return None
        changed.add(activity_id)
    for (activity_id,) in events:
        if activity_id is None:  # its report or assignment is gone: cannot tell whose
            return None
        changed.add(activity_id)
    return changed


@lru_cache(maxsize=1)  # built once: building statements costs more than running these
def _statements() -> tuple[Select[Any], Select[Any], Select[Any]]:
    anchors = select(
        select(Change.at).where(Change.id == bindparam("since_change")).scalar_subquery(),
        select(ReportEvent.at).where(ReportEvent.id == bindparam("since_event")).scalar_subquery(),
    )
    changes = (
        select(Change.entity, Change.action, Change.activity_id)
        .where(Change.id > bindparam("since_change"), Change.id <= bindparam("now_change"))
        .limit(bindparam("limit"))
    )
    events = (
        select(Assignment.activity_id)
        .select_from(ReportEvent)
        .outerjoin(ProgressReport, ProgressReport.id == ReportEvent.report_id)
        .outerjoin(Assignment, Assignment.id == ProgressReport.assignment_id)
        .where(ReportEvent.id > bindparam("since_event"), ReportEvent.id <= bindparam("now_event"))
        .limit(bindparam("limit"))
    )
    return anchors, changes, events
