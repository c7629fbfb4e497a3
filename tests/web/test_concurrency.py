"""Concurrent report writes on SQLite against a real threaded server: none fails
spuriously (write transactions take the lock up front with BEGIN IMMEDIATE)."""

from __future__ import annotations

import http.cookiejar
import re
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from tests.conftest import make_user
from tracker import clock
from tracker.extensions import db
from tracker.models import Activity, Assignment, ProgressReport, ReportingPeriod, Unit

pytestmark = pytest.mark.slow  # many writers at once

COMMUNES = [
    "Phường 1",
    "Phường 2",
    "Phường Khánh Hòa",
    "Phường Vĩnh Phước",
    "xã Hòa Đông",
    "xã Lạc Hòa",
    "xã Lai Hòa",
    "xã Vĩnh Hải",
    "xã Vĩnh Hiệp",
    "xã Vĩnh Tân",
]
ACTIVITIES = ["1.5", "5.1", "5.2"]


class Session:
    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def token(self, path: str) -> str:
        with self.opener.open(self.base + path) as response:
            page = response.read().decode()
        return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)

    def post(self, path: str, data: dict, token_from: str) -> int:
        body = urllib.parse.urlencode({**data, "csrf_token": self.token(token_from)}).encode()
        request = urllib.request.Request(self.base + path, data=body)
        try:
            with self.opener.open(request) as response:
                return response.status
        except urllib.error.HTTPError as exc:
            return exc.code


def test_thirty_reports_at_once(live_server, monkeypatch):
    base, app = live_server
    monkeypatch.setattr(clock, "frozen", datetime(2023, 5, 2, 3, tzinfo=UTC))
    jobs = []
    with app.app_context():
        period_id = db.session.scalar(select(ReportingPeriod.id).order_by(ReportingPeriod.id))
    for i, commune in enumerate(COMMUNES):
        make_user(app, f"xa{i}", commune)
        with app.app_context():
            for number in ACTIVITIES:
                assignment_id = db.session.scalar(
                    select(Assignment.id)
                    .join(Activity)
                    .join(Unit, Assignment.unit_id == Unit.id)
                    .where(
                        Activity.number == number, Unit.name == commune, Assignment.role == "lead"
                    )
                )
                jobs.append((f"xa{i}", f"/assignments/{assignment_id}/periods/{period_id}/report"))

    def report(job) -> int:
        username, path = job
        session = Session(base)
        status = session.post(
            "/login", {"username": username, "password": f"matkhau-{username}"}, "/login"
        )
        assert status == 200  # redirected to the app after signing in
        return session.post(
            path, {"status": "in_progress", "result": "Đang thực hiện", "action": "submit"}, path
        )

    with ThreadPoolExecutor(max_workers=10) as pool:
        statuses = list(pool.map(report, jobs))
    assert statuses == [200] * len(jobs)  # each POST redirects to its report page
    with app.app_context():
        assert (
            db.session.scalar(select(func.count()).select_from(ProgressReport)) == len(jobs) == 30
        )
