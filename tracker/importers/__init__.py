"""Uploaded annex files → plain tables of cell strings, safely.

`read_document` decides the format by content, not by name, refuses what it should
(encrypted, legacy, macro, PDF, oversize, zip bombs, XML entities) with a Vietnamese
message in `BadFile.message`, and never writes anything.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from tracker.importers.docx_reader import read_docx
from tracker.importers.safety import DEFAULT_LIMITS, BadFile, Limits, sniff
from tracker.importers.text_reader import read_text
from tracker.importers.xlsx_reader import read_xlsx

Table = tuple[tuple[str, ...], ...]

__all__ = [
    "DEFAULT_LIMITS",
    "BadFile",
    "Document",
    "Limits",
    "Table",
    "read_document",
    "read_once",
    "sheet_rows",
]

Row = TypeVar("Row")


@dataclass(frozen=True)
class Document:
    tables: tuple[Table, ...]
    paragraphs: tuple[str, ...]
    format: str  # "docx" | "xlsx" | "text"


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip()


def read_document(filename: str, data: bytes, *, limits: Limits = DEFAULT_LIMITS) -> Document:
    name = (filename or "").lower()
    if not data:
        raise BadFile("Tệp trống, không có nội dung.")
    if len(data) > limits.max_bytes:
        raise BadFile(f"Tệp lớn hơn giới hạn {limits.max_bytes // (1024 * 1024)} MB.")
    kind = sniff(data)
    if kind == "pdf":
        raise BadFile(
            "Tệp là PDF, không đọc được bảng. Hãy tải lên bản Word (.docx) hoặc Excel (.xlsx)."
        )
    if kind == "ole":
        raise BadFile(
            "Tệp được bảo vệ bằng mật khẩu hoặc là định dạng cũ (.doc/.xls). "
            "Hãy bỏ mật khẩu và lưu lại dưới dạng .docx hoặc .xlsx."
        )
    if name.endswith((".xlsm", ".docm", ".xltm")):
        raise BadFile(
            "Tệp có macro (.xlsm/.docm) không được nhận; hãy lưu lại dưới dạng .xlsx/.docx."
        )
    if kind == "zip":
        tables, paragraphs, fmt = _read_package(name, data, limits)
    elif name.endswith((".docx", ".xlsx")):
        raise BadFile("Tệp không đúng định dạng Word/Excel như tên gọi; có thể tệp bị hỏng.")
    elif b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise BadFile("Tệp không phải văn bản, Word hay Excel; hệ thống không đọc được.")
    else:
        rows, paragraphs = read_text(data, name, limits)
        tables, fmt = ([rows] if rows else []), "text"
    return Document(
        tables=tuple(tuple(tuple(_nfc(c) for c in row) for row in t) for t in tables),
        paragraphs=tuple(_nfc(p) for p in paragraphs),
        format=fmt,
    )


def _read_package(
    name: str, data: bytes, limits: Limits
) -> tuple[list[list[list[str]]], list[str], str]:
    if name.endswith(".xlsx"):
        return read_xlsx(data, limits), [], "xlsx"
    if name.endswith(".docx"):
        tables, paragraphs = read_docx(data, limits)
        return tables, paragraphs, "docx"
    # a package with another name: decide by what it holds
    try:
        return read_xlsx(data, limits), [], "xlsx"
    except BadFile as xlsx_error:
        try:
            tables, paragraphs = read_docx(data, limits)
        except BadFile:
            raise xlsx_error from None
        return tables, paragraphs, "docx"


def read_once(filename: str, data: bytes, read: Document | str | None) -> Document:
    """The file as it was read when staged (a Document, or the message of why it could
    not be read, raised again as BadFile); read now when it never was."""
    if isinstance(read, Document):
        return read
    if isinstance(read, str) and read:
        raise BadFile(read)
    return read_document(filename, data)


def sheet_rows(
    filename: str,
    data: bytes,
    read: Document | str | None,
    parse: Callable[[Sequence[Sequence[Sequence[str]]]], tuple[list[Row], list[str]]],
    noun: str,
    most: int,
    errors: list[str],
) -> list[Row]:
    """The rows `parse` finds in an uploaded sheet (accounts, units), every problem added
    to `errors`: a file that cannot be read, a sheet without rows or with more than `most`
    (`noun` names what a row is: "người", "đơn vị")."""
    try:
        document = read_once(filename, data, read)
    except BadFile as exc:
        errors.append(exc.message)
        return []
    rows, problems = parse(document.tables)
    errors.extend(problems)
    if not problems and not rows:
        errors.append(f"Bảng chưa có {noun} nào: điền mỗi {noun} một dòng dưới tiêu đề.")
    if len(rows) > most:
        errors.append(
            f"Bảng có {len(rows)} {noun}, quá {most} {noun} một lần; hãy tách thành nhiều tệp."
        )
    return rows
