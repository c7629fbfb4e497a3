"""Calendar feeds are the same bytes whatever way they were built (issue 17): the bodies
of unit and plan feeds — the seeded Vĩnh Châu plan with its demo progress, and a
synthetic plan of ~1,000 events — match golden files written by the code before feeds
were kept by activity and brought up to date from the change logs; and a feed brought up
to date after each of a series of changes is the feed built from nothing.

The golden files hold the bodies gzipped (tests/golden/feeds). Times that come from the
clock when the data was made (a plan's creation, changes, report states) are set to
fixed ones first, so the bodies do not depend on the day the test database was made.
After an intended change of the feeds' wording or layout:
UPDATE_GOLDEN=1 python3 dev.py test tests/web/test_calendar_feed_bytes.py"""

from __future__ import annotations

import gzip
import os
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from icalendar import Calendar
from sqlalchemy import bindparam, select

from bench import bench_feeds
from tests.conftest import sqlite_only
from tests.web.calendar_support import issue
from tracker.extensions import db
from tracker.models import (
    Activity,
    Assignment,
    Change,
    Plan,
    ProgressReport,
    ReportEvent,
    Unit,
    User,
)
from tracker.services import activities, change_log, periods, reporting
from tracker.services.calendar import feeds as calendar
from tracker.services.calendar import links as calendar_links

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "feeds"
BASE = datetime(2023, 3, 1, 2, 0, tzinfo=UTC)


def fixed_times(app) -> None:
    """Each time a feed shows, set from the row's place: the same data, the same bytes."""
    with app.app_context():
        connection = db.session.connection()
        for model, column in (
            (Plan, "created_at"),
            (Change, "at"),
            (ReportEvent, "at"),
            (ProgressReport, "changed_at"),
        ):
            table = model.__table__
            ids = list(connection.execute(select(table.c.id).order_by(table.c.id)).scalars())
            if not ids:
                continue
            stmt = (
                table.update()
                .where(table.c.id == bindparam("row_id"))
                .values({column: bindparam("moment")})
            )
            # By rank, not id: ids may start elsewhere (PostgreSQL's sequences).
            moments = [
                {"row_id": i, "moment": BASE + timedelta(minutes=7 * (rank + 1))}
                for rank, i in enumerate(ids)
            ]
            connection.execute(stmt, moments)
        db.session.commit()


def body(client, token: str) -> bytes:
    response = client.get(f"/cal/{token}.ics")
    assert response.status_code == 200
    return response.get_data()


