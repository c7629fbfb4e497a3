"""A plan's calendar for Phòng Nội vụ and leaders: one event per activity and due date.

The unit and personal feeds (domain.calendar) show what one unit owes, the activity in
full. Whoever follows the whole plan wants the other view: each activity once per thing
due — its deadline, or its report for one reporting period — and how far its lead units
(đơn vị chủ trì) are. The summary is the activity's number, a short title and a count;
the description stays short (lead units, who has not reported yet, the timeframe as
written, the link): ~480 bytes an event, ~200 of them what iCalendar makes every event
carry, where the activity in full made ~1 KB. No alarms: an overview of every unit
would ring dozens of times on one day.

What counts as reported: for a period, a lead unit's report for it, sent or accepted;
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
from tracker.domain.numbers import count, fraction

# Lead units not yet reported (or waiting for review) are named up to this many; past
# it, only counted.
NAMED = 3
# Of the activity's text in the summary: shorter than a unit's feed, so the count after
# it stays visible, and every byte is paid a thousand times (quality.md: ≤ 400 KB).
PLAN_TITLE_CHARS = 32
NOT_REPORTED, WAITING_REVIEW = "chưa báo cáo", "chờ duyệt"


class PlanEvent(NamedTuple):
    """One activity's deadline, or its report for one period (`period_label` set).

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
    timeframe_text: str = ""
    period_label: str | None = None  # None: the activity's deadline
    original_due_on: date | None = None  # the first deadline, when it was moved


def summary(event: PlanEvent) -> str:
    """ "1.5 Thông tin tuyên truyền để người… — 07/10 đơn vị đã báo cáo 6 tháng cuối năm
    2023"; for a deadline "… đã báo cáo kết quả"; "✓ 10/10" once every report is accepted."""
    return _title(event.number, event.text) + _progress(
        event.period_label, event.reported, event.leads, event.done
    )


def _title(number: str | None, text: str) -> str:
    title = short_title(text, PLAN_TITLE_CHARS)
    return f"{number} {title}" if number else title


@lru_cache(maxsize=4096)  # a plan has few distinct (period, count) pairs
def _progress(period_label: str | None, reported: int, leads: int, done: bool) -> str:
    if leads == 0:
        return " — chưa có đơn vị chủ trì"
    mark = f"{DONE_MARK} " if done else ""
    # "đã báo cáo 6 tháng cuối năm 2023", "đã báo cáo năm 2023"; a deadline waits for
    # the result (done or not carried out), not for any report.
    what = period_label[:1].lower() + period_label[1:] if period_label else "kết quả"
    return f" — {mark}{fraction(reported, leads)} đơn vị đã báo cáo {what}"


def description(event: PlanEvent) -> str:
    lines = _lead_lines(event.lead_names, event.leads, event.not_reported, event.pending)
    lines += _other_lines(event.timeframe_text, event.day, event.original_due_on, event.url)
    return "\n".join(lines)


def _lead_lines(
    lead_names: tuple[str, ...], leads: int, not_reported: tuple[str, ...], pending: tuple[str, ...]
) -> list[str]:
    """ "Đơn vị chủ trì: A (chưa báo cáo); B" when the units are named one by one and few
    are missing (each name once: they cost bytes in every event); a group is followed by
    who is missing, named or counted. When nobody has sent anything, the lead units
    alone: the summary's "00/10" already says who is missing, as most of a plan's future
    events do."""
    if len(not_reported) == leads:
        return [f"Đơn vị chủ trì: {'; '.join(lead_names) or 'chưa có'}"]
    if len(lead_names) == leads and len(not_reported) + len(pending) <= NAMED:
        marks = {name: NOT_REPORTED for name in not_reported}
        marks.update((name, WAITING_REVIEW) for name in pending)
        marked = [f"{n} ({marks[n]})" if n in marks else n for n in lead_names]
        return [f"Đơn vị chủ trì: {'; '.join(marked)}"]
    lines = [f"Đơn vị chủ trì: {'; '.join(lead_names)}"]
    for label, names in ((NOT_REPORTED, not_reported), (WAITING_REVIEW, pending)):
        if names:
            listed = "; ".join(names) if len(names) <= NAMED else f"{count(len(names))} đơn vị"
            lines.append(f"{label.capitalize()}: {listed}")
    return lines


def _other_lines(
    timeframe_text: str, day: date, original_due_on: date | None, url: str
) -> list[str]:
    lines = [f"Thời gian: {timeframe_text}"] if timeframe_text else []
    if original_due_on and original_due_on != day:
        lines.append(f"Thời hạn ban đầu: {_vn(original_due_on)}")
    lines.append(url)  # a bare address: every calendar makes it a link
    return lines


@lru_cache(maxsize=1024)
def _vn(day: date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


# Memoised pieces, as in domain.calendar: a plan writes each activity's title, its
# count and its lead units for each of its due dates. Pure functions; nothing goes stale.


@lru_cache(maxsize=8192)
def _escaped_title(number: str | None, text: str) -> str:
    return "SUMMARY:" + ical.escape_text(_title(number, text))


@lru_cache(maxsize=1024)
def _escaped_progress(period_label: str | None, reported: int, leads: int, done: bool) -> str:
    return ical.escape_text(_progress(period_label, reported, leads, done))


@lru_cache(maxsize=8192)
def _escaped_leads(
    lead_names: tuple[str, ...], leads: int, not_reported: tuple[str, ...], pending: tuple[str, ...]
) -> str:
    lines = _lead_lines(lead_names, leads, not_reported, pending)
    return "DESCRIPTION:" + "\\n".join(ical.escape_text(line) for line in lines)


def _escaped_others(timeframe_text: str, day: date, original_due_on: date | None, url: str) -> str:
    if original_due_on and original_due_on != day:  # rare: a deadline moved
        lines = _other_lines(timeframe_text, day, original_due_on, url)
        return "".join("\\n" + ical.escape_text(line) for line in lines)
    return _escaped_usual_others(timeframe_text, url)


@lru_cache(maxsize=8192)
def _escaped_usual_others(timeframe_text: str, url: str) -> str:
    lines = _other_lines(timeframe_text, date.min, None, url)
    return "".join("\\n" + ical.escape_text(line) for line in lines)


def _summary_line(event: PlanEvent) -> str:
    progress = _escaped_progress(event.period_label, event.reported, event.leads, event.done)
    return ical.fold_joined(_escaped_title(event.number, event.text), progress)


def _description_line(event: PlanEvent) -> str:
    head = _escaped_leads(event.lead_names, event.leads, event.not_reported, event.pending)
    tail = _escaped_others(event.timeframe_text, event.day, event.original_due_on, event.url)
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
