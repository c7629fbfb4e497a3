"""Localities as tenants (issue 16): one instance holds the historical Vĩnh Châu district,
a province (tỉnh Sóc Trăng, after 1/7/2025) and one of its communes (xã Hòa Tú), each with
its own plan, units, accounts and reports. Every route that takes an object's id is
walked, GET and POST, by each organisation's people with the other's ids:

- another locality's objects are not there (404) and nothing changes;
- the province's coordinator reads its commune's plan but changes nothing (403), and
  not at all when TRACKER_PROVINCE_READS_COMMUNES is 0;
- lists (plans, units, search, the API) show only what the reader may read."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from tests.conftest import password_chosen
from tests.web.test_authorization import routes_with_ids, state
from tracker import clock
from tracker.domain.units import UnitKind
from tracker.extensions import db
from tracker.models import (
    Activity,
    Assignment,
    CalendarToken,
    ContentGroup,
    Locality,
    Plan,
    ProgressReport,
    ReportingPeriod,
    Unit,
    User,
)
from tracker.models.units import COMMUNE, PROVINCE
from tracker.services import plans, reporting
from tracker.services.accounts import create_user
from tracker.services.annex_import import apply_import, preview_import
from tracker.services.calendar import links as calendar_links
from tracker.services.catalog import create_unit

ANNEX = "\n".join(
    "\t".join(row)
    for row in (
        ("STT", "Nội dung", "Hoạt động", "Đơn vị chủ trì", "Đơn vị phối hợp", "Thời gian"),
        (
            "1",
            "Công khai, minh bạch",
            "1.1. Niêm yết công khai thủ tục hành chính tại Trung tâm phục vụ hành chính công xã.",
            "Văn phòng HĐND và UBND xã.",
            "Phòng Kinh tế.",
            "Quý III/2026",
        ),
        (
            "",
            "",
            "1.2. Tổ chức đối thoại với người dân ấp Hòa Phú về chính sách đất đai.",
            "Phòng Kinh tế.",
            "Văn phòng HĐND và UBND xã.",
            "Thường xuyên",
        ),
    )
)
PASSWORD = "matkhau-ca-nhan-1"


@pytest.fixture(autouse=True)
def in_august_2026(monkeypatch):
    monkeypatch.setattr(clock, "frozen", datetime(2026, 8, 3, 3, tzinfo=UTC))


def _account(username: str, role: str, unit: Unit | None) -> None:
    create_user(
        username=username, full_name=username, role=role, unit=unit, password=PASSWORD, by=None
    )
    password_chosen(username)


@pytest.fixture
def orgs(app):
    """The province, its commune with a plan and a sent report, and their accounts; the
    seeded Vĩnh Châu plan (id 1) beside them. The commune's ids, by route argument."""
    return two_tier(app)


def two_tier(app) -> dict:
    """What `orgs` holds, in any seeded app (tests/web/test_office_names.py sends mail)."""
    with app.app_context():
        province = Locality(
            name="tỉnh Sóc Trăng",
            place_name="Sóc Trăng",
            issuing_body="Ủy ban nhân dân tỉnh Sóc Trăng",
            province="tỉnh Sóc Trăng",
            level=PROVINCE,
        )
        commune = Locality(
            name="xã Hòa Tú",
            place_name="Hòa Tú",
            issuing_body="Ủy ban nhân dân xã Hòa Tú",
            province="tỉnh Sóc Trăng",
            level=COMMUNE,
            parent=province,
        )
        db.session.add_all([province, commune])
        so_noi_vu = create_unit(province, "Sở Nội vụ", UnitKind.OFFICE)
        office = create_unit(commune, "Văn phòng HĐND và UBND xã", UnitKind.OFFICE)
        economy = create_unit(commune, "Phòng Kinh tế", UnitKind.OFFICE)
        _account("tinh.noivu", "coordinator", so_noi_vu)
        _account("xa.vanphong", "coordinator", office)
        _account("xa.kinhte", "officer", economy)
        db.session.flush()
        plan = plans.create_plan(
            commune,
            number="45/KH-UBND",
            issued_on=date(2026, 3, 2),
            year=2026,
            title="Cải thiện Chỉ số PAPI, PAR INDEX, SIPAS năm 2026",
            noun="nhiệm vụ",
            user=None,
        )
        apply_import(preview_import(plan, "phu-luc.txt", ANNEX.encode()), None)
        db.session.commit()
        assignment = db.session.scalar(
            select(Assignment)
            .join(Activity)
            .where(Activity.plan_id == plan.id, Assignment.unit_id == economy.id)
            .where(Assignment.role == "lead")
        )
        period = db.session.scalar(
            select(ReportingPeriod)
            .where(ReportingPeriod.plan_id == plan.id)
            .order_by(ReportingPeriod.ends_on)
        )
        officer = db.session.scalar(select(User).where(User.username == "xa.kinhte"))
        data = reporting.ReportInput(status="in_progress", result="Đã họp dân ấp Hòa Phú.")
        report = reporting.save_report(assignment, period, data, officer, submit=True)
        district = db.session.scalar(
            select(Assignment).join(Activity).where(Activity.plan_id == 1).order_by(Assignment.id)
        )
        first = db.session.scalar(select(ReportingPeriod).where(ReportingPeriod.plan_id == 1))
        reporting.save_report(district, first, data, None, submit=True)  # Vĩnh Châu's own
        feed, _ = calendar_links.issue_token(officer, "unit", economy.id, None, True, officer)
        noivu = db.session.scalar(select(User).where(User.username == "noivu"))
        calendar_links.issue_token(noivu, "unit", noivu.unit_id, None, True, noivu)
        db.session.commit()
        return {
            "plan_id": plan.id,
            "activity_id": assignment.activity_id,
            "source_id": assignment.activity_id,
            "group_id": db.session.scalar(
                select(ContentGroup.id).where(ContentGroup.plan_id == plan.id)
            ),
            "assignment_id": assignment.id,
            "period_id": period.id,
            "report_id": report.id,
            "unit_id": economy.id,
            "user_id": officer.id,
            "attachment_id": 999_999,
            "notification_id": 999_999,
            "feed_id": feed.id,
            "token": "0" * 64,
            "slug": "don-vi",
            "direction": "up",
        }


