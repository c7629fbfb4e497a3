"""Every route that takes an object id, requested by people of another unit: an officer
of Phường 1 and a leader against Phường 2's report, file and account. The annex itself
is public inside the app; everything else answers 403 or 404 and writes nothing."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from tests.conftest import audit_events, make_user
from tracker.extensions import db
from tracker.models import (
    Activity,
    Assignment,
    Attachment,
    CalendarToken,
    Change,
    Notification,
    ProgressReport,
    ReportingPeriod,
    Unit,
    User,
)

# Reading the annex is allowed to every signed-in user (issue 3: "can read the whole annex").
PUBLIC_READS = {
    "help.page",
    "plans.overview",
    "plans.dashboard",
    "plans.overdue",
    "api.summary",
    "plans.annex",
    "plans.history",
    "activities.detail",
    "units.detail",
    "api.annex",
    "reports.periods",
    "calendar.activity_ics",
}
# Read by leaders (without recipients' addresses), refused to units' officers.
LEADER_READS = {"notifications.plan_rules"}


@pytest.fixture
def targets(app, client, frozen):
    """Phường 2's report with a file; returns the ids every route argument can take."""
    frozen(datetime(2023, 5, 2, 3, tzinfo=UTC))
    make_user(app, "phuong1", "Phường 1")
    make_user(app, "phuong2", "Phường 2")
    make_user(app, "chutich", None, role="leader")
    with app.app_context():
        assignment = db.session.scalar(
            select(Assignment)
            .join(Activity)
            .join(Unit, Assignment.unit_id == Unit.id)
            .where(Activity.number == "1.5", Unit.name == "Phường 2")
        )
        period = db.session.scalar(select(ReportingPeriod).order_by(ReportingPeriod.id))
        ids = {
            "assignment_id": assignment.id,
            "period_id": period.id,
            "activity_id": assignment.activity_id,
            "source_id": assignment.activity_id,
            "group_id": assignment.activity.group_id,
            "plan_id": 1,
            "unit_id": assignment.unit_id,
            "slug": "don-vi",  # a help page: open to everyone
        }
    client.post("/login", data={"username": "phuong2", "password": "matkhau-phuong2"})
    url = f"/assignments/{ids['assignment_id']}/periods/{ids['period_id']}/report"
    client.post(url, data={"status": "in_progress", "result": "Đang làm", "action": "draft"})
    with app.app_context():
        report_id = db.session.scalar(select(ProgressReport.id))
    client.post(
        f"/reports/{report_id}/attachments",
        content_type="multipart/form-data",
        data={"file": (io.BytesIO(b"%PDF-1.4 minh chung"), "bien-ban.pdf")},
    )
    client.post("/logout")
    with app.app_context():
        ids["report_id"] = report_id
        ids["attachment_id"] = db.session.scalar(select(Attachment.id))
        ids["user_id"] = db.session.scalar(select(User.id).where(User.username == "phuong2"))
        ids["notification_id"] = _notification_for(ids["user_id"])
    ids["token"] = "0" * 64
    with app.app_context():
        from tracker.services.calendar import links as calendar_links

        phuong2 = db.session.get(User, ids["user_id"])
        row, _ = calendar_links.issue_token(phuong2, "unit", ids["unit_id"], None, True, phuong2)
        db.session.commit()
        ids["feed_id"] = row.id
    ids["direction"] = "up"
    return ids


def _notification_for(user_id: int) -> int:
    """An in-app notification of Phường 2's officer, unsent by e-mail."""
    row = Notification(
        key="test:phuong2",
        kind="before",
        user_id=user_id,
        subject="Nhắc việc",
        body_text="x",
        body_html="x",
        message_id="<x@test>",
        mail_status="skipped",
    )
    db.session.add(row)
    db.session.commit()
    return row.id


def state(app) -> tuple:
    with app.app_context():
        return (
            db.session.scalar(select(func.count()).select_from(Change)),
            db.session.scalar(select(func.count()).select_from(Activity)),
            db.session.scalar(select(func.count()).select_from(Assignment)),
            tuple(
                db.session.execute(
                    select(ProgressReport.state, ProgressReport.result, ProgressReport.status)
                ).all()
            ),
            db.session.scalar(select(func.count()).select_from(Attachment)),
            tuple(db.session.execute(select(Notification.mail_status, Notification.read_at)).all()),
            tuple(db.session.execute(select(CalendarToken.revoked_at, CalendarToken.include_done))),
        )


