"""The audit page on a phone: filters stacked, one card per event, no sideways scrolling."""

from __future__ import annotations

import pytest

from tests.browser.conftest import login, screenshot

pytestmark = pytest.mark.browser


def test_audit_page_on_a_phone(live_server, phone):
    base, _app = live_server
    login(phone, base, "noivu", "sai-mat-khau")  # a failed sign-in to show
    login(phone, base)
    phone.click("header [data-menu]")  # on a phone the pages are behind the Menu button
    phone.click("header nav >> text=Nhật ký")
    phone.wait_for_load_state()
    assert phone.locator("h1").inner_text() == "Nhật ký hệ thống"
    rows = phone.locator("#audit tbody tr")
    assert "Đăng nhập không thành công" in rows.nth(1).inner_text()
    label = "getComputedStyle(document.querySelector('#audit td[data-label]'), '::before').content"
    assert phone.evaluate(label) == '"Lúc"'  # labels stand in for the hidden header
    assert phone.evaluate("document.documentElement.scrollWidth") <= 400
    phone.select_option("#action", "auth.sign_in_failed")
    phone.click("#audit-filters button[type=submit]")
    phone.wait_for_load_state()
    assert rows.count() == 1
    screenshot(phone, "audit-phone")
