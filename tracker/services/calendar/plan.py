"""A plan's feed (domain.calendar_plan): each dated or ongoing activity with its lead
units and their reports, one event per deadline or report round.

A round is the periods with the same cut-off (domain.periods.report_rounds, the rule the
reminders, work pages and figures use too): a unit sends one report for it. Its event
takes the shorter period's id and due date; a report for any of its periods counts.

Read leaner than a unit's feed (services.calendar.queries, one row per assignment with
its activity's text): one row per activity, one per lead unit, then the reports, periods
and changes as calendar.queries reads them. A plan is every assignment there is, and the
feed has 40 ms for ~1,000 events (quality.md).

SEQUENCE of an event counts what touched it, as in services.calendar.events: edits of
its activity, changes of the due date of the round's shorter period, and every state
written of its lead units' reports — for any period of the round, or for a deadline all
of them. The logs are append-only and a lead unit that has reported cannot be taken off
an activity (only given to another unit, its reports with it: services.activities,
reporting.reassign), so SEQUENCE only grows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime
from functools import lru_cache
from operator import itemgetter
from typing import Any, NamedTuple

from sqlalchemy import Select, bindparam, or_, select

from tracker.domain.calendar import plan_uid
from tracker.domain.calendar_plan import PlanEvent
from tracker.domain.periods import report_rounds
from tracker.domain.timeframes import decode_dates
from tracker.extensions import db
from tracker.models import LEAD, Activity, Assignment
from tracker.models.reporting import ACCEPTED, DONE, NOT_DONE, SUBMITTED
from tracker.services.calendar.events import answer_to, total_touches
from tracker.services.calendar.queries import (
    ONGOING,
    FeedRows,
    Period,
    Report,
    Selection,
    Touch,
    assigned_units,
    read_rest,
    units_shown,
)

FINISHED = (DONE, NOT_DONE)  # what a deadline waits for
COUNTED = (SUBMITTED, ACCEPTED)  # a report that says something: sent or accepted


class PlanActivity(NamedTuple):
    id: int
    number: str | None
    text: str
    kind: str
    due_on: date | None
    original_due_on: date | None
    earlier_due_dates: str  # domain.timeframes.encode_dates
    position: int  # in the annex


class Lead(NamedTuple):
    """A lead assignment, with its unit's group when it came through one."""

    activity_id: int
    role: str
    unit_id: int
    unit_name: str
    via_group_id: int | None
    group_name: str | None
    group_members: int | None
    assignment_id: int


def build_plan_events(
    plan_id: int, base_url: str, host: str, include_done: bool = True
) -> list[PlanEvent]:
    """Every event of the plan, by date and, within a day, in annex order."""
    by_activity = plan_events_by_activity(plan_id, base_url, host, include_done)
    placed = [pair for events in by_activity.values() for pair in events.placed()]
    placed.sort(key=itemgetter(0))
    return [event for _, event in placed]


class ActivityEvents(NamedTuple):
    """An activity's events with its place in the annex (Activity.position, then id)."""

    place: tuple[int, int]
    events: list[PlanEvent]

    def placed(self) -> list[tuple[tuple[date, int, int, int], PlanEvent]]:
        """Each event with where it goes in the feed: by date, within a day in annex
        order, an activity's own in the order they were made."""
        return [((event.day, *self.place, i), event) for i, event in enumerate(self.events)]


def plan_events_by_activity(
    plan_id: int,
    base_url: str,
    host: str,
    include_done: bool = True,
    only: Sequence[int] | None = None,
) -> dict[int, ActivityEvents]:
    """The plan's events of each activity (of the activities `only`, when given), with
    its place in the annex; activities without events are left out."""
    activities, leads = _read(plan_id, only)
    if not activities:
        return {}
    selection = Selection(plan_ids=(plan_id,), lead_only=True)
    data = read_rest(selection, [plan_id], with_units=False, only=only)
    rounds = report_rounds(data.periods.get(plan_id, []))
    shown = units_shown([lead[:7] for lead in leads])
    by_activity: dict[int, list[Lead]] = defaultdict(list)
    for lead in leads:
        by_activity[lead.activity_id].append(lead)
    due_of = {p.id: p.due_on for p in data.periods.get(plan_id, [])}
    result: dict[int, ActivityEvents] = {}
    for row in activities:
        if row.id not in by_activity:
            continue  # no lead unit yet: nobody to count (the import says so)
        names = tuple(name for _, _, name in shown[row.id])
        activity = _Activity(row, by_activity[row.id], names, data, plan_id, (base_url, host))
        if row.kind == ONGOING:
            events = [
                activity.round_event(r, data.touches.get(("period", r[0].id))) for r in rounds
            ]
        else:
            events = activity.earlier_deadline_events(due_of)
            events.append(activity.deadline_event())
        if not include_done:
            events = [e for e in events if not e.done]
        if events:
            result[row.id] = ActivityEvents((row.position, row.id), events)
    return result


def _read(plan_id: int, only: Sequence[int] | None) -> tuple[list[PlanActivity], list[Lead]]:
    """Plain tuples from Core, past the ORM's result layer, fetched all at once (iterating
    a result fetches row by row, twice as slow)."""
    activities_stmt, leads_stmt = _statements(only is not None)
    connection = db.session.connection()
    params = {"plan_id": plan_id, "only_ids": list(only or ())}
    activities = [PlanActivity(*r) for r in connection.execute(activities_stmt, params).all()]
    return activities, [Lead(*r) for r in connection.execute(leads_stmt, params).all()]


