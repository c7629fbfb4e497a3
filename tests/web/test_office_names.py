"""Each organisation's own words (issue 16): in an instance holding the historical Vĩnh
Châu district, a province (tỉnh Sóc Trăng) and one of its communes (xã Hòa Tú), what a
commune's people read — the report form, the coordinator's pages, the e-mail telling a
unit its report was returned, the unit's calendar feed — names the commune's own
coordinating office, never Vĩnh Châu's "Phòng Nội vụ"; Vĩnh Châu's pages still do.
A real SMTP server in the test process; the clock frozen (tests/web/test_tenancy.py)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from tests.web.test_tenancy import PASSWORD, two_tier
from tracker import clock
from tracker.extensions import db
from tracker.models import Locality, ProgressReport, ReportingPeriod, User
from tracker.scheduler import run_job
from tracker.services.calendar import links as calendar_links

COMMUNE_OFFICE = "Văn phòng HĐND và UBND xã Hòa Tú"  # the name the commune chose
DISTRICT_OFFICE = "Phòng Nội vụ"


@pytest.fixture(autouse=True)
def in_august_2026(monkeypatch):
    monkeypatch.setattr(clock, "frozen", datetime(2026, 8, 3, 3, tzinfo=UTC))


@pytest.fixture
def orgs(mail_app):
    ids = two_tier(mail_app)
    with mail_app.app_context():
        commune = db.session.scalar(select(Locality).where(Locality.name == "xã Hòa Tú"))
        province = db.session.scalar(select(Locality).where(Locality.name == "tỉnh Sóc Trăng"))
        # Created without one: each got its level's usual office (domain.offices).
        assert (province.office_name, commune.office_name) == (
            "Sở Nội vụ",
            "Văn phòng HĐND và UBND",
        )
        commune.office_name = COMMUNE_OFFICE
        officer = db.session.scalar(select(User).where(User.username == "xa.kinhte"))
        officer.email = "kinhte@hoatu.test"
        _, token = calendar_links.issue_token(officer, "unit", officer.unit_id, None, True, officer)
        db.session.commit()
    return {**ids, "token": token}


def signed_in(app, username: str):
    client = app.test_client()
    client.post("/login", data={"username": username, "password": PASSWORD})
    return client


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def later_period(app, plan_id: int) -> int:
    with app.app_context():
        periods = db.session.scalars(
            select(ReportingPeriod.id)
            .where(ReportingPeriod.plan_id == plan_id)
            .order_by(ReportingPeriod.ends_on)
        ).all()
    return periods[1]


def test_a_commune_officer_reports_to_the_communes_own_office(mail_app, orgs):
    officer = signed_in(mail_app, "xa.kinhte")
    work = text(officer.get("/work"))
    assert DISTRICT_OFFICE not in work
    period_id = later_period(mail_app, orgs["plan_id"])
    url = f"/assignments/{orgs['assignment_id']}/periods/{period_id}/report"
    form = text(officer.get(url))
    assert f'id="submit-report">Gửi {COMMUNE_OFFICE}</button>' in form
    assert DISTRICT_OFFICE not in form

    sent = officer.post(
        url, data={"status": "in_progress", "result": "Đã họp dân.", "action": "submit"}
    )
    page = text(officer.get(sent.headers["Location"]))
    assert f"tới {COMMUNE_OFFICE}; báo cáo đang chờ duyệt" in page
    assert f"Chờ {COMMUNE_OFFICE} duyệt" in page
    assert DISTRICT_OFFICE not in page


def test_the_communes_coordinator_reads_and_writes_in_its_own_name(mail_app, mail_server, orgs):
    coordinator = signed_in(mail_app, "xa.vanphong")
    report = f"/reports/{orgs['report_id']}"
    plan = orgs["plan_id"]
    for url in (report, f"/plans/{plan}", f"/plans/{plan}/reminders", "/users", "/help/don-vi"):
        page = text(coordinator.get(url))
        assert DISTRICT_OFFICE not in page, url
    assert f"Ý kiến của {COMMUNE_OFFICE}" in text(coordinator.get(report))
    assert f"Báo {COMMUNE_OFFICE} khi quá hạn" in text(coordinator.get(f"/plans/{plan}/reminders"))
    assert f"{COMMUNE_OFFICE} (điều phối)" in text(coordinator.get("/users"))
    # The province's coordinator reads the commune's report in the commune's words.
    province = text(signed_in(mail_app, "tinh.noivu").get(report))
    assert f"Gửi {COMMUNE_OFFICE}" in province and DISTRICT_OFFICE not in province

    coordinator.post(f"{report}/review", data={"comment": "Bổ sung ảnh.", "action": "return"})
    assert run_job(mail_app, "send-mail").status == "ok"
    (received,) = [m for m in mail_server.received if m.envelope_to == ["kinhte@hoatu.test"]]
    body = received.message.get_body(("plain",)).get_content()
    html = received.message.get_body(("html",)).get_content()
    assert f"{COMMUNE_OFFICE} đã trả lại báo cáo" in body and "Bổ sung ảnh." in body
    assert f"Theo dõi PAPI ({COMMUNE_OFFICE})" in html
    for part in (body, html, str(received.message["Subject"])):
        assert DISTRICT_OFFICE not in part


def test_the_units_calendar_feed_names_the_communes_office(mail_app, orgs):
    feed = mail_app.test_client().get(f"/cal/{orgs['token']}.ics")
    ics = feed.get_data(as_text=True).replace("\r\n ", "")  # unfolded
    assert feed.status_code == 200
    assert f"Báo cáo gửi {COMMUNE_OFFICE}." in ics
    assert DISTRICT_OFFICE not in ics


def test_vinh_chau_still_reports_to_its_phong_noi_vu(mail_app, orgs):
    """The seeded district beside the others keeps its words."""
    with mail_app.app_context():
        report_id = db.session.scalar(
            select(ProgressReport.id)
            .join(ReportingPeriod)
            .where(ReportingPeriod.plan_id == 1)
            .order_by(ProgressReport.id)
        )
    client = mail_app.test_client()
    client.post("/login", data={"username": "noivu", "password": "noivu2023"})
    report = text(client.get(f"/reports/{report_id}"))
    assert "<dt>Gửi Phòng Nội vụ</dt>" in report and "Ý kiến của Phòng Nội vụ" in report
    assert "Báo Phòng Nội vụ khi quá hạn" in text(client.get("/plans/1/reminders"))
    users = text(client.get("/users"))
    assert "Phòng Nội vụ (điều phối)" in users and COMMUNE_OFFICE not in users
