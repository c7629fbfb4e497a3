"""Annex files built in the tests: the seed annex as Word and Excel with merged cells,
and annexes worded differently, as they arrive from other districts."""

from __future__ import annotations

import io

from docx import Document
from docx.enum.section import WD_ORIENT
from openpyxl import Workbook

from tests.conftest import SEED_ANNEX

HEADER = (
    "STT",
    "Nội dung",
    "Hoạt động",
    "Đơn vị chủ trì",
    "Đơn vị phối hợp",
    "Thời gian thực hiện",
)


def seed_rows() -> list[list[str]]:
    """The seed annex's activity rows, six cells each (short rows padded on the left as the
    merged cells they lost), without header, blank lines or the closing rule."""
    lines = SEED_ANNEX.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("STT\t"))
    rows = []
    for line in lines[start + 1 :]:
        cells = line.split("\t")
        if not line.strip() or set(line.replace("\t", "")) <= {"-"}:
            continue
        rows.append([""] * (6 - len(cells)) + cells)
    return rows


def _plain(cell: str) -> str:
    """Word and Excel users do not type HTML: lists become lines, italics plain text."""
    for tag in ('<ul style="list-style-type: none">', "</ul>", "<i>", "</i>"):
        cell = cell.replace(tag, "")
    return cell.strip()


def _group_spans(rows: list[list[str]]) -> list[tuple[int, int]]:
    """(first, last) index of each group's rows: from one STT to the row before the next
    STT or repeated header."""
    spans: list[tuple[int, int]] = []
    first = None
    for i, row in enumerate(rows):
        if row[0].strip():
            if first is not None:
                spans.append((first, i - 1))
            first = None if tuple(row) == HEADER else i
    if first is not None:
        spans.append((first, len(rows) - 1))
    return spans


def seed_docx(repeat_header_before_group: int = 5) -> bytes:
    """The seed annex as a landscape Word table: STT and Nội dung merged down each group,
    group 6's heading in italics, the header row repeated before a group (a page break),
    bullet lists as separate paragraphs."""
    rows = seed_rows()
    document = Document()
    document.sections[0].orientation = WD_ORIENT.LANDSCAPE
    document.add_paragraph("PHỤ LỤC")
    document.add_paragraph(
        "BẢNG PHÂN CÔNG THỰC HIỆN NHIỆM VỤ CẢI THIỆN, NÂNG CAO CHỈ SỐ PAPI NĂM 2023"
    )
    body = [list(HEADER)]
    for row in rows:
        if row[0].strip() == str(repeat_header_before_group):
            body.append(list(HEADER))
        body.append(row)
    table = document.add_table(rows=len(body), cols=6)
    for r, row in enumerate(body):
        for c, value in enumerate(row):
            _fill_cell(table.cell(r, c), value)
    for first, last in _group_spans(body):
        for col in (0, 1):
            if last > first:
                keep = table.cell(first, col).text
                table.cell(first, col).merge(table.cell(last, col)).text = keep
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _fill_cell(cell, value: str) -> None:
    text = _plain(value)
    italic = value.startswith("<i>")
    items = [text]
    if text.startswith("- "):  # a bullet list: one paragraph per item, as Word keeps it
        items = ["- " + part.rstrip(".") + "." for part in text[2:].split(". - ")]
    for n, item in enumerate(items):
        paragraph = cell.paragraphs[0] if n == 0 else cell.add_paragraph()
        paragraph.add_run(item).italic = italic


def seed_xlsx() -> bytes:
    """The seed annex as an Excel sheet with STT and Nội dung merged down each group."""
    rows = seed_rows()
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Phụ lục"
    sheet.append(["PHỤ LỤC"])
    sheet.append(["BẢNG PHÂN CÔNG THỰC HIỆN NHIỆM VỤ CẢI THIỆN, NÂNG CAO CHỈ SỐ PAPI NĂM 2023"])
    sheet.append(list(HEADER))
    first_row = sheet.max_row + 1
    for row in rows:
        sheet.append([int(v) if v.isdigit() else _plain(v) or None for v in row])
    for first, last in _group_spans(rows):
        if last > first:
            for col in ("A", "B"):
                sheet.merge_cells(f"{col}{first_row + first}:{col}{first_row + last}")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


OTHER_WORDING = [
    [
        "TT",
        "Nhiệm vụ",
        "Cơ quan chủ trì",
        "Cơ quan, đơn vị phối hợp",
        "Thời hạn",
        "Sản phẩm",
        "Ghi chú",
    ],
    ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)"],
    ["I", "CÔNG KHAI, MINH BẠCH", "", "", "", "", ""],
    [
        "1",
        "Niêm yết công khai danh sách hộ nghèo tại trụ sở xã, phường",
        "UBND các xã, phường",
        "Phòng Lao động - TB&XH",
        "Quý II/2024",
        "Biên bản niêm yết",
        "",
    ],
    [
        "2",
        "Công khai dự toán ngân sách cấp xã",
        "UBND xã, phường",
        "Phòng TC-KH",
        "Trước ngày 31/01/2024",
        "Quyết định công khai",
        "Theo Luật Ngân sách",
    ],
    ["II", "THỦ TỤC HÀNH CHÍNH CÔNG", "", "", "", "", ""],
    [
        "3",
        "Khảo sát sự hài lòng tại Bộ phận một cửa",
        "Văn phòng Hội đồng nhân dân và Ủy ban nhân dân thị xã",
        "P. Nội vụ",
        "Từ tháng 8 đến tháng 11/2024",
        "Báo cáo kết quả khảo sát",
        "",
    ],
    [
        "4",
        "Đối thoại với doanh nghiệp về thủ tục đất đai",
        "Phòng Tài nguyên và Môi trường",
        "Các cơ quan có liên quan",
        "Khi có yêu cầu",
        "",
        "",
    ],
]


def other_wording_xlsx() -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in OTHER_WORDING:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
