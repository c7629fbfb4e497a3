"""Deadlines as calendar events: what a unit owes, worded for a phone's calendar.

An event is one thing a unit owes on one day: the deadline of a dated activity, or the
report of an ongoing activity for one reporting period (due on the period's due date).
Events are all-day (DTSTART;VALUE=DATE, DTEND the next day, exclusive). A UID names the
assignment and what is due, never the date, so a moved deadline is the same event;
SEQUENCE counts the changes that touched it, so it only grows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import NamedTuple

from tracker.domain import ical
from tracker.domain.dates import screen_date

PRODID = "-//PAPI Tracker//Lich thoi han//VI"
TIMEZONE = "Asia/Ho_Chi_Minh"
REFRESH = "PT1H"  # how often clients should fetch again
ALARM_HOUR = 8  # alarms ring at 08:00 local time, N days before
TITLE_CHARS = 48  # of the activity's text in the summary; the description has it all
ROLE_TAGS = {"lead": "Chủ trì", "support": "Phối hợp"}
DONE_MARK = "✓"


# ---- UIDs -----------------------------------------------------------------------------
# A UID (RFC 5545 §3.8.4.7) names what is due, never the date: a moved deadline stays the
# same event, and a feed brought up to date (services.calendar.kept) gives each event the
# UID a feed built from nothing gives it. A unit's feed names the assignment; the plan's
# feed one event per activity, short because a plan writes a thousand of them.


def unit_uid(
    assignment_id: int, host: str, period_id: int | None = None, earlier: date | None = None
) -> str:
    """A unit's event: its report for a period ("assignment-7-period-3@host"), its
    deadline ("assignment-7-deadline@host"), or an earlier deadline of several
    ("assignment-7-deadline-20250615@host")."""
    if period_id is not None:
        return f"assignment-{assignment_id}-period-{period_id}@{host}"
    if earlier is not None:
        return f"assignment-{assignment_id}-deadline-{earlier:%Y%m%d}@{host}"
    return f"assignment-{assignment_id}-deadline@{host}"


def plan_uid(
    activity_id: int, host: str, period_id: int | None = None, earlier: date | None = None
) -> str:
    """A plan's event for an activity: a report round named by its shorter period
    ("a82-p5@host"), the deadline ("a82-d@host"), an earlier deadline ("a82-d20250615@host")."""
    if period_id is not None:
        return f"a{activity_id}-p{period_id}@{host}"
    if earlier is not None:
        return f"a{activity_id}-d{earlier:%Y%m%d}@{host}"
    return f"a{activity_id}-d@{host}"


class DeadlineEvent(NamedTuple):
    """One all-day event. `unit_name` is set when the feed covers several units.

    A NamedTuple rather than a frozen dataclass: just as immutable, and a plan's feed
    makes a thousand of them per request, three times faster."""

    uid: str  # letters, digits, "-", "@" and ".": written as is
    day: date
    role: str  # "lead" or "support"
    number: str | None  # "6.3"; None when the annex does not number the activity
    text: str  # the activity as written, in full
    status: str  # "Chưa báo cáo", "✓ Đã hoàn thành"…
    done: bool
    sequence: int
    last_modified: datetime  # aware
    url: str  # the activity's page
    timeframe_text: str = ""
    period_label: str | None = None  # set for a period's report; None for a deadline
    unit_name: str | None = None
    other_units: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (role label, names)
    original_due_on: date | None = None  # the first deadline, when it was moved


@dataclass(frozen=True)
class FeedHeader:
    name: str  # X-WR-CALNAME and NAME
    description: str
    color: str  # a CSS3 colour name (RFC 7986 COLOR)


@lru_cache(maxsize=8192)  # pure; a plan's feed shortens each activity's text many times
def short_title(text: str, limit: int = TITLE_CHARS) -> str:
    """The first words of `text` within `limit` characters, "…" when cut (one line)."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    # one character more: a word that ends exactly at the limit is kept whole
    cut = text[: limit + 1].rsplit(" ", 1)[0] if " " in text[:limit] else text[:limit]
    return cut.rstrip(" ,.;:–-") + "…"


def summary(event: DeadlineEvent) -> str:
    """ "[Chủ trì] 6.3 Kiểm tra công vụ… — ✓ Đã hoàn thành"; the unit joins the tag in
    a feed of several units, the period precedes the status for a period's report."""
    return "".join(_summary_parts(event))


def _summary_parts(event: DeadlineEvent) -> tuple[str, str]:
    """(what one assignment's events share, what is this event's own)."""
    return (
        _summary_head(event.role, event.unit_name, event.number, event.text),
        _summary_tail(event.period_label, event.status),
    )


def _summary_head(role: str, unit_name: str | None, number: str | None, text: str) -> str:
    tag = ROLE_TAGS[role] + (f" · {unit_name}" if unit_name else "")
    title = short_title(text)
    return f"[{tag}] {number} {title}" if number else f"[{tag}] {title}"


def _summary_tail(period_label: str | None, status: str) -> str:
    if period_label:
        return f" — Báo cáo {period_label}" + (f": {status}" if status else "")
    return f" — {status}" if status else ""


def description_lines(event: DeadlineEvent) -> tuple[list[str], list[str]]:
    """The activity in full, the other units and the timeframe as written — the same for
    every event of one unit's assignment —, then the period or the first deadline, and
    the link."""
    return (
        _shared_lines(event.text, event.other_units, event.timeframe_text),
        _own_lines(event.period_label, event.day, event.original_due_on, event.url),
    )


