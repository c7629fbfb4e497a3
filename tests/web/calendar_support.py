"""Helpers for the calendar tests: make links, fetch feeds, read them with parsers that
did not write them (vobject, and icalendar's reader), and what a feed should hold,
computed from the models without the feed's own code."""

from __future__ import annotations

from datetime import date

import vobject
from icalendar import Calendar
from sqlalchemy import select

from tracker.extensions import db
from tracker.models import Assignment, ReportingPeriod, Unit, User
from tracker.services import calendar_links

HOST = "127.0.0.1"  # of the default TRACKER_BASE_URL


def issue(app, scope: str, scope_id: int, *, owner: str | None = None, **options) -> str:
    """A live link, made as `owner` (a username) or on the command line."""
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == owner)) if owner else None
        _, token = calendar_links.issue_token(
            user,
            scope,
            scope_id,
            options.get("plan_id"),
            options.get("include_done", True),
            user,
        )
        db.session.commit()
    return token


def unit_id(app, name: str) -> int:
    with app.app_context():
        return db.session.scalar(select(Unit.id).where(Unit.name == name))


def read(body: bytes):
    """The calendar as vobject reads it, after checking the lines themselves."""
    assert body.endswith(b"\r\n")
    for line in body.split(b"\r\n"):
        assert len(line) <= 75, line
        assert b"\r" not in line and b"\n" not in line
        line.decode("utf-8")  # folding never split a character
    text = body.decode("utf-8")
    parsed = vobject.readOne(text)
    # A second reader agrees on what the events are.
    assert len(Calendar.from_ical(body).walk("VEVENT")) == len(parsed.contents.get("vevent", []))
    return parsed


def events(cal) -> dict[str, object]:
    found = {}
    for event in cal.contents.get("vevent", []):
        uid = event.uid.value
        assert uid not in found, f"UID twice: {uid}"
        found[uid] = event
    return found


def expected_due_dates(app, unit: int) -> dict[str, date]:
    """UID → due date of everything `unit` owes, from its assignments and the periods of
    their plans: ongoing activities a report every period, dated ones their deadline."""
    expected: dict[str, date] = {}
    with app.app_context():
        for assignment in db.session.scalars(select(Assignment).where(Assignment.unit_id == unit)):
            activity = assignment.activity
            if activity.timeframe_kind == "ongoing":
                periods = db.session.scalars(
                    select(ReportingPeriod).where(ReportingPeriod.plan_id == activity.plan_id)
                )
                for period in periods:
                    expected[f"assignment-{assignment.id}-period-{period.id}@{HOST}"] = (
                        period.due_on
                    )
            elif activity.due_on is not None:
                expected[f"assignment-{assignment.id}-deadline@{HOST}"] = activity.due_on
    return expected
