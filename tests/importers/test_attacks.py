"""Hostile and broken uploads: each refused with a Vietnamese message, fast, in bounded
memory (quality.md, "Bad input tried")."""

from __future__ import annotations

import io
import tracemalloc
import zipfile
import zlib

import pytest

from tests.annex_files import seed_docx, seed_xlsx
from tracker.importers import BadFile, Limits, read_document


def _replace_member(package: bytes, name: str, data: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(package))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item, data if item.filename == name else source.read(item))
    return out.getvalue()


def _add_member(package: bytes, name: str, data: bytes) -> bytes:
    out = io.BytesIO(package)
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as target:
        target.writestr(name, data)
    return out.getvalue()


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">
<si><t>&lol4;</t></si></sst>"""

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:body><w:p><w:r><w:t>&xxe;</w:t></w:r></w:p></w:body></w:document>"""


ZEROS = 256  # MiB of zeros: well past the 100 MiB limit, deflated to about 256 KB


def zip_bomb() -> bytes:
    """An .xlsx-looking package with one huge entry of zeros, streamed, never held."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as entry:
            chunk = b"\0" * (1 << 20)
            for _ in range(ZEROS):
                entry.write(chunk)
    return out.getvalue()


def lying_zip_bomb() -> bytes:
    """The same zeros under a central directory that claims 100 bytes: only reading
    with a byte limit catches it."""
    stream = zlib.compressobj(9, zlib.DEFLATED, -15)
    body = b"".join(stream.compress(b"\0" * (1 << 20)) for _ in range(ZEROS)) + stream.flush()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    package = out.getvalue()
    name = b"xl/worksheets/sheet1.xml"
    offset = package.index(b"PK\x01\x02")  # start of the central directory
    local = (
        b"PK\x03\x04"
        + _u16(20)
        + _u16(0)
        + _u16(8)
        + _u32(0)
        + _u32(0)
        + _u32(len(body))
        + _u32(100)
        + _u16(len(name))
        + _u16(0)
        + name
    )
    directory = package[offset : package.index(b"PK\x05\x06")]
    entry = (
        b"PK\x01\x02"
        + _u16(20)
        + _u16(20)
        + _u16(0)
        + _u16(8)
        + _u32(0)
        + _u32(0)
        + _u32(len(body))
        + _u32(100)
        + _u16(len(name))
        + _u16(0)
        + _u16(0)
        + _u16(0)
        + _u16(0)
        + _u32(0)
        + _u32(offset)
        + name
    )
    directory += entry
    start = offset + len(local) + len(body)
    end = (
        b"PK\x05\x06"
        + _u16(0)
        + _u16(0)
        + _u16(3)
        + _u16(3)
        + _u32(len(directory))
        + _u32(start)
        + _u16(0)
    )
    return package[:offset] + local + body + directory + end


def _u16(value: int) -> bytes:
    return value.to_bytes(2, "little")


def _u32(value: int) -> bytes:
    return value.to_bytes(4, "little")


def many_entries() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        for i in range(10_001):
            archive.writestr(f"x/{i}.xml", b"")
    return out.getvalue()


def _sheet_xml(extra: bytes) -> bytes:
    return (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        + extra
        + b"</worksheet>"
    )


def _workbook(sheet: bytes) -> bytes:
    """A small real workbook whose first sheet's XML is `sheet`."""
    import openpyxl

    book = openpyxl.Workbook()
    book.active["A1"] = "STT"
    out = io.BytesIO()
    book.save(out)
    return _replace_member(out.getvalue(), "xl/worksheets/sheet1.xml", sheet)


def merged_over_the_sheet() -> bytes:
    """1.6 KB: one merged range from A2 to the sheet's last cell (14.8 GB once)."""
    return _workbook(
        _sheet_xml(
            b'<dimension ref="A1:XFD1048576"/><sheetData><row r="1"><c r="A1" t="inlineStr">'
            b"<is><t>STT</t></is></c></row></sheetData>"
            b'<mergeCells count="1"><mergeCell ref="A2:XFD1048576"/></mergeCells>'
        )
    )


def merged_within_bounds_but_huge() -> bytes:
    """Rows and columns inside the limits, but 20,000 × 200 merged cells."""
    return _workbook(
        _sheet_xml(
            b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>STT</t></is></c></row>'
            b'</sheetData><mergeCells count="1"><mergeCell ref="A1:GR20000"/></mergeCells>'
        )
    )


def declared_dimension(rows: int, cols: str) -> bytes:
    return _workbook(_sheet_xml(f'<dimension ref="A1:{cols}{rows}"/><sheetData/>'.encode()))


CASES = {
    "one merged range over the whole sheet": lambda: ("a.xlsx", merged_over_the_sheet(), "dòng"),
    "merged ranges over a million cells": lambda: (
        "a.xlsx",
        merged_within_bounds_but_huge(),
        "quá nhiều ô",
    ),
    "a declared 100,000 × 1,000 sheet": lambda: (
        "a.xlsx",
        declared_dimension(100_000, "ALL"),
        "dòng",
    ),
    "a declared 1,000-column sheet": lambda: ("a.xlsx", declared_dimension(10, "ALL"), "cột"),
    "billion laughs in xlsx": lambda: (
        "a.xlsx",
        _add_member(seed_xlsx(), "xl/sharedStrings.xml", BILLION_LAUGHS),
        "thực thể",
    ),
    "XXE in docx": lambda: (
        "a.docx",
        _replace_member(seed_docx(), "word/document.xml", XXE),
        "thực thể",
    ),
    "zip bomb": lambda: ("a.xlsx", zip_bomb(), "bom nén"),
    "zip bomb with lying sizes": lambda: ("a.xlsx", lying_zip_bomb(), "giải nén"),
    "10,001 entries": lambda: ("a.xlsx", many_entries(), "quá nhiều thành phần"),
    "macro workbook": lambda: (
        "a.xlsx",
        _add_member(seed_xlsx(), "xl/vbaProject.bin", b"\0" * 64),
        "macro",
    ),
    "xlsm name": lambda: ("a.xlsm", seed_xlsx(), "macro"),
    "pdf renamed xlsx": lambda: ("a.xlsx", b"%PDF-1.7\n1 0 obj<<>>endobj\n", "PDF"),
    "encrypted or legacy office": lambda: (
        "a.docx",
        bytes.fromhex("d0cf11e0a1b11ae1") + b"\0" * 4096,
        "mật khẩu",
    ),
    "empty": lambda: ("a.txt", b"", "trống"),
    "random bytes named docx": lambda: ("a.docx", bytes(range(256)) * 16, "định dạng"),
    "truncated docx": lambda: ("a.docx", seed_docx()[:2000], "hỏng"),
    "over the size limit": lambda: ("a.txt", b"STT\tx\n" * 2_000_000, "giới hạn"),
}


@pytest.mark.parametrize("case", CASES)
def test_refused_with_a_message_before_unpacking(case):
    filename, data, words = CASES[case]()
    tracemalloc.start()
    with pytest.raises(BadFile) as caught:
        read_document(filename, data)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert words.lower() in caught.value.message.lower(), caught.value.message
    # Refused before the content is unpacked: the memory it took says so (how long it
    # takes is bench/files.py's `attack_row`).
    assert peak < 100 * 1024 * 1024


def test_limits_are_configurable():
    with pytest.raises(BadFile):
        read_document("a.txt", b"STT\tx\n" * 10, limits=Limits(max_bytes=20))