def _vinh_chau_ids(app) -> dict:
    with app.app_context():
        report = db.session.scalar(
            select(ProgressReport)
            .join(ReportingPeriod)
            .where(ReportingPeriod.plan_id == 1)
            .order_by(ProgressReport.id)
        )
        assignment = db.session.scalar(
            select(Assignment).join(Activity).where(Activity.plan_id == 1).order_by(Assignment.id)
        )
        return {
            "plan_id": 1,
            "activity_id": assignment.activity_id,
            "source_id": assignment.activity_id,
            "group_id": assignment.activity.group_id,
            "assignment_id": assignment.id,
            "period_id": db.session.scalar(
                select(ReportingPeriod.id).where(ReportingPeriod.plan_id == 1)
            ),
            "report_id": report.id,
            "unit_id": assignment.unit_id,
            "user_id": (
                noivu_id := db.session.scalar(select(User.id).where(User.username == "noivu"))
            ),
            "attachment_id": 999_999,
            "notification_id": 999_999,
            "feed_id": db.session.scalar(
                select(CalendarToken.id).where(CalendarToken.owner_id == noivu_id)
            ),
            "token": "0" * 64,
            "slug": "don-vi",
            "direction": "up",
        }


FORM = {
    "action": "accept",
    "comment": "x",
    "status": "done",
    "result": "x",
    "reason": "x",
    "due_on": "2026-12-31",
    "password": "12345678x",
    "text": "x",
    "kinds": ["year"],
}
# Object ids that name nothing of a locality (a help page, a feed token): not walked.
NOT_OWNED = {"slug", "token", "direction"}


def _walk(app, client, ids: dict) -> dict[tuple[str, str], int]:
    """GET and POST every route that takes an owned object's id, with `ids`."""
    statuses = {}
    for rule, method in routes_with_ids(app):
        if set(rule.arguments) <= NOT_OWNED or rule.endpoint == "static":
            continue
        url = rule.build({k: ids[k] for k in rule.arguments}, append_unknown=False)[1]
        response = client.open(url, method=method, data=FORM if method == "POST" else None)
        response.close()
        statuses[(rule.rule, method)] = response.status_code
    return statuses


def _sign_in(app, username: str, password: str = PASSWORD):
    client = app.test_client()
    assert client.post("/login", data={"username": username, "password": password}).status_code
    return client


@pytest.mark.parametrize(
    ("username", "password", "other"),
    [
        ("noivu", "noivu2023", "commune"),  # the district's coordinator, the commune's ids
        ("xa.vanphong", PASSWORD, "district"),  # the commune's coordinator, the district's ids
        ("xa.kinhte", PASSWORD, "district"),  # the commune's officer, the district's ids
    ],
)
def test_another_localitys_objects_are_not_there(app, orgs, username, password, other):
    ids = orgs if other == "commune" else _vinh_chau_ids(app)
    before = state(app)
    statuses = _walk(app, _sign_in(app, username, password), ids)
    assert len(statuses) >= 40
    # Not there; an officer is refused Phòng Nội vụ's pages before any id is looked at.
    allowed = {404} if username != "xa.kinhte" else {403, 404}
    not_there = {k: s for k, s in statuses.items() if s not in allowed}
    assert not_there == {}
    assert state(app) == before


