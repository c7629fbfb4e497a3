"""One-time links to set a new account's password (issue 15): e-mailed over real SMTP,
stored hashed, single-use, expiring, throttled when wrong."""

from __future__ import annotations

import hashlib
import logging
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from tests.conftest import audit_events
from tests.web.account_sheets import filled, passwords, template, upload
from tracker.extensions import db
from tracker.models import AuditEvent, Change, SignInLink, Unit, User

LINK = re.compile(r"https://papi\.vinhchau\.test/account/setup/([A-Za-z0-9_-]+)")
T0 = datetime(2026, 3, 2, 2, tzinfo=UTC)


def coordinator(app):
    client = app.test_client()
    assert (
        client.post("/login", data={"username": "noivu", "password": "noivu2023"}).status_code
        == 302
    )
    return client


def create(app, client, email="bich.lt@vinhhai.gov.vn", **extra) -> str:
    with app.app_context():
        unit_id = db.session.scalar(select(Unit.id).where(Unit.name == "xã Vĩnh Hải"))
    data = {"full_name": "Lâm Thị Bích", "unit_id": unit_id, "role": "officer", "email": email}
    response = client.post("/users", data={**data, **extra})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def token_in(mail) -> str:
    return LINK.search(mail.message.get_body(("plain",)).get_content()).group(1)


def can_sign_in(app, username, password) -> bool:
    response = app.test_client().post("/login", data={"username": username, "password": password})
    return response.status_code == 302


def test_a_new_account_gets_a_link_that_sets_its_password_once(mail_app, mail_server, frozen):
    frozen(T0)
    client = coordinator(mail_app)
    page = create(mail_app, client)
    initial = re.search(r'<code class="secret">([^<]+)</code>', page).group(1)
    assert "Đã gửi</span> tới bich.lt@vinhhai.gov.vn (dùng được 7 ngày)" in page
    (mail,) = mail_server.received
    assert mail.envelope_to == ["bich.lt@vinhhai.gov.vn"]
    assert str(mail.message["Subject"]) == "[Theo dõi PAPI] Tài khoản của anh/chị — đặt mật khẩu"
    body = mail.message.get_body(("plain",)).get_content()
    assert "Tên đăng nhập: xavinhhai.bichlt" in body and "09/03/2026" in body
    assert initial not in body  # the password is only ever on the result page
    token = token_in(mail)
    html_body = mail.message.get_body(("html",)).get_content()
    assert f"/account/setup/{token}" in html_body

    with mail_app.app_context():
        (link,) = db.session.scalars(select(SignInLink))
        assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()
        assert link.expires_at == T0 + timedelta(days=7) and link.used_at is None
        texts = [str(c.after) + str(c.before) for c in db.session.scalars(select(Change))]
        texts += [str(e.detail) + e.target for e in db.session.scalars(select(AuditEvent))]
        assert not any(token in t or initial in t for t in texts)
    (sent,) = audit_events(mail_app, "account.link_sent")
    assert sent["target"] == "xavinhhai.bichlt" and sent["outcome"] == "ok"
    assert sent["detail"] == {"E-mail": "bich.lt@vinhhai.gov.vn"}

    person = mail_app.test_client()
    opened = person.get(f"/account/setup/{token}")
    assert opened.status_code == 200
    assert opened.headers["Cache-Control"] == "no-store"
    assert opened.headers["Referrer-Policy"] == "no-referrer"
    assert "xavinhhai.bichlt" in opened.get_data(as_text=True)
    assert person.get(f"/account/setup/{token}").status_code == 200  # opening spends nothing

    mismatch = person.post(
        f"/account/setup/{token}", data={"new": "mat-khau-rieng-1", "again": "khac"}
    )
    assert "Hai lần nhập mật khẩu không giống nhau." in mismatch.get_data(as_text=True)
    short = person.post(f"/account/setup/{token}", data={"new": "ngan", "again": "ngan"})
    assert "Mật khẩu cần ít nhất 8 ký tự." in short.get_data(as_text=True)

    done = person.post(
        f"/account/setup/{token}",
        data={"new": "mat-khau-rieng-1", "again": "mat-khau-rieng-1"},
        follow_redirects=True,
    )
    assert "Đã đặt mật khẩu. Hãy đăng nhập bằng tên «xavinhhai.bichlt»." in done.get_data(
        as_text=True
    )
    assert can_sign_in(mail_app, "xavinhhai.bichlt", "mat-khau-rieng-1")
    assert not can_sign_in(mail_app, "xavinhhai.bichlt", initial)
    signed_in = mail_app.test_client().post(
        "/login", data={"username": "xavinhhai.bichlt", "password": "mat-khau-rieng-1"}
    )
    assert signed_in.headers["Location"] == "/work"  # a password of one's own: not asked again

    again = person.post(
        f"/account/setup/{token}", data={"new": "lan-thu-hai-22", "again": "lan-thu-hai-22"}
    )
    assert again.status_code == 404
    assert "không dùng được nữa" in again.get_data(as_text=True)
    assert person.get(f"/account/setup/{token}").status_code == 404
    assert not can_sign_in(mail_app, "xavinhhai.bichlt", "lan-thu-hai-22")
    (used,) = audit_events(mail_app, "account.link_used")
    assert used["username"] == "xavinhhai.bichlt"
    with mail_app.app_context():
        notes = list(db.session.scalars(select(Change.note).where(Change.entity == "user")))
        assert "Đặt mật khẩu qua liên kết một lần" in notes


