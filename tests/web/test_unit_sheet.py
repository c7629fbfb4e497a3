"""The unit catalogue from an Excel sheet (issue 16): a province's departments and 100
communes, a commune's offices and hamlets, per-row errors that write nothing, the round
trip, the annex matching the new names, and one locality's coordinator only."""

from __future__ import annotations

import html

import pytest
from sqlalchemy import func, select

from tests.conftest import audit_events
from tests.web.unit_sheets import (
    ALL_COMMUNES,
    COMMUNES,
    HAMLETS,
    PASSWORD,
    blank,
    commune_rows,
    filled,
    make_commune,
    make_province,
    province_rows,
    template,
    unit_named,
    upload,
    written_rows,
)
from tracker.extensions import db
from tracker.models import Activity, Assignment, Change, Plan, Unit, UnitAlias
from tracker.models.units import UnitGroupMember


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def catalogue(app) -> tuple[int, int, int]:
    with app.app_context():
        return (
            db.session.scalar(select(func.count(Unit.id))),
            db.session.scalar(select(func.count(UnitAlias.id))),
            db.session.scalar(select(func.count()).select_from(UnitGroupMember)),
        )


ANNEX_HEADER = ("STT", "Nội dung", "Hoạt động", "Đơn vị chủ trì", "Đơn vị phối hợp", "Thời gian")


def annex(*lines: tuple[str, str, str]) -> str:
    rows = [ANNEX_HEADER]
    for number, (text_, lead, support) in enumerate(lines, start=1):
        content = "Công khai, minh bạch" if number == 1 else ""
        rows.append((f"1.{number}", content, text_, lead, support, "Quý III/2026"))
    return "\n".join("\t".join(row) for row in rows)


def import_annex(client, pasted: str) -> str:
    """A new plan of the signed-in coordinator's locality with the pasted annex; the
    preview page's text (the plan is written when the preview allows)."""
    response = client.post(
        "/plans/new",
        data={
            "number": "12/KH-UBND",
            "issued_on": "2026-02-10",
            "year": "2026",
            "title": "Cải thiện Chỉ số PAPI năm 2026",
            "noun": "nhiệm vụ",
        },
    )
    assert response.status_code == 302, text(response)[:300]
    response = client.post(response.headers["Location"], data={"pasted": pasted})
    preview_url = response.headers["Location"]
    page = text(client.get(preview_url))
    assert 'id="confirm" disabled' not in page, page[:3000]
    assert client.post(preview_url, data={"action": "confirm"}).status_code == 302
    return page


