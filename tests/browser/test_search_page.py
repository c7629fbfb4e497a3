"""The search page in chromium, on a desktop and on a phone: the form, results grouped
by kind with their counts, highlighted words, "xem thêm", no sideways scrolling."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.browser.conftest import login, screenshot
from tracker.extensions import db
from tracker.models import ProgressReport, User
from tracker.services import attachments

pytestmark = pytest.mark.browser


@pytest.fixture
def server(demo_live_server):
    """The demo plan with an evidence file on its first report."""
    base, app = demo_live_server
    with app.app_context():
        report = db.session.scalar(select(ProgressReport).order_by(ProgressReport.id))
        user = db.session.scalar(select(User).where(User.username == "noivu"))
        attachments.add_attachment(
            report,
            "Biên bản tuyên truyền Chỉ số PAPI.pdf",
            b"%PDF-1.4 bien ban",
            user,
            app.config["ATTACHMENTS_DIR"],
            app.config["MAX_ATTACHMENT_BYTES"],
        )
        db.session.commit()
    return base


@pytest.mark.parametrize(
    ("name", "viewport", "mobile"),
    [
        ("desktop", {"width": 1366, "height": 800}, False),
        ("phone", {"width": 390, "height": 844}, True),
    ],
)
def test_search_page(browser, server, name, viewport, mobile):
    context = browser.new_context(
        viewport=viewport, is_mobile=mobile, has_touch=mobile, locale="vi-VN"
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        login(page, server)
        page.goto(f"{server}/search")
        assert page.locator("#search-hint").inner_text() == "Nhập ít nhất 2 ký tự để tìm."
        page.fill("#search-q", "tuyen truyen")
        page.click("#search-form button[type=submit]")
        page.wait_for_load_state()
        summary = page.locator("#search-summary").inner_text()
        for kind in ("Hoạt động", "Báo cáo tiến độ", "Tệp minh chứng"):
            assert kind in summary
        assert page.locator("#search-file mark").first.inner_text() == "tuyên"
        assert page.locator("#search-activity li").count() >= 2
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        screenshot(page, f"search-{name}")
        page.click("#search-file li a")
        page.wait_for_load_state()
        assert page.url.endswith("#attachments")
        assert "Biên bản tuyên truyền Chỉ số PAPI.pdf" in page.locator("#attachments").inner_text()
        page.goto(f"{server}/search?q=thuong+xuyen")
        page.click("#search-activity a.more")
        page.wait_for_load_state()
        assert page.locator("#search-activity li").count() == 1
        assert page.locator("#search-activity ol").get_attribute("start") == "21"
    finally:
        context.close()
