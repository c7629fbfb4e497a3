"""Checks on uploaded bytes before any parser sees them: size, format by content, and
zip archives that would expand into too much (zip bombs) or hold too many entries."""

from __future__ import annotations

import io
import zipfile
import zlib
from dataclasses import dataclass


class BadFile(Exception):
    """An upload that cannot be read. `message` is a Vietnamese sentence for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 10 * 1024 * 1024
    max_uncompressed: int = 100 * 1024 * 1024  # the whole package, as declared
    max_member: int = 32 * 1024 * 1024  # one part, as actually read
    max_entries: int = 5_000
    max_ratio: int = 200
    max_rows: int = 20_000
    max_cols: int = 200
    max_cells: int = 1_000_000  # a sheet's declared area, and its merged ranges together
    max_cell_chars: int = 20_000


DEFAULT_LIMITS = Limits()

OLE_MAGIC = bytes.fromhex("d0cf11e0a1b11ae1")
ZIP_MAGIC = b"PK\x03\x04"


def sniff(data: bytes) -> str:
    """'zip', 'ole', 'pdf' or 'other', by content."""
    if data.startswith(ZIP_MAGIC):
        return "zip"
    if data.startswith(OLE_MAGIC):
        return "ole"
    if data.lstrip()[:5] == b"%PDF-":
        return "pdf"
    return "other"


_STRANGELY_PACKED = (
    "Tệp {what} được nén theo cách không đọc được; hãy mở và lưu lại bằng Word/Excel."
)


def open_zip(data: bytes, limits: Limits, what: str) -> zipfile.ZipFile:
    """Open an OOXML package after checking its declared sizes and entry count."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except NotImplementedError as exc:  # a zip version or method zipfile does not know
        raise BadFile(_STRANGELY_PACKED.format(what=what)) from exc
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise BadFile(f"Tệp {what} bị hỏng, không mở được. Hãy lưu lại tệp rồi thử lại.") from exc
    if len(entries) > limits.max_entries:
        raise BadFile(
            f"Tệp {what} chứa quá nhiều thành phần ({len(entries):,} mục); "
            "đây không phải một tệp văn bản bình thường."
        )
    total = 0
    for entry in entries:
        total += entry.file_size
        ratio = entry.file_size / max(entry.compress_size, 1)
        if total > limits.max_uncompressed or (
            entry.file_size > 1_000_000 and ratio > limits.max_ratio
        ):
            raise BadFile(
                f"Tệp {what} khi giải nén quá lớn (nghi là «bom nén»); hệ thống từ chối đọc."
            )
    return archive


def read_member(archive: zipfile.ZipFile, name: str, limits: Limits, what: str) -> bytes:
    """Read one part in chunks, stopping as soon as it grows past the limit: declared
    sizes can lie, and reading the whole part first would already cost the memory."""
    chunks: list[bytes] = []
    size = 0
    try:
        with archive.open(name) as stream:
            while chunk := stream.read(1 << 20):
                size += len(chunk)
                if size > limits.max_member:
                    raise BadFile(
                        f"Tệp {what} khi giải nén quá lớn (nghi là «bom nén»); từ chối đọc."
                    )
                chunks.append(chunk)
    except KeyError as exc:
        raise BadFile(
            f"Tệp {what} thiếu thành phần {name}; tệp bị hỏng hoặc không đúng định dạng."
        ) from exc
    # NotImplementedError (an unknown compression method) is a RuntimeError (zipfile's
    # answer to an encrypted member), so it is caught first.
    except NotImplementedError as exc:
        raise BadFile(_STRANGELY_PACKED.format(what=what)) from exc
    except RuntimeError as exc:
        raise BadFile(
            f"Tệp {what} được đặt mật khẩu hoặc mã hóa; hãy lưu lại không có mật khẩu rồi thử lại."
        ) from exc
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, zlib.error) as exc:
        raise BadFile(f"Tệp {what} bị hỏng, không giải nén được.") from exc
    return b"".join(chunks)
