"""What the calendar feeds hold (issue 6): every unit's feed of the seeded plan is a valid
calendar with exactly the unit's deadlines; UIDs survive a moved deadline while SEQUENCE
grows; statuses, done items, reminders, caching, and hostile activity text. A plan's
feed, one event per activity and due date: test_calendar_plan_feed.py."""

from __future__ import annotations

import gzip
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from tests.conftest import make_user
from tests.web.calendar_support import (
    HOST,
    HOSTILE,
    events,
    expected_due_dates,
    issue,
    read,
    unit_id,
)
from tracker.extensions import db
from tracker.models import Activity, Assignment, Plan, Unit, User
from tracker.services import activities, reporting


def feed(client, token: str, **headers):
    return client.get(f"/cal/{token}.ics", headers=headers)


def test_every_unit_feed_is_valid_and_lists_exactly_its_deadlines(app, client):
    with app.app_context():
        units = db.session.scalars(select(Unit.id)).all()
    assert len(units) >= 30
    with_events = 0
    for unit in units:
        response = feed(client, issue(app, "unit", unit))
        assert response.status_code == 200
        assert response.mimetype == "text/calendar"
        found = {uid: e.dtstart.value for uid, e in events(read(response.data)).items()}
        assert found == expected_due_dates(app, unit)
        with_events += bool(found)
    assert with_events >= 25


def test_events_are_all_day_with_role_status_text_units_and_link(app, client):
    noivu = unit_id(app, "Phòng Nội vụ")
    cal = read(feed(client, issue(app, "unit", noivu)).data)
    assert cal.x_wr_calname.value == "PAPI – Phòng Nội vụ"
    assert cal.contents["name"][0].value == "PAPI – Phòng Nội vụ"
    assert cal.x_wr_timezone.value == "Asia/Ho_Chi_Minh"
    assert cal.contents["color"][0].value == "steelblue"
    assert cal.contents["refresh-interval"][0].value == "PT1H"
    assert cal.contents["refresh-interval"][0].params["VALUE"] == ["DURATION"]
    assert cal.x_published_ttl.value == "PT1H"
    with app.app_context():
        assignment = db.session.scalar(
            select(Assignment)
            .join(Activity)
            .where(Activity.number == "1.2", Assignment.unit_id == noivu)
        )
        period_id = _plan_periods(assignment)[0][0]
    event = events(cal)[f"assignment-{assignment.id}-period-{period_id}@{HOST}"]
    assert isinstance(event.dtstart.value, date) and not isinstance(event.dtstart.value, datetime)
    assert event.dtstart.value == date(2023, 6, 15)
    assert event.dtend.value == date(2023, 6, 16)  # exclusive: the next day
    assert event.summary.value.startswith("[Chủ trì] 1.2 Chuyển giao video tuyên truyền")
    assert event.summary.value.endswith("— Báo cáo 6 tháng đầu năm 2023: Chưa báo cáo")
    lines = event.description.value.split("\n")
    assert lines[0].startswith("Chuyển giao video tuyên truyền các nội dung có liên quan")
    assert "Đơn vị phối hợp: Ủy ban MTTQ Việt Nam thị xã; Phòng Văn hóa và Thông tin" in lines[1]
    assert "Thời gian thực hiện: Thường xuyên" in lines
    assert lines[-1] == f"Xem: http://127.0.0.1:5000/activities/{assignment.activity_id}"
    assert event.valarm.trigger.value.total_seconds() == -(2 * 86400 + 16 * 3600)
    assert event.valarm.action.value == "DISPLAY"


def test_a_commune_sees_its_group_once_and_no_personal_addresses(app, client):
    make_user(app, "vinhhai", "xã Vĩnh Hải")
    body = feed(client, issue(app, "user", _user_id(app, "vinhhai"), owner="vinhhai")).data
    cal = read(body)
    one_five = [e for e in events(cal).values() if " 1.5 " in e.summary.value]
    assert len(one_five) == 2  # two reporting periods: the first half, the year
    assert "Đơn vị chủ trì: UBND xã, phường (10)" in one_five[0].description.value
    text = body.decode()
    assert "mailto:" not in text.lower() and "ATTENDEE" not in text and "ORGANIZER" not in text
    assert all("@" not in line for line in text.split("\r\n") if not line.startswith("UID:"))


def _user_id(app, username: str) -> int:
    with app.app_context():
        return db.session.scalar(select(User.id).where(User.username == username))


