"""Many accounts from one Excel sheet (issue 15): the template, the preview with units
matched and per-row errors, all or nothing, and the passwords shown once."""

from __future__ import annotations

import html
import io

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from tests.conftest import audit_events, make_user
from tests.web.account_sheets import (
    UNITS_AS_WRITTEN,
    catalogue_unit,
    district_rows,
    filled,
    passwords,
    template,
    upload,
)
from tracker.extensions import db
from tracker.models import Unit, User


def user_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(User.id)))


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def test_the_template_lists_the_localitys_units_and_round_trips(app, client, auth):
    auth.login()
    workbook = template(client)
    sheet = workbook["Tài khoản"]
    assert [c.value for c in sheet[3]] == [
        "Họ tên", "Đơn vị", "E-mail", "Điện thoại", "Vai trò", "Tên đăng nhập",
    ]  # fmt: skip
    assert sheet["D4"].number_format == "@"  # a phone's leading 0 survives Excel
    listed = [r[0].value for r in workbook["Danh mục đơn vị"].iter_rows(min_row=2)]
    assert len(listed) == len(UNITS_AS_WRITTEN) == 32
    assert "Phòng Tư pháp" in listed and "UBND xã, phường" not in listed
    assert "Các ngành có liên quan" not in listed
    validations = {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation}
    assert validations["B4:B203"] == "'Danh mục đơn vị'!$A$2:$A$33"
    assert "Lãnh đạo" in validations["E4:E203"]

    rows = [
        ["Nguyễn Văn An", "Phòng Tư pháp", "an.nv@vinhchau.gov.vn", "0912 345 678", "", ""],
        ["Lâm Thị Bích", "xã Vĩnh Hải", "", "0299 3861 234", "Lãnh đạo", "vinhhai.ld"],
    ]
    preview = client.get(upload(client, filled(workbook, rows)))
    page = text(preview)
    assert preview.status_code == 200
    assert "Chưa có gì được ghi" in page and "dòng có lỗi" in page
    assert 'id="confirm" disabled' not in page
    assert "tuphap.annv" in page and "tự tạo" in page and "vinhhai.ld" in page
    assert "0912 345 678" in page and "0299 3861 234" in page


def test_a_sheet_of_38_people_creates_38_accounts_with_their_units(app, client, auth):
    auth.login()
    rows = district_rows(38)
    before = user_count(app)
    address = upload(client, filled(template(client), rows))
    preview = text(client.get(address))
    assert "Tạo 38 tài khoản" in preview
    assert "ghi: Phòng TNMT" in preview  # matched through the catalogue's aliases
    assert "Dòng có lỗi" not in preview

    response = client.post(address)
    page = text(response)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    shown = passwords(page)
    assert len(shown) == 38 and len(set(shown.values())) == 38
    assert user_count(app) == before + 38
    with app.app_context():
        made = {
            u.full_name: u
            for u in db.session.scalars(select(User).where(User.username.in_(list(shown))))
        }
        for i, row in enumerate(rows):
            user = made[row[0]]
            assert user.unit.name == catalogue_unit(row), row
            assert user.role == "officer" and user.email == f"canbo{i}@vinhchau.gov.vn"
            assert user.phone == f"09{i:02d}123456"
        assert made[rows[0][0]].username == "vphdndubnd.annv"  # Nguyễn Văn An
        assert made[rows[4][0]].username == "tnmt.hahn"  # Huỳnh Ngọc Hà, Phòng TNMT
        assert made[rows[30][0]].unit.name == "xã Vĩnh Hiệp"  # written in NFD
        assert made[rows[32][0]].unit.name == "Văn phòng HĐND và UBND thị xã"  # a second one
    (event,) = audit_events(app, "import.accounts")
    assert event["target"] == "tai-khoan-vinh-chau.xlsx" and event["detail"]["Số tài khoản"] == 38

    some_user, some_password = next(iter(shown.items()))
    officer = app.test_client()
    login = officer.post("/login", data={"username": some_user, "password": some_password})
    assert login.status_code == 302

    # Reloading the result page posts again: the sheet is gone, no password is shown.
    again = client.post(address, follow_redirects=True)
    assert "mật khẩu chỉ hiện một lần" in text(again)
    assert some_password not in text(again)
    assert user_count(app) == before + 38
    assert client.get(address).status_code == 404


