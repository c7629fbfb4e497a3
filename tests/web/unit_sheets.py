"""Unit catalogue sheets for tests: the template as downloaded, filled like a province or
a commune would, and the localities they are for (issue 16)."""

from __future__ import annotations

import io

from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from tests.conftest import password_chosen
from tracker.domain.units import UnitKind
from tracker.extensions import db
from tracker.models import Locality, Unit
from tracker.models.units import COMMUNE, PROVINCE
from tracker.services.accounts import create_user
from tracker.services.catalog import create_unit

SHEET = "Đơn vị"
FIRST_ROW = 4
PASSWORD = "matkhau-ca-nhan-1"

# Departments of a province after 1/7/2025 (with Sở Nội vụ, stored before): name, kind,
# short name, other names.
DEPARTMENTS = [
    ("Văn phòng UBND tỉnh", "Cơ quan chuyên môn", "VP UBND tỉnh", "Văn phòng Ủy ban nhân dân tỉnh"),
    ("Sở Tài chính", "Cơ quan chuyên môn", "STC", "Sở Tài chính tỉnh"),
    ("Sở Xây dựng", "Cơ quan chuyên môn", "SXD", ""),
    ("Sở Giáo dục và Đào tạo", "Cơ quan chuyên môn", "Sở GD&ĐT", "Sở Giáo dục; Ngành Giáo dục"),
    ("Sở Y tế", "Cơ quan chuyên môn", "", "Ngành Y tế"),
    ("Sở Tư pháp", "Cơ quan chuyên môn", "STP", ""),
    ("Sở Công Thương", "Cơ quan chuyên môn", "SCT", ""),
    ("Sở Khoa học và Công nghệ", "Cơ quan chuyên môn", "Sở KH&CN", ""),
    ("Sở Nông nghiệp và Môi trường", "Cơ quan chuyên môn", "Sở NN&MT", ""),
    ("Sở Văn hóa, Thể thao và Du lịch", "Cơ quan chuyên môn", "Sở VHTTDL", ""),
    ("Sở Dân tộc và Tôn giáo", "Cơ quan chuyên môn", "Sở DT&TG", ""),
    ("Thanh tra tỉnh", "Cơ quan chuyên môn", "", ""),
    ("Ban Quản lý các khu công nghiệp", "Cơ quan chuyên môn", "BQL các KCN", ""),
    ("Trung tâm Phục vụ hành chính công tỉnh", "Đơn vị sự nghiệp", "TTPVHCC", ""),
    ("Đài Phát thanh và Truyền hình tỉnh", "Đơn vị sự nghiệp", "", ""),
    ("Công an tỉnh", "Cơ quan, đơn vị khác", "", ""),
    ("Bộ Chỉ huy Quân sự tỉnh", "Cơ quan, đơn vị khác", "", ""),
    ("Bảo hiểm xã hội tỉnh", "Cơ quan, đơn vị khác", "BHXH tỉnh", ""),
    ("Ủy ban MTTQ Việt Nam tỉnh", "Mặt trận, đoàn thể", "", "Mặt trận Tổ quốc tỉnh"),
    ("Tỉnh đoàn", "Mặt trận, đoàn thể", "", ""),
    ("Hội Liên hiệp Phụ nữ tỉnh", "Mặt trận, đoàn thể", "", ""),
    ("Hội Nông dân tỉnh", "Mặt trận, đoàn thể", "", ""),
    ("Liên đoàn Lao động tỉnh", "Mặt trận, đoàn thể", "", ""),
    ("Cục Thuế tỉnh", "Cơ quan, đơn vị khác", "", ""),
]
_FIRST = ["An", "Hòa", "Long", "Mỹ", "Phú", "Tân", "Thạnh", "Vĩnh", "Lịch", "Đại"]
_SECOND = ["Hiệp", "Lợi", "Thuận", "Tú", "Hải", "Phước", "Bình", "Thới", "Hưng", "Ân"]
COMMUNES = [
    f"{'phường' if (i + j) % 5 == 0 else 'xã'} {a} {b}"
    for i, a in enumerate(_FIRST)
    for j, b in enumerate(_SECOND)
]
ALL_COMMUNES = "UBND các xã, phường"


def province_rows() -> list[list[str]]:
    """24 departments, the group of every commune and 100 communes — the group's members
    left to its name (no «Nhóm» cell names it)."""
    rows = [[name, kind, short, aliases, "", ""] for name, kind, short, aliases in DEPARTMENTS]
    rows.append([ALL_COMMUNES, "Nhóm đơn vị", "", "Ủy ban nhân dân các xã, phường", "", ""])
    rows.extend([name, "UBND xã, phường", "", f"UBND {name}", "", ""] for name in COMMUNES)
    return rows


