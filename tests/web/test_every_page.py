"""Every page the app answers, opened by each role (issue 15): Phòng Nội vụ, a unit's focal
officer and a leader. The routes are read from the app itself, so a page added later is
visited too. No page fails; no page says an internal id, a word from the code or a
developer command (tests/web/page_words.py); each role reaches its own pages and is kept
from the others'. The sideways-scroll half of the check runs in chromium
(tests/browser/test_phone_pages.py), over the same list."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.conftest import make_user
from tests.web.page_words import findings
from tracker.extensions import db
from tracker.models import (
    Assignment,
    ContentGroup,
    ProgressReport,
    ReportingPeriod,
    Unit,
    User,
)

# Routes that take a secret from a link (a feed, a one-time sign-in, an upload being
# previewed): their pages are visited by the tests of those flows.
TOKEN_ROUTES = {
    "calendar.feed",
    "users.setup_password",
    "notifications.unsubscribe",
    "imports.preview",
    "reports.sheet_preview",
    "users.bulk_preview",
    "units.sheet_preview",
}
# Files, not pages: they must answer, but have no words to read.
FILES = {
    "calendar.activity_ics",
    "reports.export_sheet",
    "reports.download",
    "exports.download",
    "users.bulk_template",
    "units.sheet_template",
    "favicon",
    "static",
    "health.healthz",
}
QUERY = {
    "plans.dashboard": "?as_of=2023-12-20",
    "exports.page": "?as_of=2023-12-20",
    "plans.overdue": "?as_of=2024-03-01",
    "search.index": "?q=tuyen+truyen",
    "exports.download": "?format=docx&as_of=2023-12-20",
}
OFFICER_UNIT = "Phòng Tư pháp"
ROLES = {
    "coordinator": ("noivu", "noivu2023"),
    "officer": ("tuphap", "matkhau-tuphap"),
    "leader": ("lanhdao", "matkhau-lanhdao"),
}
# What each role must be able to open (the rest it may or may not, but never a 500).
MUST_OPEN = {
    "coordinator": {
        "plans.list_plans",
        "plans.annex",
        "plans.dashboard",
        "reports.queue",
        "users.index",
        "audit.index",
        "notifications.outbox_page",
        "imports.upload",
        "help.index",
        "units.sheet_upload",
        "frameworks.index",
    },
    "officer": {
        "reports.work",
        "reports.edit",
        "calendar.index",
        "notifications.inbox",
        "plans.annex",
        "help.page",
        "frameworks.index",  # instance-wide: every role reads the frameworks
    },
    "leader": {
        "plans.dashboard",
        "plans.annex",
        "exports.page",
        "reports.show",
        "units.index",
        "frameworks.index",
    },
}
# What each role must not open: the coordinator's work.
MUST_NOT_OPEN = {
    "officer": {
        "users.index",
        "audit.index",
        "reports.queue",
        "imports.upload",
        "plans.new",
        "units.sheet_upload",
    },
    "leader": {
        "users.index",
        "reports.queue",
        "imports.upload",
        "plans.new",
        "reports.edit",
        "units.sheet_upload",
    },
}


def _ids(app) -> dict[str, int]:
    """An id for every route argument, from the demo plan (the officer's own unit first)."""
    with app.app_context():
        unit = db.session.scalar(select(Unit).where(Unit.name == OFFICER_UNIT))
        period = db.session.scalar(select(ReportingPeriod.id).order_by(ReportingPeriod.ends_on))
        reported = select(ProgressReport.assignment_id).where(ProgressReport.period_id == period)
        assignment = db.session.scalar(  # one still to report, so its form opens
            select(Assignment)
            .where(Assignment.unit_id == unit.id, Assignment.role == "lead")
            .where(Assignment.id.not_in(reported))
            .order_by(Assignment.id)
        )
        report = db.session.scalar(
            select(ProgressReport)
            .join(Assignment)
            .where(Assignment.unit_id == unit.id)
            .order_by(ProgressReport.id)
        )
        return {
            "plan_id": 1,
            "unit_id": unit.id,
            "activity_id": assignment.activity_id,
            "source_id": assignment.activity_id,
            "assignment_id": assignment.id,
            "period_id": period,
            "report_id": report.id,
            "group_id": db.session.scalar(select(ContentGroup.id).order_by(ContentGroup.id)),
            "user_id": db.session.scalar(select(User.id).where(User.username == "tuphap")),
            "notification_id": 1,
            "attachment_id": 1,
            "slug": "don-vi",
        }


def every_page(app) -> dict[str, str]:
    """endpoint → a path to GET it, for every route of the app but the secret-link ones."""
    ids = _ids(app)
    pages = {}
    with app.test_request_context():
        from flask import url_for

        for rule in app.url_map.iter_rules():
            if "GET" not in rule.methods or rule.endpoint in TOKEN_ROUTES:
                continue
            if rule.endpoint == "static":
                pages["static"] = url_for("static", filename="app.css")
                continue
            args = {name: ids[name] for name in rule.arguments}
            pages[rule.endpoint] = url_for(rule.endpoint, **args) + QUERY.get(rule.endpoint, "")
    return pages


@pytest.fixture
def role_app(demo_app):
    make_user(demo_app, "tuphap", OFFICER_UNIT)
    make_user(demo_app, "lanhdao", None, role="leader")
    return demo_app


def test_every_route_is_visited(role_app):
    pages = every_page(role_app)
    rules = {r.endpoint for r in role_app.url_map.iter_rules() if "GET" in r.methods}
    assert rules - TOKEN_ROUTES == set(pages)
    for needed in (MUST_OPEN, MUST_NOT_OPEN):
        assert set().union(*needed.values()) <= set(pages)


@pytest.mark.parametrize("role", ROLES)
def test_every_page_as_each_role(role_app, role):
    pages = every_page(role_app)
    client = role_app.test_client()
    username, password = ROLES[role]
    signed_in = client.post("/login", data={"username": username, "password": password})
    assert signed_in.status_code == 302
    opened, refused, said = set(), {}, {}
    for endpoint, path in sorted(pages.items()):
        with client.get(path) as response:
            assert response.status_code < 500, (role, endpoint, path)
            if response.status_code != 200:
                refused[endpoint] = response.status_code
                continue
            opened.add(endpoint)
            if endpoint in FILES or response.mimetype != "text/html":
                continue
            html = response.get_data(as_text=True)
        if found := findings(html):
            said[endpoint] = found
        assert 'href="/api/' not in html, (role, endpoint)
    assert said == {}
    assert MUST_OPEN[role] <= opened, (MUST_OPEN[role] - opened, refused)
    assert not MUST_NOT_OPEN.get(role, set()) & opened, MUST_NOT_OPEN[role] & opened
    # Refusals are a sign-in page or a plain "not allowed", never an error.
    assert set(refused.values()) <= {302, 403, 404}, refused
