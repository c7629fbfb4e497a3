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

PRODID = "-//PAPI Tracker//Lich thoi han//VI"
TIMEZONE = "Asia/Ho_Chi_Minh"
REFRESH = "PT1H"  # how often clients should fetch again
ALARM_HOUR = 8  # alarms ring at 08:00 local time, N days before
TITLE_CHARS = 48  # of the activity's text in the summary; the description has it all
ROLE_TAGS = {"lead": "Chủ trì", "support": "Phối hợp"}
DONE_MARK = "✓"


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
    tag = ROLE_TAGS[event.role] + (f" · {event.unit_name}" if event.unit_name else "")
    title = short_title(event.text)
    head = f"[{tag}] {event.number} {title}" if event.number else f"[{tag}] {title}"
    if event.period_label:
        due = f"Báo cáo {event.period_label}" + (f": {event.status}" if event.status else "")
        return f"{head} — {due}"
    return f"{head} — {event.status}" if event.status else head


def description_lines(event: DeadlineEvent) -> tuple[list[str], list[str]]:
    """The activity in full, the other units and the timeframe as written — the same for
    every event of one unit's assignment —, then the period or the first deadline, and
    the link."""
    shared = [event.text.strip()]
    for label, names in event.other_units:
        if names:
            shared.append(f"{label}: {'; '.join(names)}")
    if event.timeframe_text:
        shared.append(f"Thời gian thực hiện: {event.timeframe_text}")
    own = []
    if event.period_label:
        own.append(f"Kỳ báo cáo: {event.period_label}, hạn nộp {_vn(event.day)}")
    if event.original_due_on and event.original_due_on != event.day:
        own.append(f"Thời hạn ban đầu: {_vn(event.original_due_on)}")
    own.append(f"Xem: {event.url}")
    return shared, own


def description(event: DeadlineEvent) -> str:
    shared, own = description_lines(event)
    return "\n".join(shared + own)


# Escaping is pure and a plan's feed escapes the same texts (an activity, its units, a
# period) for every unit and period: memoised per text. Nothing in it can go stale.
_escape = lru_cache(maxsize=8192)(ical.escape_text)


def _description_line(event: DeadlineEvent) -> str:
    shared, own = description_lines(event)
    head = "DESCRIPTION:" + "\\n".join(_escape(line) for line in shared)
    return ical.fold_joined(head, "".join("\\n" + _escape(line) for line in own))


@lru_cache(maxsize=1024)
def _vn(day: date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


def event_text(event: DeadlineEvent, alarm_days: int | None) -> str:
    """The VEVENT. No METHOD is sent, so DTSTAMP is when the event was last revised
    (RFC 5545 §3.8.7.2) — the same body for the same data, which keeps ETags honest.
    Done events are shown as free time and carry no alarm."""
    stamp = ical.utc_value(event.last_modified)
    title = ical.escape_text(summary(event))
    lines = [
        "BEGIN:VEVENT",
        ical.fold("UID:" + event.uid),  # made of ids and a host name: nothing to escape
        "DTSTAMP:" + stamp,
        "LAST-MODIFIED:" + stamp,
        f"SEQUENCE:{event.sequence}",
        "DTSTART;VALUE=DATE:" + ical.date_value(event.day),
        "DTEND;VALUE=DATE:" + _next_day(event.day),
        ical.fold("SUMMARY:" + title),
        _description_line(event),
    ]
    if event.done:
        lines.append("TRANSP:TRANSPARENT")
    elif alarm_days is not None:
        lines += [
            "BEGIN:VALARM",
            "ACTION:DISPLAY",
            ical.fold("DESCRIPTION:" + title),
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
