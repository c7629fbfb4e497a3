"""Cascading plans (issue 16, item 4): a province plan assigns an activity to "UBND các
xã, phường"; the communes are made from the province's catalogue; a commune takes the
activity into its own plan, its office reports there, its coordinator accepts — and the
province's figure moves, with "01/03 xã, phường" on the roll-up, nobody entering it twice.
Bad input (a looser deadline, no lead unit, someone else's activity) changes nothing."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import pytest
from docx import Document
from sqlalchemy import func, select

from tests.conftest import password_chosen
from tests.web.page_words import findings
from tracker import clock
from tracker.domain.units import UnitKind
from tracker.extensions import db
from tracker.models import Activity, Locality, Plan, ProgressReport, Unit, User
from tracker.models.reporting import ReportingPeriod
from tracker.models.units import PROVINCE
from tracker.services import cascade, plans, reporting
from tracker.services.accounts import create_user
from tracker.services.annex_import import apply_import, preview_import
from tracker.services.catalog import create_unit
from tracker.services.exports import report as exports
from tracker.services.figures.facts import plan_figures

COMMUNES = ("UBND phường Tân Thành", "UBND xã Hòa Tú", "UBND xã Lai Hòa")
ANNEX = "\n".join(
    "\t".join(row)
    for row in (
        ("STT", "Nội dung", "Hoạt động", "Đơn vị chủ trì", "Đơn vị phối hợp", "Thời gian"),
        (
            "1",
            "Công khai, minh bạch",
            "1.1. Niêm yết công khai thủ tục hành chính tại bộ phận một cửa cấp xã.",
            "UBND các xã, phường.",
            "Sở Nội vụ.",
            "Trước ngày 30/9/2026",
        ),
        (
            "",
            "",
            "1.2. Kiểm tra việc niêm yết công khai thủ tục hành chính.",
            "Sở Tư pháp.",
            "UBND các xã, phường.",
            "Quý IV/2026",
        ),
    )
)
PASSWORD = "matkhau-ca-nhan-1"


@pytest.fixture(autouse=True)
def in_august_2026(monkeypatch):
    monkeypatch.setattr(clock, "frozen", datetime(2026, 8, 3, 3, tzinfo=UTC))


def _account(username: str, role: str, unit: Unit) -> None:
    create_user(
        username=username, full_name=username, role=role, unit=unit, password=PASSWORD, by=None
    )
    password_chosen(username)


@pytest.fixture
def province(app):
    return build_province(app)


def build_province(app):
    """A province with two departments and three communes, its plan, the communes made
    from its catalogue, and accounts: the province's coordinator, Tân Thành's coordinator
    and office officer, Hòa Tú's coordinator. Returns ids."""
    with app.app_context():
        tinh = Locality(
            name="tỉnh Sóc Trăng",
            place_name="Sóc Trăng",
            issuing_body="Ủy ban nhân dân tỉnh Sóc Trăng",
            province="tỉnh Sóc Trăng",
            level=PROVINCE,
        )
        db.session.add(tinh)
        so_noi_vu = create_unit(tinh, "Sở Nội vụ", UnitKind.OFFICE)
        create_unit(tinh, "Sở Tư pháp", UnitKind.OFFICE)
        members = [create_unit(tinh, name, UnitKind.COMMUNE) for name in COMMUNES]
        create_unit(tinh, "UBND các xã, phường", UnitKind.GROUP, members=members)
        plan = plans.create_plan(
            tinh,
            number="12/KH-UBND",
            issued_on=date(2026, 2, 10),
            year=2026,
            title="Nâng cao Chỉ số PAPI tỉnh Sóc Trăng năm 2026",
            noun="nhiệm vụ",
            user=None,
        )
        apply_import(preview_import(plan, "phu-luc.txt", ANNEX.encode()), None)
        made = cascade.create_communes(tinh)
        assert [c.name for c in made] == ["phường Tân Thành", "xã Hòa Tú", "xã Lai Hòa"]
        offices = {c.name: create_unit(c, "Văn phòng HĐND và UBND", UnitKind.OFFICE) for c in made}
        economy = create_unit(made[0], "Phòng Kinh tế", UnitKind.OFFICE)
        _account("tinh.noivu", "coordinator", so_noi_vu)
        _account("tantanh.vp", "coordinator", offices["phường Tân Thành"])
        _account("tantanh.kt", "officer", economy)
        _account("hoatu.vp", "coordinator", offices["xã Hòa Tú"])
        commune_plan = plans.create_plan(
            made[0],
            number="30/KH-UBND",
            issued_on=date(2026, 3, 1),
            year=2026,
            title="Thực hiện Kế hoạch nâng cao Chỉ số PAPI năm 2026",
            noun="nhiệm vụ",
            user=None,
        )
        db.session.commit()
        first, second = db.session.scalars(
            select(Activity.id).where(Activity.plan_id == plan.id).order_by(Activity.position)
        )
        return {
            "plan": plan.id,
            "commune_plan": commune_plan.id,
            "first": first,
            "second": second,
            "economy": economy.id,
            "hoa_tu": made[1].id,
        }