def test_moving_a_deadline_keeps_the_uid_and_raises_sequence(app, client, frozen):
    # later than the seeded database was made, so the changes are the latest
    frozen(datetime(2030, 5, 2, 3, tzinfo=UTC))
    with app.app_context():
        activity = db.session.scalar(select(Activity).where(Activity.due_on.is_not(None)))
        lead = next(a for a in activity.assignments if a.role == "lead")
        unit, uid = lead.unit_id, f"assignment-{lead.id}-deadline@{HOST}"
        activity_id, old_due = activity.id, activity.due_on
    token = issue(app, "unit", unit)
    before = events(read(feed(client, token).data))[uid]
    assert before.dtstart.value == old_due

    frozen(datetime(2030, 6, 1, 3, tzinfo=UTC))
    with app.app_context():
        coordinator = db.session.scalar(select(User).where(User.username == "noivu"))
        reporting.change_deadline(
            db.session.get(Activity, activity_id), date(2024, 3, 31), "Gia hạn", coordinator
        )
        db.session.commit()
    after = events(read(feed(client, token).data))[uid]
    assert after.dtstart.value == date(2024, 3, 31)
    assert after.dtend.value == date(2024, 4, 1)
    assert int(after.sequence.value) > int(before.sequence.value)
    assert after.last_modified.value > before.last_modified.value
    assert f"Thời hạn ban đầu: {old_due:%d/%m/%Y}" in after.description.value

    frozen(datetime(2030, 6, 2, 3, tzinfo=UTC))
    with app.app_context():
        activities.edit_activity(
            db.session.get(Activity, activity_id),
            group=db.session.get(Activity, activity_id).group,
            number="6.3",
            text="Kiểm tra công vụ (sửa)",
            timeframe_text=db.session.get(Activity, activity_id).timeframe_text,
            dimension_ids=[],
            user=None,
        )
        db.session.commit()
    edited = events(read(feed(client, token).data))[uid]
    assert int(edited.sequence.value) > int(after.sequence.value)
    assert "Kiểm tra công vụ (sửa)" in edited.summary.value


def test_a_report_raises_the_sequence_of_its_period_only(app, client, frozen):
    frozen(datetime(2023, 5, 2, 3, tzinfo=UTC))
    make_user(app, "phuong1", "Phường 1")
    with app.app_context():
        assignment = db.session.scalar(
            select(Assignment)
            .join(Activity)
            .join(Unit, Unit.id == Assignment.unit_id)
            .where(Activity.number == "1.5", Unit.name == "Phường 1")
        )
        periods = sorted({p for p in _plan_periods(assignment)}, key=lambda p: p[1])
        aid, unit = assignment.id, assignment.unit_id
    token = issue(app, "unit", unit)
    first = events(read(feed(client, token).data))
    client.post("/login", data={"username": "phuong1", "password": "matkhau-phuong1"})
    client.post(
        f"/assignments/{aid}/periods/{periods[0][0]}/report",
        data={"status": "in_progress", "result": "Đang làm", "action": "submit"},
    )
    second = events(read(feed(client, token).data))
    h1, h2 = (f"assignment-{aid}-period-{p[0]}@{HOST}" for p in periods[:2])
    assert int(second[h1].sequence.value) > int(first[h1].sequence.value)
    assert second[h1].summary.value.endswith("Chờ duyệt (đang thực hiện)")
    assert second[h2].sequence.value == first[h2].sequence.value


def _plan_periods(assignment):
    from tracker.services.periods import plan_periods

    return [(p.id, p.due_on) for p in plan_periods(assignment.activity.plan)]


@pytest.fixture
def demo(demo_app):
    return demo_app


def test_done_items_are_marked_or_left_out(demo, frozen):
    frozen(datetime(2024, 1, 10, 3, tzinfo=UTC))
    client = demo.test_client()
    noivu = unit_id(demo, "Phòng Nội vụ")
    shown = events(read(feed(client, issue(demo, "unit", noivu)).data))
    done = [e for e in shown.values() if "✓" in e.summary.value]
    assert done, "the demo has accepted reports of Phòng Nội vụ"
    assert all(e.transp.value == "TRANSPARENT" for e in done)
    assert all("valarm" not in e.contents for e in done)
    assert all("status" not in e.contents for e in shown.values())  # never STATUS:CANCELLED
    six_three = next(e for e in shown.values() if " 6.3 " in e.summary.value)
    assert six_three.summary.value.endswith("— ✓ Đã hoàn thành")
    hidden = events(read(feed(client, issue(demo, "unit", noivu, include_done=False)).data))
    assert set(hidden) == set(shown) - {uid for uid, e in shown.items() if "✓" in e.summary.value}


def test_alarm_days_come_from_the_setting(app, client):
    token = issue(app, "unit", unit_id(app, "Phòng Tư pháp"))
    app.config["CALENDAR_ALARM_DAYS"] = 0
    body = feed(client, token).data.decode()
    assert "TRIGGER:PT8H" in body
    app.config["CALENDAR_ALARM_DAYS"] = None
    assert "VALARM" not in feed(client, token).data.decode()


