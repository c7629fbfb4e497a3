"""The report form in one step: a report's text, the evidence files chosen with it and
the files it drops are saved together, as a draft or sent to Phòng Nội vụ. The first
save of a report creates it and attaches its files in the same transaction."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from pathlib import Path

from tracker.extensions import db
from tracker.models import Assignment, ProgressReport, ReportingPeriod, User
from tracker.services import attachments, reporting


@dataclass(frozen=True)
class Upload:
    filename: str
    data: bytes


def keep_uploads(
    uploads: Iterable[Upload], folder: Path, max_bytes: int
) -> list[attachments.KeptFile]:
    """Check every file and store it by content, before any write to the database (a
    refused file refuses the whole form: nothing of it is saved)."""
    return [attachments.keep_file(u.filename, u.data, folder, max_bytes) for u in uploads]


def save_with_evidence(
    assignment: Assignment,
    period: ReportingPeriod,
    data: reporting.ReportInput,
    user: User,
    submit: bool,
    files: Iterable[attachments.KeptFile] = (),
    drop: Collection[int] = (),
) -> ProgressReport:
    """Save the report (reporting.save_report checks who may and whether it is still
    editable), then drop the chosen files of its own and attach the new ones; a file it
    already holds (the same content) is not attached twice. The files it holds are read
    only when some are dropped or added (this runs holding the write lock)."""
    report = reporting.save_report(assignment, period, data, user, submit)
    if drop:
        for attachment in [a for a in report.attachments if a.id in drop]:
            attachments.remove_attachment(attachment, user)
    new_files = list(files)
    if new_files:
        db.session.flush()
        db.session.expire(report, ["attachments"])
        held = {a.sha256 for a in report.attachments}
        for kept in new_files:
            if kept.sha256 not in held:
                attachments.attach(report, kept, user)
                held.add(kept.sha256)
    return report
