"""The events of a calendar feed, made from plain rows (services.calendar.queries).

What a unit owes follows unit_work.work_by_plan(): an ongoing activity owes a report every
reporting period of its plan, due on the period's due date; any other activity with a
date owes its deadline — each of them when it has several ("15/6 và 15/12") —; an
activity without a date owes nothing a calendar can show.

SEQUENCE of an event counts what touched it: edits of its activity (text, timeframe,
deadline, units — each one a Change row), its report's saves and reviews (ReportEvent
rows) and, for a period's report, changes of the period's due date (Change rows).
All three logs are append-only, so SEQUENCE only grows. LAST-MODIFIED is the latest of
their times, or the plan's creation when nothing touched the event yet.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from tracker.domain.calendar import DONE_MARK, DeadlineEvent, unit_uid
from tracker.domain.timeframes import answers, decode_dates
from tracker.models import LEAD, SUPPORT
from tracker.models.reporting import ACCEPTED, DONE, NOT_DONE, RETURNED, STATUS_LABELS, SUBMITTED
from tracker.services.calendar.queries import (
    ONGOING,
    FeedRows,
    Report,
    Row,
    Selection,
    Touch,
    read_rows,
)

__all__ = [
    "Selection",
    "answer_to",
    "build_events",
    "events_by_activity",
    "report_status",
    "total_touches",
]

ROLE_NAMES = ((LEAD, "Đơn vị chủ trì"), (SUPPORT, "Đơn vị phối hợp"))


def build_events(selection: Selection, base_url: str, host: str) -> list[DeadlineEvent]:
    """Every event of the selection, by date."""
    by_activity = events_by_activity(selection, base_url, host)
    events = [event for events in by_activity.values() for event in events]
    events.sort(key=event_order)
    return events


def event_order(event: DeadlineEvent) -> tuple[date, str]:
    """Where an event goes in a feed: by date, then UID (each event has its own)."""
    return event.day, event.uid


def events_by_activity(
    selection: Selection, base_url: str, host: str, only: Sequence[int] | None = None
) -> dict[int, list[DeadlineEvent]]:
    """The selection's events of each activity (of the activities `only`, when given),
    done ones left out unless the selection includes them; activities without events
    are left out."""
    context = _Context(selection, base_url, host, read_rows(selection, only))
    result: dict[int, list[DeadlineEvent]] = {}
    for row in context.data.rows:
        events = context.events_of(row)
        if not selection.include_done:
            events = (e for e in events if not e.done)
        result.setdefault(row.activity_id, []).extend(events)
    return {activity: events for activity, events in result.items() if events}


def report_status(report: Report | None, closes_on_accept: bool) -> tuple[str, bool]:
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
    data: FeedRows

    def events_of(self, row: Row) -> Iterator[DeadlineEvent]:
        reports = self.data.reports.get(row.assignment_id, [])
        status_units = self.selection.status_units
        private = status_units is not None and row.unit_id not in status_units
        base = (
            self.data.touches.get(("activity", row.activity_id)),
            Touch(0, self.data.created[row.plan_id]),
        )
        if row.kind == ONGOING:
            yield from self._period_events(row, reports, private, base)
        else:
            yield from self._earlier_deadline_events(row, reports, private, base)
            yield self._deadline_event(row, reports, private, base)

    def _period_events(
        self, row: Row, reports: list[Report], private: bool, base: tuple[Touch | None, ...]
    ) -> Iterator[DeadlineEvent]:
        """An ongoing activity: its report of each period, due on the period's due date."""
        common = self._common(row)
        for period in self.data.periods.get(row.plan_id, []):
            report = next((r for r in reports if r.period_id == period.id), None)
            status, done = ("", False) if private else report_status(report, True)
            seq, at = total_touches(base, self.data.touches.get(("period", period.id)), report)
            yield DeadlineEvent(
                uid=unit_uid(row.assignment_id, self.host, period_id=period.id),
                day=period.due_on,
                status=status,
                done=done,
                sequence=seq,
                last_modified=at,
                period_label=period.label,
                **common,
            )

    def _deadline_event(
        self, row: Row, reports: list[Report], private: bool, base: tuple[Touch | None, ...]
    ) -> DeadlineEvent:
        """A dated activity: its deadline, done once a report says done or not carried out."""
        finished = [r for r in reports if r.state == ACCEPTED and r.status in (DONE, NOT_DONE)]
        latest = finished[-1] if finished else (reports[-1] if reports else None)
        status, done = ("", False) if private else report_status(latest, False)
        seq, at = total_touches(base, *reports)
        assert row.due_on is not None  # the query keeps dated activities only
        return DeadlineEvent(
            uid=unit_uid(row.assignment_id, self.host),
            day=row.due_on,
            status=status,
            done=done,
            sequence=seq,
            last_modified=at,
            original_due_on=row.original_due_on,
            **self._common(row),
        )

    def _earlier_deadline_events(
        self, row: Row, reports: list[Report], private: bool, base: tuple[Touch | None, ...]
    ) -> Iterator[DeadlineEvent]:
        """The deadlines before the last of an activity with several ("15/6 và 15/12"),
        each answered by a report of a period due on or after it (answer_to)."""
        due_of = {p.id: p.due_on for p in self.data.periods.get(row.plan_id, [])}
        for day in decode_dates(row.earlier_due_dates):
            answer = answer_to(reports, day, due_of)
            status, done = ("", False) if private else report_status(answer, True)
            seq, at = total_touches(base, *reports)
            yield DeadlineEvent(
                uid=unit_uid(row.assignment_id, self.host, earlier=day),
                day=day,
                status=status,
                done=done,
                sequence=seq,
                last_modified=at,
                **self._common(row),
            )

    def _common(self, row: Row) -> dict[str, Any]:
        """What every event of one assignment shares."""
        units = self.data.units.get(row.activity_id, ())
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


def answer_to(reports: Sequence[Report], day: date, due_of: dict[int, date]) -> Report | None:
    """The report that answers an earlier deadline `day` of several: one saying done or
    not carried out (it answers every deadline), else the latest sent or accepted report
    of a period due on or after `day` (services.reminders.decisions counts it the same way)."""
    counted = [r for r in reports if r.state in (SUBMITTED, ACCEPTED)]
    closing = [r for r in counted if r.status in (DONE, NOT_DONE)]
    answering = [r for r in counted if answers(due_of.get(r.period_id, date.min), day)]
    return (closing or answering or [None])[-1]


def total_touches(
    base: tuple[Touch | None, ...], *more: Touch | Report | None
) -> tuple[int, datetime]:
    """Total changes and the latest time over what touched an event (a report's own
    count and time come with it)."""
    count, latest = 0, None
    for touch in (*base, *more):
        if touch is None:
            continue
        n, at = (touch.touches, touch.touched_at) if isinstance(touch, Report) else touch
        count += n
        if at is not None and (latest is None or at > latest):
            latest = at
    assert latest is not None  # the plan's creation is always there
    return count, latest
