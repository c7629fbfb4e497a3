"""Issue 16 in chromium: Phòng Nội vụ downloads the unit catalogue (pre-filled), adds a
commune and a centre, changes a unit, sees a bad row named, fixes it, previews and
imports — on a desktop (1366×800) and on a phone (390×844)."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from tests.browser.conftest import login, screenshot

pytestmark = pytest.mark.browser

NEW_ROWS = [
    ["xã Vĩnh Thành", "UBND xã, phường", "", "UBND xã Vĩnh Thành", "", "UBND xã, phường"],
    [
        "Trung tâm Phục vụ hành chính công thị xã",
        "Đơn vị sự nghiệp",
        "TTPVHCC",
        "Bộ phận một cửa thị xã; Bộ phận tiếp nhận và trả kết quả",
        "Văn phòng HĐND và UBND thị xã",
        "",
    ],
    ["Tổ công tác PAPI", "Tổ công tác", "", "", "", ""],  # not a kind: fixed below
]


@pytest.fixture
def desktop(browser):
    context = browser.new_context(viewport={"width": 1366, "height": 800}, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


def fill_template(page, rows, path, short_for_phuong_2=""):
    with page.expect_download() as download:
        page.click("#template-link")
    download.value.save_as(path)
    workbook = load_workbook(path)
    sheet = workbook["Đơn vị"]
    last = 3
    for row in sheet.iter_rows(min_row=4):
        if row[0].value:
            last = row[0].row
        if row[0].value == "Phường 2" and short_for_phuong_2:
            row[2].value = short_for_phuong_2
    for r, values in enumerate(rows, start=last + 1):
        for c, value in enumerate(values, start=1):
            sheet.cell(r, c, value or None)
    workbook.save(path)
    return path


def preview(page, path):
    page.set_input_files("#sheet-form input[type=file]", str(path))
    page.click("#sheet-form button[type=submit]")
    page.wait_for_selector("#confirm-form")


def fits(page, width):
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def upload_preview_confirm(page, base, tmp_path, width, name):
    login(page, base)
    page.goto(f"{base}/units")
    page.click("#units-sheet-link a")
    assert "Nhập danh mục đơn vị từ bảng Excel" in page.inner_text("h1")
    fits(page, width)
    screenshot(page, f"units-sheet-upload-{name}")

    preview(page, fill_template(page, NEW_ROWS, tmp_path / "danh-muc.xlsx", "P2"))
    assert "Loại «Tổ công tác» không có" in page.inner_text("#bad-lines")
    assert page.is_disabled("#confirm")
    fits(page, width)
    screenshot(page, f"units-sheet-errors-{name}")

    page.click("text=Chọn tệp khác >> nth=0")
    rows = [*NEW_ROWS[:2], ["Tổ công tác PAPI", "Cơ quan, đơn vị khác", "", "", "", ""]]
    preview(page, fill_template(page, rows, tmp_path / "danh-muc-da-sua.xlsx", "P2"))
    assert page.inner_text("#summary").split() == [
        "3", "thêm", "mới", "1", "thay", "đổi", "37", "không", "thay", "đổi",
        "0", "dòng", "có", "lỗi",
    ]  # fmt: skip
    assert "Tên viết tắt: — → P2" in page.inner_text("#lines")
    assert not page.is_disabled("#confirm")
    fits(page, width)
    screenshot(page, f"units-sheet-{name}")

    page.click("#confirm")
    page.wait_for_selector(".flash.success")
    assert "thêm 3, sửa 1, giữ nguyên 37 đơn vị" in page.inner_text(".flash.success")
    assert "TTPVHCC" in page.inner_text("main")
    fits(page, width)
    screenshot(page, f"units-sheet-done-{name}")


def test_units_sheet_on_a_desktop(live_server, desktop, tmp_path):
    base, _app = live_server
    upload_preview_confirm(desktop, base, tmp_path, 1366, "desktop")


def test_units_sheet_on_a_phone(live_server, phone, tmp_path):
    base, _app = live_server
    upload_preview_confirm(phone, base, tmp_path, 390, "phone")
