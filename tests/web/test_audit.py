"""The audit log: sign-ins (and failures), sign-outs, refusals, imports, exports and
deletions, with who, when, from where and how it ended — never a password."""

from __future__ import annotations

import io
import sqlite3
from datetime import UTC, datetime

import pytest
from flask import abort
from sqlalchemy import func, select

from tests.conftest import (
    COORDINATOR,
    SEED_ANNEX,
    _make_app,
    audit_events,
    make_user,
    sqlite_only,
)
from tracker.extensions import db
from tracker.models import Activity, Assignment, Change, ProgressReport, Unit, User

MOMENT = datetime(2023, 5, 2, 3, tzinfo=UTC)


def login(client, username, password=None, **kwargs):
    password = password or f"matkhau-{username}"
    return client.post("/login", data={"username": username, "password": password}, **kwargs)


def user_id(app, username):
    with app.app_context():
        return db.session.scalar(select(User.id).where(User.username == username))


def test_sign_ins_failures_and_sign_outs(app, client, auth, frozen):
    frozen(MOMENT)
    login(client, "noivu", "sai-mat-khau-X1", environ_base={"REMOTE_ADDR": "10.1.2.3"})
    login(client, "khongco", "bi-mat-Y2")
    auth.login()
    auth.logout()
    rows = [r for r in audit_events(app) if r["action"].startswith("auth.")]
    assert [(r["action"], r["username"], r["outcome"]) for r in rows] == [
        ("auth.sign_in_failed", "noivu", "failed"),
        ("auth.sign_in_failed", "khongco", "failed"),
        ("auth.sign_in", "noivu", "ok"),
        ("auth.sign_out", "noivu", "ok"),
    ]
    assert rows[0]["address"] == "10.1.2.3" and rows[1]["address"] == "127.0.0.1"
    assert rows[0]["user_id"] is None and rows[2]["user_id"] == user_id(app, "noivu")
    assert rows[0]["detail"] == {"Lý do": "Sai mật khẩu"}
    assert rows[1]["detail"] == {"Lý do": "Không có tài khoản này"}
    assert {r["at"] for r in rows} == {MOMENT}
    stored = repr(rows)
    for secret in ("sai-mat-khau-X1", "bi-mat-Y2", COORDINATOR[1]):
        assert secret not in stored


def test_a_throttled_sign_in_is_recorded_as_refused(app, client):
    for _ in range(6):
        login(client, "noivu", "sai")
    outcomes = [r["outcome"] for r in audit_events(app, "auth.sign_in_failed")]
    assert outcomes == ["failed"] * 5 + ["denied"]


def test_a_refusal_is_kept_although_the_request_work_is_rolled_back(app, client):
    def half_done(plan_id: int):
        db.session.add(Change(actor="x", entity="plan", action="update", note="nửa chừng"))
        db.session.flush()
        abort(403)

    app.add_url_rule("/plans/<int:plan_id>/half-done", view_func=half_done, methods=["POST"])
    make_user(app, "phuong1", "Phường 1")
    login(client, "phuong1")
    assert client.post("/plans/1/half-done?x=1").status_code == 403
    with app.app_context():
        assert db.session.scalar(select(func.count()).where(Change.note == "nửa chừng")) == 0
    [row] = audit_events(app, "access.denied")
    assert (row["username"], row["user_id"]) == ("phuong1", user_id(app, "phuong1"))
    assert (row["target"], row["plan_id"], row["outcome"]) == (
        "POST /plans/1/half-done",
        1,
        "denied",
    )


@pytest.fixture(params=[(0, "10.0.0.1"), (1, "203.0.113.9")], ids=["no-proxy", "one-proxy"])
def proxied(request, fresh_database, seeded_db):
    proxies, expected = request.param
    for app in _make_app(fresh_database, seeded_db, TRUSTED_PROXIES=proxies):
        yield app, expected


def test_forwarded_for_is_believed_only_behind_trusted_proxies(proxied):
    app, expected = proxied
    login(
        app.test_client(),
        *COORDINATOR,
        environ_base={"REMOTE_ADDR": "10.0.0.1"},
        headers={"X-Forwarded-For": "203.0.113.9"},
    )
    assert [r["address"] for r in audit_events(app, "auth.sign_in")] == [expected]


def test_export_downloads_and_the_export_command(app, client, frozen, tmp_path):
    frozen(datetime(2023, 12, 15, 3, tzinfo=UTC))
    make_user(app, "chutich", None, role="leader")
    login(client, "chutich")
    response = client.get("/plans/1/exports/download?format=csv&as_of=2023-12-15")
    assert response.status_code == 200
    output = tmp_path / "bieu-mau.csv"
    result = app.test_cli_runner().invoke(
        args=["export", "form", "--plan", "1", "--as-of", "2023-12-15", "-o", str(output)]
    )
    assert result.exit_code == 0, result.output
    web, cli = audit_events(app, "export")
    assert (web["username"], web["user_id"], web["plan_id"]) == (
        "chutich",
        user_id(app, "chutich"),
        1,
    )
    assert web["detail"]["Định dạng"] == "csv" and web["detail"]["Tính đến"] == "15/12/2023"
    assert (cli["username"], cli["user_id"], cli["address"]) == ("dòng lệnh", None, "")
    assert cli["detail"]["Định dạng"] == "form"
    some_line = response.get_data(as_text=True).splitlines()[3]
    assert some_line and some_line not in repr([web, cli])  # never the file's content


