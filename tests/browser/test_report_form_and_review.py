"""Issue 15 in chromium: an officer reports with evidence on a phone — a draft with a
file stays on the form, then «Gửi Phòng Nội vụ» — and Phòng Nội vụ decides several
reports at once on a laptop (1366×800), one of them returned with its own reason."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from tests.browser.conftest import login, screenshot
from tests.conftest import make_user
from tracker import clock
from tracker.extensions import db
from tracker.models import Activity, Assignment, ProgressReport, ReportingPeriod, Unit, User
from tracker.services import reporting

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def in_may_2023(monkeypatch):
    monkeypatch.setattr(clock, "frozen", datetime(2023, 5, 2, 3, tzinfo=UTC))


@pytest.fixture
def laptop(browser):
    context = browser.new_context(viewport={"width": 1366, "height": 800}, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def send_others(app, numbers) -> None:
    """Reports of xã Vĩnh Hải sent another way (the form is tested once, on the phone)."""
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "vinhhai"))
        period = db.session.scalar(select(ReportingPeriod).order_by(ReportingPeriod.ends_on))
        for number in numbers:
            assignment = db.session.scalar(
                select(Assignment)
                .join(Activity)
                .join(Unit, Assignment.unit_id == Unit.id)
                .where(Activity.number == number, Unit.name == "xã Vĩnh Hải")
            )
            data = reporting.ReportInput(
                status="in_progress",
                result=f"Đang triển khai hoạt động {number} tại 6 ấp; đã họp dân 3 ấp.",
                evidence_text="Kế hoạch số 14/KH-UBND ngày 20/02/2023 của UBND xã Vĩnh Hải",
            )
            reporting.save_report(assignment, period, data, user, submit=True)
        db.session.commit()


def test_officer_reports_on_a_phone_and_the_coordinator_decides_a_batch(
    live_server, phone, laptop, tmp_path
):
    base, app = live_server
    make_user(app, "vinhhai", "xã Vĩnh Hải")
    login(phone, base, "vinhhai", "matkhau-vinhhai")
    phone.goto(f"{base}/work")
    phone.click("#due .work-item[data-activity='1.5'] a.btn:has-text('Báo cáo')")
    phone.select_option("#status", "done")
    phone.fill(
        "#result", "Tổ chức 6 buổi tuyên truyền quy chế dân chủ tại 6 ấp, 412 lượt người dự."
    )
    phone.fill("#evidence_text", "Kế hoạch số 12/KH-UBND ngày 15/02/2023 của UBND xã Vĩnh Hải")
    phone.fill("#completed_on", "2023-04-28")
    photo = tmp_path / "anh-hoi-nghi.png"
    photo.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 256)
    phone.set_input_files("#files", str(photo))
    phone.click("#save-draft")  # a draft stays on the form, its file attached already
    assert "Đã lưu nháp và 1 tệp minh chứng" in phone.inner_text(".flash.success")
    assert phone.is_visible("#report-form")
    assert "anh-hoi-nghi.png" in phone.inner_text("#attachments")
    minutes = tmp_path / "bien-ban-hoi-nghi.pdf"
    minutes.write_bytes(b"%PDF-1.4\n% bien ban hoi nghi\n%%EOF\n")
    phone.set_input_files("#files", str(minutes))
    draft = phone.locator("#save-draft").bounding_box()
    send = phone.locator("#submit-report").bounding_box()
    assert draft and send and abs(draft["y"] - send["y"]) < 2  # side by side
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "report-form-phone")
    phone.click("#submit-report")
    phone.wait_for_selector("#state")
    assert phone.inner_text("#state") == "Đã gửi, chờ duyệt"
    assert "Đã gửi báo cáo và 1 tệp minh chứng tới Phòng Nội vụ" in phone.inner_text(".flash")
    files = phone.inner_text("#attachments")
    assert "anh-hoi-nghi.png" in files and "bien-ban-hoi-nghi.pdf" in files
    assert "10:00 02/05/2023 — Cán bộ xã Vĩnh Hải" in phone.inner_text("#sent")
    screenshot(phone, "report-sent-phone")

    send_others(app, ["4.1", "5.1", "5.2"])
    login(laptop, base)
    laptop.goto(f"{base}/plans/1/reviews")
    rows = laptop.locator(".review-row")
    assert rows.count() >= 4  # the demo-free seed: only xã Vĩnh Hải's four
    ids = [rows.nth(i).get_attribute("data-report") for i in range(rows.count())]
    laptop.check("#accept-all")
    assert laptop.inner_text("#review-tally").startswith(f"Chấp nhận: {len(ids)} · Trả lại: 0")
    back = ids[-1]
    laptop.check(f"#return-{back}")  # unticks its «Chấp nhận»
    assert not laptop.is_checked(f"#accept-{back}")
    laptop.fill(f"#comment-{back}", "Đề nghị gửi kèm biên bản họp dân.")
    assert laptop.inner_text("#review-tally").startswith(f"Chấp nhận: {len(ids) - 1} · Trả lại: 1")
    assert laptop.evaluate("document.documentElement.scrollWidth") <= 1366
    screenshot(laptop, "review-batch-desktop")
    laptop.click("#decide")
    laptop.wait_for_selector(".flash.success")
    assert (
        laptop.inner_text(".flash.success")
        == f"Đã chấp nhận {len(ids) - 1:02d} báo cáo, trả lại 01 báo cáo cho đơn vị."
    )
    assert "Không có báo cáo nào chờ duyệt." in laptop.inner_text("main")
    with app.app_context():
        states = dict(db.session.execute(select(ProgressReport.id, ProgressReport.state)).all())
    assert states[int(back)] == "returned"
    assert {states[int(i)] for i in ids if i != back} == {"accepted"}

    # The report page says who reviewed it and when.
    laptop.goto(f"{base}/reports/{back}")
    assert laptop.inner_text("#reviewed") == (
        "Trả lại — 10:00 02/05/2023 — Phòng Nội vụ thị xã Vĩnh Châu"
    )
    screenshot(laptop, "report-reviewed-desktop")

    # The unit opens the returned one: the same form, the reason on top.
    phone.goto(f"{base}/work")
    phone.click("#returned a.btn:has-text('Sửa và gửi lại')")
    comment = phone.inner_text("#returned-comment")
    assert "Đề nghị gửi kèm biên bản họp dân." in comment
    assert "Phòng Nội vụ thị xã Vĩnh Châu" in comment
    screenshot(phone, "report-returned-phone")
    laptop.goto(phone.url)  # Phòng Nội vụ may fill it in for the unit: the same form
    assert laptop.is_visible("#returned-comment") and laptop.is_visible("#files")
    screenshot(laptop, "report-form-desktop")
    laptop.goto(f"{base}/plans/1/progress-import")
    screenshot(laptop, "sheet-upload-desktop")


def test_the_queue_on_a_phone(live_server, phone, tmp_path):
    base, app = live_server
    make_user(app, "vinhhai", "xã Vĩnh Hải")
    send_others(app, ["1.5", "4.1", "5.1"])
    login(phone, base)
    phone.goto(f"{base}/plans/1/reviews")
    first = phone.locator(".review-row").first.get_attribute("data-report")
    phone.check(f"#return-{first}")
    phone.click("#decide")  # no reason: the browser asks for it, nothing is sent
    message = phone.evaluate(f"document.getElementById('comment-{first}').validationMessage")
    assert message == "Trả lại cần ghi lý do để đơn vị sửa."
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "review-batch-phone")
    phone.fill(f"#comment-{first}", "Thiếu số liệu.")
    phone.click("#decide")
    phone.wait_for_selector(".flash.success")
    assert phone.inner_text(".flash.success") == "Đã trả lại 01 báo cáo cho đơn vị."
    phone.goto(f"{base}/plans/1/progress-import")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "sheet-upload-phone")
