"""Sessions that end, and throttling a stranger cannot turn against a user (issue 13)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.conftest import make_user

NOIVU = {"username": "noivu", "password": "noivu2023"}


def signed_in(app, username="noivu", password="noivu2023", address="10.0.0.1"):
    client = app.test_client()
    response = client.post(
        "/login",
        data={"username": username, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return client


def is_in(client) -> bool:
    """Signed in: the page opens, or (a password Phòng Nội vụ gave) asks for a new one."""
    response = client.get("/plans")
    return response.status_code == 200 or response.location.startswith("/account/password")


def copy_cookie(client, app):
    """Another client holding a copy of `client`'s session cookie, as a thief would."""
    thief = app.test_client()
    cookie = client.get_cookie("session")
    thief.set_cookie("session", cookie.value)
    return thief


def test_a_cookie_copied_before_logout_is_refused(app):
    client = signed_in(app)
    thief = copy_cookie(client, app)
    assert is_in(thief)
    other = signed_in(app)  # the same account on another device
    client.post("/logout")
    assert not is_in(client) and not is_in(thief)
    assert is_in(other)  # signing out ends that session only


def test_a_password_change_ends_the_other_sessions(app):
    client = signed_in(app)
    other = signed_in(app)
    thief = copy_cookie(client, app)
    response = client.post(
        "/account/password",
        data={"current": "noivu2023", "new": "mat-khau-moi-2024", "confirm": "mat-khau-moi-2024"},
    )
    assert response.status_code == 302
    assert is_in(client)  # this one goes on
    assert not is_in(other) and not is_in(thief)
    assert is_in(signed_in(app, password="mat-khau-moi-2024"))


def test_a_reset_and_a_deactivation_end_the_accounts_sessions(app):
    make_user(app, "phuong1", "Phường 1")
    officer = signed_in(app, "phuong1", "matkhau-phuong1")
    coordinator = signed_in(app)
    coordinator.post("/users/2/password", data={"password": "moi-12345678"})
    assert not is_in(officer)
    officer = signed_in(app, "phuong1", "moi-12345678")
    assert officer.get("/plans").location == "/account/password?next=/plans"
    page = coordinator.post("/users/2/active", data={"active": "0"}, follow_redirects=True)
    assert "Đã khóa tài khoản «phuong1»" in page.get_data(as_text=True)
    assert not is_in(officer)
    refused = app.test_client().post(
        "/login", data={"username": "phuong1", "password": "moi-12345678"}
    )
    assert refused.status_code == 200 and "không đúng" in refused.get_data(as_text=True)
    coordinator.post("/users/2/active", data={"active": "1"})
    assert is_in(signed_in(app, "phuong1", "moi-12345678"))
    own = coordinator.post("/users/1/active", data={"active": "0"}, follow_redirects=True)
    assert "Không tự khóa" in own.get_data(as_text=True) and is_in(coordinator)


def test_officers_cannot_manage_accounts(app):
    make_user(app, "phuong1", "Phường 1")
    officer = signed_in(app, "phuong1", "matkhau-phuong1")
    assert officer.post("/users/1/active", data={"active": "0"}).status_code == 403
    assert officer.post("/users/1/unlock").status_code == 403
    assert is_in(signed_in(app))


def test_idle_and_absolute_lifetimes(app, frozen):
    start = datetime(2024, 3, 1, 1, tzinfo=UTC)
    frozen(start)
    client = signed_in(app)
    frozen(start + timedelta(hours=11))
    assert is_in(client)  # each request keeps it alive …
    frozen(start + timedelta(hours=22))
    assert is_in(client)
    frozen(start + timedelta(hours=35))  # … but 13 hours without one end it
    assert not is_in(client)
    client = signed_in(app)
    signed = moment = start + timedelta(hours=35)
    while is_in(client):  # in use every 11 hours …
        moment += timedelta(hours=11)
        frozen(moment)
    # … it still ends 7 days after signing in
    assert timedelta(days=7) < moment - signed <= timedelta(days=7, hours=11)


def fail(app, username, address, client=None, times=1):
    client = client or app.test_client()
    for _ in range(times):
        client.post(
            "/login",
            data={"username": username, "password": "sai-mat-khau"},
            environ_base={"REMOTE_ADDR": address},
        )
    return client


def test_a_stranger_cannot_lock_the_coordinator_out(app):
    """Anyone who knows the name `noivu` tried to keep the coordinator out with five
    wrong passwords; failures from elsewhere no longer lock her browser or office."""
    office = signed_in(app, address="203.0.113.7")  # signed in here before: a known browser
    office.post("/logout")
    for n in range(30):  # from many addresses, without the browser's cookie
        fail(app, "noivu", f"198.51.100.{n}", times=2)
    # her browser (it holds the known-device cookie) still gets in …
    assert (
        office.post("/login", data=NOIVU, environ_base={"REMOTE_ADDR": "203.0.113.7"}).status_code
        == 302
    )
    # … and so does a new browser at the office address she signs in from
    assert (
        app.test_client()
        .post("/login", data=NOIVU, environ_base={"REMOTE_ADDR": "203.0.113.7"})
        .status_code
        == 302
    )
    # the stranger's next try is refused outright
    locked = app.test_client().post(
        "/login", data=NOIVU, environ_base={"REMOTE_ADDR": "198.51.100.99"}
    )
    assert locked.status_code == 429


def test_a_colleague_at_the_shared_address_does_not_lock_others(app):
    """A district office shares one public address: one officer's typos lock that
    officer's name there, not a colleague with the right password."""
    make_user(app, "phuong1", "Phường 1")
    fail(app, "phuong1", "203.0.113.7", times=8)
    assert app.test_client().post(
        "/login", data={"username": "phuong1", "password": "matkhau-phuong1"},
        environ_base={"REMOTE_ADDR": "203.0.113.7"},
    ).status_code == 429  # fmt: skip
    assert (
        app.test_client()
        .post("/login", data=NOIVU, environ_base={"REMOTE_ADDR": "203.0.113.7"})
        .status_code
        == 302
    )


@pytest.mark.parametrize("by_page", [True, False])
def test_phong_noi_vu_unlocks_an_account(app, by_page):
    make_user(app, "phuong1", "Phường 1")
    fail(app, "phuong1", "203.0.113.7", times=5)
    right = {"username": "phuong1", "password": "matkhau-phuong1"}
    at_office = {"REMOTE_ADDR": "203.0.113.7"}
    assert app.test_client().post("/login", data=right, environ_base=at_office).status_code == 429
    coordinator = signed_in(app)
    page = coordinator.get("/users").get_data(as_text=True)
    assert "Mở khóa đăng nhập" in page
    if by_page:
        coordinator.post("/users/2/unlock")
    else:  # or it ends by itself after 15 minutes
        from tracker import clock

        clock.frozen = datetime.now(UTC) + timedelta(minutes=16)
    try:
        assert (
            app.test_client().post("/login", data=right, environ_base=at_office).status_code == 302
        )
    finally:
        from tracker import clock

        clock.frozen = None
