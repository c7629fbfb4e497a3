"""Spreadsheet round trip for units that work offline: export a unit's rows for a period,
read the filled file back, preview what it changes, and apply it in one transaction.
A file with any bad row writes nothing."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tracker.domain.dates import screen_date
from tracker.domain.text import fold, one_line
from tracker.exporters.progress_xlsx import MARKER, SheetRow, generate_progress_xlsx
from tracker.extensions import db
from tracker.importers import BadFile, Document, Table, read_once
from tracker.models import Activity, Assignment, Plan, ProgressReport, ReportingPeriod, Unit, User
from tracker.models.reporting import ACCEPTED, STATUS_LABELS, SUBMITTED
from tracker.services import audit, reporting
from tracker.services import periods as period_service

STATUS_BY_LABEL = {fold(label): code for code, label in STATUS_LABELS.items()}


def _assignments(plan: Plan, unit: Unit) -> list[Assignment]:
    stmt = (
        select(Assignment)
        .join(Activity)
        .where(Assignment.unit_id == unit.id, Activity.plan_id == plan.id)
        .options(selectinload(Assignment.activity))
        .order_by(Activity.position, Assignment.role)
    )
    return list(db.session.scalars(stmt))


def export_unit_sheet(plan: Plan, period: ReportingPeriod, unit: Unit) -> bytes:
    rows = []
    assignments = _assignments(plan, unit)
    reports = reporting.reports_in_period([a.id for a in assignments], period)
    for assignment in assignments:
        activity = assignment.activity
        report = reports.get(assignment.id)
        dates = activity.due_dates
        due = ", ".join(screen_date(day) for day in dates) if dates else activity.timeframe_text
        rows.append(
            SheetRow(
                assignment.id,
                activity.number or "",
                activity.text,
                assignment.role_label,
                due[:40],
                *(
                    (
                        STATUS_LABELS[report.status],
                        report.result,
                        report.evidence_text,
                        report.completed_on,
                        report.reason,
                        report.difficulties,
                        report.proposals,
                    )
                    if report
                    else ()
                ),
            )
        )
    return generate_progress_xlsx(
        title=f"{plan.reference} — báo cáo tiến độ",
        unit=unit.name,
        period_label=period.label,
        meta={"plan": plan.id, "period": period.code, "unit": unit.id},
        statuses=list(STATUS_LABELS.values()),
        rows=rows,
    )


@dataclass
class SheetLine:
    row: int
    assignment: Assignment | None
    data: reporting.ReportInput | None
    errors: list[str] = field(default_factory=list)
    changes: dict[str, tuple[str, str]] = field(default_factory=dict)


@dataclass
class SheetPreview:
    plan: Plan
    period: ReportingPeriod
    unit: Unit | None = None
    filename: str = ""
    lines: list[SheetLine] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def bad_lines(self) -> list[SheetLine]:
        return [line for line in self.lines if line.errors]

    @property
    def changed_lines(self) -> list[SheetLine]:
        return [line for line in self.lines if line.changes and not line.errors]

    @property
    def can_apply(self) -> bool:
        return not self.errors and not self.bad_lines and bool(self.changed_lines)


def preview_sheet(
    plan: Plan,
    period: ReportingPeriod,
    filename: str,
    data: bytes,
    read: Document | str | None = None,
) -> SheetPreview:
    """Read a filled sheet back; every problem is reported, nothing is written. `read`:
    the file as staging read it; None reads `data` now."""
    preview = SheetPreview(plan, period, filename=filename)
    try:
        document = read_once(filename, data, read)
    except BadFile as exc:
        preview.errors.append(exc.message)
        return preview
    meta = _meta_table(document)
    main = next((t for t in document.tables if t is not meta), None)
    if meta is None or main is None:
        preview.errors.append(
            "Tệp không phải bảng báo cáo tiến độ tải từ hệ thống (thiếu thông tin kỳ, đơn vị)."
        )
        return preview
    info = sheet_info(document)
    if info.get("plan") != str(plan.id):
        preview.errors.append(
            "Tệp là bảng của kế hoạch khác, không phải của kế hoạch này; hãy nhập ở trang "
            "của kế hoạch đó."
        )
        return preview
    if info.get("period", period.code) != period.code:  # a sheet naming no period: the chosen
        preview.errors.append(
            f"Tệp là của kỳ khác (kỳ trong tệp: {info['period']}, kỳ đang nhập: {period.code})."
        )
        return preview
    unit = db.session.get(Unit, int(info["unit"])) if info.get("unit", "").isdigit() else None
    if unit is None:
        preview.errors.append("Không xác định được đơn vị của tệp.")
        return preview
    preview.unit = unit
    own = {a.id: a for a in _assignments(plan, unit)}
    reports = reporting.reports_in_period(own, period)
    start = next((i for i, row in enumerate(main) if row and row[0] == "Mã"), None)
    if start is None:
        preview.errors.append("Không tìm thấy dòng tiêu đề (cột «Mã») trong tệp.")
        return preview
    for offset, row in enumerate(main[start + 1 :], start=start + 2):
        if any(cell.strip() for cell in row):
            preview.lines.append(_read_line(offset, list(row) + [""] * 12, own, reports))
    return preview


def _meta_table(document: Document) -> Table | None:
    return next((t for t in document.tables if t and t[0] and t[0][0] == MARKER), None)


def sheet_info(document: Document) -> dict[str, str]:
    """What the hidden sheet says the file is for (plan, period, unit); {} when the file
    is not a sheet downloaded from the system."""
    meta = _meta_table(document)
    return {row[0]: row[1] for row in meta[1:] if len(row) >= 2} if meta else {}


class SheetError(ValueError):
    """A sheet refused before its preview; the message is for the user."""


def period_of_sheet(
    plan: Plan, document: Document | None, chosen: ReportingPeriod
) -> ReportingPeriod:
    """The period a filled sheet is for, as its hidden sheet says. A file that names no
    period (or is not a sheet at all: the preview says why) is taken for `chosen`. A
    sheet of this plan naming a period the plan does not collect is refused."""
    info = sheet_info(document) if document is not None else {}
    code = info.get("period", "")
    if not code or info.get("plan") != str(plan.id):
        return chosen
    found = find_period(plan, code)
    if found is None:
        raise SheetError(
            f"Tệp là bảng của kỳ «{code}», nhưng kế hoạch không thu báo cáo kỳ này (các kỳ "
            f"của kế hoạch: {', '.join(p.code for p in period_service.plan_periods(plan))}). "
            "Chưa ghi gì; hãy tải bảng mới ở trang «Việc cần báo cáo»."
        )
    return found


def _read_line(
    row_no: int,
    cells: list[str],
    own: dict[int, Assignment],
    reports: dict[int, ProgressReport],
) -> SheetLine:
    line = SheetLine(row_no, None, None)
    key = cells[0].strip()
    if not key.isdigit() or int(key) not in own:
        line.errors.append(f"Mã «{key}» không phải một việc của đơn vị trong kế hoạch này.")
        return line
    assignment = own[int(key)]
    line.assignment = assignment
    activity = assignment.activity
    if one_line(cells[1]) != (activity.number or "") or fold(cells[2]) != fold(activity.text):
        line.errors.append("Cột khóa (STT, Hoạt động) đã bị sửa; hãy tải lại bảng mới.")
    status_text, result = one_line(cells[5]), cells[6].strip()
    if not status_text and not result:
        return line  # nothing filled in: no change
    status = STATUS_BY_LABEL.get(fold(status_text))
    if status is None:
        line.errors.append(
            f"Tình trạng «{status_text}» không hợp lệ; chọn: {', '.join(STATUS_LABELS.values())}."
        )
        return line
    completed = _date(cells[8], line)
    line.data = reporting.ReportInput(
        status=status,
        result=result,
        evidence_text=cells[7].strip(),
        completed_on=completed,
        reason=cells[9].strip(),
        difficulties=cells[10].strip(),
        proposals=cells[11].strip(),
    )
    if status == "not_done" and not one_line(line.data.reason):
        line.errors.append("«Không thực hiện» cần lý do.")
    if status == "done" and not one_line(result):
        line.errors.append("«Hoàn thành» cần kết quả thực hiện.")
    _diff(line, reports.get(assignment.id))
    return line


def _date(text: str, line: SheetLine) -> date | None:
    text = text.strip()
    if not text:
        return None
    for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    line.errors.append(f"Ngày hoàn thành «{text}» không đọc được (dd/mm/yyyy).")
    return None


def _diff(line: SheetLine, report: ProgressReport | None) -> None:
    assert line.data is not None
    current = {
        "Tình trạng": STATUS_LABELS[report.status] if report else "",
        "Kết quả": report.result if report else "",
        "Văn bản, minh chứng": report.evidence_text if report else "",
        "Lý do": report.reason if report else "",
        "Khó khăn": report.difficulties if report else "",
        "Đề xuất": report.proposals if report else "",
    }
    incoming = {
        "Tình trạng": STATUS_LABELS[line.data.status],
        "Kết quả": line.data.result,
        "Văn bản, minh chứng": line.data.evidence_text,
        "Lý do": line.data.reason,
        "Khó khăn": line.data.difficulties,
        "Đề xuất": line.data.proposals,
    }
    line.changes = {k: (current[k], v) for k, v in incoming.items() if current[k] != v}
    if line.changes and report is not None and report.state in (ACCEPTED, SUBMITTED):
        line.errors.append(f"Báo cáo đang «{report.state_label}», không sửa bằng tệp được.")


def apply_sheet(preview: SheetPreview, user: User | None) -> int:
    """Write every changed row as a submitted report; returns how many."""
    if not preview.can_apply:
        raise reporting.ReportError("Tệp còn lỗi hoặc không có thay đổi, chưa nhập.")
    for line in preview.changed_lines:
        assert line.assignment is not None and line.data is not None
        reporting.save_report(line.assignment, preview.period, line.data, user, submit=True)
    count = len(preview.changed_lines)
    audit.record(
        "import.progress",
        target=f"{preview.unit.name if preview.unit else ''} — {preview.period.label}",
        plan_id=preview.plan.id,
        detail={"Tệp": preview.filename, "Số báo cáo ghi": count},
        user=user,
    )
    return count


def find_period(plan: Plan, ref: str) -> ReportingPeriod | None:
    """A plan's period by code ("2023-H1") or id."""
    for period in period_service.plan_periods(plan):
        if ref in (period.code, str(period.id)):
            return period
    return None
