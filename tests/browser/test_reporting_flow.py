"""Issue 3's done-when, in chromium: the coordinator creates a commune officer; the
officer, on a phone, reports with evidence and submits; the coordinator returns it; the
officer fixes and resubmits; the coordinator accepts."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.browser.conftest import login, screenshot
from tracker import clock

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def in_may_2023(monkeypatch):
    monkeypatch.setattr(clock, "frozen", datetime(2023, 5, 2, 3, tzinfo=UTC))


def logout(page):
    page.click("header .who button[type=submit]")
    page.wait_for_url("**/login")


def test_report_return_resubmit_accept(live_server, page, phone, tmp_path):
    base, _app = live_server
    login(page, base)
    page.goto(f"{base}/users")
    page.fill("#username", "vinhhai.canbo")
    page.fill("#full_name", "Lâm Thị Bích")
    page.select_option("#role", "officer")
    page.select_option("#unit_id", label="xã Vĩnh Hải")
    page.fill("#password", "vinhhai-2023")
    page.click("#new-user button[type=submit]")
    assert "Đã tạo tài khoản «vinhhai.canbo»" in page.inner_text(".flash.success")

    login(phone, base, "vinhhai.canbo", "vinhhai-2023")
    # The first sign-in asks for a password of the officer's own, then opens the work page.
    assert phone.inner_text("h1") == "Đặt mật khẩu của bạn"
    phone.fill("#current", "vinhhai-2023")
    phone.fill("#new", "bich-vinhhai-2023")
    phone.fill("#confirm", "bich-vinhhai-2023")
    phone.click("main button[type=submit]")
    phone.wait_for_url(f"{base}/work")
    assert phone.inner_text("h1") == "xã Vĩnh Hải"
    screenshot(phone, "work-page-phone")
    phone.click("#due .work-item[data-activity='1.5'] a.btn")
    phone.select_option("#status", "done")
    phone.fill("#result", "Tổ chức 6 buổi tuyên truyền quy chế dân chủ tại 6 ấp.")
    phone.fill("#evidence_text", "Kế hoạch số 12/KH-UBND ngày 15/02/2023 của UBND xã Vĩnh Hải")
    phone.fill("#completed_on", "2023-04-28")
    phone.click("#submit-report")
    phone.wait_for_selector("#state")
    assert phone.inner_text("#state") == "Đã gửi, chờ duyệt"
    assert "12/KH-UBND" in phone.inner_text("#documents")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 400
    screenshot(phone, "report-submitted-phone")
    report_url = phone.url

    page.goto(report_url)
    page.fill("#comment", "Đề nghị bổ sung số lượt người tham dự.")
    page.click("#return")
    assert page.inner_text("#state") == "Bị trả lại"

    phone.goto(f"{base}/work")
    returned = phone.inner_text("#returned")
    assert "bổ sung số lượt người tham dự" in returned
    phone.click("#returned a.btn:has-text('Sửa và gửi lại')")  # the form, comment on top
    assert "bổ sung số lượt người tham dự" in phone.inner_text("#returned-comment")
    evidence = tmp_path / "bien-ban-hoi-nghi.pdf"
    evidence.write_bytes(b"%PDF-1.4\n% bien ban hoi nghi\n%%EOF\n")
    phone.set_input_files("#files", str(evidence))
    phone.fill("#result", "Tổ chức 6 buổi tuyên truyền tại 6 ấp, 412 lượt người tham dự.")
    phone.click("#submit-report")
    phone.wait_for_selector("#state")
    assert "bien-ban-hoi-nghi.pdf" in phone.inner_text("#attachments")

    page.goto(report_url)
    assert "bien-ban-hoi-nghi.pdf" in page.inner_text("#attachments")
    page.click("#accept")
    assert page.inner_text("#state") == "Đã được chấp nhận"
    page.click("text=← Hoạt động")
    assert "01/10 xã, phường" in page.inner_text("#group-progress")
    screenshot(page, "activity-after-accept")

    phone.goto(f"{base}/work")
    assert "Đã được chấp nhận" in phone.inner_text("#accepted")

    # The officer subscribes to the commune's deadlines from the phone (issue 6).
    phone.click("header [data-menu]")  # on a phone the pages are behind the Menu button
    phone.click("header nav a:has-text('Lịch')")
    phone.wait_for_url("**/calendar")
    phone.click("[id^=feed-unit-] button[type=submit]")
    phone.wait_for_selector("#new-link")
    assert phone.is_visible("#qr svg")
    qr = phone.locator("#qr svg").bounding_box()
    assert qr is not None and 120 <= qr["width"] <= 390
    webcal = phone.input_value("#webcal-link")
    https = phone.input_value("#https-link")
    assert webcal.startswith("webcal://") and https.startswith("http")
    assert webcal.split("://")[1] == https.split("://")[1]
    phone.click("[data-copy=https-link]")
    # the clipboard answers asynchronously; the script is app.js (no inline script: CSP)
    phone.locator("[data-copy=https-link]", has_text="Đã sao chép").wait_for()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 400
    screenshot(phone, "calendar-link-phone")
    path = "/cal/" + https.split("/cal/")[1]
    feed = phone.request.get(f"{base}{path}")
    assert feed.status == 200 and feed.headers["content-type"].startswith("text/calendar")
    assert "xã Vĩnh Hải" in feed.text()
    phone.reload()
    assert not phone.is_visible("#new-link")  # shown once