def _login(client, username: str):
    client.post("/logout")
    return client.post("/login", data={"username": username, "password": PASSWORD})


def _counts() -> tuple[int, int]:
    return (
        db.session.scalar(select(func.count()).select_from(Activity)),
        db.session.scalar(
            select(func.count()).select_from(Plan).where(Plan.parent_plan_id.is_not(None))
        ),
    )


def test_catalogue_communes_become_linked_communes(app, province):
    with app.app_context():
        units = db.session.scalars(
            select(Unit)
            .join(Locality, Unit.locality_id == Locality.id)
            .where(Unit.kind == UnitKind.COMMUNE, Locality.name == "tỉnh Sóc Trăng")
            .order_by(Unit.position)
        ).all()
        assert [u.commune.name for u in units] == ["phường Tân Thành", "xã Hòa Tú", "xã Lai Hòa"]
        assert all(u.commune.parent.name == "tỉnh Sóc Trăng" for u in units)
        tinh = db.session.scalar(select(Locality).where(Locality.name == "tỉnh Sóc Trăng"))
        assert cascade.create_communes(tinh) == []  # running it again makes nothing twice


def test_a_commune_report_moves_the_province_figure(app, client, province):
    _login(client, "tantanh.vp")
    page = client.get(f"/plans/{province['commune_plan']}/province-tasks").get_data(as_text=True)
    assert "Chọn kế hoạch của tỉnh" in page
    response = client.post(
        f"/plans/{province['commune_plan']}/province-tasks/parent",
        data={"parent": province["plan"]},
    )
    assert response.status_code == 302
    page = client.get(f"/plans/{province['commune_plan']}/province-tasks").get_data(as_text=True)
    assert "1.1. Niêm yết công khai" in page and "1.2. Kiểm tra" in page  # lead, and support
    response = client.post(
        f"/plans/{province['commune_plan']}/province-tasks/{province['first']}",
        data={"leads": [province["economy"]], "due_on": "2026-09-15"},
    )
    assert response.status_code == 302
    with app.app_context():
        linked = db.session.scalar(
            select(Activity).where(Activity.source_activity_id == province["first"])
        )
        assert linked.plan_id == province["commune_plan"]
        assert linked.due_on == date(2026, 9, 15) and linked.number == "1.1"
        assert [a.unit_id for a in linked.assignments] == [province["economy"]]
        tinh_plan = db.session.get(Plan, province["plan"])
        before = plan_figures(tinh_plan, date(2026, 8, 3), to_date=True)
        officer = db.session.scalar(select(User).where(User.username == "tantanh.kt"))
        period = db.session.scalar(
            select(ReportingPeriod)
            .where(ReportingPeriod.plan_id == province["commune_plan"])
            .order_by(ReportingPeriod.ends_on)
        )
        data = reporting.ReportInput(
            status="done", result="Đã niêm yết 86 thủ tục.", completed_on=date(2026, 7, 20)
        )
        report = reporting.save_report(linked.assignments[0], period, data, officer, submit=True)
        db.session.commit()
        report_id = report.id
        # Sent is not accepted: the province's figure does not move yet.
        middle = plan_figures(tinh_plan, date(2026, 8, 3), to_date=True)
        assert middle.cumulative == before.cumulative
    response = client.post(f"/reports/{report_id}/review", data={"action": "accept", "comment": ""})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(ProgressReport, report_id).state == "accepted"
        tinh_plan = db.session.get(Plan, province["plan"])
        after = plan_figures(tinh_plan, date(2026, 8, 3), to_date=True)
        first = next(a for a in after.activities if a.activity_id == province["first"])
        (progress,) = first.progress
        assert progress.figure.fraction == "01/03"
        assert len(progress.carried_unit_ids) == 1
        # Under the province's rule (all communes), one of three is a part, not the whole.
        assert after.cumulative != before.cumulative
    _login(client, "tinh.noivu")
    page = client.get(f"/plans/{province['plan']}/communes").get_data(as_text=True)
    assert "01/03 xã, phường (UBND phường Tân Thành)" in page
    assert "Đã có</a>, nhận 1 nhiệm vụ" in page
    by_done = client.get(f"/plans/{province['plan']}/communes?sort=done").get_data(as_text=True)
    table = by_done.split('id="commune-table"')[1].split("</table>")[0]
    assert table.index("Tân Thành") < table.index("Hòa Tú") < table.index("Lai Hòa")
    # The dashboard reads the same figures.
    dashboard = client.get(f"/plans/{province['plan']}/dashboard").get_data(as_text=True)
    assert "01/03 xã, phường" in dashboard


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"leads": [], "due_on": ""}, "Chọn ít nhất một đơn vị chủ trì"),
        ({"due_on": "2026-10-30"}, "không được muộn hơn thời hạn của tỉnh (30/09/2026)"),
        ({"due_on": "30-10"}, "Thời hạn không hợp lệ"),
    ],
)
def test_bad_take_in_changes_nothing(app, client, province, form, message):
    with app.app_context():
        plan = db.session.get(Plan, province["commune_plan"])
        plan.parent_plan_id = province["plan"]
        db.session.commit()
        before = _counts()
    _login(client, "tantanh.vp")
    data = {"leads": [province["economy"]], **form}
    response = client.post(
        f"/plans/{province['commune_plan']}/province-tasks/{province['first']}",
        data=data,
        follow_redirects=True,
    )
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert _counts() == before


