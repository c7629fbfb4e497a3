"""Helpers for the calendar tests: make links, fetch feeds, read them with parsers that
did not write them (vobject, and icalendar's reader), and what a feed should hold,
computed from the models without the feed's own code."""

from __future__ import annotations

from datetime import date

import vobject
from icalendar import Calendar
from sqlalchemy import select

from tracker.extensions import db
from tracker.models import Activity, Assignment, ProgressReport, ReportingPeriod, Unit, User
from tracker.services import calendar_links

HOST = "127.0.0.1"  # of the default TRACKER_BASE_URL
# Activity texts that try to end a line and start properties or components of their own.
HOSTILE = [
    "Dòng một\r\nATTENDEE:mailto:x@y",
    "Kết thúc END:VEVENT\r\nBEGIN:VEVENT\r\nUID:evil@x\r\nSUMMARY:giả",
    "Tiêu đề có CRLF\r\n; chấm phẩy; dấu phẩy, gạch ngược \\ và \\n chữ",
    "Rất dài " + "Cải cách hành chính, chuyển đổi số; " * 14 + "😀🇻🇳👨‍👩‍👧",
    "\nBEGIN:VALARM\nTRIGGER:-PT1M\nEND:VALARM",
]


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


def expected_plan_events(app, plan_id: int) -> dict[str, date]:
    """UID → date of a plan's feed: each activity with a lead unit once per thing due —
    every reporting period of the plan for an ongoing activity, else its deadline."""
    expected: dict[str, date] = {}
    with app.app_context():
        periods = db.session.scalars(
            select(ReportingPeriod).where(ReportingPeriod.plan_id == plan_id)
        ).all()
        for activity in db.session.scalars(select(Activity).where(Activity.plan_id == plan_id)):
            if not any(a.role == "lead" for a in activity.assignments):
                continue
            if activity.timeframe_kind == "ongoing":
                for period in periods:
                    expected[f"activity-{activity.id}-period-{period.id}@{HOST}"] = period.due_on
            elif activity.due_on is not None:
                expected[f"activity-{activity.id}-deadline@{HOST}"] = activity.due_on
    return expected


def expected_counts(app, uid: str) -> tuple[int, int, int]:
    """(lead units, of them reported — a report sent or accepted —, of them accepted) for
    one event of a plan's feed, read from the reports themselves. A deadline counts
    reports of the work done or not carried out, of any period."""
    activity_id, _, rest = uid.removeprefix("activity-").partition("-")
    period_id = int(rest.split("-")[1].split("@")[0]) if rest.startswith("period") else None
    leads = reported = accepted = 0
    with app.app_context():
        leading = db.session.scalars(
            select(Assignment).where(
                Assignment.activity_id == int(activity_id), Assignment.role == "lead"
            )
        ).all()
        for assignment in leading:
            stmt = select(ProgressReport).where(ProgressReport.assignment_id == assignment.id)
            if period_id is not None:
                stmt = stmt.where(ProgressReport.period_id == period_id)
            else:
                stmt = stmt.where(ProgressReport.status.in_(["done", "not_done"]))
            states = {r.state for r in db.session.scalars(stmt)}
            leads += 1
            reported += bool(states & {"submitted", "accepted"})
            accepted += "accepted" in states
    return leads, reported, accepted
