"""The accounts page (issue 15): create with e-mail and phone, the initial password shown
once, edits recorded, and each coordinator managing its own locality's accounts."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from tests.conftest import make_user, password_chosen
from tracker.domain.units import UnitKind
from tracker.extensions import db
from tracker.models import Change, Locality, Unit, User


def unit_id(app, name: str, locality_id: int = 1) -> int:
    with app.app_context():
        return db.session.scalar(
            select(Unit.id).where(Unit.name == name, Unit.locality_id == locality_id)
        )


def account(app, username: str) -> dict | None:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == username))
        if user is None:
            return None
        return {
            "id": user.id,
            "full_name": user.full_name,
            "role": user.role,
            "unit": user.unit.name if user.unit else None,
            "email": user.email,
            "phone": user.phone,
        }


def user_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(User.id)))


def new_account(app, **changes) -> dict:
    return {
        "full_name": "Lâm Thị Bích",
        "unit_id": str(unit_id(app, "xã Vĩnh Hải")),
        "role": "officer",
        "username": "",
        "email": "bich.lt@vinhhai.gov.vn",
        "phone": "0912 345 678",
        "password": "",
        **changes,
    }


def shown_password(page: str) -> str:
    return re.search(r'<code class="secret">([^<]+)</code>', page).group(1)


def test_a_new_account_with_email_and_phone_shows_its_password_once(app, client, auth):
    auth.login()
    response = client.post("/users", data=new_account(app))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert "Đã tạo tài khoản «xavinhhai.bichlt»" in page
    assert "chỉ hiện một lần" in page
    password = shown_password(page)
    assert re.fullmatch(r"[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}", password)
    assert account(app, "xavinhhai.bichlt") == {
        "id": account(app, "xavinhhai.bichlt")["id"],
        "full_name": "Lâm Thị Bích",
        "role": "officer",
        "unit": "xã Vĩnh Hải",
        "email": "bich.lt@vinhhai.gov.vn",
        "phone": "0912345678",
    }
    officer = app.test_client()
    signed_in = officer.post("/login", data={"username": "xavinhhai.bichlt", "password": password})
    assert signed_in.status_code == 302

    # Reloading the result page posts again: refused, and no password is shown.
    again = client.post("/users", data=new_account(app)).get_data(as_text=True)
    assert "đã có tài khoản «xavinhhai.bichlt» của Lâm Thị Bích" in again
    assert password not in again and 'class="secret"' not in again
    listing = client.get("/users").get_data(as_text=True)
    assert password not in listing
    assert "bich.lt@vinhhai.gov.vn" in listing and "0912 345 678" in listing
    with app.app_context():
        stored = db.session.scalar(select(User).where(User.username == "xavinhhai.bichlt"))
        assert password not in stored.password_hash
        (created,) = db.session.scalars(
            select(Change).where(Change.entity == "user", Change.entity_id == stored.id)
        )
        assert created.after["E-mail"] == "bich.lt@vinhhai.gov.vn"
        assert created.after["Điện thoại"] == "0912345678"
        assert not any("mật khẩu" in k.lower() for k in created.after)


def test_a_typed_password_is_not_shown_back(app, client, auth):
    auth.login()
    data = new_account(app, username="vinhhai.bich", password="vinhhai-2023")
    page = client.post("/users", data=data).get_data(as_text=True)
    assert "Đã tạo tài khoản «vinhhai.bich»" in page
    assert "vinhhai-2023" not in page and "do anh/chị vừa nhập" in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"email": "bich@vinhhai"}, "Địa chỉ e-mail không hợp lệ"),
        ({"email": "bich@vinhhai.gov.vn, an@vinhhai.gov.vn"}, "đúng một địa chỉ"),
        ({"email": "bích@vinhhai.gov.vn"}, "chỉ gồm chữ không dấu"),
        ({"phone": "0912 345 67"}, "Số điện thoại «0912 345 67» không đúng"),
        ({"phone": "0912-345-67x"}, "Số điện thoại chỉ gồm chữ số"),
        ({"full_name": "   "}, "Nhập họ tên."),
        ({"full_name": "Bích " * 50}, "Họ tên dài quá 200 ký tự."),
        ({"unit_id": "0"}, "Cán bộ đầu mối phải thuộc một đơn vị."),
        ({"unit_id": "99999"}, "Đơn vị đã chọn không có trong danh mục."),
        ({"role": "admin"}, "Vai trò không hợp lệ."),
        ({"username": "Bích"}, "Tên đăng nhập 3–40 ký tự"),
        ({"username": "noivu"}, "Tên đăng nhập «noivu» đã có."),
        ({"password": "ngan"}, "Mật khẩu cần ít nhất 8 ký tự."),
    ],
)
def test_bad_input_is_refused_in_vietnamese_and_nothing_is_written(
    app, client, auth, changes, message
):
    auth.login()
    before = user_count(app)
    with app.app_context():
        changes_before = db.session.scalar(select(func.count(Change.id)))
    response = client.post("/users", data=new_account(app, **changes))
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert user_count(app) == before
    with app.app_context():
        assert db.session.scalar(select(func.count(Change.id))) == changes_before


def test_a_group_unit_cannot_hold_an_account(app, client, auth):
    auth.login()
    group = unit_id(app, "UBND xã, phường")
    page = client.post("/users", data=new_account(app, unit_id=str(group))).get_data(as_text=True)
    assert "là nhóm đơn vị; chọn một đơn vị cụ thể" in page
    assert f'<option value="{group}">' not in client.get("/users").get_data(as_text=True)


def edit_data(app, **changes) -> dict:
    return {
        "full_name": "Lâm Thị Bích Ngọc",
        "unit_id": str(unit_id(app, "xã Vĩnh Tân")),
        "role": "leader",
        "email": "ngoc@vinhtan.gov.vn",
        "phone": "+84 299 3861 234",
        **changes,
    }


def test_an_edit_is_recorded_with_before_and_after(app, client, auth):
    make_user(app, "vinhhai.bich", "xã Vĩnh Hải")
    user_id = account(app, "vinhhai.bich")["id"]
    auth.login()
    form = client.get(f"/users/{user_id}/edit").get_data(as_text=True)
    assert "vinhhai.bich" in form and "không đổi được" in form
    response = client.post(
        f"/users/{user_id}/edit", data=edit_data(app, username="doi.ten"), follow_redirects=True
    )
    assert "Đã lưu tài khoản «vinhhai.bich»" in response.get_data(as_text=True)
    assert account(app, "doi.ten") is None
    assert account(app, "vinhhai.bich") == {
        "id": user_id,
        "full_name": "Lâm Thị Bích Ngọc",
        "role": "leader",
        "unit": "xã Vĩnh Tân",
        "email": "ngoc@vinhtan.gov.vn",
        "phone": "02993861234",
    }
    with app.app_context():
        change = db.session.scalars(
            select(Change)
            .where(Change.entity == "user", Change.entity_id == user_id)
            .order_by(Change.id.desc())
        ).first()
        assert change.note == "Sửa thông tin tài khoản"
        assert change.user.username == "noivu"
        assert change.before == {
            "Tài khoản": "vinhhai.bich",
            "Họ tên": "Cán bộ xã Vĩnh Hải",
            "Vai trò": "Cán bộ đầu mối đơn vị",
            "Đơn vị": "xã Vĩnh Hải",
            "E-mail": "",
            "Điện thoại": "",
        }
        assert change.after["Đơn vị"] == "xã Vĩnh Tân"
        assert change.after["Điện thoại"] == "02993861234"
    history = client.get(f"/users/{user_id}/edit").get_data(as_text=True)
    assert "Sửa thông tin tài khoản" in history and "xã Vĩnh Tân" in history

    same = client.post(f"/users/{user_id}/edit", data=edit_data(app), follow_redirects=True)
    assert "Không có gì thay đổi." in same.get_data(as_text=True)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"phone": "12345"}, "Số điện thoại «12345» không đúng"),
        ({"email": "ngoc@"}, "Địa chỉ e-mail không hợp lệ"),
        ({"role": "officer", "unit_id": "0"}, "Cán bộ đầu mối phải thuộc một đơn vị."),
    ],
)
def test_a_bad_edit_changes_nothing(app, client, auth, changes, message):
    make_user(app, "vinhhai.bich", "xã Vĩnh Hải")
    before = account(app, "vinhhai.bich")
    auth.login()
    response = client.post(f"/users/{before['id']}/edit", data=edit_data(app, **changes))
    assert message in response.get_data(as_text=True)
    assert account(app, "vinhhai.bich") == before


def test_the_coordinator_keeps_its_own_role(app, client, auth):
    auth.login()
    me = account(app, "noivu")
    data = edit_data(app, role="officer", unit_id=str(unit_id(app, "Phòng Nội vụ")))
    page = client.post(f"/users/{me['id']}/edit", data=data).get_data(as_text=True)
    assert "Không tự bỏ vai trò Phòng Nội vụ của chính mình." in page
    assert account(app, "noivu")["role"] == "coordinator"


def test_no_page_shows_a_password_hash(app, client, auth):
    make_user(app, "phuong1", "Phường 1")
    auth.login()
    for url in ("/users", f"/users/{account(app, 'phuong1')['id']}/edit", "/users/1/edit"):
        page = client.get(url).get_data(as_text=True)
        assert "scrypt:" not in page and "pbkdf2:" not in page


def test_only_the_coordinator_manages_accounts(app, client):
    make_user(app, "phuong1", "Phường 1")
    make_user(app, "lanhdao", None, role="leader")
    for username in ("phuong1", "lanhdao"):
        client.post("/login", data={"username": username, "password": f"matkhau-{username}"})
        for url in ("/users", "/users/1/edit", "/users/import", "/users/import/template.xlsx"):
            assert client.get(url).status_code == 403
        assert client.post("/users/1/edit", data=edit_data(client.application)).status_code == 403
        client.post("/logout")


@pytest.fixture
def two_localities(app):
    """A second district, Mỹ Xuyên, with its own Phòng Nội vụ coordinator and an officer."""
    from tracker.services.accounts import create_user
    from tracker.services.catalog import create_unit

    with app.app_context():
        place = Locality(
            name="huyện Mỹ Xuyên",
            place_name="Mỹ Xuyên",
            issuing_body="Ủy ban nhân dân huyện Mỹ Xuyên",
            province="tỉnh Sóc Trăng",
        )
        db.session.add(place)
        noivu = create_unit(place, "Phòng Nội vụ", UnitKind.OFFICE)
        tuphap = create_unit(place, "Phòng Tư pháp", UnitKind.OFFICE)
        for username, role, unit in (
            ("noivu.mx", "coordinator", noivu),
            ("tuphap.mx", "officer", tuphap),
        ):
            create_user(
                username=username,
                full_name=f"Cán bộ {username}",
                role=role,
                unit=unit,
                password=f"matkhau-{username}",
                by=None,
            )
            password_chosen(username)
        db.session.commit()
        return place.id


def test_a_coordinator_manages_its_own_localitys_accounts_only(app, two_localities):
    make_user(app, "phuong1", "Phường 1")
    make_user(app, "tinh", None, role="leader")  # attached to no unit: every locality's
    mx = app.test_client()
    assert (
        mx.post("/login", data={"username": "noivu.mx", "password": "matkhau-noivu.mx"}).status_code
        == 302
    )
    listing = mx.get("/users").get_data(as_text=True)
    assert "tuphap.mx" in listing
    assert "phuong1" not in listing and 'user-noivu"' not in listing and "user-tinh" not in listing
    assert "Phường 1" not in listing  # Vĩnh Châu's units are not offered either
    for username in ("phuong1", "tinh", "noivu"):
        other = account(app, username)["id"]
        assert mx.get(f"/users/{other}/edit").status_code == 404
        assert (
            mx.post(f"/users/{other}/password", data={"password": "chiem-quyen-1"}).status_code
            == 404
        )
        assert mx.post(f"/users/{other}/active", data={"active": "0"}).status_code == 404
    vc_unit = unit_id(app, "Phường 1")
    refused = mx.post("/users", data=new_account(app, unit_id=str(vc_unit))).get_data(as_text=True)
    assert "thuộc địa phương khác" in refused
    nowhere = mx.post("/users", data=new_account(app, unit_id="0", role="leader"))
    assert "dùng chung cho mọi địa phương" in nowhere.get_data(as_text=True)
    assert account(app, "xavinhhai.bichlt") is None and account(app, "bichlt") is None

    ok = mx.post(
        "/users", data=new_account(app, unit_id=str(unit_id(app, "Phòng Tư pháp", two_localities)))
    )
    assert "Đã tạo tài khoản «tuphap.bichlt»" in ok.get_data(as_text=True)

    # Vĩnh Châu's coordinator no longer manages the unit-less account: two localities now.
    vc = app.test_client()
    vc.post("/login", data={"username": "noivu", "password": "noivu2023"})
    assert "user-tinh" not in vc.get("/users").get_data(as_text=True)
    assert "tuphap.mx" not in vc.get("/users").get_data(as_text=True)
    assert vc.get(f"/users/{account(app, 'tuphap.mx')['id']}/edit").status_code == 404