def matches_golden(name: str, found: bytes) -> None:
    path = GOLDEN / f"{name}.ics.gz"
    if os.environ.get("UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(gzip.compress(found, mtime=0))
    expected = gzip.decompress(path.read_bytes())
    # A calendar still: icalendar reads it back, with every event.
    events = Calendar.from_ical(found).walk("VEVENT")
    assert len(events) == found.count(b"BEGIN:VEVENT") > 0
    assert found == expected, _first_difference(found, expected)


def _first_difference(found: bytes, expected: bytes) -> str:
    for number, (a, b) in enumerate(
        zip(found.split(b"\r\n"), expected.split(b"\r\n"), strict=False)
    ):
        if a != b:
            return f"line {number + 1}: {a!r} != {b!r}"
    return f"lengths {len(found)} != {len(expected)}"


def unit_named(app, name: str) -> int:
    with app.app_context():
        found = db.session.scalar(select(Unit.id).where(Unit.name == name))
        assert found is not None, name
        return found


def test_the_vinh_chau_feeds_are_the_bytes_they_were(demo_app):
    fixed_times(demo_app)
    client = demo_app.test_client()
    office = unit_named(demo_app, "Phòng Nội vụ")
    # One at a time: a new link of the same kind replaces the one made before it.
    feeds = {
        "vinh_chau_plan": ("plan", 1, {}),
        "vinh_chau_plan_undone": ("plan", 1, {"include_done": False}),
        "vinh_chau_unit": ("unit", office, {}),
        "vinh_chau_unit_of_plan": ("unit", office, {"plan_id": 1}),
        "vinh_chau_unit_undone": ("unit", office, {"include_done": False}),
    }
    for name, (scope, scope_id, options) in feeds.items():
        matches_golden(name, body(client, issue(demo_app, scope, scope_id, **options)))


@pytest.fixture
def big_plan(app, frozen):
    frozen(datetime(2024, 1, 5, 3, tzinfo=UTC))
    with app.app_context():
        plan_id = bench_feeds.build_plan()
        unit_id = bench_feeds.closest_unit(plan_id)
    fixed_times(app)
    return plan_id, unit_id


@sqlite_only("the generated plan's bulk inserts number its rows in another order there")
def test_a_plan_of_a_thousand_events_is_the_bytes_it_was(app, big_plan):
    plan_id, unit_id = big_plan
    client = app.test_client()
    plan_body = body(client, issue(app, "plan", plan_id))
    assert plan_body.count(b"BEGIN:VEVENT") > 900
    matches_golden("big_plan", plan_body)
    matches_golden("big_plan_unit", body(client, issue(app, "unit", unit_id)))


# ---- brought up to date after a change, the bytes built from nothing -----------------------


def feed_version(app, token: str) -> change_log.Version:
    with app.app_context():
        row = calendar_links.find_live_token(token)
        assert row is not None
        opened = calendar.open_feed(row, calendar.FeedSettings.from_config(app.config))
        assert opened is not None
        return opened.version


def _unit_assignment(unit: int) -> Assignment:
    """One of the unit's lead assignments on an ongoing activity with no report yet."""
    found = db.session.scalars(
        select(Assignment)
        .join(Activity)
        .where(
            Assignment.unit_id == unit,
            Activity.timeframe_kind == "ongoing",
            Assignment.role == "lead",
            Assignment.id.not_in(select(ProgressReport.assignment_id)),
        )
        .order_by(Assignment.id)
    ).first()
    assert found is not None
    return found


def _dated(*without: str) -> Assignment:
    """A lead assignment on a dated activity on which no unit named `without` works."""
    named = select(Unit.id).where(Unit.name.in_(without or ["-"]))
    others = select(Assignment.activity_id).where(Assignment.unit_id.in_(named))
    found = db.session.scalars(
        select(Assignment)
        .join(Activity)
        .where(
            Activity.due_on.is_not(None),
            Assignment.role == "lead",
            Activity.id.not_in(others),
        )
        .order_by(Assignment.id)
    ).first()
    assert found is not None
    return found


def _submit(unit: int) -> int:
    assignment = _unit_assignment(unit)
    period = periods.plan_periods(assignment.activity.plan)[0]
    data = reporting.ReportInput(status="in_progress", result="Đang triển khai")
    reporting.save_report(assignment, period, data, None, submit=True)
    return assignment.activity_id


def _accept(unit: int) -> int:
    report = db.session.scalars(
        select(ProgressReport)
        .join(Assignment)
        .where(Assignment.unit_id == unit, ProgressReport.state == "submitted")
        .order_by(ProgressReport.id.desc())
    ).first()
    reporting.review_report(report, True, "", _coordinator())
    return report.assignment.activity_id


def _logged_only(unit: int) -> int:
    """A report's state written to its log alone, as the demo's seeding does."""
    report = db.session.scalars(
        select(ProgressReport)
        .join(Assignment)
        .where(Assignment.unit_id == unit, ProgressReport.state == "accepted")
        .order_by(ProgressReport.id)
    ).first()
    report.state = "returned"
    reporting.log_event(report)
    return report.assignment.activity_id


def _edit(unit: int) -> int:
    activity = _dated().activity
    activities.edit_activity(
        activity,
        group=activity.group,
        number=activity.number or "",
        text=activity.text + " (sửa)",
        timeframe_text=activity.timeframe_text,
        dimension_ids=[],
        user=None,
    )
    return activity.id


def _move_deadline(unit: int) -> int:
    activity = _dated().activity
    reporting.change_deadline(activity, date(2024, 3, 31), "Gia hạn", _coordinator())
    return activity.id


def _add(unit: int) -> int:
    group = db.session.get(Plan, 1).groups[0]
    activity = activities.add_activity(group, "9.9", "Việc mới", "Trước ngày 30/6/2023", None)
    activities.add_assignment(activity, db.session.get(Unit, unit), "lead", None)
    return activity.id


def _delete(unit: int) -> int:
    activity = db.session.scalars(select(Activity).where(Activity.number == "9.9")).one()
    activities.delete_activity(activity, None)
    return activity.id


def _reassign(unit: int) -> int:
    assignment = _dated("Phòng Tư pháp")
    other = db.session.scalar(select(Unit).where(Unit.name == "Phòng Tư pháp"))
    reporting.reassign(assignment, other, "Đổi cơ quan", _coordinator())
    return assignment.activity_id


def _period_due(unit: int) -> None:
    first = periods.plan_periods(db.session.get(Plan, 1))[0]
    periods.set_period_due(first, first.due_on + timedelta(days=3), None)


def _reorder(unit: int) -> None:
    """Two ongoing activities swap places: their events of each round change order."""
    for group in db.session.get(Plan, 1).groups:
        pairs = zip(group.activities, group.activities[1:], strict=False)
        for first, second in pairs:
            if all(a.timeframe_kind == "ongoing" and a.assignments for a in (first, second)):
                assert activities.move_activity(first, 1, None)
                return
    raise AssertionError("no two ongoing activities side by side")


def _coordinator() -> User:
    return db.session.scalar(select(User).where(User.role == "coordinator").order_by(User.id))


# A change naming one activity: only it is built again. Others: the feed is built whole.
CHANGES = [
    (_submit, True),
    (_accept, True),
    (_logged_only, True),
    (_edit, True),
    (_move_deadline, True),
    (_add, True),
    (_delete, True),
    (_reassign, True),
    (_period_due, False),
    (_reorder, False),
]


def test_a_feed_brought_up_to_date_is_the_feed_built_from_nothing(demo_app, frozen):
    office = unit_named(demo_app, "Phòng Nội vụ")
    client = demo_app.test_client()
    tokens = [
        issue(demo_app, "plan", 1),
        issue(demo_app, "unit", office),
        issue(demo_app, "unit", unit_named(demo_app, "Phòng Tư pháp"), include_done=False),
    ]
    kept = {token: body(client, token) for token in tokens}
    for step, (change, local) in enumerate(CHANGES):
        before = feed_version(demo_app, tokens[0])
        frozen(datetime(2030, 6, 1 + step, 3, tzinfo=UTC))
        with demo_app.app_context():
            changed = change(office)
            db.session.commit()
            found = change_log.changed_activities(before, feed_version(demo_app, tokens[0]))
        assert found == ({changed} if local else None), change.__name__
        updated = {token: body(client, token) for token in tokens}
        assert updated != kept, change.__name__  # the change shows in some feed
        calendar.forget_events()  # as after a restart: every event built again
        for token in tokens:
            assert updated[token] == body(client, token), change.__name__
            Calendar.from_ical(updated[token])
        kept = updated
