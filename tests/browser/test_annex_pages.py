"""The annex import flow and the matrix filters, as a person uses them in chromium."""

from __future__ import annotations

import pytest

from tests.browser.conftest import login, screenshot
from tests.conftest import SEED_ANNEX

pytestmark = pytest.mark.browser

# The seed annex with one unit the catalogue does not know.
UNKNOWN_UNIT = "Hội Nông dân thị xã"


def test_upload_preview_map_confirm(live_server, page, tmp_path):
    base, _app = live_server
    login(page, base)
    page.goto(f"{base}/plans/new")
    page.fill("#number", "15/KH-UBND")
    page.fill("#issued_on", "2024-03-01")
    page.fill("#year", "2024")
    page.fill("#title", "Cải thiện Chỉ số PAPI năm 2024")
    page.select_option("#noun", "chỉ tiêu")
    page.click("main button[type=submit]")
    page.wait_for_url("**/import")

    annex = SEED_ANNEX.read_text(encoding="utf-8").replace(
        "Ban Biên tập Cổng thông tin điện tử thị xã.\tThường xuyên",
        f"{UNKNOWN_UNIT}.\tThường xuyên",
    )
    upload = tmp_path / "phu-luc-2024.txt"
    upload.write_text(annex, encoding="utf-8")
    page.set_input_files("#file", str(upload))
    page.click("#upload-form button[type=submit]")
    page.wait_for_selector("#preview-form")
    assert page.inner_text("#activity-count") == "23"
    assert page.inner_text("#added-count") == "23"
    assert page.is_disabled("#confirm")
    assert UNKNOWN_UNIT in page.inner_text("#mapping")
    screenshot(page, "import-preview-unknown-unit")

    page.select_option(f"select[data-name='{UNKNOWN_UNIT}']", "new:mass_org")
    page.click("button[value=preview]")
    page.wait_for_selector("#preview-form")
    assert page.is_enabled("#confirm")
    page.click("#confirm")
    page.wait_for_url("**/annex")
    assert "thêm 23" in page.inner_text(".flash.success")
    assert page.locator("table.matrix tbody tr").count() == 23
    assert UNKNOWN_UNIT in page.inner_text("table.matrix")
    screenshot(page, "annex-after-import")

    # The same file again changes nothing.
    page.goto(page.url.replace("/annex", "/import"))
    page.set_input_files("#file", str(upload))
    page.click("#upload-form button[type=submit]")
    page.wait_for_selector("#no-changes")
    assert "Hội Nông dân" not in page.inner_text("#preview-form")  # remembered as a unit


def test_matrix_filters(live_server, page):
    base, _app = live_server
    login(page, base)
    page.goto(f"{base}/plans/1/annex")
    rows = page.locator("table.matrix tbody tr")
    assert rows.count() == 23

    page.fill("#q", "noi vu")
    page.click("#filters button[type=submit]")
    page.wait_for_load_state()
    assert "q=noi+vu" in page.url
    found = rows.count()
    assert 0 < found < 23
    assert all("Phòng Nội vụ" in rows.nth(i).inner_text() for i in range(found))

    page.goto(f"{base}/plans/1/annex")
    page.select_option("#unit", label="Phường 1")
    page.click("#filters button[type=submit]")
    page.wait_for_load_state()
    communes = rows.count()
    assert communes > 0
    text = page.inner_text("table.matrix")
    assert "UBND xã, phường (10)" in text

    page.goto(f"{base}/plans/1/annex")
    page.select_option("#timeframe", "other_plan")
    page.click("#filters button[type=submit]")
    page.wait_for_load_state()
    assert rows.count() == 1
    assert "1.4" in rows.first.inner_text()

    page.goto(f"{base}/plans/1/annex")
    page.select_option("#dimension", "7")
    page.click("#filters button[type=submit]")
    page.wait_for_load_state()
    numbers = [rows.nth(i).get_attribute("data-activity") for i in range(rows.count())]
    assert numbers == ["", "3.1", "6.9"]  # group 2's conference, training, waste
    screenshot(page, "annex-filter-dimension")


def test_matrix_on_a_phone(live_server, phone):
    base, _app = live_server
    login(phone, base)
    phone.goto(f"{base}/plans/1/annex")
    first = phone.locator("table.matrix tbody tr").first
    box = first.bounding_box()
    assert box is not None and box["width"] <= 390
    assert phone.evaluate("document.documentElement.scrollWidth") <= 400
    screenshot(phone, "annex-phone")
