"""A plan's feed (domain.calendar_plan): its lead assignments, read as plain rows by
services.calendar_queries, grouped by activity into one event per deadline or period.

SEQUENCE of an event counts what touched it, as in services.calendar_events: edits of
its activity, changes of the period's due date, and every state written of its lead
units' reports — for that period, or for a deadline all of them. The logs are
append-only and a lead unit that has reported cannot be taken off an activity (only
given to another unit, its reports with it: services.activities, reporting.reassign),
so SEQUENCE only grows.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, datetime
from itertools import groupby
from typing import NamedTuple

from tracker.domain.calendar_plan import PlanEvent
from tracker.models import LEAD
from tracker.models.reporting import ACCEPTED, DONE, NOT_DONE, SUBMITTED
from tracker.services.calendar_events import total_touches
from tracker.services.calendar_queries import (
    ONGOING,
    FeedRows,
    Period,
    Report,
    Row,
    Selection,
    Touch,
    read_rows,
)

FINISHED = (DONE, NOT_DONE)  # what a deadline waits for


def build_plan_events(
    plan_id: int, base_url: str, host: str, include_done: bool = True
) -> list[PlanEvent]:
    """Every event of the plan, by date and, within a day, in annex order."""
    data = read_rows(Selection(plan_ids=(plan_id,), lead_only=True))
    events = [
        event
        for _, rows in groupby(data.rows, key=lambda row: row.activity_id)
        for event in _Activity(list(rows), data, base_url, host).events()
    ]
    if not include_done:
        events = [e for e in events if not e.done]
    events.sort(key=lambda e: e.day)  # stable: annex order stays within a day
    return events


class _Tally(NamedTuple):
    reported: int
    done: bool
    not_reported: tuple[str, ...]
    pending: tuple[str, ...]


def tally(rows: Sequence[Row], reports: Sequence[Report | None]) -> _Tally:
    """Lead units (`rows`) with the report that counts for each, or None: sent or
    accepted is reported; all accepted is done."""
    states = [r.state if r is not None else None for r in reports]
    accepted = states.count(ACCEPTED)
    pending = tuple(row.unit_name for row, s in zip(rows, states, strict=True) if s == SUBMITTED)
    not_reported = tuple(
        row.unit_name for row, s in zip(rows, states, strict=True) if s not in (ACCEPTED, SUBMITTED)
    )
    return _Tally(
        accepted + len(pending), bool(rows) and accepted == len(rows), not_reported, pending
    )


def closing_report(reports: Sequence[Report]) -> Report | None:
    """The report that answers a deadline: accepted as done or not carried out, else one
    sent saying so (the latest), else None."""
    finished = [r for r in reports if r.status in FINISHED and r.state in (ACCEPTED, SUBMITTED)]
    accepted = [r for r in finished if r.state == ACCEPTED]
    return (accepted or finished or [None])[-1]


class _Activity:
    """One activity's lead assignments (`rows`, in annex order) and their events."""

    def __init__(self, rows: list[Row], data: FeedRows, base_url: str, host: str) -> None:
        self.rows, self.data, self.host = rows, data, host
        self.first = first = rows[0]
        self.reports = [data.reports.get(row.assignment_id, []) for row in rows]
        self.base = (
            data.touches.get(("activity", first.activity_id)),
            Touch(0, first.plan_created),
        )
        self.url = f"{base_url}/activities/{first.activity_id}"
        units = data.units.get(first.activity_id, ())
        self.lead_names = tuple(name for role, _, name in units if role == LEAD)

    def events(self) -> Iterator[PlanEvent]:
        if self.first.kind == ONGOING:
            for period in self.data.periods.get(self.first.plan_id, []):
                yield self._period_event(period)
        else:
            yield self._deadline_event()

    def _period_event(self, period: Period) -> PlanEvent:
        reports = [next((r for r in rs if r.period_id == period.id), None) for rs in self.reports]
        touches = total_touches(self.base, self.data.touches.get(("period", period.id)), *reports)
        uid = f"activity-{self.first.activity_id}-period-{period.id}@{self.host}"
        return self._event(uid, period.due_on, tally(self.rows, reports), touches, period.label)

    def _deadline_event(self) -> PlanEvent:
        closing = [closing_report(rs) for rs in self.reports]
        touches = total_touches(self.base, *(r for rs in self.reports for r in rs))
        uid = f"activity-{self.first.activity_id}-deadline@{self.host}"
        assert self.first.due_on is not None  # the query keeps dated activities only
        return self._event(uid, self.first.due_on, tally(self.rows, closing), touches, None)

    def _event(
        self,
        uid: str,
        day: date,
        counted: _Tally,
        touches: tuple[int, datetime],
        period_label: str | None,
    ) -> PlanEvent:
        return PlanEvent(
            uid=uid,
            day=day,
            number=self.first.number,
            text=self.first.text,
            leads=len(self.rows),
            reported=counted.reported,
            done=counted.done,
            sequence=touches[0],
            last_modified=touches[1],
            url=self.url,
            lead_names=self.lead_names,
            not_reported=counted.not_reported,
            pending=counted.pending,
            timeframe_text=self.first.timeframe_text,
            period_label=period_label,
            original_due_on=None if period_label else self.first.original_due_on,
        )
