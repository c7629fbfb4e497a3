"""Secret calendar links (issue 6, quality.md "Feed tokens"): stored hashed, never in logs,
dead once revoked, 1,000 random ones all refused and throttled while the real one works,
and one unit's link opens nothing but that unit's feed."""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
import urllib.request

import pytest
from sqlalchemy import func, select

from tests.conftest import make_user
from tests.web.calendar_support import HOST, events, expected_due_dates, issue, read, unit_id
from tracker import create_app
from tracker.extensions import db
from tracker.models import CalendarToken, LoginAttempt, User
from tracker.services.calendar import links as calendar_links

ATTACKER = {"REMOTE_ADDR": "203.0.113.9"}


def feed(client, token: str, **environ):
    return client.get(f"/cal/{token}.ics", environ_base=environ)


def count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_tokens_are_stored_hashed(app, client):
    token = issue(app, "unit", unit_id(app, "Phòng Nội vụ"))
    assert len(token) == 43 and feed(client, token).status_code == 200
    with app.app_context():
        stored = db.session.scalars(select(CalendarToken.token_hash)).all()
        db.session.remove()
        db.engine.dispose()
    assert stored == [hashlib.sha256(token.encode()).hexdigest()]
    folder = app.config["INSTANCE_DIR"]
    for path in folder.glob("tracker.sqlite3*"):
        assert token.encode() not in path.read_bytes(), path.name


def test_revoked_link_is_dead_on_the_next_request(app, client):
    make_user(app, "phuong1", "Phường 1")
    client.post("/login", data={"username": "phuong1", "password": "matkhau-phuong1"})
    token = issue(app, "unit", unit_id(app, "Phường 1"), owner="phuong1")
    other = issue(app, "user", _user(app, "phuong1"), owner="phuong1")
    assert feed(client, token).status_code == 200
    with app.app_context():
        row_id = db.session.scalar(
            select(CalendarToken.id).where(
                CalendarToken.token_hash == calendar_links.hash_token(token)
            )
        )
    response = client.post(f"/calendar/feeds/{row_id}/revoke", follow_redirects=True)
    assert "Đã thu hồi liên kết" in response.get_data(as_text=True)
    assert feed(client, token).status_code == 404
    assert feed(client, other).status_code == 200  # the person's other link lives on
    # revoking again changes nothing and says why
    again = client.post(f"/calendar/feeds/{row_id}/revoke", follow_redirects=True)
    assert "đã bị thu hồi trước đó" in again.get_data(as_text=True)


def test_regenerating_kills_the_old_link(app, client):
    make_user(app, "phuong1", "Phường 1")
    client.post("/login", data={"username": "phuong1", "password": "matkhau-phuong1"})
    old = issue(app, "unit", unit_id(app, "Phường 1"), owner="phuong1")
    with app.app_context():
        row_id = db.session.scalar(select(CalendarToken.id))
    page = client.post(f"/calendar/feeds/{row_id}/regenerate", follow_redirects=True)
    new = _link_on(page.get_data(as_text=True))
    assert new != old
    assert feed(client, old).status_code == 404
    assert feed(client, new).status_code == 200


def _user(app, username: str) -> int:
    with app.app_context():
        return db.session.scalar(select(User.id).where(User.username == username))


def _link_on(page: str) -> str:
    match = re.search(r'value="https?://[^"]+/cal/([A-Za-z0-9_-]{43})\.ics"', page)
    assert match, "the new link is on the page"
    return match.group(1)


@pytest.mark.slow
def test_a_thousand_random_links_are_refused_and_throttled(app, client):
    real = issue(app, "unit", unit_id(app, "Phòng Tư pháp"))
    codes = [feed(client, secrets.token_urlsafe(32), **ATTACKER).status_code for _ in range(1000)]
    assert set(codes) <= {404, 429}
    assert codes[: calendar_links.WRONG_TOKEN_LIMIT] == [404] * calendar_links.WRONG_TOKEN_LIMIT
    assert set(codes[calendar_links.WRONG_TOKEN_LIMIT :]) == {429}
    throttled = feed(client, "x" * 43, **ATTACKER)
    assert throttled.status_code == 429 and int(throttled.headers["Retry-After"]) > 0
    # The real link still works from the same address (calendar services fetch many
    # people's feeds from a few addresses); a guess gains nothing from it.
    assert feed(client, real, **ATTACKER).status_code == 200
    # Misses past the limit are not written: the table cannot be flooded.
    assert count(app, LoginAttempt, LoginAttempt.kind == "feed") == calendar_links.WRONG_TOKEN_LIMIT
    # Another address is not throttled; sign-in from the attacker's address is not locked.
    assert feed(client, secrets.token_urlsafe(32), REMOTE_ADDR="198.51.100.7").status_code == 404
    login = client.post(
        "/login",
        data={"username": "noivu", "password": "noivu2023"},
        environ_base=ATTACKER,
    )
    assert login.status_code == 302


