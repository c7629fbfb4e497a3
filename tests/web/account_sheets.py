"""Account sheets for tests: the template as downloaded, filled like a district would."""

from __future__ import annotations

import io
import re

from openpyxl import Workbook, load_workbook

# (unit as a district writes it, the catalogue's unit): aliases, other tone marks,
# abbreviations, NFD — every seed unit that can hold an account, once.
UNITS_AS_WRITTEN = [
    ("Văn phòng HĐND - UBND thị xã", "Văn phòng HĐND và UBND thị xã"),
    ("Phòng Nội vụ", "Phòng Nội vụ"),
    ("Phòng Tư pháp thị xã", "Phòng Tư pháp"),
    ("Phòng TC-KH", "Phòng Tài chính – Kế hoạch"),
    ("Phòng TNMT", "Phòng Tài nguyên và Môi trường"),
    ("Phòng LĐ-TB&XH", "Phòng Lao động – Thương binh và Xã hội"),
    ("Phòng Văn hoá và Thông tin", "Phòng Văn hóa và Thông tin"),
    ("Phòng GD&ĐT", "Phòng Giáo dục và Đào tạo"),
    ("phong y te", "Phòng Y tế"),
    ("Thanh tra thị xã", "Thanh tra thị xã"),
    ("Phòng Kinh tế", "Phòng Kinh tế"),
    ("Phòng QLĐT", "Phòng Quản lý đô thị"),
    ("Trung tâm VH-TT-TT", "Trung tâm Văn hóa – Thể thao – Truyền thanh"),
    ("Trung tâm GDNN-GDTX", "Trung tâm Giáo dục nghề nghiệp – Giáo dục thường xuyên"),
    ("TTYT thị xã", "Trung tâm Y tế thị xã"),
    ("Trung tâm Chính trị thị xã", "Trung tâm Chính trị thị xã"),
    ("UBMTTQ thị xã", "Ủy ban MTTQ Việt Nam thị xã"),
    ("Ủy ban MTTQ xã, phường", "Ủy ban MTTQ Việt Nam xã, phường"),
    ("Công an thị xã Vĩnh Châu", "Công an thị xã"),
    ("Ban Biên tập Cổng TTĐT thị xã", "Ban Biên tập Cổng thông tin điện tử thị xã"),
    ("BHXH thị xã", "Bảo hiểm xã hội thị xã"),
    ("Chi nhánh VPĐKĐĐ", "Chi nhánh Văn phòng Đăng ký đất đai"),
    ("UBND Phường 1", "Phường 1"),
    ("Phường 2", "Phường 2"),
    ("Phường Khánh Hoà", "Phường Khánh Hòa"),
    ("Phường Vĩnh Phước", "Phường Vĩnh Phước"),
    ("UBND xã Hoà Đông", "xã Hòa Đông"),
    ("xã Lạc Hòa", "xã Lạc Hòa"),
    ("Xã Lai Hòa", "xã Lai Hòa"),
    ("xã Vĩnh Hải", "xã Vĩnh Hải"),
    ("xa\u0303 Vi\u0303nh Hie\u0323\u0302p", "xã Vĩnh Hiệp"),  # NFD
    ("UBND xã Vĩnh Tân", "xã Vĩnh Tân"),
]
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Thạch", "Lâm", "Sơn", "Đặng", "Võ"]
MIDDLE = ["Văn", "Thị", "Hoàng", "Minh", "Ngọc", "Thanh"]
GIVEN = [
    "An",
    "Bình",
    "Châu",
    "Dũng",
    "Hà",
    "Khánh",
    "Linh",
    "Mai",
    "Nam",
    "Phúc",
    "Quân",
    "Sơn",
    "Tâm",
]


def district_rows(count: int = 38) -> list[list[str]]:
    """`count` people: one per unit, then second officers in the first units; distinct
    names, e-mails and phones written the ways people write them."""
    rows = []
    for i in range(count):
        written, _ = UNITS_AS_WRITTEN[i % len(UNITS_AS_WRITTEN)]
        name = f"{FAMILY[i % 10]} {MIDDLE[i % 6]} {GIVEN[i % 13]}"
        phone = [f"09{i:02d} 123 456", f"+84 9{i:02d}.123.456", f"9{i:02d}123456"][i % 3]
        rows.append([name, written, f"canbo{i}@vinhchau.gov.vn", phone, "", ""])
    return rows


def catalogue_unit(row: list[str]) -> str:
    return dict(UNITS_AS_WRITTEN)[row[1]]


def template(client, locality: int | None = None) -> Workbook:
    query = f"?locality={locality}" if locality else ""
    response = client.get(f"/users/import/template.xlsx{query}")
    assert response.status_code == 200, response.status_code
    return load_workbook(io.BytesIO(response.data))


def filled(workbook: Workbook, rows: list[list[str]], first_row: int = 4) -> bytes:
    sheet = workbook["Tài khoản"]
    for r, row in enumerate(rows, start=first_row):
        for c, value in enumerate(row, start=1):
            sheet.cell(r, c, value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(
    client, data: bytes, name: str = "tai-khoan-vinh-chau.xlsx", locality: int | None = None
):
    """Upload a sheet; the preview's address."""
    query = f"?locality={locality}" if locality else ""
    response = client.post(
        f"/users/import{query}",
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response.headers["Location"]


def passwords(page: str) -> dict[str, str]:
    """User name → initial password, as the result page shows them."""
    found = re.findall(
        r'<tr id="created-([^"]+)">.*?(?:<code class="secret">([^<]+)</code>|do anh/chị)',
        page,
        re.S,
    )
    return {username: password for username, password in found}