@lru_cache(maxsize=2)  # built once: building statements costs more than running some
def _statements(some: bool) -> tuple[Select[Any], Select[Any]]:
    """The plan's activities and their lead units; of some activities only (`some`)."""
    in_plan = Activity.plan_id == bindparam("plan_id")
    shown = or_(Activity.timeframe_kind == ONGOING, Activity.due_on.is_not(None))
    if some:
        shown = shown & Activity.id.in_(bindparam("only_ids", expanding=True))
    activities = (
        select(
            Activity.id,
            Activity.number,
            Activity.text,
            Activity.timeframe_kind,
            Activity.due_on,
            Activity.original_due_on,
            Activity.earlier_due_dates,
            Activity.position,
        )
        .where(in_plan, shown)
        .order_by(Activity.position, Activity.id)
    )
    leads = (
        assigned_units(Assignment.id)
        .join(Activity, Activity.id == Assignment.activity_id)
        .where(in_plan, shown, Assignment.role == LEAD)
        .order_by(Assignment.activity_id, Assignment.position)
    )
    return activities, leads


def round_report(reports: dict[int, Report], period_ids: tuple[int, ...]) -> Report | None:
    """A lead unit's report for a round, from its reports by period: one sent or
    accepted before a draft or one returned (those count as none, as for the reminders),
    then the shorter period's, then an accepted one."""
    if len(period_ids) == 1:  # most rounds: one period
        return reports.get(period_ids[0])
    found = [reports[p] for p in period_ids if p in reports]
    return max(found, key=lambda r: _preference(r, period_ids[0]), default=None)


def _preference(report: Report, shorter_id: int) -> tuple[bool, bool, bool]:
    return (report.state in COUNTED, report.period_id == shorter_id, report.state == ACCEPTED)


class Tally(NamedTuple):
    reported: int  # sent or accepted
    done: bool  # every one accepted
    not_reported: tuple[str, ...]
    pending: tuple[str, ...]


def tally(names: Sequence[str], reports: Sequence[Report | None]) -> Tally:
    """Lead units (their `names`) with the report that counts for each, or None."""
    accepted, pending, not_reported = 0, [], []
    for name, report in zip(names, reports, strict=True):
        state = report.state if report is not None else None
        if state == ACCEPTED:
            accepted += 1
        elif state == SUBMITTED:
            pending.append(name)
        else:  # nothing, a draft, or returned for correction
            not_reported.append(name)
    done = accepted == len(names) > 0
    return Tally(accepted + len(pending), done, tuple(not_reported), tuple(pending))


def closing_report(reports: Sequence[Report]) -> Report | None:
    """The report that answers a deadline: accepted as done or not carried out, else one
    sent saying so, else None."""
    sent = None
    for report in reports:
        if report.status in FINISHED:
            if report.state == ACCEPTED:
                return report
            if report.state == SUBMITTED:
                sent = report
    return sent


class _Activity:
    """One activity, its lead units in annex order, and what its events share."""

    def __init__(
        self,
        row: PlanActivity,
        leads: list[Lead],
        lead_names: tuple[str, ...],
        data: FeedRows,
        plan_id: int,
        site: tuple[str, str],  # (base URL, host)
    ) -> None:
        self.row, self.lead_names = row, lead_names
        self.names = [lead.unit_name for lead in leads]
        # each lead unit's reports by period (a report is one unit's for one period)
        self.reports = [
            {r.period_id: r for r in data.reports.get(lead.assignment_id, ())} for lead in leads
        ]
        self.base = (data.touches.get(("activity", row.id)), Touch(0, data.created[plan_id]))
        self.host = site[1]
        self.url = f"{site[0]}/activities/{row.id}"

    def round_event(self, round_: tuple[Period, ...], period_touch: Touch | None) -> PlanEvent:
        ids = tuple(p.id for p in round_)
        chosen = [round_report(rs, ids) for rs in self.reports]
        # Every report of the round, not only those chosen: SEQUENCE only grows.
        every = (rs[p] for rs in self.reports for p in ids if p in rs)
        touches = total_touches(self.base, period_touch, *every)
        uid = plan_uid(self.row.id, self.host, period_id=round_[0].id)
        return self._event(uid, round_[0].due_on, tally(self.names, chosen), touches, False)

    def deadline_event(self) -> PlanEvent:
        closing = [closing_report(list(rs.values())) for rs in self.reports]
        touches = total_touches(self.base, *(r for rs in self.reports for r in rs.values()))
        assert self.row.due_on is not None  # the query keeps dated activities only
        counted = tally(self.names, closing)
        return self._event(
            plan_uid(self.row.id, self.host), self.row.due_on, counted, touches, True
        )

    def earlier_deadline_events(self, due_of: dict[int, date]) -> list[PlanEvent]:
        """One event per deadline before the last ("15/6 và 15/12"): "a82-d20250615"."""
        if not self.row.earlier_due_dates:
            return []
        touches = total_touches(self.base, *(r for rs in self.reports for r in rs.values()))
        events = []
        for day in decode_dates(self.row.earlier_due_dates):
            answers = [answer_to(list(rs.values()), day, due_of) for rs in self.reports]
            uid = plan_uid(self.row.id, self.host, earlier=day)
            events.append(self._event(uid, day, tally(self.names, answers), touches, True))
        return events

    def _event(
        self, uid: str, day: date, counted: Tally, touches: tuple[int, datetime], deadline: bool
    ) -> PlanEvent:
        row = self.row
        return PlanEvent(
            uid,
            day,
            row.number,
            row.text,
            len(self.names),
            counted.reported,
            counted.done,
            touches[0],
            touches[1],
            self.url,
            self.lead_names,
            counted.not_reported,
            counted.pending,
            deadline,
            row.original_due_on if deadline else None,
        )
