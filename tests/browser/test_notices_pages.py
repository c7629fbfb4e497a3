"""Issue 15 in chromium: the coordinator returns and accepts reports on a plan whose
reminder window has closed and reads what happened; the unit's officer, on a phone, finds
both notices in the inbox at once; the coordinator chooses the daily list and finds it
there the next working morning, with the notices of reports sent before."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from tests.browser.conftest import login, screenshot
from tests.conftest import _live, make_user
from tracker import clock
from tracker.clock import LOCAL_TZ
from tracker.extensions import db
from tracker.models import Activity, Assignment, Unit, User
from tracker.models.reporting import ReportingPeriod
from tracker.scheduler import run_job
from tracker.services import reporting

pytestmark = pytest.mark.browser
MONDAY = date(2024, 2, 5)  # the seeded plan's reminders stopped on 14/1/2024


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=LOCAL_TZ).astimezone(UTC)


@pytest.fixture
def mail_live_server(fresh_database, seeded_db, mail_server):
    yield from _live(
        fresh_database,
        seeded_db,
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=mail_server.port,
        BASE_URL="https://papi.vinhchau.test",
    )


@pytest.fixture
def desktop(browser):
    context = browser.new_context(viewport={"width": 1366, "height": 800}, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def submitted(app, number: str, unit: str, username: str) -> int:
    with app.app_context():
        assignment = db.session.scalar(
            select(Assignment)
            .join(Activity)
            .join(Unit, Assignment.unit_id == Unit.id)
            .where(Activity.number == number, Unit.name == unit)
        )
        period = db.session.scalar(select(ReportingPeriod).order_by(ReportingPeriod.ends_on))
        officer = db.session.scalar(select(User).where(User.username == username))
        data = reporting.ReportInput(status="in_progress", result=f"Đã triển khai {number}")
        report = reporting.save_report(assignment, period, data, officer, submit=True)
        db.session.commit()
        return report.id


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def test_notices_arrive_in_the_inbox(mail_live_server, mail_server, desktop, phone, monkeypatch):
    base, app = mail_live_server
    monkeypatch.setattr(clock, "frozen", local(MONDAY, 9))
    make_user(app, "tuphap", "Phòng Tư pháp")
    make_user(app, "phuong1", "Phường 1")
    with app.app_context():
        for user in db.session.scalars(select(User)):
            user.email = f"{user.username}@vinhchau.test"
        db.session.commit()
    first = submitted(app, "1.3", "Phòng Tư pháp", "tuphap")
    second = submitted(app, "6.5", "Phòng Tư pháp", "tuphap")

    monkeypatch.setattr(clock, "frozen", local(MONDAY, 10, 15))
    login(desktop, base)
    desktop.goto(f"{base}/reports/{first}")
    desktop.fill("#comment", "Đề nghị bổ sung số tin bài đã đăng và đường dẫn.")
    desktop.click("#return")
    told = desktop.inner_text(".flash.success")
    assert "Đã trả lại báo cáo cho đơn vị." in told
    assert "thư điện tử sẽ gửi trong vòng 1 phút" in told
    screenshot(desktop, "notices-review-returned-desktop")
    desktop.goto(f"{base}/reports/{second}")
    desktop.click("#accept")
    assert "Đã chấp nhận báo cáo." in desktop.inner_text(".flash.success")

    login(phone, base, "tuphap", "matkhau-tuphap")
    phone.goto(f"{base}/inbox")
    inbox = phone.inner_text("#inbox")
    assert "[Báo cáo bị trả lại] 6 tháng đầu năm 2023 — hoạt động 1.3" in inbox
    assert "[Báo cáo được chấp nhận] 6 tháng đầu năm 2023 — hoạt động 6.5" in inbox
    assert phone.inner_text("#inbox-link .badge") == "2"
    assert fits(phone)
    screenshot(phone, "notices-inbox-officer-phone")
    assert mail_server.received == []
    assert run_job(app, "send-mail").message == "Gửi e-mail: 2 thư đã gửi, 0 lần gửi lỗi."
    assert {r.envelope_to[0] for r in mail_server.received} == {"tuphap@vinhchau.test"}

    # The coordinator chooses the daily list; Phường 1 sends two reports that day.
    login(phone, base)
    phone.goto(f"{base}/account/notifications")
    phone.check("#submitted_notices-1")
    phone.click("#email-settings button[type=submit]")
    assert "Đã lưu cách nhận thông báo." in phone.inner_text(".flash.success")
    assert phone.is_checked("#submitted_notices-1") and fits(phone)
    screenshot(phone, "notices-settings-phone")
    desktop.goto(f"{base}/account/notifications")
    screenshot(desktop, "notices-settings-desktop")
    monkeypatch.setattr(clock, "frozen", local(MONDAY, 14))
    submitted(app, "1.5", "Phường 1", "phuong1")
    submitted(app, "4.1", "Phường 1", "phuong1")

    monkeypatch.setattr(clock, "frozen", local(MONDAY.replace(day=6), 7, 30))
    assert run_job(app, "reminders").status == "ok"
    login(phone, base)  # the evening's idle time ended yesterday's session
    phone.goto(f"{base}/inbox")
    inbox = phone.inner_text("#inbox")
    assert "[Tổng hợp ngày 06/02/2024] 02 báo cáo đơn vị đã gửi" in inbox
    assert inbox.count("[Báo cáo mới] Phòng Tư pháp") == 2 and "[Báo cáo mới] Phường 1" not in inbox
    phone.click("#inbox details >> nth=0")
    assert "Phường 1: 6 tháng đầu năm 2023 — hoạt động 4.1" in phone.inner_text("#inbox")
    assert fits(phone)
    screenshot(phone, "notices-inbox-coordinator-phone")
    login(desktop, base)
    desktop.goto(f"{base}/inbox")
    desktop.click("#inbox details >> nth=0")
    screenshot(desktop, "notices-inbox-coordinator-desktop")
    desktop.click("#inbox .card >> nth=0 >> a.btn")
    assert desktop.url.endswith("/plans/1/reviews")
    desktop.goto(f"{base}/reminders")
    assert "trong vòng 1 phút" in desktop.inner_text("main p.muted")
    screenshot(desktop, "notices-outbox-desktop")
    phone.goto(f"{base}/reminders")
    screenshot(phone, "notices-outbox-phone")