def test_only_the_commune_takes_in_what_is_its_own(app, client, province):
    with app.app_context():
        plan = db.session.get(Plan, province["commune_plan"])
        plan.parent_plan_id = province["plan"]
        hoa_tu_office = db.session.scalar(
            select(Unit).where(Unit.locality_id == province["hoa_tu"])
        )
        db.session.commit()
        before = _counts()
        hoa_tu_unit = hoa_tu_office.id
    url = f"/plans/{province['commune_plan']}/province-tasks/{province['first']}"
    # Another commune: Tân Thành's plan is not there for it.
    _login(client, "hoatu.vp")
    assert client.get(f"/plans/{province['commune_plan']}/province-tasks").status_code == 404
    assert client.post(url, data={"leads": [hoa_tu_unit]}).status_code == 404
    # The province reads the commune's page but changes nothing there.
    _login(client, "tinh.noivu")
    assert client.get(f"/plans/{province['commune_plan']}/province-tasks").status_code == 200
    assert client.post(url, data={"leads": [province["economy"]]}).status_code == 403
    # The commune itself cannot lead with another commune's unit.
    _login(client, "tantanh.vp")
    response = client.post(url, data={"leads": [hoa_tu_unit]}, follow_redirects=True)
    assert "Chọn ít nhất một đơn vị chủ trì của xã" in response.get_data(as_text=True)
    with app.app_context():
        assert _counts() == before


