"""Text from outside fits what the database stores, on SQLite as on PostgreSQL.

PostgreSQL enforces VARCHAR sizes and refuses NUL characters in text; SQLite keeps
either silently. So an over-long number or name is refused with a message (the same on
both), NUL characters are taken out of form fields and query arguments, and after each
request no stored string is longer than its column (which SQLite alone would allow)."""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import String, select

from tracker.extensions import db
from tracker.models import Assignment, ReportingPeriod

LONG = "Phòng " + "x" * 400
ANNEX_HEADER = "TT\tNội dung\tHoạt động\tĐơn vị chủ trì\tĐơn vị phối hợp\tThời gian\n"


def overflowing(app) -> list[tuple[str, str, int]]:
    """(table, column, length) of every stored string longer than its column."""
    found = []
    with app.app_context():
        for table in db.metadata.sorted_tables:
            for column in table.columns:
                if isinstance(column.type, String) and column.type.length:
                    for (value,) in db.session.execute(select(column)):
                        if isinstance(value, str) and len(value) > column.type.length:
                            found.append((table.name, column.name, len(value)))
    return found


def has_nul(app) -> bool:
    with app.app_context():
        for table in db.metadata.sorted_tables:
            for row in db.session.execute(select(table)):
                if any(isinstance(v, str) and "\x00" in v for v in row):
                    return True
    return False


ACCOUNT = {"role": "officer", "unit_id": "0", "password": "mat-khau-dai-12"}


@pytest.mark.parametrize(
    ("url", "data", "message"),
    [
        ("/plans/new", {"number": LONG, "year": "2024", "title": "Kế hoạch", "noun": "nhiệm vụ"},
         "Số kế hoạch dài quá 50 ký tự."),
        ("/groups/1/activities/new", {"group_id": "1", "number": "1" * 31, "text": "Họp dân"},
         "Số thứ tự dài quá 30 ký tự."),
        ("/activities/1/edit", {"group_id": "1", "number": "1" * 31, "text": "Họp dân"},
         "Số thứ tự dài quá 30 ký tự."),
        ("/users", {"username": LONG, "full_name": LONG, **ACCOUNT}, None),
        ("/working-days", {"day": "2024-03-04", "note": LONG, "source": LONG, "action": "off"}, None),
        ("/activities/1/deadline", {"due_on": "2024-03-04", "reason": LONG}, None),
    ],
)  # fmt: skip
def test_long_text_in_forms(app, client, auth, url, data, message):
    auth.login()
    response = client.post(url, data=data, follow_redirects=True)
    assert response.status_code < 500
    if message:
        assert message in response.get_data(as_text=True)
    assert overflowing(app) == []


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("Mục một, tên nhóm viết vào cột số\tTuyên truyền\tHọp dân\tPhòng Nội vụ\t\tNăm 2024",
         "dài quá 20 ký tự"),
        ("1.1\tTuyên truyền\tHọp dân\tBan " + "quản lý " * 40 + "\t\tNăm 2024",
         "dài quá 300 ký tự"),
    ],
)  # fmt: skip
def test_long_cells_in_an_annex_are_refused(app, client, auth, row, message):
    auth.login()
    staged = client.post("/plans/1/import", data={"pasted": ANNEX_HEADER + row + "\n"})
    page = client.get(staged.headers["Location"]).get_data(as_text=True)
    assert message in page
    mapping = {f"map::{name}": "new:office" for name in _unknown(page)}
    confirmed = client.post(staged.headers["Location"], data={"action": "confirm", **mapping})
    assert confirmed.status_code < 500 and message in confirmed.get_data(as_text=True)
    assert overflowing(app) == []


def _unknown(page: str) -> list[str]:
    return [html.unescape(n) for n in re.findall(r'name="map::([^"]+)"', page)]


def test_nul_characters_are_taken_out_of_what_people_send(app, client, auth):
    assert client.post("/login", data={"username": "no\x00vu", "password": "x"}).status_code == 200
    assert client.post("/login", data={"username": LONG, "password": "x"}).status_code == 200
    auth.login()
    with app.app_context():
        assignment = db.session.scalar(select(Assignment.id).where(Assignment.role == "lead"))
        period = db.session.scalar(select(ReportingPeriod.id))
    posts = [
        ("/plans/new", {"number": "64\x00", "year": "2024", "title": "Kế\x00 hoạch", "noun": "nhiệm vụ"}),
        ("/activities/1/edit", {"group_id": "1", "number": "1.1", "text": "Họp\x00 dân", "timeframe_text": "Năm 2023"}),
        ("/working-days", {"day": "2024-03-04", "note": "Nghỉ\x00 bù", "action": "off"}),
        (f"/assignments/{assignment}/periods/{period}/report",
         {"status": "in_progress", "result": "Đã\x00 họp", "evidence_text": "x\x00", "action": "save"}),
    ]  # fmt: skip
    for url, data in posts:
        assert client.post(url, data=data).status_code < 500, url
    assert client.get("/plans/1/annex?q=h%00op").status_code == 200
    assert not has_nul(app)
    assert overflowing(app) == []
    assert "Họp dân" in client.get("/activities/1").get_data(as_text=True)
