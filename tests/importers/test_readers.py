"""Reading real .docx, .xlsx and text files into tables of cell strings."""

from __future__ import annotations

import io
import unicodedata

import pytest
from docx import Document as WordDocument
from openpyxl import Workbook

from tests.annex_files import seed_docx, seed_xlsx
from tests.conftest import SEED_ANNEX
from tracker.importers import BadFile, read_document


def _docx(build) -> bytes:
    document = WordDocument()
    build(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_seed_text_as_pasted():
    doc = read_document("phu-luc.txt", SEED_ANNEX.read_bytes())
    assert doc.format == "text"
    assert doc.paragraphs[0] == "PHỤ LỤC"
    (table,) = doc.tables
    assert table[0] == (
        "STT",
        "Nội dung",
        "Hoạt động",
        "Đơn vị chủ trì",
        "Đơn vị phối hợp",
        "Thời gian thực hiện",
    )
    six_three = next(row for row in table if len(row) > 1 and row[1].startswith("6.3."))
    assert len(six_three) == 5  # the merged Nội dung cell was lost in conversion


def test_text_encodings():
    text = "STT\tHoạt động\n1\tTuyên truyền\n"
    for data in (text.encode("utf-8"), text.encode("utf-8-sig"), text.encode("utf-16")):
        assert read_document("a.txt", data).tables[0][1] == ("1", "Tuyên truyền")
    nfd = unicodedata.normalize("NFD", text).encode()
    assert read_document("a.txt", nfd).tables[0][1][1] == "Tuyên truyền"


def test_text_not_utf8_gets_a_message():
    with pytest.raises(BadFile) as caught:
        read_document("a.txt", b"STT\tHo\xb9t \xae\xe9ng")  # TCVN3 bytes, not UTF-8
    assert "UTF-8" in caught.value.message


def test_csv_with_semicolons_and_quoted_newlines():
    data = 'STT;Hoạt động;Đơn vị chủ trì\n1;"Tuyên truyền\nnhiều dòng";Phòng Nội vụ\n'.encode()
    table = read_document("a.csv", data).tables[0]
    assert table[1] == ("1", "Tuyên truyền\nnhiều dòng", "Phòng Nội vụ")


def test_docx_merged_cells_italic_and_lists():
    def build(document):
        document.add_paragraph("PHỤ LỤC")
        table = document.add_table(rows=3, cols=3)
        table.cell(0, 0).text, table.cell(0, 1).text, table.cell(0, 2).text = "A", "B", "C"
        table.cell(1, 0).merge(table.cell(2, 0)).text = "gộp dọc"
        table.cell(1, 1).merge(table.cell(1, 2)).text = "gộp ngang"
        run = table.cell(2, 1).paragraphs[0].add_run("nghiêng:")
        run.italic = True
        cell = table.cell(2, 2)
        cell.paragraphs[0].add_run("- Phòng A.")
        cell.add_paragraph("- Phòng B.")

    doc = read_document("a.docx", _docx(build))
    assert doc.format == "docx"
    assert doc.paragraphs == ("PHỤ LỤC",)
    assert doc.tables[0] == (
        ("A", "B", "C"),
        ("gộp dọc", "gộp ngang", ""),
        ("", "<i>nghiêng:</i>", "- Phòng A.\n- Phòng B."),
    )


def test_seed_docx_and_xlsx_have_full_width_rows():
    docx = read_document("phu-luc.docx", seed_docx())
    assert {len(row) for row in docx.tables[0]} == {6}
    xlsx = read_document("phu-luc.xlsx", seed_xlsx())
    sheet = xlsx.tables[0]
    assert {len(row) for row in sheet} == {6}
    header = sheet.index(
        ("STT", "Nội dung", "Hoạt động", "Đơn vị chủ trì", "Đơn vị phối hợp", "Thời gian thực hiện")
    )
    assert sheet[header + 1][0] == "1"
    assert sheet[header + 2][:2] == ("", "")  # merged STT and Nội dung: continuation is empty


def test_xlsx_values_and_sheets():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["STT", "Ngày", "Số"])
    sheet.append([1, None, 2.0])
    other = workbook.create_sheet("Khác")
    other.append(["x"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    doc = read_document("a.xlsx", buffer.getvalue())
    assert doc.tables[0] == (("STT", "Ngày", "Số"), ("1", "", "2"))
    assert doc.tables[1] == (("x",),)


def test_format_is_decided_by_content():
    doc = read_document("phu-luc", seed_xlsx())
    assert doc.format == "xlsx"