def test_a_commune_plan_may_carry_out_only_its_own_province_plan(app, client, province):
    with app.app_context():
        before = db.session.get(Plan, province["commune_plan"]).parent_plan_id
    _login(client, "tantanh.vp")
    response = client.post(
        f"/plans/{province['commune_plan']}/province-tasks/parent",
        data={"parent": "1"},  # Vĩnh Châu's 2023 plan: not its province's
        follow_redirects=True,
    )
    assert "Chọn một kế hoạch của tỉnh trong danh sách" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Plan, province["commune_plan"]).parent_plan_id == before


def test_the_cascade_pages_speak_plainly_to_each_reader(app, client, province):
    with app.app_context():
        plan = db.session.get(Plan, province["commune_plan"])
        plan.parent_plan_id = province["plan"]
        db.session.commit()
    pages = {
        "tantanh.vp": [f"/plans/{province['commune_plan']}/province-tasks"],
        "tantanh.kt": [f"/plans/{province['commune_plan']}/province-tasks"],
        "tinh.noivu": [
            f"/plans/{province['plan']}/communes",
            f"/plans/{province['plan']}/communes?sort=overdue",
            f"/plans/{province['commune_plan']}/province-tasks",
        ],
    }
    for username, paths in pages.items():
        _login(client, username)
        for path in paths:
            response = client.get(path)
            assert response.status_code == 200, (username, path)
            html = response.get_data(as_text=True)
            assert findings(html) == [], (username, path)
            # Only the commune's own coordinator is offered forms that change its plan.
            assert ("Đưa vào kế hoạch</button>" in html) is (username == "tantanh.vp")
    # A district's plan has no communes of its own page; a province's plan no province.
    assert client.get("/plans/1/communes").status_code == 404
    assert client.get(f"/plans/{province['plan']}/province-tasks").status_code == 404


def test_a_province_and_its_communes_from_the_command_line(app, tmp_path):
    runner = app.test_cli_runner()
    made = runner.invoke(
        args=[
            "locality",
            "add",
            "--level",
            "province",
            "--name",
            "tỉnh Hưng Yên",
            "--coordinator",
            "hungyen.snv",
        ]
    )
    assert made.exit_code == 0, made.output
    assert "Đã thêm cấp tỉnh: tỉnh Hưng Yên (Sở Nội vụ)" in made.output
    assert "mật khẩu ban đầu" in made.output
    with app.app_context():
        tinh = db.session.scalar(select(Locality).where(Locality.name == "tỉnh Hưng Yên"))
        user = db.session.scalar(select(User).where(User.username == "hungyen.snv"))
        assert user.unit.locality_id == tinh.id and user.must_change_password
        for name in ("UBND phường Phố Hiến", "UBND xã Tân Hưng"):
            create_unit(tinh, name, UnitKind.COMMUNE)
        db.session.commit()
    accounts = tmp_path / "tai-khoan-xa.csv"
    made = runner.invoke(
        args=["locality", "communes", "tỉnh Hưng Yên", "--accounts", str(accounts)]
    )
    assert made.exit_code == 0, made.output
    assert "Đã tạo 2 xã, phường; 2 đơn vị của tỉnh đã gắn với xã, phường." in made.output
    assert oct(accounts.stat().st_mode & 0o777) == "0o600"
    rows = list(csv.reader(accounts.read_text(encoding="utf-8-sig").splitlines()))
    assert [r[:2] for r in rows] == [
        ["Tên đăng nhập", "Xã, phường"],
        ["phuong.pho.hien", "phường Phố Hiến"],
        ["xa.tan.hung", "xã Tân Hưng"],
    ]
    signed_in = app.test_client().post(
        "/login", data={"username": "xa.tan.hung", "password": rows[2][2]}
    )
    assert signed_in.status_code == 302
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "xa.tan.hung"))
        assert user.role == "coordinator" and user.unit.locality.name == "xã Tân Hưng"
    refused = runner.invoke(
        args=["locality", "communes", "tỉnh Hưng Yên", "--accounts", str(accounts)]
    )
    assert refused.exit_code == 1 and "đã có; chọn tên khác" in refused.output
    again = runner.invoke(args=["locality", "communes", "tỉnh Hưng Yên"])
    assert "Đã tạo 0 xã, phường; 2 đơn vị" in again.output
    listed = runner.invoke(args=["locality", "list"]).output
    assert "phường Phố Hiến (Cấp xã) — thuộc tỉnh Hưng Yên" in listed
    with app.app_context():
        before = db.session.scalar(select(func.count()).select_from(Locality))
    for args, message in (
        (
            ["--level", "commune", "--name", "xã Mới", "--parent", "thị xã Vĩnh Châu"],
            "không phải cấp tỉnh",
        ),
        (
            ["--level", "commune", "--name", "xã Mới", "--parent", "tỉnh Không Có"],
            "Không có địa phương",
        ),
        (["--level", "province", "--name", "tỉnh Hưng Yên"], "Đã có địa phương"),
        (["--level", "province", "--name", "HưngYên"], "phải có cả cấp và tên"),
    ):
        refused = runner.invoke(args=["locality", "add", *args])
        assert refused.exit_code == 1 and message in refused.output, refused.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Locality)) == before


