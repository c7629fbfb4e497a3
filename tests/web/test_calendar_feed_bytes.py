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
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from icalendar import Calendar
from sqlalchemy import bindparam, select

from bench import bench_feeds
from tests.web.calendar_support import issue
from tracker.extensions import db
from tracker.models import Change, Plan, ProgressReport, ReportEvent, Unit

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "feeds"
BASE = datetime(2023, 3, 1, 2, 0, tzinfo=UTC)


def fixed_times(app) -> None:
    """Each time a feed shows, set from the row's id: the same database, the same bytes."""
    with app.app_context():
        connection = db.session.connection()
        for model, column in (
            (Plan, "created_at"),
            (Change, "at"),
            (ReportEvent, "at"),
            (ProgressReport, "changed_at"),
        ):
            table = model.__table__
            ids = list(connection.execute(select(table.c.id)).scalars())
            if not ids:
                continue
            stmt = (
                table.update()
                .where(table.c.id == bindparam("row_id"))
                .values({column: bindparam("moment")})
            )
            moments = [{"row_id": i, "moment": BASE + timedelta(minutes=7 * i)} for i in ids]
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


def test_a_plan_of_a_thousand_events_is_the_bytes_it_was(app, big_plan):
    plan_id, unit_id = big_plan
    client = app.test_client()
    plan_body = body(client, issue(app, "plan", plan_id))
    assert plan_body.count(b"BEGIN:VEVENT") > 900
    matches_golden("big_plan", plan_body)
    matches_golden("big_plan_unit", body(client, issue(app, "unit", unit_id)))