HAMLETS = [f"ấp {name}" for name in ("Hòa Phú", "Hòa Thành", "Hòa Lợi", "Hòa Tân")] + [
    f"khóm {n}" for n in (1, 2, 3, 4)
]


def commune_rows() -> list[list[str]]:
    """A commune's offices, under its Văn phòng where they belong, and 8 hamlets in the
    group "Các ấp"."""
    office = "Văn phòng HĐND và UBND xã"
    rows = [
        ["Phòng Kinh tế", "Cơ quan chuyên môn", "PKT", "Phòng Kinh tế xã", "", ""],
        ["Phòng Văn hóa – Xã hội", "Cơ quan chuyên môn", "P.VHXH", "Phòng VH-XH", "", ""],
        [
            "Trung tâm Phục vụ hành chính công xã",
            "Đơn vị sự nghiệp",
            "TTPVHCC xã",
            "Bộ phận một cửa",
            office,
            "",
        ],
    ]
    rows.extend([name, "Ấp, khóm, tổ dân phố", "", "", "", "Các ấp"] for name in HAMLETS)
    return rows


def make_province(app) -> int:
    """tỉnh Sóc Trăng with Sở Nội vụ and its coordinator tinh.noivu; the locality's id."""
    with app.app_context():
        province = Locality(
            name="tỉnh Sóc Trăng",
            place_name="Sóc Trăng",
            issuing_body="Ủy ban nhân dân tỉnh Sóc Trăng",
            province="tỉnh Sóc Trăng",
            level=PROVINCE,
        )
        db.session.add(province)
        office = create_unit(province, "Sở Nội vụ", UnitKind.OFFICE)
        _account("tinh.noivu", office)
        db.session.commit()
        return province.id


def make_commune(app, province_id: int | None = None) -> int:
    """xã Hòa Tú with its Văn phòng and the coordinator xa.vanphong; the locality's id."""
    with app.app_context():
        commune = Locality(
            name="xã Hòa Tú",
            place_name="Hòa Tú",
            issuing_body="Ủy ban nhân dân xã Hòa Tú",
            province="tỉnh Sóc Trăng",
            level=COMMUNE,
            parent_id=province_id,
        )
        db.session.add(commune)
        office = create_unit(commune, "Văn phòng HĐND và UBND xã", UnitKind.OFFICE)
        _account("xa.vanphong", office)
        db.session.commit()
        return commune.id


def _account(username: str, unit: Unit) -> None:
    create_user(
        username=username,
        full_name=username,
        role="coordinator",
        unit=unit,
        password=PASSWORD,
        by=None,
    )
    password_chosen(username)


def template(client, locality: int | None = None) -> Workbook:
    query = f"?locality={locality}" if locality else ""
    response = client.get(f"/units/import/template.xlsx{query}")
    assert response.status_code == 200, response.status_code
    return load_workbook(io.BytesIO(response.data))


def written_rows(workbook: Workbook) -> list[list[str]]:
    """The units the sheet lists, as cells."""
    sheet = workbook[SHEET]
    rows = []
    for row in sheet.iter_rows(min_row=FIRST_ROW, max_col=6, values_only=True):
        if any(row):
            rows.append([cell or "" for cell in row])
    return rows


def blank(workbook: Workbook) -> Workbook:
    """The template without its units: a sheet of new rows only."""
    sheet = workbook[SHEET]
    for row in sheet.iter_rows(min_row=FIRST_ROW, max_col=6):
        for cell in row:
            cell.value = None
    return workbook


def filled(workbook: Workbook, rows: list[list[str]], first_row: int | None = None) -> bytes:
    """The workbook with `rows` written from `first_row` (default: after its units)."""
    sheet = workbook[SHEET]
    start = first_row or FIRST_ROW + len(written_rows(workbook))
    for r, row in enumerate(rows, start=start):
        for c, value in enumerate(row, start=1):
            sheet.cell(r, c, value or None)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(client, data: bytes, name: str = "danh-muc.xlsx", locality: int | None = None) -> str:
    """Upload a sheet; the preview's address."""
    query = f"?locality={locality}" if locality else ""
    response = client.post(
        f"/units/import{query}",
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response.headers["Location"]


def unit_named(name: str) -> Unit:
    unit = db.session.scalar(select(Unit).where(Unit.name == name))
    assert unit is not None, name
    return unit