def test_the_province_report_has_a_table_by_commune_and_by_department(app, client, province):
    test_a_commune_report_moves_the_province_figure(app, client, province)
    with app.app_context():
        _, content, _ = exports.export(
            exports.ExportRequest(plan=province["plan"], as_of=date(2026, 8, 3)), "docx"
        )
    tables = [
        [[cell.text for cell in row.cells] for row in table.rows]
        for table in Document(io.BytesIO(content)).tables
    ]
    by_commune = next(t for t in tables if t[0][1] == "Xã, phường")
    by_department = next(t for t in tables if t[0][1] == "Cơ quan, đơn vị")
    assert [row[:2] for row in by_commune[1:]] == [
        ["1", "UBND phường Tân Thành"],
        ["2", "UBND xã Hòa Tú"],
        ["3", "UBND xã Lai Hòa"],
    ]
    # Tân Thành led one task and finished it, through its own plan; the others nothing.
    assert by_commune[1][2:] == ["1", "01/01", "100%", "01/01", "100%"]
    assert by_commune[2][3] == "00/01"
    assert [row[1] for row in by_department[1:]] == ["Sở Tư pháp"]


def test_a_province_activity_taken_in_by_a_commune_is_not_deleted(app, client, province):
    with app.app_context():
        commune_plan = db.session.get(Plan, province["commune_plan"])
        cascade.set_parent_plan(commune_plan, db.session.get(Plan, province["plan"]), None)
        source = db.session.get(Activity, province["first"])
        cascade.take_in(commune_plan, source, [province["economy"]], None, None)
        db.session.commit()
        before = _counts()
    _login(client, "tinh.noivu")
    response = client.post(f"/activities/{province['first']}/delete", follow_redirects=True)
    assert "01 xã, phường đã đưa hoạt động này vào kế hoạch của mình" in response.get_data(
        as_text=True
    )
    # Nor by importing an annex that leaves it out.
    with app.app_context():
        plan = db.session.get(Plan, province["plan"])
        without = "\n".join(line for line in ANNEX.splitlines() if "1.1." not in line)
        preview = preview_import(plan, "phu-luc-moi.txt", without.encode())
        assert any("đã được 01 xã, phường đưa vào kế hoạch" in p.message for p in preview.problems)
        db.session.rollback()
        assert _counts() == before
