"""A feed's events kept between requests, by activity, and brought up to date after a
change by building again only the activities the change logs name (issue 17: the first
request after a change is what people wait for).

The logs' largest ids are the version a feed was built at (services.calendar.feeds);
services.change_log says which activities' events may differ between two versions, or
that any may — the feed is then built whole, as it is when nothing is kept (after a
restart).

Each activity's events are kept as their finished VEVENT text with the key that places
them in the feed; the body is the sorted texts under the feed's header, the same bytes
as a feed built whole (tests/web/test_calendar_feed_bytes.py).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from tracker.services.change_log import Version, changed_activities

FEEDS_KEPT = 32  # a unit's ~40 events (~40 KB), a plan's ~1,000 (~0.4 MB)


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
