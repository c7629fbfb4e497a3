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
from tracker.services.calendar import links as calendar_links

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


def plan_rounds(plan_id: int) -> dict[int, list[ReportingPeriod]]:
    """Period id of each report round → its periods, the shorter first: periods with the
    same cut-off are one round (a unit reports for it once). In an app context."""
    by_end: dict[date, list[ReportingPeriod]] = {}
    for period in db.session.scalars(
        select(ReportingPeriod).where(ReportingPeriod.plan_id == plan_id)
    ):
        by_end.setdefault(period.ends_on, []).append(period)
    rounds = [sorted(same, key=lambda p: p.ends_on - p.starts_on) for same in by_end.values()]
    return {same[0].id: same for same in rounds}


def expected_plan_events(app, plan_id: int) -> dict[str, date]:
    """UID → date of a plan's feed: each activity with a lead unit once per thing due —
    every report round of the plan, on its shorter period's due date, for an ongoing
    activity, else its deadline."""
    expected: dict[str, date] = {}
    with app.app_context():
        rounds = plan_rounds(plan_id)
        for activity in db.session.scalars(select(Activity).where(Activity.plan_id == plan_id)):
            if not any(a.role == "lead" for a in activity.assignments):
                continue
            if activity.timeframe_kind == "ongoing":
                for period_id, periods in rounds.items():
                    expected[f"a{activity.id}-p{period_id}@{HOST}"] = periods[0].due_on
            elif activity.due_on is not None:
                expected[f"a{activity.id}-d@{HOST}"] = activity.due_on
    return expected


def expected_counts(app, uid: str) -> tuple[int, int, int]:
    """(lead units, of them reported — a report sent or accepted —, of them accepted) for
    one event of a plan's feed, read from the reports themselves. A round counts reports
    for any of its periods, the shorter period's first (then an accepted one); a deadline
    reports of the work done or not carried out, of any period."""
    activity_id, _, due = uid.split("@")[0].removeprefix("a").partition("-")
    leads = reported = accepted = 0
    with app.app_context():
        activity = db.session.get(Activity, int(activity_id))
        rounds = plan_rounds(activity.plan_id)
        periods = rounds[int(due[1:])] if due.startswith("p") else None
        for assignment in activity.assignments:
            if assignment.role != "lead":
                continue
            stmt = select(ProgressReport).where(ProgressReport.assignment_id == assignment.id)
            if periods is not None:
                stmt = stmt.where(ProgressReport.period_id.in_([p.id for p in periods]))
            else:
                stmt = stmt.where(ProgressReport.status.in_(["done", "not_done"]))
            sent = [r for r in db.session.scalars(stmt) if r.state in ("submitted", "accepted")]
            shorter = [r for r in sent if periods and r.period_id == periods[0].id]
            leads += 1
            reported += bool(sent)
            accepted += any(r.state == "accepted" for r in shorter or sent)
    return leads, reported, accepted
