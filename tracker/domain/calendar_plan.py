"""A plan's calendar for Phòng Nội vụ and leaders: one event per activity and due date.

The unit and personal feeds (domain.calendar) show what one unit owes, the activity in
full. Whoever follows the whole plan wants the other view: each activity once per thing
due — its deadline, or its report for one round (periods with the same cut-off, such as
the second half and the year, are one round: services.calendar.plan) — and how far its
lead units (đơn vị chủ trì) are. The summary is the activity's number, a short title and
a count ("— 07/10 đã báo cáo"); the description stays short (lead units, who has not
reported yet, a moved deadline, the link; the event's date is the due date, so no
timeframe): ~400 bytes an event, ~175 of them what iCalendar makes every event carry,
where the activity in full made ~1 KB. No alarms: an overview of every unit would ring
dozens of times on one day.

What counts as reported: for a round, a lead unit's report for it, sent or accepted;
for a deadline, a report that the work is done or not carried out, sent or accepted.
The event is done (✓, free time) once every lead unit's is accepted. Supporting units
are not counted, as in the plan's figures (domain.figures).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import NamedTuple

from tracker.domain import ical
from tracker.domain.calendar import DONE_MARK, FeedHeader, header_lines, short_title
from tracker.domain.dates import screen_date
from tracker.domain.numbers import count, fraction

# Lead units not yet reported (or waiting for review) are named up to this many; past
# it, only counted.
NAMED = 3
# Of the activity's text in the summary: shorter than a unit's feed, so the count after
# it stays visible, and every byte is paid a thousand times (quality.md: ≤ 400 KB).
PLAN_TITLE_CHARS = 32
NOT_REPORTED, WAITING_REVIEW = "chưa báo cáo", "chờ duyệt"


class PlanEvent(NamedTuple):
    """One activity's deadline (`deadline`), or its report for one round.

    A NamedTuple for the same reason as DeadlineEvent: a plan makes a thousand a request."""

    uid: str  # letters, digits, "-", "@" and ".": written as is
    day: date
    number: str | None  # "1.5"; None when the annex does not number the activity
    text: str  # the activity as written; only its first words are shown
    leads: int  # lead units counted
    reported: int  # of them, reported (sent or accepted)
    done: bool  # every lead unit's report accepted
    sequence: int
    last_modified: datetime  # aware
    url: str  # the activity's page
    # Lead units as shown: a group of communes all assigned through it as one name,
    # "UBND xã, phường (10)"; otherwise each unit's name.
    lead_names: tuple[str, ...] = ()
    not_reported: tuple[str, ...] = ()  # names of lead units with nothing sent
    pending: tuple[str, ...] = ()  # names of lead units whose report waits for review
    deadline: bool = False  # the activity's deadline; otherwise a report round
    original_due_on: date | None = None  # the first deadline, when it was moved


def summary(event: PlanEvent) -> str:
    """ "1.5 Thông tin tuyên truyền để người… — 07/10 đã báo cáo"; for a deadline
    "… — 01/03 đã có kết quả"; "✓ 10/10" once every report is accepted."""
    return _title(event.number, event.text) + _progress(
        event.deadline, event.reported, event.leads, event.done
    )


def _title(number: str | None, text: str) -> str:
    title = short_title(text, PLAN_TITLE_CHARS)
    return f"{number} {title}" if number else title


@lru_cache(maxsize=4096)  # a plan has few distinct counts
def _progress(deadline: bool, reported: int, leads: int, done: bool) -> str:
    if leads == 0:
        return " — chưa có đơn vị chủ trì"
    mark = f"{DONE_MARK} " if done else ""
    # No period and no "đơn vị": the date says which round, and every byte is paid a
    # thousand times. A deadline waits for the result (done or not carried out), not for
    # any report.
    what = "đã có kết quả" if deadline else "đã báo cáo"
    return f" — {mark}{fraction(reported, leads)} {what}"


def description(event: PlanEvent) -> str:
    lines = _lead_lines(event.lead_names, event.leads, event.not_reported, event.pending)
    lines += _other_lines(event.day, event.original_due_on, event.url)
    return "\n".join(lines)


def _lead_lines(
    lead_names: tuple[str, ...], leads: int, not_reported: tuple[str, ...], pending: tuple[str, ...]
) -> list[str]:
    """ "Chủ trì: A (chưa báo cáo); B" when the units are named one by one and few
    are missing (each name once: they cost bytes in every event); a group is followed by
    who is missing, named or counted. When nobody has sent anything, the lead units
    alone: the summary's "00/10" already says who is missing, as most of a plan's future
    events do."""
    if len(not_reported) == leads:
        return [f"Chủ trì: {'; '.join(lead_names) or 'chưa có'}"]
    if len(lead_names) == leads and len(not_reported) + len(pending) <= NAMED:
        marks = {name: NOT_REPORTED for name in not_reported}
        marks.update((name, WAITING_REVIEW) for name in pending)
        marked = [f"{n} ({marks[n]})" if n in marks else n for n in lead_names]
        return [f"Chủ trì: {'; '.join(marked)}"]
    lines = [f"Chủ trì: {'; '.join(lead_names)}"]
    for label, names in ((NOT_REPORTED, not_reported), (WAITING_REVIEW, pending)):
        if names:
            listed = "; ".join(names) if len(names) <= NAMED else f"{count(len(names))} đơn vị"
            lines.append(f"{label.capitalize()}: {listed}")
    return lines


def _other_lines(day: date, original_due_on: date | None, url: str) -> list[str]:
    # No "Thời gian: …" (the timeframe as written): the event's date is the due date.
    lines = []
    if original_due_on and original_due_on != day:
        lines.append(f"Thời hạn ban đầu: {screen_date(original_due_on)}")
    lines.append(url)  # a bare address: every calendar makes it a link
    return lines


# Memoised pieces, as in domain.calendar: a plan writes each activity's title, its
# count and its lead units for each of its due dates. Pure functions; nothing goes stale.


@lru_cache(maxsize=8192)
def _escaped_title(number: str | None, text: str) -> str:
    return "SUMMARY:" + ical.escape_text(_title(number, text))


@lru_cache(maxsize=1024)
def _escaped_progress(deadline: bool, reported: int, leads: int, done: bool) -> str:
    return ical.escape_text(_progress(deadline, reported, leads, done))


@lru_cache(maxsize=8192)
def _escaped_leads(
    lead_names: tuple[str, ...], leads: int, not_reported: tuple[str, ...], pending: tuple[str, ...]
) -> str:
    lines = _lead_lines(lead_names, leads, not_reported, pending)
    return "DESCRIPTION:" + "\\n".join(ical.escape_text(line) for line in lines)


def _escaped_others(day: date, original_due_on: date | None, url: str) -> str:
    if original_due_on and original_due_on != day:  # rare: a deadline moved
        lines = _other_lines(day, original_due_on, url)
        return "".join("\\n" + ical.escape_text(line) for line in lines)
    return "\\n" + ical.escape_text(url)


def _summary_line(event: PlanEvent) -> str:
    progress = _escaped_progress(event.deadline, event.reported, event.leads, event.done)
    return ical.fold_joined(_escaped_title(event.number, event.text), progress)


def _description_line(event: PlanEvent) -> str:
    head = _escaped_leads(event.lead_names, event.leads, event.not_reported, event.pending)
    tail = _escaped_others(event.day, event.original_due_on, event.url)
    return ical.fold_joined(head, tail)


# Whole events too: a plan's feed is built again when anything in the plan changed, and
# then all but a few of its events are the ones written last time (~4 µs each saved).
@lru_cache(maxsize=16384)
def event_text(event: PlanEvent) -> str:
    """The VEVENT, all day; DTSTAMP is the last revision as in domain.calendar, so the
    same data gives the same bytes. Done events are free time."""
    stamp = ical.utc_value(event.last_modified)
    lines = [
        "BEGIN:VEVENT",
        ical.fold("UID:" + event.uid),
        "DTSTAMP:" + stamp,
        "LAST-MODIFIED:" + stamp,
        f"SEQUENCE:{event.sequence}",
        "DTSTART;VALUE=DATE:" + ical.date_value(event.day),
        "DTEND;VALUE=DATE:" + ical.date_value(event.day + timedelta(days=1)),
        _summary_line(event),
        _description_line(event),
    ]
    if event.done:
        lines.append("TRANSP:TRANSPARENT")
    lines.append("END:VEVENT")
    return ical.CRLF.join(lines)


def render(header: FeedHeader, events: Iterable[PlanEvent]) -> bytes:
    return ical.calendar_bytes(header_lines(header), [event_text(e) for e in events])
