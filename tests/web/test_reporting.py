"""Units report progress with evidence; Phòng Nội vụ reviews (issue 3)."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from tests.conftest import make_user
from tracker.extensions import db
from tracker.models import Activity, Assignment, Change, ProgressReport, ReportingPeriod, Unit
from tracker.models.reporting import ACCEPTED, RETURNED, SUBMITTED

MAY_2023 = datetime(2023, 5, 2, 3, tzinfo=UTC)


@pytest.fixture
def officer(app, frozen):
    frozen(MAY_2023)
    make_user(app, "phuong1", "Phường 1")
    make_user(app, "tuphap", "Phòng Tư pháp")
    return "phuong1"


def login(client, username):
    return client.post("/login", data={"username": username, "password": f"matkhau-{username}"})


def ids(app, number: str, unit: str, role: str = "lead") -> tuple[int, int]:
    with app.app_context():
        assignment = db.session.scalar(
            select(Assignment)
            .join(Activity)
            .join(Unit, Assignment.unit_id == Unit.id)
            .where(Activity.number == number, Unit.name == unit, Assignment.role == role)
        )
        period = db.session.scalar(
            select(ReportingPeriod).where(
                ReportingPeriod.kind == "half", ReportingPeriod.index == 1
            )
        )
        return assignment.id, period.id


REPORT = {
    "status": "done",
    "result": "Đã tuyên truyền 12 buổi tại 4 khóm, ấp.",
    "evidence_text": "Kế hoạch số 35/KH-UBND ngày 22/02/2023 của UBND Phường 1",
    "completed_on": "2023-04-20",
    "action": "submit",
}


def test_seed_plan_collects_six_months_and_year(app, ctx):
    periods = db.session.scalars(select(ReportingPeriod).order_by(ReportingPeriod.ends_on)).all()
    assert [(p.label, p.ends_on, p.due_on) for p in periods] == [
        ("6 tháng đầu năm 2023", date(2023, 6, 14), date(2023, 6, 15)),
        ("Năm 2023", date(2023, 12, 14), date(2023, 12, 15)),  # also the second half's
    ]


def test_work_page_lists_what_the_commune_owes(app, client, officer):
    login(client, officer)
    page = client.get("/work").get_data(as_text=True)
    assert "Phường 1" in page and "6 tháng đầu năm 2023" in page
    due = page[page.index('id="due"') :]
    for number in ("1.5", "4.1", "5.1", "5.2"):
        assert f'data-activity="{number}"' in due
    assert 'data-activity="1.1"' not in page  # led by Phòng Nội vụ, not the commune


def test_submit_return_resubmit_accept(app, client, auth, officer):
    assignment_id, period_id = ids(app, "1.5", "Phường 1")
    url = f"/assignments/{assignment_id}/periods/{period_id}/report"
    login(client, officer)
    response = client.post(url, data=REPORT)
    assert response.status_code == 302
    with app.app_context():
        report = db.session.scalar(select(ProgressReport))
        assert report.state == SUBMITTED and report.completed_on == date(2023, 4, 20)
        (doc,) = report.documents
        assert (doc.doc_type, doc.number, doc.issued_on) == (
            "Kế hoạch",
            "35/KH-UBND",
            date(2023, 2, 22),
        )
        report_id = report.id
    assert client.post(url, data=REPORT).status_code == 200  # submitted: locked for the unit
    client.post("/logout")

    auth.login()
    response = client.post(
        f"/reports/{report_id}/review",
        data={"action": "return", "comment": ""},
        follow_redirects=True,
    )
    assert "cần ghi rõ lý do" in response.get_data(as_text=True)
    client.post(
        f"/reports/{report_id}/review",
        data={"action": "return", "comment": "Bổ sung số người tham dự."},
    )
    with app.app_context():
        assert db.session.get(ProgressReport, report_id).state == RETURNED
    client.post("/logout")

    login(client, officer)
    page = client.get("/work").get_data(as_text=True)
    assert "Bổ sung số người tham dự." in page[page.index('id="returned"') :]
    client.post(url, data={**REPORT, "result": REPORT["result"] + " Tổng cộng 640 lượt người dự."})
    client.post("/logout")

    auth.login()
    client.post(f"/reports/{report_id}/review", data={"action": "accept", "comment": "Đạt."})
    with app.app_context():
        report = db.session.get(ProgressReport, report_id)
        assert report.state == ACCEPTED
        activity_id = report.assignment.activity_id
        notes = [
            c.note
            for c in db.session.scalars(
                select(Change).where(Change.entity == "report").order_by(Change.id)
            )
        ]
        assert notes == [
            "Gửi báo cáo",
            "Trả lại báo cáo của Phường 1",
            "Gửi báo cáo",
            "Chấp nhận báo cáo của Phường 1",
        ]
    page = client.get(f"/activities/{activity_id}").get_data(as_text=True)
    assert "01/10 xã, phường" in page
    assert "640 lượt" in page


@pytest.mark.parametrize(
    "data,message",
    [
        ({"status": "not_done", "action": "submit"}, "cần nêu lý do"),
        ({"status": "done", "action": "submit"}, "cần nêu kết quả"),
        (
            {"status": "done", "result": "x", "completed_on": "2030-01-01", "action": "submit"},
            "sau hôm nay",
        ),
        ({"status": "bogus", "action": "submit"}, "Not a valid choice"),
    ],
)
def test_bad_reports_get_a_message_and_write_nothing(app, client, officer, data, message):
    assignment_id, period_id = ids(app, "1.5", "Phường 1")
    login(client, officer)
    response = client.post(f"/assignments/{assignment_id}/periods/{period_id}/report", data=data)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ProgressReport)) == 0


def test_draft_not_done_needs_no_reason_until_submitted(app, client, officer):
    assignment_id, period_id = ids(app, "1.5", "Phường 1")
    login(client, officer)
    client.post(
        f"/assignments/{assignment_id}/periods/{period_id}/report",
        data={"status": "not_done", "action": "draft"},
    )
    with app.app_context():
        assert db.session.scalar(select(ProgressReport)).state == "draft"


def test_officer_cannot_report_for_another_unit(app, client, officer):
    assignment_id, period_id = ids(app, "1.5", "Phường 2")
    login(client, officer)
    url = f"/assignments/{assignment_id}/periods/{period_id}/report"
    assert client.get(url).status_code == 403
    assert client.post(url, data=REPORT).status_code == 403


def test_evidence_files(app, client, auth, officer):
    assignment_id, period_id = ids(app, "1.5", "Phường 1")
    login(client, officer)
    client.post(
        f"/assignments/{assignment_id}/periods/{period_id}/report",
        data={**REPORT, "action": "draft"},
    )
    with app.app_context():
        report_id = db.session.scalar(select(ProgressReport.id))
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    upload = client.post(
        f"/reports/{report_id}/attachments",
        data={"file": (io.BytesIO(pdf), "Kế hoạch 35.pdf")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "Đã thêm tệp minh chứng" in upload.get_data(as_text=True)
    bad = client.post(
        f"/reports/{report_id}/attachments",
        data={"file": (io.BytesIO(b"MZ\x90\x00"), "virus.pdf")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "không đúng định dạng" in bad.get_data(as_text=True)
    exe = client.post(
        f"/reports/{report_id}/attachments",
        data={"file": (io.BytesIO(b"MZ"), "a.exe")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "Chỉ nhận tệp" in exe.get_data(as_text=True)
    with app.app_context():
        (attachment,) = db.session.get(ProgressReport, report_id).attachments
        stored = app.config["ATTACHMENTS_DIR"] / attachment.sha256[:2] / attachment.sha256
        assert stored.read_bytes() == pdf
        assert app.config["INSTANCE_DIR"] not in stored.parents  # not beside the database
        attachment_id = attachment.id
    with client.get(f"/attachments/{attachment_id}") as download:
        assert download.data == pdf and "attachment" in download.headers["Content-Disposition"]
    client.post("/logout")
    assert client.get(f"/attachments/{attachment_id}").status_code == 302  # signed-out: to login
    login(client, "tuphap")
    assert client.get(f"/attachments/{attachment_id}").status_code == 404  # another unit
    client.post("/logout")
    auth.login()
    with client.get(f"/attachments/{attachment_id}") as download:
        assert download.status_code == 200


def test_deadline_extension_keeps_the_original(app, client, auth, frozen):
    frozen(MAY_2023)
    auth.login()
    with app.app_context():
        activity_id = db.session.scalar(select(Activity.id).where(Activity.number == "6.3"))
    response = client.post(
        f"/activities/{activity_id}/deadline", data={"due_on": "2024-03-31", "reason": ""}
    )
    with app.app_context():
        assert db.session.get(Activity, activity_id).due_on == date(2023, 12, 31)
    client.post(
        f"/activities/{activity_id}/deadline",
        data={"due_on": "2024-03-31", "reason": "Chờ hướng dẫn của tỉnh"},
    )
    with app.app_context():
        activity = db.session.get(Activity, activity_id)
        assert (activity.due_on, activity.original_due_on) == (
            date(2024, 3, 31),
            date(2023, 12, 31),
        )
    page = client.get(f"/activities/{activity_id}").get_data(as_text=True)
    assert "Đổi thời hạn: Chờ hướng dẫn của tỉnh" in page
    assert response.status_code == 302


def test_other_plan_activity_waits_for_a_date(app, client, frozen):
    frozen(MAY_2023)
    make_user(app, "vhtt", "Phòng Văn hóa và Thông tin")
    login(client, "vhtt")
    page = client.get("/work").get_data(as_text=True)
    assert 'data-activity="1.4"' in page[page.index('id="waiting"') :]


def test_reassign_with_reason(app, client, auth):
    auth.login()
    with app.app_context():
        assignment_id = ids(app, "1.3", "Phòng Tư pháp")[0]
        new_unit = db.session.scalar(
            select(Unit.id).where(Unit.name == "Phòng Văn hóa và Thông tin")
        )
    client.post(
        f"/assignments/{assignment_id}/reassign",
        data={"reassign-unit_id": new_unit, "reassign-reason": ""},
    )
    with app.app_context():
        assert db.session.get(Assignment, assignment_id).unit.name == "Phòng Tư pháp"
    client.post(
        f"/assignments/{assignment_id}/reassign",
        data={"reassign-unit_id": new_unit, "reassign-reason": "Theo phân công lại"},
    )
    with app.app_context():
        assert db.session.get(Assignment, assignment_id).unit.name == "Phòng Văn hóa và Thông tin"
        change = db.session.scalar(select(Change).order_by(Change.id.desc()))
        assert change.note == "Giao lại: Theo phân công lại"


def test_periods_can_be_changed_by_the_coordinator(app, client, auth):
    auth.login()
    response = client.post(
        "/plans/1/periods", data={"kinds": ["quarter", "year"]}, follow_redirects=True
    )
    assert "Quý III/2023" in response.get_data(as_text=True)
    response = client.post(
        "/plans/1/periods",
        data={"kinds": ["year"], "due-2023-Y": "2023-12-10"},
        follow_redirects=True,
    )
    assert "phải sau ngày chốt" in response.get_data(as_text=True)
    client.post("/plans/1/periods", data={"kinds": ["year"], "due-2023-Y": "2023-12-20"})
    with app.app_context():
        periods = db.session.scalars(select(ReportingPeriod)).all()
        assert [(p.kind, p.due_on) for p in periods] == [("year", date(2023, 12, 20))]


def test_coordinator_creates_an_officer_account(app, client, auth):
    auth.login()
    page = client.get("/users").get_data(as_text=True)
    unit_id = re.search(r'<option value="(\d+)">xã Vĩnh Hải</option>', page).group(1)
    bad = client.post(
        "/users",
        data={
            "username": "vinhhai",
            "full_name": "Lâm Thị B",
            "role": "officer",
            "unit_id": "0",
            "password": "12345678",
        },
        follow_redirects=True,
    )
    assert "phải thuộc một đơn vị" in bad.get_data(as_text=True)
    client.post(
        "/users",
        data={
            "username": "vinhhai",
            "full_name": "Lâm Thị B",
            "role": "officer",
            "unit_id": unit_id,
            "password": "vinhhai-2023",
        },
    )
    client.post("/logout")
    response = client.post("/login", data={"username": "vinhhai", "password": "vinhhai-2023"})
    assert response.status_code == 302
    # The first sign-in asks for a password of the officer's own, then goes on to /work.
    assert client.get("/work").headers["Location"].startswith("/account/password")
    response = client.post(
        "/account/password?next=/work",
        data={"current": "vinhhai-2023", "new": "hai-vinh-2023", "confirm": "hai-vinh-2023"},
    )
    assert response.headers["Location"] == "/work"
    assert "xã Vĩnh Hải" in client.get("/work").get_data(as_text=True)


def test_password_change_and_reset(app, client, auth, officer):
    login(client, officer)
    new = {"new": "matkhau-moi-1", "confirm": "matkhau-moi-1"}
    bad = client.post("/account/password", data={"current": "sai", **new})
    assert "không đúng" in bad.get_data(as_text=True)
    client.post("/account/password", data={"current": f"matkhau-{officer}", **new})
    client.post("/logout")
    assert (
        client.post("/login", data={"username": officer, "password": "matkhau-moi-1"}).status_code
        == 302
    )
    client.post("/logout")
    auth.login()
    with app.app_context():
        from tracker.models import User

        user_id = db.session.scalar(select(User.id).where(User.username == officer))
    client.post(f"/users/{user_id}/password", data={"password": "dat-lai-2023"})
    client.post("/logout")
    assert (
        client.post("/login", data={"username": officer, "password": "dat-lai-2023"}).status_code
        == 302
    )


def test_login_is_throttled(app, client):
    for _ in range(5):
        assert (
            client.post("/login", data={"username": "noivu", "password": "sai"}).status_code == 200
        )
    response = client.post("/login", data={"username": "noivu", "password": "noivu2023"})
    assert response.status_code == 429
    assert "quá nhiều lần" in response.get_data(as_text=True)


def test_leader_reads_reports_but_cannot_review(app, client, officer):
    assignment_id, period_id = ids(app, "1.5", "Phường 1")
    login(client, officer)
    client.post(f"/assignments/{assignment_id}/periods/{period_id}/report", data=REPORT)
    client.post("/logout")
    make_user(app, "chutich", None, role="leader")
    login(client, "chutich")
    with app.app_context():
        report_id = db.session.scalar(select(ProgressReport.id))
    assert client.get(f"/reports/{report_id}").status_code == 200
    assert client.post(f"/reports/{report_id}/review", data={"action": "accept"}).status_code == 403
    assert (
        client.post(
            f"/assignments/{assignment_id}/periods/{period_id}/report", data=REPORT
        ).status_code
        == 403
    )


def test_count_rule_is_chosen_per_plan(app, client, auth):
    auth.login()
    page = client.get("/plans/1/dashboard?as_of=2023-12-15").get_data(as_text=True)
    assert "được tính là đã triển khai khi mọi đơn vị chủ trì đã triển khai" in page
    assert "/23 nhiệm vụ" in page  # the default: the plan's activities
    client.post("/plans/1/periods", data={"kinds": ["half", "year"], "count_rule": "each"})
    with app.app_context():
        from tracker.services.plans import find_plan

        assert find_plan("1").count_rule == "each"
    page = client.get("/plans/1/dashboard?as_of=2023-12-15").get_data(as_text=True)
    assert "mỗi đơn vị chủ trì của một hoạt động (mỗi xã, phường) tính là một phần việc" in page
    # 76 lead assignments, less the one vague unit ("Các cơ quan khác thực hiện tự kiểm tra")
    assert "/75 nhiệm vụ" in page
    bad = client.post(
        "/plans/1/periods", data={"kinds": ["year"], "count_rule": "bogus"}, follow_redirects=True
    )
    assert "Cách tính không hợp lệ" in bad.get_data(as_text=True)


def test_reports_are_never_lost_by_edits_or_reimport(app, client, auth, officer, tmp_path):
    from tests.conftest import SEED_ANNEX

    assignment_id, period_id = ids(app, "1.5", "Phường 1")
    login(client, officer)
    client.post(
        f"/assignments/{assignment_id}/periods/{period_id}/report",
        data={**REPORT, "action": "draft"},
    )
    client.post("/logout")
    auth.login()
    with app.app_context():
        activity_id = db.session.get(Assignment, assignment_id).activity_id
    response = client.post(f"/assignments/{assignment_id}/delete", follow_redirects=True)
    assert "đã báo cáo tiến độ" in response.get_data(as_text=True)
    response = client.post(f"/activities/{activity_id}/delete", follow_redirects=True)
    assert "không xóa được" in response.get_data(as_text=True)
    lines = [
        line
        for line in SEED_ANNEX.read_text(encoding="utf-8").splitlines()
        if "1.5. Thông tin tuyên truyền" not in line
    ]
    path = tmp_path / "bo-1-5.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["import-annex", str(path), "--plan", "1"])
    assert result.exit_code == 1 and "đã có báo cáo tiến độ" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ProgressReport)) == 1
        assert db.session.get(Assignment, assignment_id) is not None