def test_one_bad_row_writes_nothing_and_names_the_row(app, client, auth):
    auth.login()
    rows = district_rows(38)
    rows[3][3] = "0912 345"  # sheet row 7
    before = user_count(app)
    address = upload(client, filled(template(client), rows))
    preview = text(client.get(address))
    assert "Dòng 7</b> (Phạm Minh Dũng): Số điện thoại «0912 345» không đúng" in preview
    assert 'id="confirm" disabled' in preview
    assert "Chưa thể tạo: sửa các lỗi ở trên" in preview
    refused = text(client.post(address))
    assert "Chưa tạo tài khoản nào: bảng còn lỗi" in refused
    assert 'class="secret"' not in refused
    assert user_count(app) == before
    assert audit_events(app, "import.accounts") == []


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (["", "Phòng Tư pháp", "", "", "", ""], "Nhập họ tên."),
        (["Nguyễn Văn An", "", "", "", "", ""], "Cán bộ đầu mối phải thuộc một đơn vị."),
        (["Nguyễn Văn An", "Phòng Tư pháp huyện", "", "", "", ""],
         "Không nhận ra đơn vị «Phòng Tư pháp huyện» trong danh mục. Có phải: Phòng Tư pháp"),
        (["Nguyễn Văn An", "Sở Ngoại vụ", "", "", "", ""],
         "Không nhận ra đơn vị «Sở Ngoại vụ» trong danh mục."),
        (["Nguyễn Văn An", "UBND xã, phường", "", "", "", ""],
         "«UBND xã, phường» là nhóm gồm nhiều đơn vị"),
        (["Nguyễn Văn An", "Các ngành có liên quan", "", "", "", ""], "là nhóm gồm nhiều đơn vị"),
        (["Nguyễn Văn An", "Phòng Tư pháp", "an@", "", "", ""], "Địa chỉ e-mail không hợp lệ"),
        (["Nguyễn Văn An", "Phòng Tư pháp", "", "0812 34", "", ""],
         "Số điện thoại «0812 34» không đúng"),
        (["Nguyễn Văn An", "Phòng Tư pháp", "", "", "Quản trị", ""],
         "Vai trò «Quản trị» không hợp lệ; ghi một trong: Cán bộ đầu mối đơn vị, Lãnh đạo"),
        (["Nguyễn Văn An", "Phòng Tư pháp", "", "", "", "noivu"], "Tên đăng nhập «noivu» đã có."),
        (["Nguyễn Văn An", "Phòng Tư pháp", "", "", "", "an nguyen"], "Tên đăng nhập 3–40 ký tự"),
        (["Cán bộ Phường 1", "UBND Phường 1", "", "", "", ""],
         "Phường 1 đã có tài khoản «phuong1» của Cán bộ Phường 1."),
    ],
)  # fmt: skip
def test_each_bad_row_says_what_is_wrong(app, client, auth, row, message):
    make_user(app, "phuong1", "Phường 1")
    auth.login()
    good = ["Trần Thị Hà", "xã Lạc Hòa", "", "", "", ""]
    before = user_count(app)
    address = upload(client, filled(template(client), [good, row]))
    preview = text(client.get(address))
    assert "Dòng 5" in preview and message in preview
    assert "Dòng 4" not in preview
    client.post(address)
    assert user_count(app) == before


