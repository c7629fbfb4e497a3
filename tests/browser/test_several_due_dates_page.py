"""Correcting how an annex's timeframe reads, in the import preview, as Phòng Nội vụ does
it in chromium (issue 14): the flagged row, a clearer phrase typed in, read again."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from tests.browser.conftest import login, screenshot
from tests.web.several_due_dates_support import ANNEX, PHRASES
from tracker.extensions import db
from tracker.models import Activity, Locality
from tracker.services import plans

pytestmark = pytest.mark.browser


def test_a_flagged_timeframe_corrected_in_the_preview(live_server, page):
    base, app = live_server
    with app.app_context():
        plan = plans.create_plan(
            db.session.scalar(select(Locality)),
            number="05/KH-UBND",
            issued_on=date(2025, 1, 10),
            year=2025,
            title="Cải thiện Chỉ số PAPI năm 2025",
            noun="nhiệm vụ",
            user=None,
        )
        db.session.commit()
        plan_id = plan.id
    login(page, base)
    page.goto(f"{base}/plans/{plan_id}/import")
    page.fill("#pasted", ANNEX)
    page.click("#upload-form button[type=submit]")
    page.wait_for_selector("#preview-form")

    row = page.locator("#parsed tbody tr").filter(has_text=PHRASES["2.2"])
    cell = row.locator("td.timeframe")
    assert "Cần kiểm tra" in cell.inner_text()
    assert "Chưa xác định được thời hạn" in cell.inner_text()
    field = cell.locator("input")
    assert field.is_visible()  # a doubtful reading opens its correction
    line = row.locator("td").first.inner_text().strip()  # "Dòng": the annex's row
    assert field.get_attribute("name") == f"tf::{line}"

    field.fill("từ tháng 7 đến tháng 12/2025")
    page.click("#reread")
    page.wait_for_selector("#preview-form")
    row = page.locator("#parsed tbody tr").filter(has_text=PHRASES["2.2"])
    cell = row.locator("td.timeframe")
    text = cell.inner_text()
    assert "01/07/2025" in text and "31/12/2025" in text
    assert "Cần kiểm tra" not in text
    assert "Cách đọc đã sửa" in text
    assert cell.locator("input").input_value() == "từ tháng 7 đến tháng 12/2025"
    assert page.is_enabled("#confirm")
    cell.scroll_into_view_if_needed()
    screenshot(page, "import-preview-timeframe-corrected")

    page.click("#confirm")
    page.wait_for_url("**/annex")
    with app.app_context():
        stored = db.session.scalar(
            select(Activity).where(Activity.plan_id == plan_id, Activity.number == "2.2")
        )
        assert stored.timeframe_text == PHRASES["2.2"]
        assert (stored.starts_on, stored.due_on) == (date(2025, 7, 1), date(2025, 12, 31))
