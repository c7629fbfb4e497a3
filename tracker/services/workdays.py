"""The work calendar the app counts with: the `holidays` library plus the days in
`day_off` — entered by Phòng Nội vụ on the working-days page, or loaded once from
seeds/working_days.json (the government's announced swaps, each with its document) —
and the swaps the library lists that nobody recorded a make-up day for."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date
from pathlib import Path

from sqlalchemy import select

from tracker.domain.workdays import SwappedDay, WorkCalendar, swapped_days, unmatched_swaps
from tracker.extensions import db
from tracker.models import DayOff, DayOffSeed, Plan

OFFICIAL_DAYS = Path(__file__).resolve().parents[2] / "seeds" / "working_days.json"


def recorded_days(year: int | None = None) -> list[DayOff]:
    """The days in `day_off`, by date; of one year when given."""
    stmt = select(DayOff).order_by(DayOff.day)
    if year is not None:
        stmt = stmt.where(DayOff.day >= date(year, 1, 1), DayOff.day <= date(year, 12, 31))
    return list(db.session.scalars(stmt))


def work_calendar(years: Iterable[int]) -> WorkCalendar:
    """Public holidays of `years`, with every recorded day off and make-up day."""
    extra = recorded_days()
    return WorkCalendar.for_years(
        years,
        days_off=[d.day for d in extra if d.is_off],
        extra_working_days=[d.day for d in extra if not d.is_off],
    )


def plan_years() -> set[int]:
    return set(db.session.scalars(select(Plan.year).distinct()))


def missing_make_up_days(years: Iterable[int]) -> list[SwappedDay]:
    """The library's swaps in `years` with no make-up day recorded near them."""
    years = set(years)
    return unmatched_swaps(swapped_days(years), work_calendar(years))


def load_official_days(path: Path = OFFICIAL_DAYS) -> int:
    """Put the days of seeds/working_days.json in `day_off`, each once ever: a day already
    there (entered by hand) is left as it is, and a day loaded before and since changed
    or removed by Phòng Nội vụ is not loaded again. How many days were added."""
    spec = json.loads(path.read_text(encoding="utf-8"))
    loaded = set(db.session.scalars(select(DayOffSeed.day)))
    added = 0
    for entry in spec["days"]:
        day = date.fromisoformat(entry["day"])
        if day in loaded:
            continue
        db.session.add(DayOffSeed(day=day))
        if db.session.get(DayOff, day) is None:
            db.session.add(
                DayOff(day=day, is_off=entry["is_off"], note=entry["note"], source=entry["source"])
            )
            added += 1
    db.session.flush()
    return added
