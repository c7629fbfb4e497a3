"""The whole annex on one page (?page=all, issue 17) in chromium: reached from the pager,
every activity shown, no wider than a phone, printed without the site around it.
Screenshots: test-artifacts/annex-all-{desktop,phone,print}.png (whole pages) and
annex-all-{desktop,phone}-top.png (the first screen)."""

from __future__ import annotations

import pytest

from tests.browser.conftest import ARTIFACTS, login, screenshot
from tests.web.test_annex_matrix import varied_plan

pytestmark = pytest.mark.browser

PHONE_WIDTH = 390


def test_the_pager_leads_to_the_whole_plan(live_server, page):
    base, app = live_server
    plan_id = varied_plan(app)
    login(page, base)
    page.goto(f"{base}/plans/{plan_id}/annex")
    assert page.locator("table.matrix tbody tr").count() == 100
    page.locator(".pager >> text=Xem tất cả").first.click()
    page.wait_for_url("**page=all")
    assert page.locator("table.matrix tbody tr").count() == 230
    assert "tất cả trên một trang" in page.inner_text("#count")
    screenshot(page, "annex-all-desktop")
    page.screenshot(path=str(ARTIFACTS / "annex-all-desktop-top.png"))
    page.select_option("#timeframe", "deadline")
    page.click("form.filters button[type=submit]")
    page.wait_for_load_state()
    shown = page.locator("table.matrix tbody tr").count()
    assert 0 < shown < 230  # the filter's own page, whose pager again offers it all
    page.emulate_media(media="print")
    page.goto(f"{base}/plans/{plan_id}/annex?page=all")
    for hidden in ("header.top", "form.filters", ".pager"):
        assert not page.locator(hidden).first.is_visible(), hidden
    assert page.locator("table.matrix tbody tr").count() == 230
    assert not page.locator(".print-only").first.is_visible()  # no "this page only" note
    screenshot(page, "annex-all-print")


def test_the_whole_plan_fits_a_phone(live_server, phone):
    base, app = live_server
    plan_id = varied_plan(app)
    login(phone, base)
    phone.goto(f"{base}/plans/{plan_id}/annex?page=all")
    assert phone.locator("table.matrix tbody tr").count() == 230
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE_WIDTH and width <= phone.evaluate("window.innerWidth")
    screenshot(phone, "annex-all-phone")
    phone.screenshot(path=str(ARTIFACTS / "annex-all-phone-top.png"))
