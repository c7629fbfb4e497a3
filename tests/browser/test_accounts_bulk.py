"""Issue 15 in chromium: Phòng Nội vụ downloads the account template, fills in a district's
38 people, sees the one bad row named, fixes it, creates them all and gets the initial
passwords once — on a desktop (1366×800) and on a phone (390×844)."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from tests.browser.conftest import login, screenshot
from tests.web.account_sheets import district_rows

pytestmark = pytest.mark.browser


@pytest.fixture
def desktop(browser):
    context = browser.new_context(viewport={"width": 1366, "height": 800}, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(60_000)  # 38 password hashes on a busy test machine
    yield page
    context.close()


def fill_template(page, rows, path):
    with page.expect_download() as download:
        page.click("#template-link")
    download.value.save_as(path)
    workbook = load_workbook(path)
    sheet = workbook["Tài khoản"]
    for r, row in enumerate(rows, start=4):
        for c, value in enumerate(row, start=1):
            sheet.cell(r, c, value)
    workbook.save(path)
    return path


def preview(page, path):
    page.set_input_files("#bulk-form input[type=file]", str(path))
    page.click("#bulk-form button[type=submit]")
    page.wait_for_selector("#confirm-form")


def fits(page, width):
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_bulk_accounts_on_a_desktop(live_server, desktop, tmp_path):
    base, _app = live_server
    page = desktop
    login(page, base)
    page.goto(f"{base}/users")
    screenshot(page, "accounts-list-desktop")
    page.click("#bulk-link")
    assert "Tạo nhiều tài khoản từ bảng Excel" in page.inner_text("h1")
    screenshot(page, "accounts-bulk-upload-desktop")
    rows = district_rows(38)
    rows[3][3] = "0912 345"
    preview(page, fill_template(page, rows, tmp_path / "mau.xlsx"))
    assert "Dòng 7" in page.inner_text("#bad-lines")
    assert page.is_disabled("#confirm")
    fits(page, 1366)
    screenshot(page, "accounts-bulk-errors-desktop")

    page.click("text=Chọn tệp khác >> nth=0")
    rows[3][3] = "0912 345 678"
    preview(page, fill_template(page, rows, tmp_path / "mau-da-sua.xlsx"))
    assert page.inner_text("#confirm") == "Tạo 38 tài khoản"
    assert page.locator("#lines tbody tr").count() == 38
    fits(page, 1366)
    screenshot(page, "accounts-bulk-desktop")

    page.click("#confirm")
    page.wait_for_selector("#created")
    assert page.locator("#created code.secret").count() == 38
    assert "chỉ hiện một lần" in page.inner_text("#once")
    fits(page, 1366)
    screenshot(page, "accounts-bulk-created-desktop")

    page.goto(f"{base}/users")
    page.click("#user-tnmt\\.hahn a")
    page.wait_for_selector("#edit-user")
    page.fill("#phone", "0299 3861 234")
    page.click("#save")
    assert "Đã lưu tài khoản «tnmt.hahn»" in page.inner_text(".flash.success")
    page.click("#user-tnmt\\.hahn a")
    assert "02993861234" in page.inner_text("#history")
    screenshot(page, "accounts-edit-desktop")


def test_bulk_accounts_on_a_phone(live_server, phone, tmp_path):
    base, _app = live_server
    phone.set_default_timeout(60_000)
    login(phone, base)
    phone.goto(f"{base}/users")
    fits(phone, 400)
    screenshot(phone, "accounts-list-phone")
    phone.click("#bulk-link")
    fits(phone, 400)
    screenshot(phone, "accounts-bulk-upload-phone")
    rows = district_rows(6)
    rows[2][1] = "Phòng Tư pháp huyện"  # sheet row 6: no such unit
    preview(phone, fill_template(phone, rows, tmp_path / "mau.xlsx"))
    assert "Có phải: Phòng Tư pháp" in phone.inner_text("#bad-lines")
    assert phone.is_disabled("#confirm")
    fits(phone, 400)
    screenshot(phone, "accounts-bulk-phone")

    phone.click("text=Chọn tệp khác >> nth=0")
    rows[2][1] = "Phòng Tư pháp"
    preview(phone, fill_template(phone, rows, tmp_path / "mau-da-sua.xlsx"))
    phone.click("#confirm")
    phone.wait_for_selector("#created")
    assert phone.locator("#created code.secret").count() == 6
    fits(phone, 400)
    screenshot(phone, "accounts-bulk-created-phone")
    phone.goto(f"{base}/users")
    phone.click("#user-tuphap\\.chaulh a")
    phone.wait_for_selector("#edit-user")
    fits(phone, 400)
    screenshot(phone, "accounts-edit-phone")


def test_a_one_time_link_on_a_phone(live_server, phone):
    """The page an e-mailed link opens: set a password, then sign in with it."""
    from sqlalchemy import select

    from tracker.extensions import db
    from tracker.models import User
    from tracker.services import account_links

    base, app = live_server
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "noivu"))
        token = account_links.new_token()
        account_links.store_link(user, token, None)
        db.session.commit()
    phone.goto(f"{base}/account/setup/{token}")
    assert phone.inner_text("#setup-username") == "noivu"
    fits(phone, 400)
    screenshot(phone, "account-setup-phone")
    phone.fill("#new", "mat-khau-moi-2026")
    phone.fill("#again", "mat-khau-moi-2026")
    phone.click("#setup-form button[type=submit]")
    assert "Đã đặt mật khẩu" in phone.inner_text(".flash.success")
    login(phone, base, "noivu", "mat-khau-moi-2026")
    assert phone.url.endswith("/plans") or "/plans" in phone.url
