"""Evidence files: checked by content, stored by SHA-256 outside the database folder."""

from __future__ import annotations

import hashlib
import os
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from tracker.extensions import db
from tracker.models import Attachment, ProgressReport, User
from tracker.services import audit, history

# extension → (MIME type, how the content must start)
ALLOWED = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (b"PK\x03\x04",),
    ),
    ".xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        (b"PK\x03\x04",),
    ),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
}


class AttachmentError(ValueError):
    """The message is for the user."""


def path_for(folder: Path, sha256: str) -> Path:
    return folder / sha256[:2] / sha256


def store(target: Path, data: bytes) -> None:
    """Write `data` at `target` durably before its row can be committed: a temporary file
    of this writer's own (two identical uploads at once do not share it), flushed to
    disk, renamed into place (a reader never sees half a file), the folder flushed too."""
    if target.exists():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=target.parent, suffix=".part", delete=False) as part:
        part.write(data)
        part.flush()
        os.fsync(part.fileno())
    os.replace(part.name, target)
    folder = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)


def clean_filename(filename: str) -> str:
    """The last part of an uploaded name, NFC, without control characters (a NUL or a
    line break would reach a Content-Disposition header), at most 200 characters."""
    name = unicodedata.normalize("NFC", filename.replace("\\", "/").rsplit("/", 1)[-1])
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip()
    return name[:200] or "tep"


@dataclass(frozen=True)
class KeptFile:
    """An evidence file checked and stored by content, waiting for its row."""

    filename: str
    content_type: str
    size: int
    sha256: str


def check_file(filename: str, data: bytes, max_bytes: int) -> KeptFile:
    """Check an upload by its name, size and first bytes; raises AttachmentError with a
    message naming the file (a report form may send several)."""
    name = clean_filename(filename)
    extension = Path(name).suffix.lower()
    if extension not in ALLOWED:
        raise AttachmentError(
            f"«{name}»: Chỉ nhận tệp PDF, Word (.docx), Excel (.xlsx), JPG hoặc PNG."
        )
    if not data:
        raise AttachmentError(f"«{name}»: Tệp trống.")
    if len(data) > max_bytes:
        raise AttachmentError(f"«{name}»: Tệp lớn hơn giới hạn {max_bytes // (1024 * 1024)} MB.")
    mime, magics = ALLOWED[extension]
    if not data.startswith(magics):
        raise AttachmentError(f"«{name}»: Nội dung tệp không đúng định dạng {extension}.")
    return KeptFile(name, mime, len(data), hashlib.sha256(data).hexdigest())


def keep_file(filename: str, data: bytes, folder: Path, max_bytes: int) -> KeptFile:
    """Check an upload and store it under its SHA-256; no database work, so it can run
    before the write lock is taken."""
    kept = check_file(filename, data, max_bytes)
    store(path_for(folder, kept.sha256), data)
    return kept


def attach(report: ProgressReport, kept: KeptFile, user: User) -> Attachment:
    """The row of a stored file, and the report's history."""
    attachment = Attachment(
        report=report,
        filename=kept.filename,
        content_type=kept.content_type,
        size=kept.size,
        sha256=kept.sha256,
        uploaded_by_id=user.id,
    )
    db.session.add(attachment)
    db.session.flush()
    history.report_changed(
        user,
        report,
        "Thêm tệp minh chứng",
        after={"Tệp minh chứng": kept.filename},
    )
    return attachment


def add_attachment(
    report: ProgressReport, filename: str, data: bytes, user: User, folder: Path, max_bytes: int
) -> Attachment:
    return attach(report, keep_file(filename, data, folder, max_bytes), user)


def remove_attachment(attachment: Attachment, user: User) -> None:
    report = attachment.report
    history.report_changed(
        user,
        report,
        "Bỏ tệp minh chứng",
        before={"Tệp minh chứng": attachment.filename},
    )
    audit.record(
        "delete.attachment",
        target=f"{attachment.filename} — báo cáo {report.id} ({report.assignment.unit.name})",
        plan_id=report.period.plan_id,
        user=user,
    )
    db.session.delete(attachment)  # the stored file may be shared by content; it stays