def test_user_names_twice_in_the_sheet_or_taken_already(app, client, auth):
    make_user(app, "tuphap.annv", "Phòng Tư pháp")
    auth.login()
    rows = [
        ["Nguyễn Văn An", "Phòng Tư pháp thị xã", "", "", "", ""],  # made: tuphap.annv2
        ["Nguyễn Văn Ân", "Phòng Tư pháp", "", "", "", ""],  # made: tuphap.annv3
        ["Lê Văn Bình", "Phòng Y tế", "", "", "", "yte.canbo"],
        ["Lê Thị Bình", "Phòng Y tế", "", "", "", "YTE.CANBO"],
        ["Nguyễn Văn An", "Phòng Tư pháp", "", "", "", ""],  # the first row's person again
    ]
    address = upload(client, filled(template(client), rows))
    preview = text(client.get(address))
    assert "tuphap.annv2" in preview and "tuphap.annv3" in preview
    assert "Tên đăng nhập «yte.canbo» ghi nhiều lần (dòng 6, 7)." in preview
    assert "Dòng 8</b> (Nguyễn Văn An): Trùng người với dòng 4" in preview
    assert 'id="confirm" disabled' in preview

    fixed = [rows[0], rows[1], rows[2], [*rows[3][:5], "yte.binh"], [*rows[4][:5], "tuphap.an2"]]
    address = upload(client, filled(template(client), fixed))
    client.post(address)
    with app.app_context():
        names = set(db.session.scalars(select(User.username)))
    assert {"tuphap.annv2", "tuphap.annv3", "yte.canbo", "yte.binh", "tuphap.an2"} <= names


def test_a_file_that_is_not_an_account_sheet(app, client, auth):
    auth.login()
    workbook = Workbook()
    workbook.active.append(["STT", "Hoạt động", "Đơn vị chủ trì"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    page = text(client.get(upload(client, buffer.getvalue(), "phu-luc.xlsx")))
    assert "Không tìm thấy dòng tiêu đề có cột «Họ tên» và «Đơn vị»" in page
    assert 'id="confirm" disabled' in page
    broken = text(client.get(upload(client, b"PK\x03\x04 not really", "hong.xlsx")))
    assert "Tệp Excel bị hỏng" in broken or "không mở được" in broken
    empty = text(client.get(upload(client, filled(template(client), []), "trong.xlsx")))
    assert "Bảng chưa có người nào" in empty


def test_more_people_than_one_sheet_may_hold(app, client, auth):
    auth.login()
    rows = [[f"Người {i}", "Phòng Tư pháp", "", "", "", ""] for i in range(201)]
    page = text(client.get(upload(client, filled(template(client), rows))))
    assert "Bảng có 201 người, quá 200 người một lần" in page
    assert 'id="confirm" disabled' in page


def test_an_upload_without_a_file_is_refused(app, client, auth):
    auth.login()
    page = text(client.post("/users/import", data={}))
    assert "Chọn tệp Excel (.xlsx) danh sách tài khoản." in page


def test_unit_ids_of_another_locality_are_never_matched(app, client, auth):
    """The sheet is matched against the coordinator's locality only."""
    from tracker.domain.units import UnitKind
    from tracker.models import Locality
    from tracker.services.catalog import create_unit

    with app.app_context():
        place = Locality(
            name="huyện Mỹ Xuyên", place_name="Mỹ Xuyên", issuing_body="UBND huyện Mỹ Xuyên",
            province="tỉnh Sóc Trăng",
        )  # fmt: skip
        db.session.add(place)
        create_unit(place, "Phòng Dân tộc", UnitKind.OFFICE)
        db.session.commit()
    auth.login()
    rows = [["Sơn Thị Mai", "Phòng Dân tộc", "", "", "", ""]]
    page = text(client.get(upload(client, filled(template(client), rows))))
    assert "Không nhận ra đơn vị «Phòng Dân tộc»" in page
    with app.app_context():
        assert db.session.scalar(select(func.count(Unit.id)).where(Unit.name == "Phòng Dân tộc"))
