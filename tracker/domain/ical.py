"""Writing iCalendar (RFC 5545) text: escaping, line folding, content lines, durations.

A small writer of our own rather than icalendar's object model: that model builds and
folds every line character by character in Python and took ~400 ms for a 1,000-event
feed on the project's 2-core machine, ten times the feed's budget (quality.md). The
rules it has to get right are few and all live here, checked by tests that read every
feed back with two independent parsers (vobject and icalendar).

Text is NFC on the way in (tracker.domain.text), so escaping never meets decomposed
marks it would have to keep together; folding still never splits a UTF-8 sequence.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, date, datetime
from functools import lru_cache

CRLF = "\r\n"
MAX_OCTETS = 75  # per physical line, line break excluded (RFC 5545 §3.1)

# Line breaks of every kind become the TEXT escape "\n": a raw CR or LF in a value is
# how properties get injected, and some readers also split on VT, FF, NEL, LS and PS.
_RARE_BREAKS = re.compile("[\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
# Other control characters are not allowed in TEXT at all (RFC 5545 §3.3.11: TSAFE-CHAR).
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1b\x1f\x7f]")
_ODD = re.compile("[\x00-\x09\x0b-\x1f\x7f\x85\u2028\u2029]")  # anything but LF to check
_NAME = re.compile(r"^[A-Z][A-Z0-9-]*$")


def escape_text(value: str) -> str:
    r"""A TEXT value: ``\`` ``;`` ``,`` escaped, every line break as ``\n``, controls dropped."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    if _ODD.search(value):  # rare: checked first because the feed escapes thousands of values
        value = value.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
        value = _CONTROLS.sub("", _RARE_BREAKS.sub("\n", value))
    return value.replace("\n", "\\n")


def fold(line: str) -> str:
    """Fold one content line into physical lines of at most 75 octets.

    Continuation lines start with one space, which counts towards their 75 octets.
    Cuts fall only between characters, never inside a UTF-8 sequence.
    """
    if len(line) <= MAX_OCTETS and line.isascii():
        return line
    return _fold_raw(line.encode("utf-8"), MAX_OCTETS)


def fold_joined(head: str, tail: str) -> str:
    """``fold(head + tail)``, faster when many lines start with the same long `head`
    (an activity's text opens the description of each of its events)."""
    done, rest = _folded_head(head)
    return done + _fold_raw(rest + tail.encode("utf-8"), MAX_OCTETS - 1 if done else MAX_OCTETS)


def _fold_raw(raw: bytes, limit: int) -> str:
    if len(raw) <= limit:
        return raw.decode("utf-8")
    parts: list[bytes] = []
    start = 0
    while len(raw) - start > limit:
        end = start + limit
        while raw[end] & 0xC0 == 0x80:  # a continuation byte: back up to the lead byte
            end -= 1
        parts.append(raw[start:end])
        start, limit = end, MAX_OCTETS - 1
    parts.append(raw[start:])
    return b"\r\n ".join(parts).decode("utf-8")


@lru_cache(maxsize=4096)
def _folded_head(head: str) -> tuple[str, bytes]:
    """The physical lines of `head` that stay the same whatever follows it (each with its
    CRLF and the next line's space), and the bytes left over. A cut is final once the
    byte after it is known, which is why the last partial line is left over."""
    raw = head.encode("utf-8")
    done: list[bytes] = []
    start, limit = 0, MAX_OCTETS
    while len(raw) - start > limit:
        end = start + limit
        while raw[end] & 0xC0 == 0x80:
            end -= 1
        done.append(raw[start:end] + b"\r\n ")
        start, limit = end, MAX_OCTETS - 1
    return b"".join(done).decode("utf-8"), raw[start:]


def content_line(name: str, value: str, params: str = "") -> str:
    """``NAME;PARAMS:value`` folded; `value` must already be escaped or a safe literal."""
    if not _NAME.match(name):
        raise ValueError(f"not a property name: {name!r}")
    return fold(f"{name}{';' + params if params else ''}:{value}")


def text_line(name: str, value: str) -> str:
    return content_line(name, escape_text(value))


# Pure functions of a few distinct values per feed (dates, stamps): memoised, since a
# feed formats the same handful thousands of times. Nothing in them can go stale.
@lru_cache(maxsize=4096)
def date_value(day: date) -> str:
    return f"{day.year:04d}{day.month:02d}{day.day:02d}"


@lru_cache(maxsize=4096)
def utc_value(moment: datetime) -> str:
    """A UTC DATE-TIME (``20230615T031500Z``); naive datetimes are refused."""
    if moment.tzinfo is None:
        raise ValueError("needs an aware datetime")
    m = moment.astimezone(UTC)
    return f"{m.year:04d}{m.month:02d}{m.day:02d}T{m.hour:02d}{m.minute:02d}{m.second:02d}Z"


@lru_cache(maxsize=64)
def before_all_day(days: int, at_hour: int) -> str:
    """A TRIGGER duration relative to an all-day event's start (its local midnight) that
    rings at `at_hour` o'clock `days` days before: 3 days at 8:00 is ``-P2DT16H``.

    Midnight alarms wake people; an office reads them in the morning. `days` 0 rings on
    the day itself (``PT8H``)."""
    if days < 0 or not 0 <= at_hour < 24:
        raise ValueError("days >= 0 and 0 <= at_hour < 24")
    hours = days * 24 - at_hour
    if hours <= 0:
        return f"PT{-hours}H"
    whole_days, rest = divmod(hours, 24)
    return "-P" + (f"{whole_days}D" if whole_days else "") + (f"T{rest}H" if rest else "")


def calendar_bytes(header: Sequence[str], components: Sequence[str]) -> bytes:
    """The whole VCALENDAR from its properties and its components (each already the
    CRLF-joined lines of one), CRLF after every line, the last one too."""
    head = CRLF.join(["BEGIN:VCALENDAR", *header])
    return CRLF.join([head, *components, "END:VCALENDAR", ""]).encode("utf-8")
