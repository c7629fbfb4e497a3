"""Index frameworks (issue 16, item 5): a commune's plan follows PAPI, PAR INDEX and SIPAS,
its activities are tagged with dimensions of each, and the dashboard, the Word report and
the Excel sheet give the figures once per framework — each row the same figure the one
computation gives for that dimension. Frameworks are the instance's: every role reads
them, only Phòng Nội vụ adds one, and bad input stores nothing."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime

import pytest
from docx import Document
from openpyxl import load_workbook
from sqlalchemy import func, select

from tests.conftest import make_user, password_chosen
from tracker import clock
from tracker.domain.units import UnitKind
from tracker.extensions import db
from tracker.models import (
    Activity,
    Assignment,
    Change,
    IndexDimension,
    IndexFramework,
    Locality,
    Plan,
    ReportingPeriod,
    User,
)
from tracker.models.units import COMMUNE
from tracker.services import plans, reporting
from tracker.services.accounts import create_user
from tracker.services.annex_import import apply_import, preview_import
from tracker.services.catalog import create_unit
from tracker.services.exports import report as exports

ANNEX = "\n".join(
    "\t".join(row)
    for row in (
        ("STT", "Nội dung", "Hoạt động", "Đơn vị chủ trì", "Đơn vị phối hợp", "Thời gian"),
        ("1", "Thủ tục hành chính", "1.1. Niêm yết công khai thủ tục hành chính.",
         "Văn phòng HĐND và UBND xã.", "", "Thường xuyên"),
        ("", "", "1.2. Tổ chức đối thoại với người dân về đất đai.", "Phòng Kinh tế.", "",
         "Thường xuyên"),
        ("2", "Chính quyền số", "2.1. Tiếp nhận hồ sơ trực tuyến toàn trình.",
         "Văn phòng HĐND và UBND xã.", "", "Thường xuyên"),
    )
)  # fmt: skip
PASSWORD = "matkhau-ca-nhan-1"
AS_OF = date(2026, 8, 3)
# number → [(framework code, dimension number)]
TAGS = {
    "1.1": [("PAPI", 5), ("PAR_INDEX", 3), ("SIPAS", 2)],
    "1.2": [("PAPI", 1), ("PAR_INDEX", 8)],
    "2.1": [("PAR_INDEX", 3), ("PAR_INDEX", 7), ("SIPAS", 2)],
}


@pytest.fixture(autouse=True)
def in_august_2026(monkeypatch):
    monkeypatch.setattr(clock, "frozen", datetime(2026, 8, 3, 3, tzinfo=UTC))


def _dimension_id(code: str, number: int) -> int:
    return db.session.scalar(
        select(IndexDimension.id)
        .join(IndexFramework)
        .where(IndexFramework.code == code, IndexDimension.number == number)
    )


@pytest.fixture
def commune_plan(app) -> int:
    """xã Hòa Tú's plan, its Phòng Nội vụ (xa.noivu) and the Văn phòng's report on 1.1,
    sent and accepted."""
    with app.app_context():
        commune = Locality(
            name="xã Hòa Tú",
            place_name="Hòa Tú",
            issuing_body="Ủy ban nhân dân xã Hòa Tú",
            province="tỉnh Sóc Trăng",
            level=COMMUNE,
        )
        db.session.add(commune)
        office = create_unit(commune, "Văn phòng HĐND và UBND xã", UnitKind.OFFICE)
        create_unit(commune, "Phòng Kinh tế", UnitKind.OFFICE)
        for username, unit in (("xa.noivu", office), ("xa.vanphong", office)):
            role = "coordinator" if username == "xa.noivu" else "officer"
            create_user(
                username=username,
                full_name=username,
                role=role,
                unit=unit,
                password=PASSWORD,
                by=None,
            )
            password_chosen(username)
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
        return plan.id


def _sign_in(client, username: str, password: str = PASSWORD) -> None:
    assert (
        client.post("/login", data={"username": username, "password": password}).status_code == 302
    )


def _choose_all_and_tag(app, client, plan_id: int) -> None:
    """Through the pages, as Phòng Nội vụ of the commune does it."""
    with app.app_context():
        ids = [f.id for f in db.session.scalars(select(IndexFramework))]
    response = client.post(f"/plans/{plan_id}/frameworks", data={"framework": ids})
    assert response.status_code == 302
    with app.app_context():
        activities = {
            a.number: (a.id, a.group_id)
            for a in db.session.scalars(select(Activity).where(Activity.plan_id == plan_id))
        }
        tags = {n: [_dimension_id(c, k) for c, k in t] for n, t in TAGS.items()}
    for number, (activity_id, group_id) in activities.items():
        edit = client.get(f"/activities/{activity_id}/edit").get_data(as_text=True)
        for legend in (
            "Chỉ số PAPI",
            "Chỉ số cải cách hành chính (PAR INDEX)",
            "Chỉ số hài lòng (SIPAS)",
        ):
            assert f"<legend>{legend}</legend>" in edit
        text = re.search(r"<textarea[^>]*>\s*(.*?)</textarea>", edit, re.S).group(1)
        response = client.post(
            f"/activities/{activity_id}/edit",
            data={
                "group_id": group_id,
                "number": number,
                "text": text.strip(),
                "timeframe_text": "Thường xuyên",
                "dimension_ids": [str(i) for i in tags[number]],
            },
        )
        assert response.status_code == 302, response.get_data(as_text=True)


def _accept_first(app, plan_id: int) -> None:
    """The Văn phòng reports 1.1 done; Phòng Nội vụ accepts."""
    with app.app_context():
        assignment = db.session.scalar(
            select(Assignment)
            .join(Activity)
            .where(Activity.plan_id == plan_id, Activity.number == "1.1")
        )
        period = db.session.scalar(
            select(ReportingPeriod)
            .where(ReportingPeriod.plan_id == plan_id)
            .order_by(ReportingPeriod.ends_on)
        )
        officer = db.session.scalar(select(User).where(User.username == "xa.vanphong"))
        coordinator = db.session.scalar(select(User).where(User.username == "xa.noivu"))
        data = reporting.ReportInput(status="done", result="Đã niêm yết đủ 126 thủ tục.")
        report = reporting.save_report(assignment, period, data, officer, submit=True)
        reporting.review_report(report, True, "", coordinator)
        db.session.commit()


@pytest.fixture
def combined(app, client, commune_plan) -> int:
    _sign_in(client, "xa.noivu")
    _choose_all_and_tag(app, client, commune_plan)
    _accept_first(app, commune_plan)
    return commune_plan


def _summary(app, plan_id: int) -> dict[int, str]:
    """dimension id → its "carried out" fraction, from `summary --json` (the one computation)."""
    import json

    result = app.test_cli_runner().invoke(
        args=["summary", "--plan", str(plan_id), "--as-of", AS_OF.isoformat(), "--json"]
    )
    assert result.exit_code == 0, result.output
    return {
        d["id"]: d["carried_out"]["fraction"] for d in json.loads(result.stdout)["by_dimension"]
    }


def _expected(app, plan_id: int) -> dict[str, list[tuple[str, str]]]:
    """Framework name → [("3. Cải cách thủ tục hành chính", "01/02")…] in number order."""
    figures = _summary(app, plan_id)
    with app.app_context():
        tagged = {_dimension_id(c, k) for t in TAGS.values() for c, k in t}
        return {
            f.name: [
                (f"{d.number}. {d.name}", figures[d.id]) for d in f.dimensions if d.id in tagged
            ]
            for f in db.session.scalars(select(IndexFramework).order_by(IndexFramework.position))
        }


def test_the_dashboard_gives_each_framework_its_section(app, client, combined):
    expected = _expected(app, combined)
    # The tagging as the story tells it: 1.1 is done; PAR INDEX 3 holds 1.1 and 2.1.
    assert ("3. Cải cách thủ tục hành chính", "01/02") in expected[
        "Chỉ số cải cách hành chính (PAR INDEX)"
    ]
    assert ("5. Thủ tục hành chính công", "01/01") in expected["Chỉ số PAPI"]
    html = client.get(f"/plans/{combined}/dashboard?as_of={AS_OF}").get_data(as_text=True)
    headings = re.findall(r"<h2>Theo ([^<]+)</h2>", html)
    assert headings[:3] == ["chỉ số nội dung PAPI", "lĩnh vực PAR INDEX", "yếu tố SIPAS"]
    sections = re.split(r"<h2>Theo ", html)[1:4]
    for section, name in zip(sections, expected, strict=True):
        rows = re.findall(
            r"<tr>\s*<td>([^<]+)</td>.*?data-label=\"Đã và đang triển khai\">(\S+) ·", section, re.S
        )
        assert rows == expected[name], name
    # PAPI's rows stand beside the province's published scores; the others have none.
    assert "Điểm PAPI" in sections[0]
    assert "Điểm PAPI" not in sections[1] + sections[2]
    assert "mọi lĩnh vực nó góp vào" in sections[1]


def test_the_word_report_and_the_sheet_give_each_framework_its_table(app, combined):
    expected = _expected(app, combined)
    request = exports.ExportRequest(plan=combined, as_of=AS_OF)
    with app.app_context():
        _, content, _ = exports.export(request, "docx")
        _, sheet, _ = exports.export(request, "xlsx")
    document = Document(io.BytesIO(content))
    text = [p.text for p in document.paragraphs]
    leads = [t for t in text if t.startswith("Kết quả theo ")]
    assert leads == [
        "Kết quả theo chỉ số nội dung PAPI (một nhiệm vụ có thể góp vào nhiều chỉ số nội dung "
        "và được tính ở mọi chỉ số nó góp vào):",
        "Kết quả theo lĩnh vực PAR INDEX (một nhiệm vụ có thể góp vào nhiều lĩnh vực và được "
        "tính ở mọi lĩnh vực nó góp vào):",
        "Kết quả theo yếu tố SIPAS (một nhiệm vụ có thể góp vào nhiều yếu tố và được tính ở "
        "mọi yếu tố nó góp vào):",
    ]
    tables = [
        t for t in document.tables if t.rows[0].cells[0].text == "STT" and len(t.columns) == 7
    ]
    by_header = {t.rows[0].cells[1].text: t for t in tables}
    for header, name in zip(("Chỉ số nội dung", "Lĩnh vực", "Yếu tố"), expected, strict=True):
        rows = [
            (f"{r.cells[0].text}. {r.cells[1].text}", r.cells[3].text)
            for r in by_header[header].rows[1:]
        ]
        assert rows == expected[name], header
    book = load_workbook(io.BytesIO(sheet))
    rows = [[c.value for c in row] for ws in book.worksheets for row in ws.iter_rows()]
    titles = ("Theo chỉ số nội dung PAPI", "Theo lĩnh vực PAR INDEX", "Theo yếu tố SIPAS")
    for title, name in zip(titles, expected, strict=True):
        start = next(i for i, row in enumerate(rows) if row[0] == title)
        block = rows[start + 2 : start + 2 + len(expected[name])]
        # Mã, Tên, Tổng số, Đã và đang triển khai (count) …
        assert [f"{r[0]}. {r[1]}" for r in block] == [label for label, _ in expected[name]]
        assert [f"{r[3]:02d}/{r[2]:02d}" for r in block] == [f for _, f in expected[name]]


def test_history_names_each_frameworks_tags(app, combined):
    with app.app_context():
        activity = db.session.scalar(
            select(Activity).where(Activity.plan_id == combined, Activity.number == "2.1")
        )
        change = db.session.scalar(
            select(Change).where(Change.activity_id == activity.id).order_by(Change.id.desc())
        )
    assert "Chỉ số PAPI" not in change.after  # the history keeps what changed
    assert change.before["Chỉ số cải cách hành chính (PAR INDEX)"] == []
    assert change.after["Chỉ số cải cách hành chính (PAR INDEX)"] == [3, 7]
    assert change.after["Chỉ số hài lòng (SIPAS)"] == [2]


def _stored(app) -> tuple:
    with app.app_context():
        return (
            db.session.scalar(select(func.count()).select_from(IndexFramework)),
            db.session.scalar(select(func.count()).select_from(IndexDimension)),
            db.session.scalar(select(func.count()).select_from(Change)),
        )


GOOD = {
    "name": "Chỉ số hài lòng về dịch vụ y tế công",
    "short_name": "HL-YT",
    "dimension_noun": "tiêu chí",
    "dimensions": "1. Khả năng tiếp cận\n2. Minh bạch thông tin và thủ tục\n\n3. Cơ sở vật chất",
}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": "  "}, "Nhập tên bộ chỉ số"),
        ({"short_name": ""}, "Nhập tên viết tắt"),
        ({"short_name": "papi"}, "Đã có bộ chỉ số «papi»"),
        ({"name": "Chỉ số hài lòng (SIPAS)"}, "Đã có bộ chỉ số «Chỉ số hài lòng (SIPAS)»"),
        ({"short_name": "X" * 31}, "Tên viết tắt dài quá 30 ký tự"),
        ({"dimensions": "\n \n"}, "Nhập các chỉ số thành phần"),
        ({"dimensions": "Tiếp cận\n2. tiep can"}, "Chỉ số «tiep can» ghi hai lần"),
        ({"dimension_noun": "trục"}, "Chọn cách gọi các phần của bộ chỉ số"),
    ],
)
def test_a_framework_with_bad_input_stores_nothing(app, client, auth, changes, message):
    auth.login()
    before = _stored(app)
    response = client.post("/frameworks", data=GOOD | changes)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in html
    assert _stored(app) == before


def test_phong_noi_vu_adds_a_framework_every_locality_reads(app, client, auth, commune_plan):
    make_user(app, "lanhdao", None, role="leader")
    make_user(app, "tuphap", "Phòng Tư pháp")
    for username, password in (("tuphap", "matkhau-tuphap"), ("lanhdao", "matkhau-lanhdao")):
        _sign_in(client, username, password)
        before = _stored(app)
        assert client.post("/frameworks", data=GOOD).status_code == 403
        assert _stored(app) == before
        client.post("/logout")
    auth.login()
    response = client.post("/frameworks", data=GOOD)
    assert response.status_code == 302
    with app.app_context():
        added = db.session.scalar(
            select(IndexFramework).where(IndexFramework.short_name == "HL-YT")
        )
        assert [(d.number, d.name) for d in added.dimensions] == [
            (1, "Khả năng tiếp cận"),
            (2, "Minh bạch thông tin và thủ tục"),
            (3, "Cơ sở vật chất"),
        ]
        assert min(d.id for d in added.dimensions) > max(
            d.id
            for d in db.session.scalars(
                select(IndexDimension).where(IndexDimension.framework_id != added.id)
            )
        )
    client.post("/logout")
    # Another locality's people read it, and its Phòng Nội vụ may choose it for its plan.
    _sign_in(client, "xa.vanphong")
    assert "Chỉ số hài lòng về dịch vụ y tế công" in client.get("/frameworks").get_data(
        as_text=True
    )
    client.post("/logout")
    _sign_in(client, "xa.noivu")
    periods = client.get(f"/plans/{commune_plan}/periods").get_data(as_text=True)
    assert "Chỉ số hài lòng về dịch vụ y tế công" in periods
    response = client.post(f"/plans/{commune_plan}/frameworks", data={"framework": [str(added.id)]})
    assert response.status_code == 302
    with app.app_context():
        assert [f.short_name for f in db.session.get(Plan, commune_plan).frameworks] == ["HL-YT"]


def test_a_plan_keeps_a_framework_its_activities_are_tagged_with(app, client, combined):
    with app.app_context():
        papi = db.session.scalar(select(IndexFramework.id).where(IndexFramework.code == "PAPI"))
    before = _stored(app)
    response = client.post(
        f"/plans/{combined}/frameworks", data={"framework": [str(papi)]}, follow_redirects=True
    )
    html = response.get_data(as_text=True)
    assert "Không bỏ được Chỉ số cải cách hành chính (PAR INDEX): 03 hoạt động" in html
    response = client.post(f"/plans/{combined}/frameworks", data={}, follow_redirects=True)
    assert "Chọn ít nhất một bộ chỉ số cho kế hoạch." in response.get_data(as_text=True)
    with app.app_context():
        assert len(db.session.get(Plan, combined).frameworks) == 3
    assert _stored(app) == before


def test_an_activity_takes_only_its_plans_dimensions(app, client, auth):
    """The Vĩnh Châu plan follows PAPI only: a SIPAS element is refused in Vietnamese."""
    auth.login()
    with app.app_context():
        activity = db.session.scalar(
            select(Activity).where(Activity.plan_id == 1, Activity.number == "6.3")
        )
        tags = [d.id for d in activity.dimensions]
        sipas = _dimension_id("SIPAS", 1)
        url, group_id, text = f"/activities/{activity.id}/edit", activity.group_id, activity.text
    edit = client.get(url).get_data(as_text=True)
    assert "<legend>Chỉ số PAPI</legend>" in edit and "SIPAS" not in edit
    before = _stored(app)
    response = client.post(
        url,
        data={
            "group_id": group_id,
            "number": "6.3",
            "text": text,
            "timeframe_text": "Năm 2023",
            "dimension_ids": ["5", str(sipas)],
        },
    )
    assert "Có chỉ số không thuộc bộ chỉ số kế hoạch theo dõi" in response.get_data(as_text=True)
    assert _stored(app) == before
    with app.app_context():
        assert [d.id for d in db.session.get(Activity, activity.id).dimensions] == tags


def test_the_command_line_adds_a_framework(app):
    runner = app.test_cli_runner()
    before = _stored(app)
    bad = runner.invoke(
        args=[
            "frameworks",
            "add",
            "--name",
            "Chỉ số PAPI",
            "--short-name",
            "P2",
            "--dimension",
            "A",
        ]
    )
    assert bad.exit_code == 1
    assert "Đã có bộ chỉ số «Chỉ số PAPI»" in bad.output
    assert _stored(app) == before
    good = runner.invoke(
        args=["frameworks", "add", "--name", "Chỉ số chuyển đổi số (DTI)", "--short-name", "DTI",
              "--called", "chỉ số thành phần", "--dimension", "Nhận thức số", "--dimension", "Thể chế số"]
    )  # fmt: skip
    assert good.exit_code == 0, good.output
    listed = runner.invoke(args=["frameworks", "list"]).output
    assert "DTI: Chỉ số chuyển đổi số (DTI) (DTI)" in listed
    assert "  2. Thể chế số" in listed


def test_a_linked_activity_brings_its_provinces_frameworks(app, client):
    """The province tags its activity with a SIPAS element; the commune that takes it in
    follows SIPAS too, so its figures give SIPAS a section and no tag is hidden."""
    from tests.web.test_cascade import build_province

    ids = build_province(app)
    with app.app_context():
        source = db.session.get(Activity, ids["first"])
        source.plan.frameworks = source.plan.frameworks + [
            db.session.scalar(select(IndexFramework).where(IndexFramework.code == "SIPAS"))
        ]
        source.dimensions = [db.session.get(IndexDimension, _dimension_id("SIPAS", 2))]
        db.session.commit()
    _sign_in(client, "tantanh.vp")
    commune_plan = ids["commune_plan"]
    client.post(f"/plans/{commune_plan}/province-tasks/parent", data={"parent": ids["plan"]})
    response = client.post(
        f"/plans/{commune_plan}/province-tasks/{ids['first']}", data={"leads": [ids["economy"]]}
    )
    assert response.status_code == 302
    with app.app_context():
        plan = db.session.get(Plan, commune_plan)
        assert [f.code for f in plan.frameworks] == ["PAPI", "SIPAS"]
        linked = db.session.scalar(
            select(Activity).where(Activity.source_activity_id == ids["first"])
        )
        assert [d.label for d in linked.dimensions] == ["SIPAS 2"]
    html = client.get(f"/plans/{commune_plan}/dashboard?as_of={AS_OF}").get_data(as_text=True)
    assert "<h2>Theo yếu tố SIPAS</h2>" in html and "2. Thủ tục hành chính" in html