def test_unchanged_feed_answers_304_without_a_body(app, client, frozen):
    frozen(datetime(2023, 5, 2, 3, tzinfo=UTC))
    token = issue(app, "unit", unit_id(app, "Phòng Nội vụ"))
    first = feed(client, token)
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    again = feed(client, token, **{"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == etag
    assert feed(client, token, **{"If-Modified-Since": modified}).status_code == 304
    # Any change to plan data makes a new version.
    with app.app_context():
        activity = db.session.scalar(select(Activity).where(Activity.number == "1.1"))
        activities.edit_activity(
            activity,
            group=activity.group,
            number="1.1",
            text=activity.text + " (bổ sung)",
            timeframe_text=activity.timeframe_text,
            dimension_ids=[],
            user=None,
        )
        db.session.commit()
    changed = feed(client, token, **{"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert "(bổ sung)" in changed.data.decode().replace("\r\n ", "")


def test_feed_headers_and_no_session(app, client):
    response = feed(client, issue(app, "unit", unit_id(app, "Phòng Nội vụ")))
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Cache-Control"].startswith("private")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "Set-Cookie" not in response.headers


def test_gzip_is_the_same_calendar_under_its_own_etag(app, client):
    token = issue(app, "plan", 1)
    plain = feed(client, token)
    zipped = feed(client, token, **{"Accept-Encoding": "gzip"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.data) == plain.data
    assert zipped.headers["ETag"] != plain.headers["ETag"]
    assert "Accept-Encoding" in zipped.headers["Vary"]
    assert len(zipped.data) < len(plain.data) / 5
    again = feed(
        client, token, **{"Accept-Encoding": "gzip", "If-None-Match": zipped.headers["ETag"]}
    )
    assert again.status_code == 304


@pytest.mark.parametrize("text", HOSTILE)
def test_activity_text_cannot_inject_properties(app, client, text):
    with app.app_context():
        plan = db.session.get(Plan, 1)
        group = plan.groups[0]
        activity = activities.add_activity(group, "9.9", text, "Trước ngày 30/6/2023", None)
        unit = db.session.scalar(select(Unit).where(Unit.name == "Phòng Tư pháp"))
        activities.add_assignment(activity, unit, "lead", None)
        # The services clean text on the way in; the feed must be safe without relying
        # on that, so the raw text goes into the row (and into the timeframe as written).
        activity.text = text
        activity.timeframe_text = "Trước ngày 30/6/2023" + text
        db.session.commit()
        stored, unit_key = activity.text, unit.id
        assignment_id = activity.assignments[0].id
    body = feed(client, issue(app, "unit", unit_key)).data
    cal = read(body)
    found = events(cal)
    assert set(found) == set(expected_due_dates(app, unit_key))
    event = found[f"assignment-{assignment_id}-deadline@{HOST}"]
    normalised = stored.replace("\r\n", "\n").replace("\r", "\n")
    assert event.description.value.split("\nThời gian thực hiện")[0] == normalised.strip()
    assert "9.9" in event.summary.value and "\n" not in event.summary.value
    assert "attendee" not in event.contents and "evil@x" not in found
    assert len(event.contents.get("valarm", [])) <= 1
    text_body = body.decode().replace("\r\n ", "")
    assert "\r\nATTENDEE" not in text_body and "\r\nUID:evil" not in text_body


_period_titles = {
    "Báo cáo 6 tháng đầu năm 2023",
    "Báo cáo Năm 2023",
}


def test_officer_downloads_an_activity_with_only_their_own_statuses(demo, frozen):
    frozen(datetime(2024, 1, 10, 3, tzinfo=UTC))
    make_user(demo, "phuong1", "Phường 1")
    client = demo.test_client()
    client.post("/login", data={"username": "phuong1", "password": "matkhau-phuong1"})
    with demo.app_context():
        activity_id = db.session.scalar(select(Activity.id).where(Activity.number == "1.5"))
    response = client.get(f"/activities/{activity_id}/calendar.ics")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == 'attachment; filename="hoat-dong-1.5.ics"'
    found = events(read(response.data))
    assert len(found) == 22  # ten communes and one supporting centre, two periods
    mine = [e for e in found.values() if "· Phường 1]" in e.summary.value]
    others = [e for e in found.values() if "· Phường 2]" in e.summary.value]
    assert any("✓" in e.summary.value for e in mine)
    # Phường 2 has reports of its own in the demo; they are private to it.
    assert len(others) == 2
    assert all(e.summary.value.rsplit("— ", 1)[1] in _period_titles for e in others)
    page = client.get(f"/activities/{activity_id}").get_data(as_text=True)
    assert f"/activities/{activity_id}/calendar.ics" in page
