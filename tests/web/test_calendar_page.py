"""The "Lịch" page: which feeds each role may have, a new link shown once with its QR
code, settings per link, refusals in Vietnamese that change nothing; `calendar-url`."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from tests.conftest import make_user
from tests.web.calendar_support import issue, read, unit_id
from tracker.extensions import db
from tracker.models import CalendarToken, User


def login(client, username: str, password: str | None = None):
    password = password or f"matkhau-{username}"
    client.post("/login", data={"username": username, "password": password})


def tokens(app) -> list[tuple]:
    with app.app_context():
        return db.session.execute(
            select(CalendarToken.scope, CalendarToken.scope_id, CalendarToken.revoked_at)
        ).all()


def link_on(page: str) -> str:
    match = re.search(r'value="(https?://[^"]+/cal/[A-Za-z0-9_-]{43}\.ics)"', page)
    assert match, "a new link is on the page"
    return match.group(1)


def test_officer_makes_a_link_and_sees_it_once(app, client):
    make_user(app, "phuong1", "Phường 1")
    login(client, "phuong1")
    page = client.get("/calendar")
    assert page.headers["Cache-Control"] == "no-store"
    text = page.get_data(as_text=True)
    assert "Việc của tôi – Phường 1" in text and 'id="feed-unit-' in text
    assert "Google Calendar" in text and "Outlook" in text and "iPhone" in text
    assert 'href="/calendar"' in text  # the nav link
    with app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.username == "phuong1"))
    response = client.post(
        "/calendar/feeds", data={"scope": "user", "scope_id": user_id, "include_done": "y"}
    )
    assert response.status_code == 302
    shown = client.get("/calendar").get_data(as_text=True)
    url = link_on(shown)
    assert url.startswith("http://127.0.0.1:5000/cal/")
    assert "webcal://127.0.0.1:5000/cal/" in shown
    assert "<svg viewBox=" in shown and 'class="segno"' in shown  # the QR code, inline
    assert 'data-copy="https-link"' in shown and '<script src="/static/app.js" defer>' in shown
    path = url.split("5000", 1)[1]
    cal = read(client.get(path).data)
    assert cal.x_wr_calname.value == "PAPI – Việc của tôi – Phường 1"
    later = client.get("/calendar").get_data(as_text=True)
    assert "/cal/" not in later  # shown once
    assert "Đã có liên kết" in later


def test_officer_cannot_have_another_units_feed(app, client):
    make_user(app, "phuong1", "Phường 1")
    login(client, "phuong1")
    for data in (
        {"scope": "unit", "scope_id": unit_id(app, "Phường 2")},
        {"scope": "plan", "scope_id": 1},
        {"scope": "user", "scope_id": 1},  # the coordinator's personal feed
    ):
        page = client.post("/calendar/feeds", data=data, follow_redirects=True)
        assert "Tài khoản này không được đăng ký lịch này." in page.get_data(as_text=True)
    bad = client.post(
        "/calendar/feeds", data={"scope": "bogus", "scope_id": 1}, follow_redirects=True
    )
    assert "Chọn lịch cần tạo liên kết." in bad.get_data(as_text=True)
    missing = client.post(
        "/calendar/feeds", data={"scope": "unit", "scope_id": 99999}, follow_redirects=True
    )
    assert "Không tìm thấy đơn vị" in missing.get_data(as_text=True)
    assert tokens(app) == []


def test_leader_has_plan_feeds_and_coordinator_manages_every_link(app, client):
    make_user(app, "chutich", None, role="leader")
    make_user(app, "phuong1", "Phường 1")
    officer_link = issue(app, "unit", unit_id(app, "Phường 1"), owner="phuong1")
    login(client, "chutich")
    page = client.get("/calendar").get_data(as_text=True)
    assert 'id="feed-plan-1"' in page and "Việc của tôi" not in page
    assert "Mọi liên kết đang hoạt động" not in page
    client.post("/calendar/feeds", data={"scope": "plan", "scope_id": 1, "include_done": "y"})
    assert "/cal/" in client.get("/calendar").get_data(as_text=True)
    refused = client.post(
        "/calendar/feeds", data={"scope": "unit", "scope_id": unit_id(app, "Phường 1")}
    )
    assert refused.status_code == 302
    assert len(tokens(app)) == 2
    client.post("/logout")

    login(client, "noivu", "noivu2023")
    page = client.get("/calendar").get_data(as_text=True)
    assert "Mọi liên kết đang hoạt động" in page and "Cán bộ Phường 1" in page
    assert 'id="unit-feed"' in page
    with app.app_context():
        officer_row = db.session.scalar(
            select(CalendarToken.id).where(CalendarToken.scope == "unit")
        )
    client.post(f"/calendar/feeds/{officer_row}/revoke")
    assert client.get(f"/cal/{officer_link}").status_code == 404
    client.post(
        "/calendar/feeds",
        data={"scope": "unit", "scope_id": unit_id(app, "Phường 2"), "plan_id": 1},
    )
    made = client.get("/calendar").get_data(as_text=True)
    assert "Liên kết mới: Phường 2 (63/KH-UBND)" in made


def test_hiding_done_items_is_a_setting_of_the_link(demo_app):
    client = demo_app.test_client()
    login(client, "noivu", "noivu2023")
    token = issue(demo_app, "unit", unit_id(demo_app, "Phòng Nội vụ"), owner="noivu")
    before = client.get(f"/cal/{token}.ics")
    with demo_app.app_context():
        row_id = db.session.scalar(select(CalendarToken.id))
    page = client.post(f"/calendar/feeds/{row_id}/settings", data={}, follow_redirects=True)
    assert "Đã lưu." in page.get_data(as_text=True)
    after = client.get(f"/cal/{token}.ics", headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200
    assert b"\xe2\x9c\x93" in before.data and b"\xe2\x9c\x93" not in after.data  # ✓
    with demo_app.app_context():
        assert db.session.scalar(select(CalendarToken.include_done)) is False


def test_calendar_url_command(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["calendar-url", "--unit", "phong noi vu"])
    assert first.exit_code == 0, first.output
    assert "Lịch của Phòng Nội vụ (mọi kế hoạch):" in first.output
    url = re.search(r"http://127\.0\.0\.1:5000(/cal/\S+\.ics)", first.output).group(1)
    assert "webcal://127.0.0.1:5000/cal/" in first.output
    client = app.test_client()
    assert client.get(url).status_code == 200

    again = runner.invoke(args=["calendar-url", "--unit", "Phòng Nội vụ"])
    assert again.exit_code == 1
    assert "không thể in lại" in again.output and "--new" in again.output
    assert "/cal/" not in again.output

    new = runner.invoke(args=["calendar-url", "--unit", "Phòng Nội vụ", "--new"])
    assert new.exit_code == 0
    assert client.get(url).status_code == 404
    new_url = re.search(r"http://127\.0\.0\.1:5000(/cal/\S+\.ics)", new.output).group(1)
    assert client.get(new_url).status_code == 200

    one_plan = runner.invoke(args=["calendar-url", "--unit", "Phòng Nội vụ", "--plan", "2023"])
    assert one_plan.exit_code == 0 and "Kế hoạch số 63/KH-UBND" in one_plan.output
    with app.app_context():
        assert (
            db.session.scalar(
                select(func.count())
                .select_from(CalendarToken)
                .where(CalendarToken.revoked_at.is_(None))
            )
            == 2
        )

    unknown = runner.invoke(args=["calendar-url", "--unit", "Phòng Không Có"])
    assert unknown.exit_code == 1 and "Không tìm thấy đơn vị «Phòng Không Có»" in unknown.output
    bad_plan = runner.invoke(args=["calendar-url", "--unit", "Phòng Nội vụ", "--plan", "1999"])
    assert bad_plan.exit_code == 1 and "Không tìm thấy kế hoạch" in bad_plan.output


def test_coordinator_is_told_when_the_base_url_is_not_this_address(app, client):
    login(client, "noivu", "noivu2023")
    assert 'id="base-url-warning"' in client.get("/calendar").get_data(as_text=True)
    app.config["BASE_URL"] = "http://localhost"  # the test client's own address
    assert 'id="base-url-warning"' not in client.get("/calendar").get_data(as_text=True)