@pytest.mark.parametrize(
    ("after", "status"), [(timedelta(days=7, minutes=-1), 200), (timedelta(days=7), 404)]
)
def test_a_link_expires_after_seven_days(mail_app, mail_server, frozen, after, status):
    frozen(T0)
    create(mail_app, coordinator(mail_app))
    token = token_in(mail_server.received[0])
    frozen(T0 + after)
    assert mail_app.test_client().get(f"/account/setup/{token}").status_code == status
    response = mail_app.test_client().post(
        f"/account/setup/{token}", data={"new": "mat-khau-rieng-1", "again": "mat-khau-rieng-1"}
    )
    assert response.status_code == (302 if status == 200 else 404)


def test_a_new_link_a_reset_or_a_deactivation_ends_the_old_link(mail_app, mail_server):
    client = coordinator(mail_app)
    create(mail_app, client)
    first = token_in(mail_server.received[0])
    with mail_app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.username == "xavinhhai.bichlt"))
    page = client.post(f"/users/{user_id}/link", follow_redirects=True).get_data(as_text=True)
    assert "Đã gửi liên kết đặt mật khẩu tới bich.lt@vinhhai.gov.vn." in page
    second = token_in(mail_server.received[1])
    person = mail_app.test_client()
    assert person.get(f"/account/setup/{first}").status_code == 404
    assert person.get(f"/account/setup/{second}").status_code == 200

    client.post(f"/users/{user_id}/active", data={"active": "0"})
    assert person.get(f"/account/setup/{second}").status_code == 404
    client.post(f"/users/{user_id}/active", data={"active": "1"})
    assert person.get(f"/account/setup/{second}").status_code == 200
    client.post(f"/users/{user_id}/password", data={"password": "do-noi-vu-dat-1"})
    assert person.get(f"/account/setup/{second}").status_code == 404
    with mail_app.app_context():
        assert db.session.scalar(select(func.count(SignInLink.id))) == 0


def test_wrong_links_are_counted_and_throttled(mail_app):
    person = mail_app.test_client()
    for i in range(20):
        assert person.get(f"/account/setup/{'x' * 40}{i:03d}").status_code == 404
    throttled = person.get(f"/account/setup/{'y' * 43}")
    assert throttled.status_code == 429 and throttled.headers["Retry-After"] == "900"
    other = mail_app.test_client().get(
        "/account/setup/abc", environ_base={"REMOTE_ADDR": "10.9.9.9"}
    )
    assert other.status_code == 404


def test_a_mail_server_that_refuses_leaves_the_password_to_hand_over(mail_app, mail_server):
    mail_server.handler.refuse = 1000
    page = create(mail_app, coordinator(mail_app))
    assert "Chưa gửi được</span> Không gửi được thư (SMTPDataError)." in page
    assert re.search(r'<code class="secret">[^<]+</code>', page)
    (event,) = audit_events(mail_app, "account.link_sent")
    assert event["outcome"] == "failed"
    assert mail_server.received == []


def test_without_a_mail_server_no_link_is_made(app, client, auth):
    auth.login()
    page = create(app, client)
    assert "Chưa cấu hình máy chủ thư" in page
    with app.app_context():
        assert db.session.scalar(select(func.count(SignInLink.id))) == 0
    assert audit_events(app, "account.link_sent") == []


def test_a_sheet_sends_each_person_with_an_email_their_own_link(mail_app, mail_server):
    client = coordinator(mail_app)
    rows = [
        ["Nguyễn Văn An", "Phòng Tư pháp", "an@vinhchau.gov.vn", "", "", ""],
        ["Trần Thị Hà", "Phòng Y tế", "", "", "", ""],
        ["Lê Văn Nam", "Phường 2", "nam@vinhchau.gov.vn", "", "", ""],
    ]
    page = client.post(upload(client, filled(template(client), rows))).get_data(as_text=True)
    assert set(passwords(page)) == {"tuphap.annv", "yte.hatt", "phuong2.namlv"}
    assert "Không có e-mail" in page
    by_address = {m.envelope_to[0]: token_in(m) for m in mail_server.received}
    assert set(by_address) == {"an@vinhchau.gov.vn", "nam@vinhchau.gov.vn"}
    opened = mail_app.test_client().get(f"/account/setup/{by_address['nam@vinhchau.gov.vn']}")
    assert "phuong2.namlv" in opened.get_data(as_text=True)


def test_neither_the_link_nor_the_password_reaches_a_log(mail_app, mail_server, caplog):
    caplog.set_level(logging.DEBUG)
    page = create(mail_app, coordinator(mail_app))
    initial = re.search(r'<code class="secret">([^<]+)</code>', page).group(1)
    token = token_in(mail_server.received[0])
    mail_app.test_client().get(f"/account/setup/{token}")
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "/account/setup/" in logged
    assert token not in logged and initial not in logged
