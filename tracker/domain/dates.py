"""How the app writes a date on a screen: pages, e-mails, calendar feeds, sheets, the
audit and history logs — "08/03/2023", day and month always two digits, so columns of
dates line up and a date reads the same wherever it is shown.

Documents follow Nghị định 30/2020/NĐ-CP instead ("08/3/2023", "ngày 08 tháng 3 năm
2023"): that rule is `domain.documents` (cited_date, dated_line), used by the Word report
and the text the report quotes. Every other date the app writes goes through here;
tests/test_project.py keeps strftime patterns and hand-padded dates out of the rest of
tracker/."""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache


@lru_cache(maxsize=4096)  # feeds and pages write the same few hundred dates many times
def screen_date(day: date) -> str:
    """ "08/03/2023"."""
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


def screen_day_month(day: date) -> str:
    """ "08/03", for a range within a year: "02/10–08/10/2023"."""
    return f"{day.day:02d}/{day.month:02d}"


def screen_month(day: date) -> str:
    """ "03/2023"."""
    return f"{day.month:02d}/{day.year}"


def screen_time(moment: datetime) -> str:
    """ "14:05 08/03/2023", the moment as given (the caller makes it local time)."""
    return f"{moment.hour:02d}:{moment.minute:02d} {screen_date(moment.date())}"