def test_the_province_reads_its_commune_and_changes_nothing(app, orgs):
    before = state(app)
    client = _sign_in(app, "tinh.noivu")
    for path in (
        f"/plans/{orgs['plan_id']}",
        f"/plans/{orgs['plan_id']}/annex",
        f"/plans/{orgs['plan_id']}/dashboard",
        f"/reports/{orgs['report_id']}",
        f"/activities/{orgs['activity_id']}",
        f"/units/{orgs['unit_id']}",
    ):
        assert client.get(path).status_code == 200, path
    statuses = _walk(app, client, orgs)
    # Refused (an id that names nothing, such as the walk's file and notice, is not there).
    writes = {k: s for k, s in statuses.items() if k[1] == "POST" and s not in (403, 404)}
    assert writes == {}
    for rule in ("/reports/<int:report_id>/review", "/activities/<int:activity_id>/edit"):
        assert statuses[(rule, "POST")] == 403
    assert state(app) == before
    listing = client.get("/plans").get_data(as_text=True)
    assert "45/KH-UBND" in listing and "63/KH-UBND" not in listing  # not Vĩnh Châu's
    # ... and the district's objects are not there.
    district = _walk(app, client, _vinh_chau_ids(app))
    assert {s for (rule, method), s in district.items() if method == "GET"} == {404}


def test_a_province_may_be_kept_from_its_communes(app, orgs):
    app.config["PROVINCE_READS_COMMUNES"] = False
    client = _sign_in(app, "tinh.noivu")
    assert client.get(f"/plans/{orgs['plan_id']}").status_code == 404
    assert "45/KH-UBND" not in client.get("/plans").get_data(as_text=True)


def test_lists_show_only_what_the_reader_may_read(app, orgs):
    commune = _sign_in(app, "xa.vanphong")
    plans_page = commune.get("/plans").get_data(as_text=True)
    assert "45/KH-UBND" in plans_page and "63/KH-UBND" not in plans_page
    units = commune.get("/units").get_data(as_text=True)
    assert "Phòng Kinh tế" in units and "Phường Khánh Hòa" not in units
    api = commune.get("/api/plans").get_json()
    assert [p["number"] for p in api["plans"]] == ["45/KH-UBND"]
    found = commune.get("/search?q=tuyen+truyen").get_data(as_text=True)
    assert "Vĩnh Châu" not in found
    calendar = commune.get("/calendar").get_data(as_text=True)
    assert "Phòng Kinh tế" in calendar and "Phường Khánh Hòa" not in calendar
    audit = commune.get("/audit").get_data(as_text=True)
    assert "xa.kinhte" in audit and "noivu" not in audit  # its own people's sign-ins only
    assert commune.get("/province").status_code == 404  # the province's page
    assert 'href="/province"' not in plans_page
    province = _sign_in(app, "tinh.noivu")
    assert province.get("/province").status_code == 200
    found = province.get("/search?q=hoa+phu").get_data(as_text=True)  # its commune's
    report_link = f'href="/reports/{orgs["report_id"]}'
    assert report_link in found and "Đã họp dân ấp" in found
    assert report_link not in commune_other(app)
    district = _sign_in(app, "noivu", "noivu2023")
    assert "45/KH-UBND" not in district.get("/plans").get_data(as_text=True)
    assert "Hòa Tú" not in district.get("/units").get_data(as_text=True)
    assert "xa.kinhte" not in district.get("/audit").get_data(as_text=True)


def commune_other(app) -> str:
    """What Vĩnh Châu's coordinator finds for the commune's report words."""
    return _sign_in(app, "noivu", "noivu2023").get("/search?q=hoa+phu").get_data(as_text=True)


def test_each_works_on_its_own(app, orgs):
    """The commune's officer reports on its own plan; the commune's coordinator reviews."""
    officer = _sign_in(app, "xa.kinhte")
    assert officer.get("/work").status_code == 200
    assert "Niêm yết" in officer.get(f"/plans/{orgs['plan_id']}/annex").get_data(as_text=True)
    coordinator = _sign_in(app, "xa.vanphong")
    returned = coordinator.post(
        f"/reports/{orgs['report_id']}/review", data={"action": "return", "comment": "Bổ sung."}
    )
    assert returned.status_code == 302
    with app.app_context():
        assert db.session.get(ProgressReport, orgs["report_id"]).state == "returned"
        assert db.session.get(Plan, orgs["plan_id"]).locality.level == COMMUNE