def test_a_province_sheet_of_departments_and_100_communes_then_the_annex_assigns_them(
    app, client, auth
):
    province = make_province(app)
    auth.login("tinh.noivu", PASSWORD)
    assert "Nhập, sửa danh mục từ bảng Excel" in text(client.get("/units"))
    workbook = template(client)
    assert written_rows(workbook) == [["Sở Nội vụ", "Cơ quan chuyên môn", "", "", "", ""]]
    address = upload(client, filled(workbook, province_rows()), "danh-muc-tinh.xlsx")
    page = text(client.get(address))
    assert "Dòng có lỗi" not in page
    assert "<b>125</b>thêm mới" in page and "<b>1</b>không thay đổi" in page
    assert "Nhóm gồm 100 đơn vị" in page
    assert "Không đơn vị nào bị xóa" in page

    response = client.post(address)
    assert response.status_code == 302 and response.headers["Location"] == "/units"
    assert "thêm 125, sửa 0, giữ nguyên 1 đơn vị" in text(client.get("/units"))
    with app.app_context():
        units = db.session.scalars(select(Unit).where(Unit.locality_id == province)).all()
        assert len(units) == 126  # Sở Nội vụ, 24 departments, the group, 100 communes
        group = unit_named(ALL_COMMUNES)
        assert sorted(m.name for m in group.members) == sorted(COMMUNES)
        assert unit_named("Sở Tài chính").short_name == "STC"
        created = db.session.scalars(select(Change).where(Change.entity == "unit")).all()
        assert len(created) == 125 and all(c.user.username == "tinh.noivu" for c in created)
    event = audit_events(app, "import.units")[-1]
    assert event["target"] == "danh-muc-tinh.xlsx"

    page = import_annex(
        client,
        annex(
            ("Niêm yết công khai thủ tục hành chính.", ALL_COMMUNES, "Sở Nội vụ"),
            ("Công khai dự toán ngân sách.", "STC", "Sở Giáo dục; Sở GD&ĐT"),
            ("Kiểm tra trường học.", "Ngành Giáo dục", "VP UBND tỉnh"),
        ),
    )
    with app.app_context():
        plan = db.session.scalar(select(Plan).where(Plan.locality_id == province))
        first, second, third = sorted(plan.activities, key=lambda a: a.position)
        leads = [a for a in first.assignments if a.role == "lead"]
        assert len(leads) == 100
        assert {a.via_group_id for a in leads} == {unit_named(ALL_COMMUNES).id}
        assert {a.unit.name for a in leads} == set(COMMUNES)

        def named(activity: Activity, role: str) -> set[str]:
            return {a.unit.name for a in activity.assignments if a.role == role}

        assert named(second, "lead") == {"Sở Tài chính"}  # its short name
        assert named(second, "support") == {"Sở Giáo dục và Đào tạo"}  # other names
        assert named(third, "lead") == {"Sở Giáo dục và Đào tạo"}
        assert named(third, "support") == {"Văn phòng UBND tỉnh"}


def test_a_commune_sheet_of_offices_and_eight_hamlets_in_a_new_group(app, client, auth):
    commune = make_commune(app)
    auth.login("xa.vanphong", PASSWORD)
    address = upload(client, filled(template(client), commune_rows()), "danh-muc-xa.xlsx")
    page = text(client.get(address))
    assert "Dòng có lỗi" not in page
    assert "Nhóm mới" in page and "Các ấp" in page
    assert "<b>12</b>thêm mới" in page  # 3 offices, 8 hamlets, the group
    assert client.post(address).status_code == 302
    with app.app_context():
        group = unit_named("Các ấp")
        assert group.kind == "group" and group.locality_id == commune
        assert [m.name for m in group.members] == HAMLETS
        assert all(m.kind == "hamlet" for m in group.members)
        centre = unit_named("Trung tâm Phục vụ hành chính công xã")
        assert centre.parent.name == "Văn phòng HĐND và UBND xã"
        assert {a.alias for a in centre.aliases} == {
            "Trung tâm Phục vụ hành chính công xã",
            "TTPVHCC xã",
            "Bộ phận một cửa",
        }
    page = import_annex(
        client,
        annex(
            ("Đối thoại với người dân.", "Các ấp", "PKT"),
            ("Niêm yết thủ tục tại bộ phận một cửa.", "Bộ phận một cửa", "Phòng VH-XH"),
        ),
    )
    with app.app_context():
        plan = db.session.scalar(select(Plan).where(Plan.locality_id == commune))
        first, second = sorted(plan.activities, key=lambda a: a.position)
        assert {a.unit.name for a in first.assignments if a.role == "lead"} == set(HAMLETS)
        assert {a.unit.name for a in first.assignments if a.role == "support"} == {"Phòng Kinh tế"}
        assert {a.unit.name for a in second.assignments} == {
            "Trung tâm Phục vụ hành chính công xã",
            "Phòng Văn hóa – Xã hội",
        }

    # The template now lists what was imported, and reads back unchanged.
    workbook = template(client)
    rows = written_rows(workbook)
    assert ["khóm 1", "Ấp, khóm, tổ dân phố", "", "", "", "Các ấp"] in rows
    assert ["Các ấp", "Nhóm đơn vị", "", "", "", ""] in rows
    page = text(client.get(upload(client, filled(workbook, [], first_row=99))))
    assert "<b>13</b>không thay đổi" in page and 'id="confirm" disabled' in page


