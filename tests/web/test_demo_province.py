"""The demo province (issue 16, item 7): `seed --demo province` builds «tỉnh Minh Họa»
with the real shape of a two-tier instance — departments, 100 communes made from its
catalogue, a province plan and three commune plans carrying it out — whose progress
reaches the province's figures; every page and export of it says it is sample data,
while Vĩnh Châu's stay as they were. Seeding again changes nothing."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime

import pytest
from click.testing import CliRunner
from docx import Document
from openpyxl import load_workbook
from sqlalchemy import func, select

from tests.conftest import password_chosen
from tracker import clock
from tracker.cli.annex import seed_command
from tracker.domain.units import UnitKind
from tracker.extensions import db
from tracker.models import Activity, Locality, Plan, ProgressReport, Unit, User
from tracker.models.units import COMMUNE, DEMO_NOTICE, PROVINCE
from tracker.services import cascade, rollup
from tracker.services.exports.report import ExportRequest, export
from tracker.services.seeding import SEEDS_DIR, load_seeds

pytestmark = pytest.mark.slow  # builds a province of 100 communes

PROVINCE_NAME = "tỉnh Minh Họa"
PASSWORD = "noivu2023"  # the seed password, as for noivu
BANNER = f'<p class="demo-banner" role="note">{DEMO_NOTICE}</p>'


@pytest.fixture(autouse=True)
def in_december_2026(monkeypatch):
    monkeypatch.setattr(clock, "frozen", datetime(2026, 12, 4, 3, tzinfo=UTC))


def _province() -> Locality:
    found = db.session.scalar(select(Locality).where(Locality.name == PROVINCE_NAME))
    assert found is not None
    return found


def _province_plan() -> Plan:
    plan = db.session.scalar(select(Plan).where(Plan.locality_id == _province().id))
    assert plan is not None
    return plan


def _commune_plans() -> list[Plan]:
    return cascade.commune_plans(_province_plan())


def _counts() -> dict[str, int]:
    """Rows per table; the audit log aside: it records each import run (Vĩnh Châu's annex
    is read again on every `seed`), even one that changes nothing."""
    return {
        table.name: db.session.scalar(select(func.count()).select_from(table))
        for table in db.metadata.sorted_tables
        if table.name != "audit_event"
    }


def test_seeding_again_changes_nothing(province_app):
    with province_app.app_context():
        before = _counts()
        load_seeds(sample="province")
        load_seeds(demo=False)  # as the template was seeded
        db.session.commit()
        assert _counts() == before


def test_the_province_has_the_shape_of_a_two_tier_instance(province_app):
    with province_app.app_context():
        province = _province()
        assert province.level == PROVINCE and province.is_demo
        units = db.session.scalars(select(Unit).where(Unit.locality_id == province.id)).all()
        kinds = [u.kind for u in units]
        departments = [u for u in units if u.kind not in ("commune", "group", "vague")]
        assert 20 <= len(departments) <= 30
        assert all(u.short_name for u in departments)
        communes = [u for u in units if u.kind == UnitKind.COMMUNE]
        assert len(communes) == 100 == kinds.count("commune")
        assert {u.name.split(" ")[1] for u in communes} == {"xã", "phường", "đặc"}
        group = next(u for u in units if u.kind == UnitKind.GROUP)
        assert group.name == "UBND các xã, phường" and len(group.members) == 100
        # Each commune unit stands for a commune (tenant) of the province, demo as well.
        children = db.session.scalars(select(Locality).where(Locality.parent_id == province.id))
        children = list(children)
        assert len(children) == 100 and all(c.level == COMMUNE and c.is_demo for c in children)
        assert {u.commune_id for u in communes} == {c.id for c in children}
        plan = _province_plan()
        assert 30 <= len(plan.activities) <= 40
        led_by_communes = [
            a for a in plan.activities if any(s.via_group_id == group.id for s in a.assignments)
        ]
        assert 0 < len(led_by_communes) < len(plan.activities)
        commune_plans = _commune_plans()
        assert len(commune_plans) == 3
        for commune_plan in commune_plans:
            assert commune_plan.parent_plan_id == plan.id and commune_plan.locality.is_demo
            offers = cascade.offers(commune_plan)
            assert offers and all(o.linked is not None for o in offers)  # all taken in
            own = [a for a in commune_plan.activities if a.source_activity_id is None]
            assert own  # and a few of its own
        users = db.session.scalars(
            select(User)
            .join(Unit)
            .where(Unit.locality_id.in_([province.id, *(c.id for c in children)]))
        ).all()
        assert {u.role for u in users} == {"coordinator", "leader", "officer"}
        assert len(users) >= 3 + 2 * 3 and all(u.must_change_password for u in users)
        states = dict(
            db.session.execute(
                select(ProgressReport.state, func.count()).group_by(ProgressReport.state)
            ).all()
        )
        assert {"accepted", "submitted", "returned"} <= set(states)


def test_the_roll_up_counts_the_commune_plans_reports(province_app):
    with province_app.app_context():
        plan = _province_plan()
        as_of = date(2026, 12, 4)
        seen = rollup.rollup(plan, as_of)
        with_plans = {line.name for line in seen.communes if line.commune_plan_id}
        assert len(with_plans) == 3
        carried = {line.name: line.tally.carried_out.numerator for line in seen.communes}
        assert all(carried[name] > 0 for name in with_plans)
        assert all(n == 0 for name, n in carried.items() if name not in with_plans)
        assert any("/100 xã, phường" in line.progress for line in seen.activities)
        # The communes' figures are those of their own plans: unlinked, they are gone.
        for commune_plan in _commune_plans():
            cascade.set_parent_plan(commune_plan, None, None)
        db.session.flush()
        after = rollup.rollup(plan, as_of)
        assert all(line.tally.carried_out.numerator == 0 for line in after.communes)


def _signed_in(app, username: str):
    with app.app_context():
        password_chosen(username)
        db.session.commit()
    client = app.test_client()
    assert (
        client.post("/login", data={"username": username, "password": PASSWORD}).status_code == 302
    )
    return client


def test_every_page_of_the_demo_says_so_and_vinh_chau_pages_do_not(province_app):
    with province_app.app_context():
        plan_id = _province_plan().id
        commune_plan = next(p for p in _commune_plans() if p.locality.name == "phường Đại Hiệp")
        commune_plan_id = commune_plan.id
        vinh_chau = db.session.scalar(select(Plan.id).where(Plan.number == "63/KH-UBND"))
    province = _signed_in(province_app, "sonoivu")
    for url in (f"/plans/{plan_id}/dashboard", f"/plans/{plan_id}/communes", "/units"):
        page = province.get(url).get_data(as_text=True)
        assert BANNER in page, url
    commune = _signed_in(province_app, "daihiep.vp")
    for url in (f"/plans/{commune_plan_id}", f"/plans/{commune_plan_id}/province-tasks"):
        assert BANNER in commune.get(url).get_data(as_text=True), url
    officer = _signed_in(province_app, "daihiep.kt")
    assert BANNER in officer.get("/work").get_data(as_text=True)
    district = _signed_in(province_app, "noivu")
    for url in (f"/plans/{vinh_chau}/dashboard", f"/plans/{vinh_chau}/annex", "/units"):
        page = district.get(url).get_data(as_text=True)
        assert "demo-banner" not in page and DEMO_NOTICE not in page, url


def _docx_headers(data: bytes) -> list[str]:
    document = Document(io.BytesIO(data))
    return [
        p.text
        for section in document.sections
        for header in (section.first_page_header, section.header)
        for p in header.paragraphs
        if p.text
    ]


def test_every_export_of_the_demo_says_so(province_app):
    with province_app.app_context():
        plan_id = _province_plan().id
        vinh_chau = db.session.scalar(select(Plan.id).where(Plan.number == "63/KH-UBND"))
        request = ExportRequest(plan=plan_id, as_of=date(2026, 12, 4))
        _, docx, data = export(request, "docx")
        assert data.demo_notice == DEMO_NOTICE
        headers = _docx_headers(docx)
        assert headers.count(DEMO_NOTICE.upper()) >= 2  # the report's pages and the annex's
        sheet = load_workbook(io.BytesIO(export(request, "xlsx")[1])).active
        assert DEMO_NOTICE.upper() in sheet["A1"].value
        assert DEMO_NOTICE in sheet.oddHeader.center.text
        for code in ("csv", "form"):
            rows = list(csv.reader(io.StringIO(export(request, code)[1].decode("utf-8-sig"))))
            assert rows[0] == [DEMO_NOTICE], code
        # Vĩnh Châu's files carry no such line.
        real = ExportRequest(plan=vinh_chau, as_of=date(2023, 12, 15))
        _, docx, data = export(real, "docx")
        assert data.demo_notice == "" and DEMO_NOTICE.upper() not in _docx_headers(docx)
        sheet = load_workbook(io.BytesIO(export(real, "xlsx")[1])).active
        assert DEMO_NOTICE.upper() not in sheet["A1"].value
        rows = list(csv.reader(io.StringIO(export(real, "csv")[1].decode("utf-8-sig"))))
        assert rows[0][0] == "Mã phân công"


def test_an_activity_calendar_of_the_demo_names_it(province_app):
    with province_app.app_context():
        activity_id = db.session.scalar(
            select(Activity.id).where(Activity.plan_id == _province_plan().id).limit(1)
        )
    client = _signed_in(province_app, "sonoivu")
    feed = client.get(f"/activities/{activity_id}/calendar.ics").get_data(as_text=True)
    assert f"X-WR-CALNAME:PAPI – {DEMO_NOTICE}" in feed.replace("\r\n ", "")


def test_seed_none_loads_reference_data_and_no_locality(empty_app):
    runner = CliRunner()
    with empty_app.app_context():
        result = runner.invoke(seed_command, ["--demo", "none"], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        assert db.session.scalar(select(func.count()).select_from(Locality)) == 0
        frameworks = json.loads((SEEDS_DIR / "index_frameworks.json").read_text("utf-8"))
        assert db.session.scalar(
            select(func.count()).select_from(db.metadata.tables["papi_dimension"])
        ) == sum(len(f["dimensions"]) for f in frameworks)
        refused = runner.invoke(seed_command, ["--demo", "province", "--no-demo"])
        assert refused.exit_code != 0 and "--no-demo" in refused.output
        assert db.session.scalar(select(func.count()).select_from(Locality)) == 0
