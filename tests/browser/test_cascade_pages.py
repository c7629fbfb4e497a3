"""Issue 16 in chromium: a ward's office chooses the province plan its own plan carries
out and takes a province activity in, with its own lead unit and a tighter deadline;
the province's Sở Nội vụ sees the roll-up by commune and department — on a desktop
(1366×800) and on a phone (390×844), nothing wider than the screen."""

from __future__ import annotations

import pytest

from tests.browser.conftest import login, screenshot
from tests.web.test_cascade import PASSWORD, build_province

pytestmark = pytest.mark.browser


@pytest.fixture
def desktop(browser):
    context = browser.new_context(viewport={"width": 1366, "height": 800}, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


def fits(page, width):
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def take_in_and_roll_up(page, base, ids, width, name):
    login(page, base, "tantanh.vp", PASSWORD)
    page.goto(f"{base}/plans/{ids['commune_plan']}")
    page.click("nav.plan-nav >> text=Nhiệm vụ tỉnh giao")
    assert "Chọn kế hoạch của tỉnh" in page.inner_text("#parent-plan")
    page.select_option(
        "#parent",
        label="Kế hoạch số 12/KH-UBND ngày 10/2/2026 — Nâng cao Chỉ số PAPI tỉnh Sóc Trăng năm 2026",
    )
    page.click("#parent-plan button[type=submit]")
    page.wait_for_selector(".flash.success")
    offer = f"#offer-{ids['first']}"
    page.select_option(f"{offer} select", label="Phòng Kinh tế")
    page.fill(f"#due-{ids['first']}", "2026-09-15")
    fits(page, width)
    screenshot(page, f"cascade-offers-{name}")
    page.click(f"{offer} button[type=submit]")
    page.wait_for_selector(".flash.success")
    assert "Đã có trong kế hoạch" in page.inner_text(offer)
    assert "Trước ngày 15/9/2026" in page.inner_text(offer)
    fits(page, width)
    screenshot(page, f"cascade-taken-{name}")
    page.context.clear_cookies()
    login(page, base, "tinh.noivu", PASSWORD)
    page.goto(f"{base}/plans/{ids['plan']}/communes")
    assert "Đã có, nhận 1 nhiệm vụ" in page.inner_text("#commune-table")
    page.select_option("#sort", "overdue")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**sort=overdue**")
    assert page.input_value("#sort") == "overdue"
    fits(page, width)
    screenshot(page, f"cascade-rollup-{name}")


def test_cascade_on_a_desktop(live_server, desktop):
    base, app = live_server
    take_in_and_roll_up(desktop, base, build_province(app), 1366, "desktop")


def test_cascade_on_a_phone(live_server, phone):
    base, app = live_server
    take_in_and_roll_up(phone, base, build_province(app), 390, "phone")
