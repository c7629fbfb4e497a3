"""A plan's calendar feed (issue 6, for Phòng Nội vụ and leaders): one event per activity
and due date — a deadline, or a report round (periods with the same cut-off) —, counted
against the reports in the database; UIDs that survive a moved deadline while SEQUENCE
grows; hostile activity text; the size of a ~1,000-event plan."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select, update

from bench import bench_feeds
from tests.conftest import make_user
from tests.web.calendar_support import (
    HOST,
    HOSTILE,
    events,
    expected_counts,
    expected_plan_events,
    issue,
    read,
)
from tracker import create_app
from tracker.extensions import db
from tracker.models import Activity, Plan, ReportingPeriod, Unit, User
from tracker.services import activities, periods, reporting
from tracker.services.calendar.plan import round_report
from tracker.services.calendar.queries import Report

PROGRESS = re.compile(r" — (✓ )?(\d+)/(\d+) (đã báo cáo|đã có kết quả)$")


def feed(client, token: str):
    return client.get(f"/cal/{token}.ics")


def unfolded(body: bytes) -> str:
    return body.decode().replace("\r\n ", "")


def plan_feed(app, client, **options) -> dict[str, object]:
    return events(read(feed(client, issue(app, "plan", 1, **options)).data))


def test_one_event_per_activity_and_due_date(app, client):
    cal = read(feed(client, issue(app, "plan", 1)).data)
    found = events(cal)
    expected = expected_plan_events(app, 1)
    assert {uid: e.dtstart.value for uid, e in found.items()} == expected
    # The year's report (also the second half's) is due 15/12/2023: one event each
    # ongoing activity on that day.
    with app.app_context():
        ongoing = db.session.scalar(
            select(db.func.count()).where(Activity.timeframe_kind == "ongoing")
        )
        _, year = periods.plan_periods(db.session.get(Plan, 1))
        year_id = year.id
    on_the_day = [uid for uid, e in found.items() if e.dtstart.value == date(2023, 12, 15)]
    assert len(on_the_day) == ongoing > 0
    assert all(uid.endswith(f"-p{year_id}@{HOST}") for uid in on_the_day)
    assert all("valarm" not in e.contents for e in found.values())
    assert all(e.description.value.startswith("Chủ trì: ") for e in found.values())
    assert not any("Thời gian:" in e.description.value for e in found.values())
    assert cal.x_wr_calname.value == "PAPI – Kế hoạch số 63/KH-UBND ngày 11/4/2023"
    assert "đơn vị chủ trì" in cal.x_wr_caldesc.value


def test_the_activity_text_stays_in_the_unit_feeds(app, client):
    body = feed(client, issue(app, "plan", 1)).data.decode().replace("\r\n ", "")
    with app.app_context():
        texts = db.session.scalars(select(Activity.text)).all()
    long_texts = [t for t in texts if len(t) > 60]
    assert long_texts and not any(t.replace(",", "\\,") in body for t in long_texts)
    assert len(body.encode()) < 20_000  # 43 events; the unit-style plan feed was ~330 KB


def test_counts_are_the_lead_units_that_reported(demo_app, frozen):
    frozen(datetime(2024, 1, 10, 3, tzinfo=UTC))
    client = demo_app.test_client()
    found = plan_feed(demo_app, client)
    checked = 0
    for uid, event in found.items():
        done, reported, leads, _ = PROGRESS.search(event.summary.value).groups()
        want_leads, want_reported, want_accepted = expected_counts(demo_app, uid)
        assert (int(leads), int(reported)) == (want_leads, want_reported), uid
        assert bool(done) == (want_accepted == want_leads > 0), uid
        assert (event.contents.get("transp", [None])[0] is not None) == bool(done)
        checked += want_reported > 0
    assert checked >= 10  # the demo's reports are in the feed
    with demo_app.app_context():
        ids = dict(db.session.execute(select(Activity.number, Activity.id)).all())
        first, second = periods.plan_periods(db.session.get(Plan, 1))  # H1, the year
        rounds = first.id, second.id
    one_five = {p: found[f"a{ids['1.5']}-p{p}@{HOST}"] for p in rounds}
    assert [e.summary.value for e in one_five.values()] == [
        "1.5 Thông tin tuyên truyền để người… — 02/10 đã báo cáo",
        "1.5 Thông tin tuyên truyền để người… — 08/10 đã báo cáo",
    ]
    assert one_five[second.id].description.value.split("\n") == [
        "Chủ trì: UBND xã, phường (10)",
        "Chưa báo cáo: xã Vĩnh Hiệp; xã Vĩnh Tân",  # Vĩnh Tân's report was returned
        "Chờ duyệt: xã Vĩnh Hải",
        f"http://127.0.0.1:5000/activities/{ids['1.5']}",
    ]
    six_three = found[f"a{ids['6.3']}-d@{HOST}"].summary.value
    assert six_three.startswith("6.3 ") and six_three.endswith("— ✓ 01/01 đã có kết quả")
    hidden = plan_feed(demo_app, client, include_done=False)
    assert set(hidden) == {uid for uid, e in found.items() if "✓" not in e.summary.value}


def test_a_moved_deadline_keeps_the_uid_and_raises_sequence(app, client, frozen):
    frozen(datetime(2030, 5, 2, 3, tzinfo=UTC))  # after the seeded database was made
    token = issue(app, "plan", 1)
    with app.app_context():
        activity = db.session.scalar(select(Activity).where(Activity.number == "6.3"))
        activity_id, old_due = activity.id, activity.due_on
    uid = f"a{activity_id}-d@{HOST}"
    before = events(read(feed(client, token).data))[uid]

    frozen(datetime(2030, 6, 1, 3, tzinfo=UTC))
    with app.app_context():
        coordinator = db.session.scalar(select(User).where(User.username == "noivu"))
        reporting.change_deadline(
            db.session.get(Activity, activity_id), date(2024, 3, 31), "Gia hạn", coordinator
        )
        db.session.commit()
    after = events(read(feed(client, token).data))[uid]
    assert (before.dtstart.value, after.dtstart.value) == (old_due, date(2024, 3, 31))
    assert after.dtend.value == date(2024, 4, 1)
    assert int(after.sequence.value) > int(before.sequence.value)
    assert after.last_modified.value > before.last_modified.value
    assert f"Thời hạn ban đầu: {old_due:%d/%m/%Y}" in after.description.value


def test_a_moved_report_date_and_a_report_raise_their_events_only(app, client, frozen):
    frozen(datetime(2030, 5, 2, 3, tzinfo=UTC))
    make_user(app, "phuong1", "Phường 1")
    token = issue(app, "plan", 1)
    with app.app_context():
        one_five = db.session.scalar(select(Activity.id).where(Activity.number == "1.5"))
        first, year = (p.id for p in periods.plan_periods(db.session.get(Plan, 1)))
    uid = {p: f"a{one_five}-p{p}@{HOST}" for p in (first, year)}
    start = events(read(feed(client, token).data))

    frozen(datetime(2030, 6, 1, 3, tzinfo=UTC))
    with app.app_context():
        periods.set_period_due(db.session.get(ReportingPeriod, year), date(2023, 12, 18), None)
        db.session.commit()
    moved = events(read(feed(client, token).data))
    assert start[uid[year]].dtstart.value == date(2023, 12, 15)
    assert moved[uid[year]].dtstart.value == date(2023, 12, 18)
    assert int(moved[uid[year]].sequence.value) > int(start[uid[year]].sequence.value)
    assert moved[uid[first]].sequence.value == start[uid[first]].sequence.value

    frozen(datetime(2030, 6, 2, 3, tzinfo=UTC))
    with app.app_context():
        assignment_id = db.session.scalar(
            select(reporting.Assignment.id)
            .join(Unit, Unit.id == reporting.Assignment.unit_id)
            .where(reporting.Assignment.activity_id == one_five, Unit.name == "Phường 1")
        )
    client.post("/login", data={"username": "phuong1", "password": "matkhau-phuong1"})
    sent = {"status": "in_progress", "result": "Đang làm", "action": "submit"}
    client.post(f"/assignments/{assignment_id}/periods/{first}/report", data=sent)
    reported = events(read(feed(client, token).data))
    assert int(reported[uid[first]].sequence.value) > int(moved[uid[first]].sequence.value)
    assert reported[uid[first]].summary.value.endswith(" — 01/10 đã báo cáo")
    assert reported[uid[year]].sequence.value == moved[uid[year]].sequence.value

    client.post(f"/assignments/{assignment_id}/periods/{year}/report", data=sent)
    for_year = events(read(feed(client, token).data))
    assert int(for_year[uid[year]].sequence.value) > int(reported[uid[year]].sequence.value)
    assert for_year[uid[year]].summary.value.endswith(" — 01/10 đã báo cáo")
    assert for_year[uid[first]].sequence.value == reported[uid[first]].sequence.value


@pytest.mark.parametrize(
    ("states", "chosen"),
    [
        ({}, None),
        ({2: "submitted"}, 2),
        ({3: "accepted"}, 3),
        ({2: "submitted", 3: "accepted"}, 2),  # the shorter period's first
        ({2: "draft", 3: "accepted"}, 3),  # a draft is no report
        ({2: "returned", 3: "submitted"}, 3),
        ({2: "draft", 3: "returned"}, 2),  # neither counts
        ({3: "submitted", 4: "accepted"}, 4),  # then an accepted one
        ({3: "accepted", 4: "submitted"}, 3),
    ],
)
def test_a_rounds_report_is_the_shorter_periods_then_an_accepted_one(states, chosen):
    """Periods 2, 3 and 4 end on the same day (a quarter, the half, the year), 2 the
    shortest."""
    at = datetime(2023, 12, 1, tzinfo=UTC)
    reports = {p: Report(p, 1, p, "in_progress", state, 1, at) for p, state in states.items()}
    found = round_report(reports, (2, 3, 4))
    assert (found.period_id if found else None) == chosen


@pytest.mark.parametrize("text", HOSTILE)
def test_activity_text_cannot_inject_properties(app, client, text):
    with app.app_context():
        group = db.session.get(Plan, 1).groups[0]
        activity = activities.add_activity(group, "9.9", text, "Trước ngày 30/6/2023", None)
        unit = db.session.scalar(select(Unit).where(Unit.name == "Phòng Tư pháp"))
        activities.add_assignment(activity, unit, "lead", None)
        # Raw into the row, past the services' cleaning: the feed must be safe on its own.
        activity.text = text
        activity.timeframe_text = "Trước ngày 30/6/2023" + text
        db.session.commit()
        activity_id = activity.id
    body = feed(client, issue(app, "plan", 1)).data
    found = events(read(body))
    assert set(found) == set(expected_plan_events(app, 1))
    event = found[f"a{activity_id}-d@{HOST}"]
    assert event.summary.value.startswith("9.9 ") and "\n" not in event.summary.value
    assert event.summary.value.endswith("— 00/01 đã có kết quả")
    # 00/01 in the summary says the rest; the timeframe as written is not shown.
    assert event.description.value.split("\n") == [
        "Chủ trì: Phòng Tư pháp",
        f"http://127.0.0.1:5000/activities/{activity_id}",
    ]
    assert "attendee" not in event.contents and "valarm" not in event.contents
    assert "evil@x" not in found
    text_body = body.decode().replace("\r\n ", "")
    assert "\r\nATTENDEE" not in text_body and "\r\nUID:evil" not in text_body


def test_a_thousand_event_plan_feed_stays_small(app, client):
    """quality.md: a whole-plan feed of ~1,000 events within 400 KB. Built as
    bench/bench_feeds.py builds it: 670 activities of a synthetic district, half ongoing
    with two report rounds (its plan collects the two halves only), half dated, reports
    on most assignments."""
    with app.app_context():
        plan_id = bench_feeds.build_plan()
    body = feed(client, issue(app, "plan", plan_id)).data
    found = read(body).contents["vevent"]
    assert 950 <= len(found) <= 1050
    # ~175 bytes of iCalendar every event must carry (UID, DTSTAMP, LAST-MODIFIED,
    # SEQUENCE, DTSTART, DTEND) and ~225 of title, count, lead units and link.
    assert len(body) <= 410 * len(found)
    assert len(body) <= 400 * 1024, f"{len(body) / 1024:.0f} KB for {len(found)} events"


def test_a_kept_body_is_the_same_data_in_the_same_database(app, client, seeded_db, fresh_database):
    """Feeds keep their bodies until the data changes: a second leader's link gets the
    same bytes, a change makes new ones, another database never gets this one's."""
    first = feed(client, issue(app, "plan", 1)).data
    assert feed(client, issue(app, "plan", 1)).data == first
    with app.app_context():
        activity = db.session.scalar(select(Activity).where(Activity.number == "1.5"))
        activities.edit_activity(
            activity,
            group=activity.group,
            number="1.5",
            text="Tuyên truyền PAPI (sửa)",
            timeframe_text=activity.timeframe_text,
            dimension_ids=[],
            user=None,
        )
        db.session.commit()
    changed = feed(client, issue(app, "plan", 1)).data
    assert "SUMMARY:1.5 Tuyên truyền PAPI (sửa)" in unfolded(changed)

    # The same seeded data in another database, changed without a trace in the history:
    # its own bytes, not the ones kept for the first database.
    instance, url = fresh_database(seeded_db)
    other = create_app({**app.config, "INSTANCE_DIR": instance, "SQLALCHEMY_DATABASE_URI": url})
    with other.app_context():
        db.session.execute(update(Activity).where(Activity.number == "1.1").values(number="1.1a"))
        db.session.commit()
    try:
        body = feed(other.test_client(), issue(other, "plan", 1)).data
        assert "\r\nSUMMARY:1.1a " in unfolded(body)
    finally:
        with other.app_context():
            db.session.remove()
            db.engine.dispose()