BAD_ROWS = [
    # (row as written, the error it gets)
    (["", "Cơ quan chuyên môn", "PX", "", "", ""], "Thiếu tên đơn vị."),
    (["Phòng Dân tộc", "Phòng ban", "", "", "", ""], "Loại «Phòng ban» không có"),
    (["Phòng Dân tộc 2", "", "", "", "", ""], "Chưa ghi loại đơn vị"),
    (["Tổ công tác 1", "Cơ quan, đơn vị khác", "", "", "Ban Chỉ đạo", ""], "Không tìm thấy"),
    (["Tổ công tác 2", "Cơ quan, đơn vị khác", "", "", "", ""], ""),
    (["Tổ công tác 2", "Cơ quan, đơn vị khác", "", "", "", ""], "Trùng tên với dòng"),
    (["Phòng TNMT", "Cơ quan chuyên môn", "", "", "", ""], "đã là tên gọi khác của"),
    (["Tổ công tác 3", "Cơ quan, đơn vị khác", "", "Phòng Tư pháp thị xã", "", ""], "đã là tên"),
    (["Tổ công tác 4", "Cơ quan, đơn vị khác", "TCT", "", "", ""], "đã là tên của «Tổ công"),
    (["Tổ công tác 5", "Cơ quan, đơn vị khác", "TCT", "", "", ""], "đã là tên của «Tổ công"),
    (["Tổ công tác 6", "Cơ quan, đơn vị khác", "", "", "", "Phòng Nội vụ"], "không phải nhóm"),
    (["Tổ công tác 7", "Cơ quan, đơn vị khác", "", "", "UBND xã, phường", ""], "là nhóm"),
    (["Tổ công tác 8", "Cơ quan, đơn vị khác", "", "", "Tổ công tác 8", ""], "chính nó"),
    (["Phòng Y tế", "Nhóm đơn vị", "", "", "", ""], "Không đổi được loại"),
]


def test_every_kind_of_bad_row_is_explained_and_nothing_is_written(app, client, auth):
    auth.login()
    before = catalogue(app)
    address = upload(client, filled(blank(template(client)), [row for row, _ in BAD_ROWS]))
    page = text(client.get(address))
    assert 'id="confirm" disabled' in page and "Chưa thể nhập" in page
    first = 4
    for offset, (_, error) in enumerate(BAD_ROWS):
        if error:
            row = page.split(f'id="row-{first + offset}"', 1)[1].split("</tr>", 1)[0]
            assert error in row, (first + offset, error, row)
    assert f"<b>{sum(bool(e) for _, e in BAD_ROWS)}</b>dòng có lỗi" in page

    response = client.post(address)
    assert response.status_code == 200
    assert "Chưa nhập: Bảng còn lỗi" in text(response)
    assert catalogue(app) == before
    assert audit_events(app, "import.units") == []


def test_too_many_rows_and_a_sheet_without_its_header(app, client, auth):
    auth.login()
    rows = [[f"Tổ {i}", "Cơ quan, đơn vị khác", "", "", "", ""] for i in range(501)]
    page = text(client.get(upload(client, filled(template(client), rows))))
    assert "quá 500 đơn vị một lần" in page and 'id="confirm" disabled' in page
    workbook = template(client)
    workbook["Đơn vị"]["A1"] = None
    workbook["Đơn vị"]["A3"] = "Cơ quan"
    workbook["Đơn vị"]["B3"] = None
    page = text(client.get(upload(client, filled(workbook, [], first_row=999))))
    assert "Không tìm thấy dòng tiêu đề có cột «Tên đơn vị»" in page


