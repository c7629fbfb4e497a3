"""The coordinator's audit page: newest first, 100 a page, filters by action, user and
local dates; bad filters are refused in Vietnamese; nobody else may read it."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, select

from tests.conftest import audit_events, make_user
from tracker.extensions import db
from tracker.models import AuditEvent, User
from tracker.services import audit

START = datetime(2023, 5, 1, tzinfo=UTC)  # 07:00 on 1/5/2023 in Vĩnh Châu


@pytest.fixture
def events(app, auth, frozen):
    """205 events an hour apart from START: every fifth a sign-in of phuong1, the others
    exports from the command line; then the coordinator signs in (the newest event)."""
    make_user(app, "phuong1", "Phường 1")
    with app.app_context():
        db.session.execute(delete(AuditEvent))  # the seed's own import: start from a clean log
        officer = db.session.scalar(select(User).where(User.username == "phuong1"))
        for n in range(205):
            frozen(START + timedelta(hours=n))
            if n % 5 == 0:
                audit.record("auth.sign_in", user=officer)
            else:
                audit.record("export", target=f"Sự kiện {n}", plan_id=1)
        db.session.commit()
    frozen(START + timedelta(days=30))
    auth.login()


def shown(page: str) -> list[str]:
    """The targets in the table, top to bottom ("" for events without one)."""
    return re.findall(r'<td class="target" data-label="Đối tượng">(Sự kiện \d+|)', page)


def get(client, query: str = ""):
    response = client.get(f"/audit{query}")
    return response.status_code, response.get_data(as_text=True)


def test_newest_first_a_hundred_a_page(client, events):
    status, page = get(client)
    assert status == 200 and "206 sự kiện — trang 1/3." in page
    assert page.count("<time datetime=") == 100
    assert shown(page)[:3] == ["", "Sự kiện 204", "Sự kiện 203"]  # the sign-in is newest
    _, last = get(client, "?page=3")
    assert last.count("<time datetime=") == 6 and shown(last)[-1] == ""  # n=0, a sign-in
    assert get(client, "?page=abc")[1].count("<time datetime=") == 100
    assert "trang 3/3" in get(client, "?page=999")[1]


def test_filters_by_action_and_user(client, events):
    _, page = get(client, "?action=auth.sign_in&user=phuong1")
    assert "41 sự kiện" in page
    _, page = get(client, "?user=PHUONG1")
    assert "41 sự kiện" in page
    _, page = get(client, "?action=export&user=d%C3%B2ng+l%E1%BB%87nh")
    assert "164 sự kiện" in page and "?page=2&amp;action=export&amp;user=" in page


@pytest.mark.parametrize(
    "query", ["?since=2023-05-02&until=2023-05-02", "?since=02/05/2023&until=02/05/2023"]
)
def test_filters_by_local_dates(client, events, query):
    # 2/5/2023 in Vĩnh Châu runs from 1/5 17:00 to 2/5 17:00 UTC: events 17 to 40 (a sign-in).
    _, page = get(client, query)
    assert "24 sự kiện" in page
    targets = [t for t in shown(page) if t]
    assert targets[0] == "Sự kiện 39" and targets[-1] == "Sự kiện 17"


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?since=31/02/2023", "«Từ ngày» không phải ngày hợp lệ"),
        ("?until=hôm-qua", "«Đến ngày» không phải ngày hợp lệ"),
        ("?since=2023-05-03&until=2023-05-02", "«Từ ngày» phải trước hoặc bằng «Đến ngày»"),
        ("?action=drop-table", "Loại sự kiện không có trong danh sách"),
    ],
)
def test_bad_filters_are_refused_in_vietnamese(app, client, events, query, message):
    before = audit_events(app)
    status, page = get(client, query)
    assert status == 400 and message in page and "<time datetime=" not in page
    assert audit_events(app) == before


@pytest.mark.parametrize(
    ("username", "role", "unit"), [("phuong1", "officer", "Phường 1"), ("chutich", "leader", None)]
)
def test_only_the_coordinator_reads_it(app, client, auth, username, role, unit):
    make_user(app, username, unit, role=role)
    client.post("/login", data={"username": username, "password": f"matkhau-{username}"})
    assert 'href="/audit"' not in client.get("/plans").get_data(as_text=True)
    assert client.get("/audit").status_code == 403
    [row] = audit_events(app, "access.denied")
    assert (row["username"], row["target"], row["outcome"]) == (username, "GET /audit", "denied")
    client.post("/logout")
    auth.login()
    assert 'href="/audit"' in client.get("/plans").get_data(as_text=True)
