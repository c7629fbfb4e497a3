"""Tab-separated or pasted text, as in seed 004, and .csv files."""

from __future__ import annotations

import csv
import io

from tracker.importers.safety import BadFile, Limits

csv.field_size_limit(1_000_000)


def decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BadFile(
            "Tệp văn bản không ở bảng mã UTF-8 (có thể là TCVN3/VNI hoặc Windows-1258). "
            "Hãy mở tệp và lưu lại với bảng mã UTF-8, hoặc dán trực tiếp nội dung bảng."
        ) from None


def read_text(data: bytes, filename: str, limits: Limits) -> tuple[list[list[str]], list[str]]:
    """Rows from the first line with a separator on; lines before it are paragraphs."""
    text = decode(data).replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    delimiter = "\t"
    if filename.lower().endswith(".csv") and "\t" not in text:
        delimiter = ";" if text.count(";") > text.count(",") else ","
    lines = text.split("\n")
    start = next((i for i, line in enumerate(lines) if delimiter in line), None)
    if start is None:
        return [], [line.strip() for line in lines if line.strip()]
    paragraphs = [line.strip() for line in lines[:start] if line.strip()]
    reader = csv.reader(io.StringIO("\n".join(lines[start:])), delimiter=delimiter)
    rows = []
    try:
        for row in reader:
            rows.append(row)
            if len(rows) > limits.max_rows:
                raise BadFile(
                    f"Bảng có hơn {limits.max_rows:,} dòng; hãy tách phụ lục thành nhiều tệp."
                )
    except csv.Error as exc:
        raise BadFile(f"Không đọc được bảng trong tệp văn bản: {exc}.") from exc
    return rows, paragraphs
