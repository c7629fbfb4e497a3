"""CSV: every assignment with its status, and the "Biểu mẫu 1" rows.

UTF-8 with a byte-order mark, so Excel opens Vietnamese text as written; comma-separated
and quoted where needed (RFC 4180: CRLF line ends, quotes doubled). Text cells go
through `neutralise`, so a result typed as "=HYPERLINK(…)" stays text."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from tracker.domain.documents import cited_date
from tracker.exporters.cells import neutralise
from tracker.exporters.data import ReportData

BOM = "\ufeff"
ASSIGNMENT_HEADER = (
    "Mã phân công",
    "STT nhóm",
    "Nội dung",
    "Số hoạt động",
    "Hoạt động",
    "Đơn vị",
    "Vai trò",
    "Thuộc nhóm",
    "Thời gian thực hiện",
    "Hạn hoàn thành",
    "Tình trạng",
    "Kỳ báo cáo",
    "Tình trạng báo cáo",
    "Kết quả thực hiện",
    "Văn bản, minh chứng",
    "Ngày hoàn thành",
    "Lý do không thực hiện",
)
FORM_HEADER = ("STT", "Chỉ tiêu thống kê", "Đơn vị tính", "Số liệu", "Ghi chú")
ROLE_LABELS = {"lead": "Chủ trì", "support": "Phối hợp"}


def _csv(header: Sequence[str], rows: Iterable[Sequence[str | int]], notice: str = "") -> bytes:
    """`notice`: a line before the header (demo data says so in its first line)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    if notice:
        writer.writerow([notice])
    writer.writerow(header)
    for row in rows:
        writer.writerow([neutralise(v) if isinstance(v, str) else v for v in row])
    return (BOM + buffer.getvalue()).encode("utf-8")


def generate_assignments_csv(data: ReportData) -> bytes:
    in_round = data.figures.round_reports
    rows = []
    for group in data.groups:
        for activity in group.activities:
            for a in activity.assignments:
                report = a.report
                if a.role == "support":
                    reported = report is not None and report.id in in_round
                    status = "Đã báo cáo phối hợp trong kỳ" if reported else "Chưa báo cáo trong kỳ"
                else:
                    status = a.outcome_label or "Chưa xác định đơn vị (không tính)"
                rows.append(
                    (
                        a.id,
                        group.label,
                        group.title,
                        activity.number,
                        activity.text,
                        a.unit,
                        ROLE_LABELS.get(a.role, a.role),
                        a.via_group,
                        activity.timeframe_text,
                        cited_date(activity.due_on) if activity.due_on else "",
                        status,
                        report.period_label if report else "",
                        "Đã được chấp nhận" if report else "",
                        report.result if report else "",
                        report.evidence if report else "",
                        cited_date(report.completed_on) if report and report.completed_on else "",
                        report.reason if report else "",
                    )
                )
    return _csv(ASSIGNMENT_HEADER, rows, data.demo_notice)


def generate_form_csv(data: ReportData) -> bytes:
    """ "Biểu mẫu 1": the rows the plan fills (lũy kế, in the plan's unit of count) and,
    blank with a note, those the officer fills by hand."""
    rows = [(f.number, f.label, f.unit, f.text, f.note) for f in data.form]
    return _csv(FORM_HEADER, rows, data.demo_notice)