def test_the_seeded_catalogue_round_trips_and_changes_show_before_they_are_made(app, client, auth):
    auth.login()
    workbook = template(client)
    rows = written_rows(workbook)
    assert len(rows) == 38  # every seed unit, groups and vague ones included
    group = next(r for r in rows if r[0] == "UBND xã, phường")
    assert group[1] == "Nhóm đơn vị" and "UBND các xã, phường" in group[3]
    assert next(r for r in rows if r[0] == "Phường 1")[5] == "UBND xã, phường"
    mttq = next(r for r in rows if r[0] == "Ủy ban MTTQ Việt Nam xã, phường")
    assert mttq[4] == "Ủy ban MTTQ Việt Nam thị xã"
    # a name shared by two units ("MTTQ thị xã và xã, phường") is on neither row
    assert all("thị xã và xã, phường" not in r[3] for r in rows)
    before = catalogue(app)
    page = text(client.get(upload(client, filled(workbook, [], first_row=999))))
    assert "<b>38</b>không thay đổi" in page and "<b>0</b>thêm mới" in page
    assert "Bảng không thay đổi gì trong danh mục" in page and 'id="confirm" disabled' in page

    # Phường 2 leaves the group, gets a short name and loses an alias; a new commune joins.
    sheet = workbook["Đơn vị"]
    for row in sheet.iter_rows(min_row=4):
        if row[0].value == "Phường 2":
            row[2].value, row[3].value, row[5].value = "P2", None, None
    address = upload(
        client,
        filled(workbook, [["xã Vĩnh Thành", "UBND xã, phường", "", "", "", "UBND xã, phường"]]),
    )
    page = text(client.get(address))
    assert "<b>1</b>thêm mới" in page and "<b>1</b>thay đổi" in page
    row = page.split('id="row-', 1)[1]
    assert "Phường 2" in row
    for change in ("Tên viết tắt: — → P2", "Bỏ tên gọi khác: UBND Phường 2", "Ra khỏi nhóm"):
        assert change in page
    assert client.post(address).status_code == 302
    assert catalogue(app)[0] == before[0] + 1
    with app.app_context():
        members = {m.name for m in unit_named("UBND xã, phường").members}
        assert "Phường 2" not in members and "xã Vĩnh Thành" in members
        change = db.session.scalar(
            select(Change).where(
                Change.entity == "unit", Change.entity_id == unit_named("Phường 2").id
            )
        )
        assert change.before["Nhóm"] == ["UBND xã, phường"] and change.after["Nhóm"] == []
        assert change.after["Tên viết tắt"] == "P2"
        # nothing was deleted, assignments of Phường 2 stay
        assert db.session.scalar(
            select(func.count(Assignment.id)).where(Assignment.unit_id == unit_named("Phường 2").id)
        )


def test_only_a_coordinator_of_the_locality_imports_into_it(app, client, auth):
    province = make_province(app)
    commune = make_commune(app, province)
    with app.app_context():
        vinh_chau = unit_named("Phòng Nội vụ").locality_id
    auth.login("tinh.noivu", PASSWORD)
    for other in (vinh_chau, commune):
        assert client.get(f"/units/import?locality={other}").status_code == 404
        assert client.get(f"/units/import/template.xlsx?locality={other}").status_code == 404
        response = client.post(f"/units/import?locality={other}", data={})
        assert response.status_code == 404
    # its own sheet goes to its own locality, whatever it names
    address = upload(client, filled(template(client), [["Sở Nội vụ", "", "", "", "", ""]]))
    assert (
        client.get(address.replace(f"locality={province}", f"locality={commune}")).status_code
        == 404
    )
    auth.logout()
    from tests.conftest import make_user

    make_user(app, "xa.kinhte", "Văn phòng HĐND và UBND xã", role="officer")
    auth.login("xa.kinhte", "matkhau-xa.kinhte")
    assert client.get("/units/import").status_code == 403
    assert "Nhập, sửa danh mục" not in text(client.get("/units"))


@pytest.mark.parametrize(
    "written, kind",
    [("Nhóm đơn vị", "group"), ("nhom don vi", "group"), ("hamlet", "hamlet")],
)
def test_a_kind_is_read_with_or_without_tone_marks(app, client, auth, written, kind):
    auth.login()
    address = upload(client, filled(template(client), [["Tổ mới", written, "", "", "", ""]]))
    assert client.post(address).status_code == 302
    with app.app_context():
        assert unit_named("Tổ mới").kind == kind