def _shared_lines(
    text: str, other_units: tuple[tuple[str, tuple[str, ...]], ...], timeframe_text: str
) -> list[str]:
    lines = [text.strip()]
    lines += [f"{label}: {'; '.join(names)}" for label, names in other_units if names]
    if timeframe_text:
        lines.append(f"Thời gian thực hiện: {timeframe_text}")
    return lines


def _own_lines(
    period_label: str | None, day: date, original_due_on: date | None, url: str
) -> list[str]:
    lines = []
    if period_label:
        lines.append(f"Kỳ báo cáo: {period_label}, hạn nộp {screen_date(day)}")
    if original_due_on and original_due_on != day:
        lines.append(f"Thời hạn ban đầu: {screen_date(original_due_on)}")
    lines.append(f"Xem: {url}")
    return lines


def description(event: DeadlineEvent) -> str:
    shared, own = description_lines(event)
    return "\n".join(shared + own)


# The pieces below are pure functions of a few values, and a plan's feed writes the same
# ones (an activity's text, its units, a period, a status) for every unit and period:
# memoised, they make a 1,000-event feed several times faster. Nothing can go stale.


@lru_cache(maxsize=8192)
def _escaped_summary_head(role: str, unit_name: str | None, number: str | None, text: str) -> str:
    return "SUMMARY:" + ical.escape_text(_summary_head(role, unit_name, number, text))


@lru_cache(maxsize=1024)
def _escaped_summary_tail(period_label: str | None, status: str) -> str:
    return ical.escape_text(_summary_tail(period_label, status))


@lru_cache(maxsize=8192)
def _escaped_shared(
    text: str, other_units: tuple[tuple[str, tuple[str, ...]], ...], timeframe_text: str
) -> str:
    lines = _shared_lines(text, other_units, timeframe_text)
    return "DESCRIPTION:" + "\\n".join(ical.escape_text(line) for line in lines)


@lru_cache(maxsize=8192)
def _escaped_own(
    period_label: str | None, day: date, original_due_on: date | None, url: str
) -> str:
    lines = _own_lines(period_label, day, original_due_on, url)
    return "".join("\\n" + ical.escape_text(line) for line in lines)


def _summary_line(event: DeadlineEvent, name: str = "SUMMARY") -> str:
    """The summary as SUMMARY, or as the DESCRIPTION of the event's alarm."""
    head = _escaped_summary_head(event.role, event.unit_name, event.number, event.text)
    if name != "SUMMARY":
        head = name + head.removeprefix("SUMMARY")
    return ical.fold_joined(head, _escaped_summary_tail(event.period_label, event.status))


def _description_line(event: DeadlineEvent) -> str:
    head = _escaped_shared(event.text, event.other_units, event.timeframe_text)
    tail = _escaped_own(event.period_label, event.day, event.original_due_on, event.url)
    return ical.fold_joined(head, tail)


def event_text(event: DeadlineEvent, alarm_days: int | None) -> str:
    """The VEVENT. No METHOD is sent, so DTSTAMP is when the event was last revised
    (RFC 5545 §3.8.7.2) — the same body for the same data, which keeps ETags honest.
    Done events are shown as free time and carry no alarm."""
    stamp = ical.utc_value(event.last_modified)
    title = _summary_line(event)
    lines = [
        "BEGIN:VEVENT",
        ical.fold("UID:" + event.uid),  # made of ids and a host name: nothing to escape
        "DTSTAMP:" + stamp,
        "LAST-MODIFIED:" + stamp,
        f"SEQUENCE:{event.sequence}",
        "DTSTART;VALUE=DATE:" + ical.date_value(event.day),
        "DTEND;VALUE=DATE:" + _next_day(event.day),
        title,
        _description_line(event),
    ]
    if event.done:
        lines.append("TRANSP:TRANSPARENT")
    elif alarm_days is not None:
        lines += [
            "BEGIN:VALARM",
            "ACTION:DISPLAY",
            _summary_line(event, "DESCRIPTION"),
            "TRIGGER:" + ical.before_all_day(alarm_days, ALARM_HOUR),
            "END:VALARM",
        ]
    lines.append("END:VEVENT")
    return ical.CRLF.join(lines)


@lru_cache(maxsize=1024)
def _next_day(day: date) -> str:
    return ical.date_value(day + timedelta(days=1))


def header_lines(header: FeedHeader) -> list[str]:
    return [
        "VERSION:2.0",
        ical.content_line("PRODID", PRODID),
        "CALSCALE:GREGORIAN",
        ical.text_line("X-WR-CALNAME", header.name),
        ical.text_line("NAME", header.name),
        ical.text_line("X-WR-CALDESC", header.description),
        ical.text_line("DESCRIPTION", header.description),
        ical.content_line("COLOR", header.color),
        ical.content_line("X-WR-TIMEZONE", TIMEZONE),
        ical.content_line("REFRESH-INTERVAL", REFRESH, "VALUE=DURATION"),
        ical.content_line("X-PUBLISHED-TTL", REFRESH),
    ]


def render(header: FeedHeader, events: Iterable[DeadlineEvent], alarm_days: int | None) -> bytes:
    return ical.calendar_bytes(header_lines(header), [event_text(e, alarm_days) for e in events])
