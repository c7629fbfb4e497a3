"""A commune's focal officer in chromium (issue 16): the work page and the report form
speak of the commune's own office (its Văn phòng HĐND và UBND), not Vĩnh Châu's Phòng
Nội vụ, on a desk and on a phone."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from tests.browser.conftest import login, screenshot
from tests.web.test_tenancy import PASSWORD, two_tier
from tracker import clock
from tracker.extensions import db
from tracker.models import Assignment, ReportingPeriod

pytestmark = pytest.mark.browser

VIEWS = {"desktop": {"width": 1366, "height": 800}, "phone": {"width": 390, "height": 844}}
OFFICE = "Văn phòng HĐND và UBND"


def test_a_commune_officer_works_for_the_communes_office(live_server, browser, monkeypatch):
    base, app = live_server
    monkeypatch.setattr(clock, "frozen", datetime(2026, 8, 3, 3, tzinfo=UTC))
    ids = two_tier(app)
    with app.app_context():
        year = db.session.scalars(
            select(ReportingPeriod.id)
            .where(ReportingPeriod.plan_id == ids["plan_id"])
            .order_by(ReportingPeriod.ends_on)
        ).all()[1]
        lead = db.session.get(Assignment, ids["assignment_id"])
        support = db.session.scalar(
            select(Assignment).where(
                Assignment.unit_id == lead.unit_id, Assignment.role == "support"
            )
        )
        forms = {"desktop": lead.id, "phone": support.id}
    for name, viewport in VIEWS.items():
        context = browser.new_context(
            viewport=viewport, locale="vi-VN", is_mobile=name == "phone", has_touch=name == "phone"
        )
        page = context.new_page()
        page.set_default_timeout(15_000)
        login(page, base, "xa.kinhte", PASSWORD)
        assert page.url == f"{base}/work"

        page.goto(f"{base}/assignments/{forms[name]}/periods/{year}/report")
        assert page.locator("#submit-report").inner_text() == f"Gửi {OFFICE}"
        assert "Phòng Nội vụ" not in page.locator("main").inner_text()
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        screenshot(page, f"commune-report-form-{name}")
        if name == "desktop":  # sent once; the phone finds it waiting
            page.select_option("#status", "in_progress")
            page.fill("#result", "Đã họp dân ấp Hòa Phú.")
            page.click("#submit-report")
            page.wait_for_load_state()
            assert f"tới {OFFICE}; báo cáo đang chờ duyệt" in page.locator(".flash").inner_text()

        page.goto(f"{base}/work")
        work = page.locator("main").inner_text()
        assert f"chờ {OFFICE} duyệt" in work and "Phòng Nội vụ" not in work
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        screenshot(page, f"commune-work-{name}")
        context.close()