def test_deletions_on_the_web(app, client, auth):
    auth.login()
    with app.app_context():
        activity = db.session.scalar(select(Activity).where(Activity.number == "6.9"))
        other = db.session.scalar(select(Activity).where(Activity.number == "6.8"))
        assignment = next(a for a in other.assignments if a.role == "support")
        ids = activity.id, assignment.id, assignment.unit.name
    client.post(f"/activities/{ids[0]}/delete")
    client.post(f"/assignments/{ids[1]}/delete")
    client.post("/working-days", data={"day": "2024-05-04", "action": "work"})
    client.post("/working-days", data={"day": "2024-05-04", "action": "remove"})
    client.post("/plans/1/periods", data={"kinds": ["year"], "count_rule": "each"})
    rows = [r for r in audit_events(app) if r["action"].startswith("delete.")]
    assert [r["action"] for r in rows] == [
        "delete.activity",
        "delete.assignment",
        "delete.day",
        "delete.period",
    ]
    assert {(r["username"], r["outcome"]) for r in rows} == {("noivu", "ok")}
    assert rows[0]["target"].startswith("Hoạt động 6.9: Kiểm tra vận hành")
    assert rows[1]["target"].startswith(f"{ids[2]} — Hoạt động 6.8")
    assert rows[2]["target"] == "Ngày làm bù 04/05/2024" and rows[2]["plan_id"] is None
    assert [r["target"] for r in rows[3:]] == ["6 tháng đầu năm 2023"]
    assert [r["plan_id"] for r in (rows[0], rows[1], rows[3])] == [1, 1, 1]


def test_removing_an_evidence_file(app, client, frozen):
    frozen(MOMENT)
    make_user(app, "phuong2", "Phường 2")
    with app.app_context():
        assignment_id = db.session.scalar(
            select(Assignment.id)
            .join(Activity)
            .join(Unit, Assignment.unit_id == Unit.id)
            .where(Activity.number == "1.5", Unit.name == "Phường 2")
        )
    login(client, "phuong2")
    url = f"/assignments/{assignment_id}/periods/1/report"
    client.post(url, data={"status": "in_progress", "result": "Đang làm", "action": "draft"})
    with app.app_context():
        report_id = db.session.scalar(select(ProgressReport.id))
    client.post(
        f"/reports/{report_id}/attachments",
        content_type="multipart/form-data",
        data={"file": (io.BytesIO(b"%PDF-1.4 noi dung bi mat"), "bien-ban.pdf")},
    )
    client.post("/attachments/1/delete")
    [row] = audit_events(app, "delete.attachment")
    assert row["username"] == "phuong2" and row["target"].startswith("bien-ban.pdf — báo cáo")
    assert "noi dung bi mat" not in repr(row)


def test_an_annex_import_and_what_it_removes(app, client, auth):
    lines = SEED_ANNEX.read_text(encoding="utf-8").splitlines()
    kept = [line for line in lines if not line.startswith("7\t")]  # group 7, one activity
    auth.login()
    response = client.post("/plans/1/import", data={"pasted": "\n".join(kept)})
    client.post(response.headers["Location"], data={"action": "confirm"})
    rows = [r for r in audit_events(app) if r["username"] == "noivu"]  # not the seed's import
    actions = [r["action"] for r in rows if r["action"] != "auth.sign_in"]
    assert actions == ["delete.activity", "delete.group", "import.annex"]
    assert {r["plan_id"] for r in rows[1:]} == {1}
    assert rows[-1]["detail"] == {"Thêm": 0, "Sửa": 0, "Xóa": 1, "Giữ nguyên": 22, "Đơn vị mới": 0}
    assert rows[-1]["target"].endswith(": pasted.txt")
    assert rows[2]["target"].startswith("7. Đo lường sự hài lòng")


@pytest.fixture
def impatient_app(fresh_database, seeded_db):
    """The seeded app whose writers give up on the SQLite lock after 0.2 s."""
    yield from _make_app(fresh_database, seeded_db, SQLITE_BUSY_TIMEOUT=0.2)


@sqlite_only("another writer holds SQLite's write lock past the busy timeout")
def test_while_the_audit_log_cannot_be_written(impatient_app, frozen, caplog):
    app = impatient_app
    frozen(datetime(2023, 12, 15, 3, tzinfo=UTC))
    make_user(app, "chutich", None, role="leader")
    client = app.test_client()
    login(client, "chutich")
    before = audit_events(app)
    database = app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")
    blocker = sqlite3.connect(database, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")  # another writer holds the lock
    try:
        download = client.get("/plans/1/exports/download?format=csv&as_of=2023-12-15")
        refused = client.get("/audit")
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    # No export leaves without its audit row; the refusal is still a refusal, and says so.
    assert download.status_code == 503 and download.headers["Retry-After"] == "5"
    assert "attachment" not in download.headers.get("Content-Disposition", "")
    assert refused.status_code == 403
    assert "audit: a refusal of audit.index was not recorded (OperationalError)" in caplog.text
    assert audit_events(app) == before
