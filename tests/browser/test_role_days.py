"""A day in each role (issue 15), in chromium on a laptop (1366×800) and on a phone
(390×844), over the demo plan on 20/12/2023:

- Phòng Nội vụ imports a new annex through the web (one unit misspelt, one unknown),
  creates accounts from an Excel sheet, decides several reports at once, takes a unit's
  progress sheet round (download, fill, upload) and exports the Word report;
- a unit's focal officer sees work of two plans, reports with evidence, is returned,
  fixes and sends again, and subscribes to the calendar;
- a leader reads the dashboard, the annex and a report, and can change nothing.

Every step checks that the page fits the screen and saves test-artifacts/day-<role>-
<step>-<size>.png. Some steps also save the help pages' pictures
(test-artifacts/help/<name>.jpg; `python3 dev.py help-images` copies them into
tracker/static/help/)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from tests.browser.conftest import help_picture, login, screenshot
from tests.browser.test_work_two_plans import two_plans
from tests.conftest import SEED_ANNEX, make_user
from tests.web.account_sheets import district_rows
from tests.web.test_work_across_plans import COMMENT
from tracker import clock
from tracker.extensions import db
from tracker.models import Activity, Assignment, ProgressReport, ReportingPeriod, Unit, User
from tracker.services import reporting

pytestmark = pytest.mark.browser

SIZES = {"desktop": (1366, 800), "phone": (390, 844)}
MISSPELT = "Phòng Nộ vụ"  # for Phòng Nội vụ
UNKNOWN = "Hội Nông dân thị xã"


@pytest.fixture(autouse=True)
def on_20_december_2023(monkeypatch):
    monkeypatch.setattr(clock, "frozen", datetime(2023, 12, 20, 3, tzinfo=UTC))


@pytest.fixture(params=SIZES)
def screen(request, browser):
    width, height = SIZES[request.param]
    phone = request.param == "phone"
    context = browser.new_context(
        viewport={"width": width, "height": height},
        is_mobile=phone,
        has_touch=phone,
        locale="vi-VN",
    )
    page = context.new_page()
    page.set_default_timeout(60_000)  # password hashes on a busy test machine
    yield request.param, page
    context.close()


def step(page, size: str, name: str) -> None:
    """The page fits the screen; its screenshot is kept."""
    width = SIZES[size][0]
    assert page.evaluate("document.documentElement.scrollWidth") <= width, name
    assert not page.is_visible(".flash.error[role=status]") or name.endswith("errors"), name
    screenshot(page, f"day-{name}-{size}")


def sent_reports(app, unit_name: str, numbers: list[str], username: str) -> None:
    """Reports a unit sent on the year's period (the form is walked by the officer's day)."""
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == username))
        period = db.session.scalar(
            select(ReportingPeriod)
            .where(ReportingPeriod.plan_id == 1)
            .order_by(ReportingPeriod.ends_on.desc())
        )
        for number in numbers:
            assignment = db.session.scalar(
                select(Assignment)
                .join(Activity)
                .join(Unit, Assignment.unit_id == Unit.id)
                .where(Activity.plan_id == 1, Activity.number == number, Unit.name == unit_name)
            )
            existing = db.session.scalar(
                select(ProgressReport).where(
                    ProgressReport.assignment_id == assignment.id,
                    ProgressReport.period_id == period.id,
                )
            )
            if existing is not None:
                db.session.delete(existing)
                db.session.flush()
            data = reporting.ReportInput(
                status="done",
                result=f"Đã thực hiện hoạt động {number}: 4 hội nghị, 310 lượt người dự.",
                evidence_text="Báo cáo số 112/BC-UBND ngày 05/12/2023",
                completed_on=datetime(2023, 12, 5).date(),
            )
            reporting.save_report(assignment, period, data, user, submit=True)
        db.session.commit()


def test_coordinator_day(demo_live_server, screen, tmp_path):
    size, page = screen
    base, app = demo_live_server
    login(page, base)

    # A new plan, its annex imported from a text file with two names to settle.
    page.goto(f"{base}/plans/new")
    page.fill("#number", "15/KH-UBND")
    page.fill("#issued_on", "2024-03-01")
    page.fill("#year", "2024")
    page.fill("#title", "Cải thiện Chỉ số PAPI năm 2024")
    page.select_option("#noun", "chỉ tiêu")
    page.click("main button[type=submit]")
    page.wait_for_url("**/import")
    annex = SEED_ANNEX.read_text(encoding="utf-8")
    annex = annex.replace("Phòng Nội vụ", MISSPELT, 1).replace(
        "Ban Biên tập Cổng thông tin điện tử thị xã.\tThường xuyên", f"{UNKNOWN}.\tThường xuyên"
    )
    upload = tmp_path / "phu-luc-2024.txt"
    upload.write_text(annex, encoding="utf-8")
    page.set_input_files("#file", str(upload))
    page.click("#upload-form button[type=submit]")
    page.wait_for_selector("#preview-form")
    assert page.is_disabled("#confirm")
    misspelt = page.locator(f"select[data-name='{MISSPELT}']")
    suggestion = misspelt.locator("optgroup[label='Gợi ý'] option").first
    assert suggestion.inner_text() == "Phòng Nội vụ"  # suggested, not chosen
    assert misspelt.input_value() == ""
    step(page, size, "coordinator-import-preview")
    if size == "desktop":
        help_picture(page, "nhap-phu-luc", "#mapping")
    misspelt.select_option(suggestion.get_attribute("value"))
    page.select_option(f"select[data-name='{UNKNOWN}']", "new:mass_org")
    page.click("button[value=preview]")
    page.wait_for_selector("#preview-form")
    page.click("#confirm")
    page.wait_for_url("**/annex")
    assert "thêm 23" in page.inner_text(".flash.success")
    step(page, size, "coordinator-annex")

    # Accounts from a sheet: one bad row is named and nothing is written, then all.
    page.goto(f"{base}/users")
    page.click("#bulk-link")
    rows = district_rows(5)
    rows[2][1] = "Phòng Tư pháp huyện"  # no such unit
    sheet = _fill_accounts(page, rows, tmp_path / "tai-khoan.xlsx")
    _preview_accounts(page, sheet)
    assert "Có phải: Phòng Tư pháp" in page.inner_text("#bad-lines")
    assert page.is_disabled("#confirm")
    step(page, size, "coordinator-accounts-errors")
    if size == "desktop":
        help_picture(page, "tai-khoan-tu-excel")
    page.click("text=Chọn tệp khác >> nth=0")
    rows[2][1] = "Phòng Tư pháp"
    _preview_accounts(page, _fill_accounts(page, rows, tmp_path / "tai-khoan-2.xlsx"))
    page.click("#confirm")
    page.wait_for_selector("#created")
    assert page.locator("#created code.secret").count() == 5
    step(page, size, "coordinator-accounts-created")

    # Several reports decided at once: three accepted, one returned with its reason.
    make_user(app, "phuong1", "Phường 1")
    sent_reports(app, "Phường 1", ["1.5", "4.1", "5.1", "5.2"], "phuong1")
    page.goto(f"{base}/plans/1/reviews")
    rows_shown = page.locator(".review-row:has-text('Phường 1')")
    ids = [rows_shown.nth(i).get_attribute("data-report") for i in range(rows_shown.count())]
    assert len(ids) == 4
    for report_id in ids[:3]:
        page.check(f"#accept-{report_id}")
    page.check(f"#return-{ids[3]}")
    page.fill(f"#comment-{ids[3]}", "Đề nghị bổ sung biên bản hội nghị.")
    assert "Chấp nhận: 3 · Trả lại: 1" in page.inner_text("#review-tally")
    step(page, size, "coordinator-review")
    if size == "desktop":
        help_picture(page, "duyet-nhieu-bao-cao")
    page.click("#decide")
    page.wait_for_selector(".flash.success")
    assert page.inner_text(".flash.success") == (
        "Đã chấp nhận 03 báo cáo, trả lại 01 báo cáo cho đơn vị."
    )
    page.goto(f"{base}/audit")
    assert (
        page.locator("text=Trả lại báo cáo").count()
        + page.locator("text=Chấp nhận báo cáo").count()
        >= 1
    )
    step(page, size, "coordinator-audit")

    # The progress sheet round: Phường 1's sheet out, filled, back in.
    with app.app_context():
        unit_id = db.session.scalar(select(Unit.id).where(Unit.name == "Phường 1"))
    page.goto(f"{base}/work?plan=1&unit={unit_id}")
    with page.expect_download() as download:
        page.click("#export-sheet")
    filled = tmp_path / "tien-do-phuong-1.xlsx"
    download.value.save_as(filled)
    workbook = load_workbook(filled)
    ws = workbook.worksheets[0]
    row = next(r for r in range(5, ws.max_row + 1) if ws.cell(r, 6).value in (None, ""))
    ws.cell(row, 6, "Đang thực hiện")
    ws.cell(row, 7, "Đã tổ chức 2 buổi đối thoại tại khóm 3, khóm 5.")
    workbook.save(filled)
    page.goto(f"{base}/plans/1/progress-import")
    page.set_input_files("#sheet-form input[type=file]", str(filled))
    page.click("#sheet-form button[type=submit]")
    page.wait_for_selector("#confirm")
    assert "Đã tổ chức 2 buổi đối thoại" in page.inner_text("#changed-lines")
    step(page, size, "coordinator-sheet-preview")
    if size == "desktop":
        help_picture(page, "bang-tien-do")
    page.click("#confirm")
    page.wait_for_selector(".flash.success")
    step(page, size, "coordinator-sheet-done")

    # Figures and the report upward.
    page.goto(f"{base}/plans/1/dashboard?as_of=2023-12-20")
    assert re.search(r"\d\d/\d\d", page.inner_text("main"))
    step(page, size, "coordinator-dashboard")
    if size == "desktop":
        help_picture(page, "bang-dieu-khien")
    page.goto(f"{base}/plans/1/exports?as_of=2023-12-20")
    step(page, size, "coordinator-exports")
    if size == "desktop":
        help_picture(page, "xuat-bao-cao")
    with page.expect_download() as download:
        page.click("#download-docx a")
    assert download.value.suggested_filename.endswith(".docx")
    page.goto(f"{base}/help/phong-noi-vu")
    step(page, size, "coordinator-help")


def _fill_accounts(page, rows, path):
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


def _preview_accounts(page, path):
    page.set_input_files("#bulk-form input[type=file]", str(path))
    page.click("#bulk-form button[type=submit]")
    page.wait_for_selector("#confirm-form")


def test_leader_day(demo_live_server, screen):
    """A leader reads everything the coordinator reads, and no page offers a change."""
    size, page = screen
    base, app = demo_live_server
    make_user(app, "lanhdao", None, role="leader")
    login(page, base, "lanhdao", "matkhau-lanhdao")
    assert "/plans/1/dashboard" in page.url or "/plans" in page.url  # the leader's start
    page.goto(f"{base}/plans/1/dashboard?as_of=2023-12-20")
    step(page, size, "leader-dashboard")
    if size == "phone":
        help_picture(page, "lanh-dao-bang-dieu-khien")
    with app.app_context():
        report_id = db.session.scalar(select(ProgressReport.id).order_by(ProgressReport.id))
    for name, path in (
        ("annex", "/plans/1/annex"),
        ("report", f"/reports/{report_id}"),
        ("units", "/units"),
        ("exports", "/plans/1/exports?as_of=2023-12-20"),
        ("help", "/help/lanh-dao"),
    ):
        page.goto(f"{base}{path}")
        step(page, size, f"leader-{name}")
        # Forms a leader sees only read, search or sign out: none of them writes.
        methods = page.eval_on_selector_all(
            "main form", "fs => fs.map(f => (f.method || 'get').toLowerCase())"
        )
        assert "post" not in methods, (name, methods)
    response = page.request.post(f"{base}/plans/1/archive")
    assert response.status in (400, 403, 404, 405)


def test_officer_day(live_server, screen, monkeypatch, tmp_path):
    """Phường 1's officer: work of the 2023 and the 2024 plan on one page; a report on the
    2024 plan with a photo and a document, returned by Phòng Nội vụ, fixed, sent again;
    the unit's deadlines into the phone's calendar."""
    size, page = screen
    base, app = live_server
    plan_2024 = two_plans(app, monkeypatch)
    login(page, base, "phuong1", "matkhau-phuong1")
    assert page.url == f"{base}/work"  # the officer's start page
    sections = page.locator("section.plan-work")
    assert sections.count() == 2
    assert COMMENT in sections.nth(1).locator('[data-section="returned"]').inner_text()
    step(page, size, "officer-work")
    if size == "phone":
        help_picture(page, "viec-can-bao-cao")

    # A report on the 2024 plan, with evidence.
    newest = page.locator(f"section.plan-work[data-plan='{plan_2024}']")
    newest.locator('[data-section="due"] a.btn:has-text("Báo cáo")').first.click()
    page.wait_for_selector("#report-form")
    page.select_option("#status", "in_progress")
    page.fill("#result", "Đã niêm yết 14 thủ tục hành chính tại trụ sở UBND phường.")
    page.fill("#evidence_text", "Thông báo số 05/TB-UBND ngày 01/3/2024 của UBND Phường 1")
    photo = tmp_path / "niem-yet.png"
    photo.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 256)
    page.set_input_files("#files", str(photo))
    step(page, size, "officer-report-form")
    if size == "phone":
        help_picture(page, "bao-cao-kem-minh-chung")
    page.click("#submit-report")
    page.wait_for_selector("#state")
    assert page.inner_text("#state") == "Đã gửi, chờ duyệt"
    assert "niem-yet.png" in page.inner_text("#attachments")
    report_id = int(page.url.rsplit("/", 1)[-1])
    step(page, size, "officer-report-sent")

    # Returned: the notice is in the inbox at once, the reason on the form.
    with app.app_context():
        noivu = db.session.scalar(select(User).where(User.username == "noivu"))
        report = db.session.get(ProgressReport, report_id)
        reporting.review_report(report, False, "Đề nghị ghi rõ số thủ tục còn thiếu.", noivu)
        db.session.commit()
    page.goto(f"{base}/inbox")
    assert "bị trả lại" in page.inner_text("main").lower()
    step(page, size, "officer-inbox")
    page.goto(f"{base}/work?plan={plan_2024}")
    page.click('#returned a.btn:has-text("Sửa và gửi lại")')
    page.wait_for_selector("#returned-comment")
    assert "Đề nghị ghi rõ số thủ tục còn thiếu." in page.inner_text("#returned-comment")
    step(page, size, "officer-returned")
    if size == "phone":
        help_picture(page, "bao-cao-bi-tra-lai")
    page.fill("#result", "Đã niêm yết đủ 14/14 thủ tục hành chính; không còn thủ tục thiếu.")
    page.click("#submit-report")
    page.wait_for_selector("#state")
    assert page.inner_text("#state") == "Đã gửi, chờ duyệt"
    assert "Đề nghị ghi rõ" in page.inner_text("#timeline")  # the history of the report
    step(page, size, "officer-sent-again")

    # The unit's deadlines in the phone's calendar.
    page.goto(f"{base}/calendar")
    page.locator("#feed-unit-" + _unit_id(app, "Phường 1") + " button[type=submit]").click()
    page.wait_for_selector("#new-link")
    assert page.input_value("#webcal-link").startswith("webcal://")
    assert page.is_visible("#qr svg")
    step(page, size, "officer-calendar")
    if size == "phone":
        help_picture(page, "lich-dien-thoai", "#new-link")
    page.goto(f"{base}/help")
    page.click("#help-don-vi h2 a")
    page.wait_for_selector("#bao-cao img")
    step(page, size, "officer-help")


def _unit_id(app, name: str) -> str:
    with app.app_context():
        return str(db.session.scalar(select(Unit.id).where(Unit.name == name)))
