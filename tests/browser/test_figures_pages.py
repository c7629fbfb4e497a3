"""The figures as Phòng Nội vụ and leaders see them (issue 12), in chromium at a desk
and on a phone: the dashboard's headline, parts and legend, what waits for a unit to be
named, an activity's "07/10 xã, phường", and the report settings the Word file uses."""

from __future__ import annotations

import pytest

from tests.browser.conftest import login, screenshot

pytestmark = pytest.mark.browser

HEADLINE = "Đã và đang triển khai thực hiện được 07/23 nhiệm vụ, đạt 30,43% kế hoạch"


def test_dashboard_at_a_desk_and_on_a_phone(demo_live_server, page, phone):
    base, _app = demo_live_server
    for browser, name in ((page, "dashboard"), (phone, "dashboard-phone")):
        login(browser, base)
        browser.goto(f"{base}/plans/1/dashboard?as_of=2023-12-20")
        assert HEADLINE in browser.inner_text("#headline")
        assert browser.inner_text("#count-carried").startswith("07/23")
        assert browser.inner_text("#count-done").startswith("02/23")
        assert "Các cơ quan khác thực hiện tự kiểm tra" in browser.inner_text("#unresolved")
        assert "đã hoàn thành" in browser.inner_text(".legend")
        communes = browser.inner_text("#communes")
        assert "07/10 xã, phường (Phường 1, Phường 2" in communes
        assert browser.evaluate("document.documentElement.scrollWidth") <= browser.evaluate(
            "window.innerWidth"
        )
        screenshot(browser, name)
    page.select_option("#period", "2023-H1")
    page.click("form.filters button[type=submit]")
    page.wait_for_load_state()
    assert "Số liệu kỳ 6 tháng đầu năm 2023" in page.inner_text("#headline")


def test_activity_and_report_settings(demo_live_server, page):
    base, _app = demo_live_server
    login(page, base)
    page.goto(f"{base}/plans/1/annex")
    page.click("text=1.5. Thông tin tuyên truyền")
    status = page.inner_text("#group-progress")
    assert "Triển khai một phần" in status and "07/10 xã, phường" in status
    page.goto(f"{base}/plans/1/periods")
    page.fill("#signer_name", "Nguyễn Văn A")
    page.select_option("#signer_role", "chairman")
    page.fill("#recipient", "Sở Nội vụ tỉnh Sóc Trăng")
    page.click("#report-settings button[type=submit]")
    assert "Đã lưu thông tin báo cáo." in page.inner_text(".flash.success")
    assert page.input_value("#signer_name") == "Nguyễn Văn A"
    screenshot(page, "report-settings")
    page.goto(f"{base}/plans/1/exports?as_of=2023-12-20")
    assert page.input_value("#to") == "Sở Nội vụ tỉnh Sóc Trăng"
    assert HEADLINE in page.inner_text("#export-headline")
    screenshot(page, "exports")
