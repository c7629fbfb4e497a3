"""Every page on a phone (390×844) in chromium, as each role opens it: nothing scrolls
sideways, the menu is one line until opened, a disabled button looks disabled; the annex
and the dashboard print without the site around them; no request gets a 404 (the favicon
included). Screenshots go to test-artifacts/phone-<role>-<page>.png."""

from __future__ import annotations

import pytest

from tests.browser.conftest import login, screenshot
from tests.conftest import SEED_ANNEX, make_user
from tests.web.test_every_page import FILES, OFFICER_UNIT, ROLES, every_page

pytestmark = pytest.mark.browser

PHONE_WIDTH = 390


def _failed_requests(page) -> list[str]:
    """Failed requests a page makes for its parts (styles, scripts, icons, pictures)."""
    failed: list[str] = []
    page.on(
        "response",
        lambda r: (
            failed.append(f"{r.status} {r.url}")
            if r.status >= 400 and r.request.resource_type != "document"
            else None
        ),
    )
    return failed


@pytest.mark.parametrize("role", ROLES)
def test_every_page_fits_a_phone_for_each_role(demo_live_server, phone, role):
    """Every page the role may open (tests/web/test_every_page.py's list, read from the
    app's routes) is no wider than the phone; screenshots phone-<role>-<page>.png."""
    base, app = demo_live_server
    make_user(app, "tuphap", OFFICER_UNIT)
    make_user(app, "lanhdao", None, role="leader")
    failed = _failed_requests(phone)
    login(phone, base, *ROLES[role])
    too_wide, seen = {}, 0
    for endpoint, path in sorted(every_page(app).items()):
        if endpoint in FILES:
            continue
        response = phone.goto(f"{base}{path}")
        if response is None or response.status != 200 or "/login" in phone.url:
            continue  # not this role's page
        if not response.headers.get("content-type", "").startswith("text/html"):
            continue  # the JSON API
        seen += 1
        width = phone.evaluate("document.documentElement.scrollWidth")
        # A page wider than the screen makes a mobile browser zoom out (innerWidth grows
        # with it), so the screen's own width is the measure too.
        if width > phone.evaluate("window.innerWidth") or width > PHONE_WIDTH:
            too_wide[endpoint] = width
        screenshot(phone, f"phone-{role}-{endpoint.replace('.', '-')}")
    assert seen >= 15
    assert too_wide == {}
    assert failed == []


def test_phone_menu_is_one_line_until_opened(demo_live_server, phone):
    base, _app = demo_live_server
    login(phone, base)
    phone.goto(f"{base}/plans/1/annex")
    header = phone.locator("header.top")
    assert header.bounding_box()["height"] < 60  # the brand and one button
    assert not phone.is_visible("header nav")
    toggle = phone.locator("header [data-menu]")
    assert toggle.get_attribute("aria-expanded") == "false"
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"
    assert phone.is_visible("header nav >> text=Hộp thư")
    assert phone.is_visible("header nav >> text=Nhắc việc đã gửi")
    assert phone.is_visible("header .who >> text=Đăng xuất")
    screenshot(phone, "phone-menu-open")
    phone.click("header nav >> text=Hộp thư")
    phone.wait_for_url("**/inbox")
    assert phone.locator("h1").inner_text() == "Hộp thư"
    assert phone.locator("header nav a[aria-current=page]").inner_text() == "Hộp thư"


def test_menu_stays_open_without_scripts(demo_live_server, browser):
    base, _app = demo_live_server
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, java_script_enabled=False
    )
    page = context.new_page()
    login(page, base)
    page.goto(f"{base}/plans")
    assert page.is_visible("header nav >> text=Việc cần báo cáo")
    assert not page.is_visible("header [data-menu]")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH
    context.close()


def test_disabled_button_looks_disabled(demo_live_server, phone):
    """An annex naming a unit the catalogue does not know cannot be confirmed yet: the
    confirm button is disabled and looks it (greyed, no pointer) beside one that works."""
    base, _app = demo_live_server
    login(phone, base)
    phone.goto(f"{base}/plans/1/import")
    annex = SEED_ANNEX.read_text(encoding="utf-8").replace(
        "Ban Biên tập Cổng thông tin điện tử thị xã.\tThường xuyên",
        "Hội Nông dân thị xã.\tThường xuyên",
    )
    phone.fill("#pasted", annex)
    phone.click("#upload-form button[type=submit]")
    phone.wait_for_selector("#preview-form")
    assert phone.is_disabled("#confirm")

    def look(selector: str) -> list[str]:
        return phone.locator(selector).evaluate(
            "b => { const s = getComputedStyle(b); return [s.cursor, s.backgroundColor, s.color]; }"
        )

    assert look("#confirm") == ["not-allowed", "rgb(230, 233, 237)", "rgb(122, 133, 145)"]
    assert look("#reread")[0] == "pointer"
    phone.locator("#confirm").scroll_into_view_if_needed()
    screenshot(phone, "phone-disabled-button")


def test_annex_and_dashboard_print_without_the_site(demo_live_server, page):
    base, _app = demo_live_server
    login(page, base)
    for name, path in (("annex", "/plans/1/annex"), ("dashboard", "/plans/1/dashboard")):
        page.goto(f"{base}{path}")
        assert page.is_visible("[data-print]")
        page.emulate_media(media="print")
        for hidden in ("header.top", "form.filters", ".plan-nav", "[data-print]"):
            assert not page.is_visible(hidden), (name, hidden)
        table = "table.matrix" if name == "annex" else "#group-table"
        assert page.evaluate(
            f"getComputedStyle(document.querySelector('{table} thead')).display"
        ) == (
            "table-header-group"  # repeated on every sheet
        )
        assert page.evaluate(
            f"getComputedStyle(document.querySelector('{table} tr')).breakInside"
        ) == ("avoid")
        assert (
            page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(255, 255, 255)"
        )
        screenshot(page, f"print-{name}")
        page.emulate_media(media="screen")
