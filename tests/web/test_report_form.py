"""One report form (issue 15): text and evidence files in one POST, a draft stays on the
form, sending is one step, and the report page says who sent and who reviewed, and when."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import func, select

from tests.web.test_reporting import MAY_2023, REPORT, ids, login
from tracker.extensions import db
from tracker.models import Attachment, ProgressReport, ReportEvent, User
from tracker.models.reporting import DRAFT, SUBMITTED

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def officer(app, frozen):
    from tests.conftest import make_user

    frozen(MAY_2023)  # 10:00 on 02/05/2023 in Asia/Ho_Chi_Minh
    make_user(app, "phuong1", "Phường 1")
    make_user(app, "phuong2", "Phường 2")
    return "phuong1"


def form_url(app, number="1.5", unit="Phường 1") -> str:
    assignment_id, period_id = ids(app, number, unit)
    return f"/assignments/{assignment_id}/periods/{period_id}/report"


def post(client, url, data, files=()):
    return client.post(url, data={**data, "files": list(files)}, content_type="multipart/form-data")


def the_report(app) -> ProgressReport:
    return db.session.scalar(select(ProgressReport))


def counts(app) -> tuple[int, int, int]:
    with app.app_context():
        return tuple(
            db.session.scalar(select(func.count()).select_from(model))
            for model in (ProgressReport, Attachment, ReportEvent)
        )


def test_a_first_draft_attaches_its_files_and_stays_on_the_form(app, client, officer):
    url = form_url(app)
    login(client, officer)
    page = client.get(url).get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in page and 'name="files"' in page and "multiple" in page
    assert page.index('id="save-draft"') < page.index('id="submit-report"')  # side by side
    response = post(
        client,
        url,
        {**REPORT, "action": "draft"},
        [(io.BytesIO(PDF), "Kế hoạch 35.pdf"), (io.BytesIO(PNG), "ảnh hội nghị.png")],
    )
    assert response.status_code == 302 and response.headers["Location"].endswith(url)
    page = client.get(url).get_data(as_text=True)
    assert "Đã lưu nháp và 2 tệp minh chứng" in page
    assert 'id="report-form"' in page and "Đã tuyên truyền 12 buổi" in page  # still editable
    assert "Kế hoạch 35.pdf" in page and "ảnh hội nghị.png" in page
    with app.app_context():
        report = the_report(app)
        assert report.state == DRAFT
        assert sorted(a.filename for a in report.attachments) == [
            "Kế hoạch 35.pdf",
            "ảnh hội nghị.png",
        ]
        for attachment in report.attachments:
            stored = app.config["ATTACHMENTS_DIR"] / attachment.sha256[:2] / attachment.sha256
            assert stored.read_bytes() in (PDF, PNG)
        assert f'href="/reports/{report.id}"' in page  # «Xem báo cáo» from the form


def test_send_in_one_step_with_a_file(app, client, officer):
    url = form_url(app)
    login(client, officer)
    response = post(client, url, REPORT, [(io.BytesIO(PDF), "bien-ban.pdf")])
    with app.app_context():
        report = the_report(app)
        assert report.state == SUBMITTED and [a.filename for a in report.attachments] == [
            "bien-ban.pdf"
        ]
        report_id = report.id
    assert response.headers["Location"].endswith(f"/reports/{report_id}")
    page = client.get(f"/reports/{report_id}").get_data(as_text=True)
    assert "Đã gửi báo cáo và 1 tệp minh chứng tới Phòng Nội vụ" in page
    assert "Đã gửi, chờ duyệt" in page and "bien-ban.pdf" in page
    # Sent: the form no longer opens for editing, it says why and shows the report.
    response = client.get(url, follow_redirects=True)
    assert "không sửa được" in response.get_data(as_text=True)
    assert response.request.path == f"/reports/{report_id}"


def test_a_draft_then_send_drops_and_adds_files(app, client, officer):
    url = form_url(app)
    login(client, officer)
    post(client, url, {**REPORT, "action": "draft"}, [(io.BytesIO(PDF), "cu.pdf")])
    with app.app_context():
        old_id = db.session.scalar(select(Attachment.id))
    post(client, url, {**REPORT, "drop_attachment": str(old_id)}, [(io.BytesIO(PNG), "moi.png")])
    with app.app_context():
        report = the_report(app)
        assert report.state == SUBMITTED
        assert [a.filename for a in report.attachments] == ["moi.png"]


def test_the_same_file_twice_is_attached_once(app, client, officer):
    url = form_url(app)
    login(client, officer)
    post(client, url, {**REPORT, "action": "draft"}, [(io.BytesIO(PDF), "a.pdf")])
    post(client, url, {**REPORT, "action": "draft"}, [(io.BytesIO(PDF), "a (1).pdf")])
    assert counts(app)[1] == 1


@pytest.mark.parametrize(
    "files,message",
    [
        (
            [(io.BytesIO(b"MZ\x90\x00"), "virus.pdf")],
            "«virus.pdf»: Nội dung tệp không đúng định dạng .pdf",
        ),
        ([(io.BytesIO(PDF), "ok.pdf"), (io.BytesIO(b"MZ"), "a.exe")], "«a.exe»: Chỉ nhận tệp PDF"),
        ([(io.BytesIO(b""), "trong.pdf")], "«trong.pdf»: Tệp trống"),
    ],
)
def test_a_bad_file_refuses_the_whole_form(app, client, officer, files, message):
    url = form_url(app)
    login(client, officer)
    response = post(client, url, {**REPORT, "action": "draft"}, files)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and message in page
    assert "Báo cáo chưa được lưu. Các tệp đã chọn chưa được lưu, hãy chọn lại." in page
    assert "Đã tuyên truyền 12 buổi" in page  # what was typed is still in the form
    assert counts(app) == (0, 0, 0)


def test_a_file_over_the_limit_is_refused(fresh_database, seeded_db, frozen):
    from tests.conftest import _make_app, make_user

    frozen(MAY_2023)
    app = next(_make_app(fresh_database, seeded_db, MAX_ATTACHMENT_BYTES=1024))
    make_user(app, "phuong1", "Phường 1")
    client = app.test_client()
    login(client, "phuong1")
    big = PDF + b"0" * 2048
    response = post(client, form_url(app), REPORT, [(io.BytesIO(big), "lon.pdf")])
    assert "«lon.pdf»: Tệp lớn hơn giới hạn" in response.get_data(as_text=True)
    assert counts(app) == (0, 0, 0)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_a_bad_report_with_a_good_file_writes_nothing(app, client, officer):
    url = form_url(app)
    login(client, officer)
    response = post(
        client, url, {"status": "done", "action": "submit"}, [(io.BytesIO(PDF), "ok.pdf")]
    )
    assert "cần nêu kết quả" in response.get_data(as_text=True)
    assert counts(app) == (0, 0, 0)


def test_another_reports_file_cannot_be_dropped(app, client, officer):
    other = form_url(app, unit="Phường 2")
    login(client, "phuong2")
    post(client, other, {**REPORT, "action": "draft"}, [(io.BytesIO(PDF), "cua-phuong-2.pdf")])
    client.post("/logout")
    with app.app_context():
        theirs = db.session.scalar(select(Attachment.id))
    login(client, officer)
    post(client, form_url(app), {**REPORT, "action": "draft", "drop_attachment": str(theirs)})
    with app.app_context():
        assert db.session.get(Attachment, theirs) is not None


def test_a_returned_report_opens_in_the_form_with_the_reviewers_comment(app, client, auth, officer):
    url = form_url(app)
    login(client, officer)
    post(client, url, REPORT)
    client.post("/logout")
    auth.login()
    with app.app_context():
        report_id = db.session.scalar(select(ProgressReport.id))
    client.post(
        f"/reports/{report_id}/review",
        data={"action": "return", "comment": "Bổ sung số người tham dự."},
    )
    client.post("/logout")
    login(client, officer)
    work = client.get("/work").get_data(as_text=True)
    returned = work[work.index('id="returned"') :]
    assert f'href="{url}">Sửa và gửi lại' in returned
    page = client.get(url).get_data(as_text=True)
    comment = re.search(r'id="returned-comment">(.*?)</div>', page, re.S).group(1)
    assert "Phòng Nội vụ thị xã Vĩnh Châu, 10:00 02/05/2023" in comment
    assert "Bổ sung số người tham dự." in comment
    assert page.index('id="returned-comment"') < page.index('id="report-form"')
    response = post(client, url, {**REPORT, "result": "Đã tuyên truyền 12 buổi, 640 lượt."})
    assert response.headers["Location"].endswith(f"/reports/{report_id}")


def test_the_report_page_says_who_sent_and_who_reviewed(app, client, auth, officer, frozen):
    from datetime import UTC, datetime

    url = form_url(app)
    login(client, officer)
    post(client, url, REPORT)
    client.post("/logout")
    with app.app_context():
        report_id = db.session.scalar(select(ProgressReport.id))
    page = client.get(f"/reports/{report_id}")  # signed out: to the sign-in page
    assert page.status_code == 302
    auth.login()
    page = client.get(f"/reports/{report_id}").get_data(as_text=True)
    assert "10:00 02/05/2023 — Cán bộ Phường 1" in _fact(page, "sent")
    assert "Chờ Phòng Nội vụ duyệt" in _fact(page, "reviewed")
    frozen(datetime(2023, 5, 2, 8, 30, tzinfo=UTC))  # 15:30 in Việt Nam
    client.post(f"/reports/{report_id}/review", data={"action": "accept", "comment": "Đạt."})
    page = client.get(f"/reports/{report_id}").get_data(as_text=True)
    assert _fact(page, "reviewed") == "Chấp nhận — 15:30 02/05/2023 — Phòng Nội vụ thị xã Vĩnh Châu"
    assert "Ý kiến Phòng Nội vụ (Phòng Nội vụ thị xã Vĩnh Châu, 15:30 02/05/2023): Đạt." in page
    client.post("/logout")
    login(client, officer)  # the unit reads the same
    page = client.get(f"/reports/{report_id}").get_data(as_text=True)
    assert "15:30 02/05/2023 — Phòng Nội vụ thị xã Vĩnh Châu" in _fact(page, "reviewed")


def test_the_timeline_lists_each_sending_and_review(app, client, auth, officer):
    url = form_url(app)
    login(client, officer)
    post(client, url, REPORT)
    client.post("/logout")
    with app.app_context():
        report_id = db.session.scalar(select(ProgressReport.id))
    auth.login()
    client.post(f"/reports/{report_id}/review", data={"action": "return", "comment": "Thiếu."})
    client.post("/logout")
    login(client, officer)
    post(client, url, {**REPORT, "action": "draft"})  # a draft is not a step
    post(client, url, REPORT)
    page = client.get(f"/reports/{report_id}").get_data(as_text=True)
    timeline = re.search(r'id="timeline">(.*?)</ol>', page, re.S).group(1)
    steps = re.findall(r"<b>(.*?)</b> — ([\d:/ ]+) — ([^<]+)", timeline)
    assert [(s[0], s[2].strip()) for s in steps] == [
        ("Gửi Phòng Nội vụ", "Cán bộ Phường 1"),
        ("Trả lại", "Phòng Nội vụ thị xã Vĩnh Châu"),
        ("Gửi Phòng Nội vụ", "Cán bộ Phường 1"),
    ]
    assert "Ý kiến: Thiếu." in timeline


def _fact(page: str, key: str) -> str:
    return re.search(rf'<dd id="{key}">(.*?)</dd>', page, re.S).group(1).strip()


def test_the_migration_fills_who_from_the_reports(app, client, auth, officer):
    """Events written before `report_event.by_id` get the sender and the reviewer the
    report's own columns name for sure."""
    url = form_url(app)
    login(client, officer)
    post(client, url, REPORT)
    client.post("/logout")
    auth.login()
    with app.app_context():
        report_id = db.session.scalar(select(ProgressReport.id))
    client.post(f"/reports/{report_id}/review", data={"action": "return", "comment": "Thiếu."})
    runner = app.test_cli_runner()
    assert runner.invoke(args=["db", "downgrade", "a7c4e1d9b3f2"]).exit_code == 0
    assert runner.invoke(args=["db", "upgrade", "head"]).exit_code == 0
    with app.app_context():
        db.session.remove()
        officer_id, noivu_id = (
            db.session.scalar(select(User.id).where(User.username == name))
            for name in ("phuong1", "noivu")
        )
        events = db.session.execute(
            select(ReportEvent.state, ReportEvent.by_id, ReportEvent.comment).order_by(
                ReportEvent.id
            )
        ).all()
    assert [tuple(e) for e in events] == [
        ("submitted", officer_id, ""),
        ("returned", noivu_id, "Thiếu."),
    ]