def test_throttle_is_shared_by_every_worker(app, client):
    for _ in range(calendar_links.WRONG_TOKEN_LIMIT):
        feed(client, secrets.token_urlsafe(32), **ATTACKER)
    other_worker = create_app({**app.config})  # same database, another process's view
    response = other_worker.test_client().get(
        f"/cal/{secrets.token_urlsafe(32)}.ics", environ_base=ATTACKER
    )
    assert response.status_code == 429
    with other_worker.app_context():
        db.engine.dispose()


def test_malformed_links_are_misses(app, client):
    for bad in ("abc", "A" * 44, "%00" * 10, "../../etc/passwd", "é" * 43):
        assert client.get(f"/cal/{bad}.ics").status_code == 404
    assert client.get("/cal/.ics").status_code == 404


def test_one_units_link_opens_its_feed_and_nothing_else(app, client):
    phuong1, phuong2 = unit_id(app, "Phường 1"), unit_id(app, "Phường 2")
    token = issue(app, "unit", phuong1)
    found = events(read(feed(client, token).data))
    assert set(found) == set(expected_due_dates(app, phuong1))
    assert not set(found) & set(expected_due_dates(app, phuong2))
    assert client.get_cookie("session") is None
    pages = ["/work", "/calendar", "/plans", "/activities/1", f"/units/{phuong2}", "/users"]
    for page in pages:
        for attempt in (
            {"query_string": {"token": token}},
            {"headers": {"Authorization": f"Bearer {token}"}},
            {"headers": {"Cookie": f"session={token}"}},
        ):
            response = client.get(page, **attempt)
            assert response.status_code == 302, (page, attempt)
            assert "/login" in response.headers["Location"]
    assert client.get("/api/plans", query_string={"token": token}).status_code == 401
    assert client.get(f"/cal/{token}").status_code == 404
    assert client.get(f"/cal/{token}.ics/../../work").status_code in (302, 404)


def test_an_owner_who_leaves_the_unit_loses_the_link(app, client):
    make_user(app, "phuong1", "Phường 1")
    token = issue(app, "unit", unit_id(app, "Phường 1"), owner="phuong1")
    mine = issue(app, "user", _user(app, "phuong1"), owner="phuong1")
    assert feed(client, token).status_code == 200
    phuong2 = unit_id(app, "Phường 2")
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "phuong1"))
        user.unit_id = phuong2
        db.session.commit()
    assert feed(client, token).status_code == 404
    # the personal feed follows the person to the new unit
    uids = set(events(read(feed(client, mine).data)))
    assert uids == set(expected_due_dates(app, phuong2))
    with app.app_context():
        db.session.scalar(select(User).where(User.username == "phuong1")).is_active = False
        db.session.commit()
    assert feed(client, mine).status_code == 404


def test_links_never_reach_the_request_log(live_server, caplog):
    base, app = live_server
    token = issue(app, "unit", unit_id(app, "Phòng Nội vụ"))
    caplog.set_level(logging.INFO, logger="werkzeug")
    with urllib.request.urlopen(f"{base}/cal/{token}.ics") as response:
        assert response.status == 200
        assert f"@{HOST}" in response.read().decode()
    with pytest.raises(urllib.error.HTTPError):
        urllib.request.urlopen(f"{base}/cal/{secrets.token_urlsafe(32)}.ics")
    lines = [r.getMessage() for r in caplog.records if r.name == "werkzeug"]
    feed_lines = [line for line in lines if "/cal/" in line]
    assert len(feed_lines) == 2
    assert all("/cal/…" in line for line in feed_lines)
    assert not any(token in line for line in lines)