def routes_with_ids(app):
    for rule in app.url_map.iter_rules():
        if rule.arguments and rule.endpoint != "static":
            for method in sorted((rule.methods or set()) & {"GET", "POST"}):
                yield rule, method


@pytest.mark.parametrize("username", ["phuong1", "chutich"])
def test_no_route_lets_another_unit_in(app, client, targets, username):
    client.post("/login", data={"username": username, "password": f"matkhau-{username}"})
    before = state(app)
    checked = refused = 0
    for rule, method in routes_with_ids(app):
        url = rule.build({k: targets[k] for k in rule.arguments}, append_unknown=False)[1]
        form = {
            "action": "accept",
            "comment": "x",
            "status": "done",
            "result": "x",
            "reason": "x",
            "due_on": "2024-01-01",
            "reassign-unit_id": targets["unit_id"],
            "reassign-reason": "x",
            "assign-unit_id": targets["unit_id"],
            "assign-role": "lead",
            "password": "12345678x",
            "text": "x",
            "group_id": targets["group_id"],
            "kinds": ["year"],
        }
        response = client.open(url, method=method, data=form if method == "POST" else None)
        response.close()
        public = method == "GET" and rule.endpoint in PUBLIC_READS
        if public:
            assert response.status_code == 200, (rule.rule, method)
        elif (
            username == "chutich"
            and method == "GET"
            and rule.endpoint in {"reports.show", "reports.download"}
        ):
            assert response.status_code == 200, (rule.rule, method)  # leaders read every report
        elif (
            username == "chutich"
            and method == "GET"
            and rule.endpoint in {"exports.page", "exports.download"} | LEADER_READS
        ):
            assert response.status_code == 200, (rule.rule, method)  # leaders export the report
        else:
            assert response.status_code in (403, 404), (rule.rule, method, response.status_code)
        refused += response.status_code == 403
        checked += 1
    assert checked >= 25
    assert state(app) == before
    # Every refusal is in the audit log, under the name of the one refused.
    denied = audit_events(app, "access.denied")
    assert len(denied) == refused > 0
    assert {(d["username"], d["outcome"]) for d in denied} == {(username, "denied")}


# Pages without an object id that only Phòng Nội vụ opens.
COORDINATOR_PAGES = ("/audit", "/users", "/reminders", "/working-days")


@pytest.mark.parametrize("username", ["phuong1", "chutich"])
def test_coordinator_pages_refuse_and_record_others(app, client, targets, username):
    client.post("/login", data={"username": username, "password": f"matkhau-{username}"})
    for path in COORDINATOR_PAGES:
        assert client.get(path).status_code == 403, path
    targets_seen = [d["target"] for d in audit_events(app, "access.denied")]
    assert targets_seen == [f"GET {path}" for path in COORDINATOR_PAGES]


# Pages without an object id that show reports and files found by their words: each is
# asked for Phường 2's draft ("Đang làm") and file ("bien-ban.pdf").
SEARCH_PAGES = {"search.index": ("/search?q=dang+lam", "/search?q=bien+ban")}


def test_every_search_page_is_walked(app):
    endpoints = {r.endpoint for r in app.url_map.iter_rules() if r.endpoint.startswith("search.")}
    assert endpoints == set(SEARCH_PAGES)


@pytest.mark.parametrize("username", ["phuong1", "chutich"])
def test_search_pages_show_another_units_report_to_leaders_only(app, client, targets, username):
    client.post("/login", data={"username": username, "password": f"matkhau-{username}"})
    before = state(app)
    report_link = f'href="/reports/{targets["report_id"]}'
    for urls in SEARCH_PAGES.values():
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            page = response.get_data(as_text=True)
            if username == "chutich":  # leaders read every report and file
                assert report_link in page, url
            else:
                assert report_link not in page, url
                assert "Đang làm" not in page and "bien-ban.pdf" not in page, url
            assert f"/attachments/{targets['attachment_id']}" not in page
    assert state(app) == before


def test_officer_sees_only_own_unit_on_the_work_page(app, client, targets):
    client.post("/login", data={"username": "phuong1", "password": "matkhau-phuong1"})
    page = client.get(f"/work?unit={targets['unit_id']}").get_data(as_text=True)
    assert "<h1>Phường 1</h1>" in page
    activity_page = client.get(f"/activities/{targets['activity_id']}").get_data(as_text=True)
    assert "Đang làm" not in activity_page  # Phường 2's draft stays private
