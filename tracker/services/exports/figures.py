"""Pieces of `ReportData` taken from the plan's figures (services.figures) and the report
log: figure rows, the provincial form, and the reports accepted by the "as of" date."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tracker.domain.figures import OUTCOME_LABELS, Figure, Tally
from tracker.domain.frameworks import FrameworkName, by_framework
from tracker.domain.numbers import count
from tracker.domain.plan_figures import PlanFigures
from tracker.exporters.data import (
    DocumentRow,
    FigureLine,
    FormRow,
    IndexLines,
    OutcomeCount,
    ReportRow,
)
from tracker.extensions import db
from tracker.models import Activity, Assignment, Plan, ProgressReport, ReportEvent
from tracker.models.reporting import ACCEPTED, STATUS_LABELS
from tracker.services.figures.facts import end_of_day
from tracker.services.figures.names import Names
from tracker.services.frameworks import PAPI


def index_lines(
    figures: PlanFigures, frameworks: Sequence[FrameworkName]
) -> tuple[IndexLines, ...]:
    """The rows by the dimensions of each of `frameworks` (the plan's, in order)."""
    return tuple(
        IndexLines(
            s.framework.name,
            s.framework.short_name,
            s.framework.dimension_noun,
            s.framework.dimension_word,
            tuple(
                FigureLine.of(str(x.dimension.number), x.dimension.name, x.tally) for x in s.lines
            ),
        )
        for s in by_framework(frameworks, figures.by_dimension)
    )


def figure_lines(figures: PlanFigures, named: Names) -> dict[str, tuple[FigureLine, ...]]:
    """The rows by PAPI dimension, content group and lead unit."""
    papi = [f for f in named.frameworks if f.code == PAPI]
    return {
        "dimension": next((s.lines for s in index_lines(figures, papi)), ()),
        "group": tuple(
            FigureLine.of(named.groups[k][0], named.groups[k][1], t)
            for k, t in sorted(figures.by_group, key=lambda kt: named.groups[kt[0]][2])
        ),
        "unit": tuple(
            FigureLine.of(named.units[k], named.units[k], t)
            for k, t in sorted(figures.by_unit, key=lambda kt: (named.unit_order[kt[0]], kt[0]))
        ),
    }


def outcome_counts(tally: Tally) -> tuple[OutcomeCount, ...]:
    return tuple(
        OutcomeCount(
            code=o.value,
            label=OUTCOME_LABELS[o],
            count=n,
            total=tally.total,
            fraction=Figure(n, tally.total).fraction,
            percent=Figure(n, tally.total).percent,
        )
        for o, n in tally.counts
    )


MANUAL = "Nhập tay: kế hoạch này không có số liệu"
PROVINCE_TASKS = "Nhập tay: nhiệm vụ UBND tỉnh, Chủ tịch UBND tỉnh giao không thuộc kế hoạch này"


def form_rows(figures: PlanFigures, noun: str) -> tuple[FormRow, ...]:
    """ "Biểu mẫu 1" (seed 001), in one unit of count: the plan's items under its rule.
    Rows 2–2.2 come from the plan (lũy kế); the rest need data the plan does not hold
    and are left blank for the officer, marked so in Ghi chú."""
    form = figures.form
    unit = noun[:1].upper() + noun[1:]

    def row(number: str, label: str, value: int, note: str = "") -> FormRow:
        return FormRow(number, label, unit, value, count(value), note)

    def manual(number: str, label: str, unit: str, note: str = MANUAL) -> FormRow:
        return FormRow(number, label, unit, None, "", note)

    carried = Figure(form.carried_out, form.in_plan)
    return (
        manual("1.", "Số văn bản chỉ đạo CCHC đã ban hành", "Văn bản"),
        FormRow(
            "2.",
            "Tỷ lệ hoàn thành Kế hoạch (lũy kế đến thời điểm báo cáo)",
            "%",
            None,
            Figure(form.done, form.in_plan).percent,
            f"Đã và đang triển khai thực hiện {carried.fraction} {noun}, đạt {carried.percent}",
        ),
        row("2.1.", f"Số {noun} đề ra trong kế hoạch", form.in_plan),
        row("2.2.", f"Số {noun} đã hoàn thành", form.done),
        manual("3.", "Kiểm tra CCHC", ""),
        manual("3.1.", "Số phòng, ngành đã kiểm tra", "Cơ quan, đơn vị"),
        manual("3.2.", "Số UBND cấp xã, phường đã kiểm tra", "Cơ quan, đơn vị"),
        manual("3.3.", "Tỷ lệ xử lý các vấn đề phát hiện qua kiểm tra", "%"),
        manual("3.3.1.", "Số vấn đề phát hiện qua kiểm tra", "Vấn đề"),
        manual("3.3.2.", "Số vấn đề phát hiện đã xử lý xong", "Vấn đề"),
        manual(
            "4.",
            "Thanh tra việc thực hiện quy định về tuyển dụng, quản lý, sử dụng "
            "công chức, viên chức và tổ chức bộ máy (thuộc thẩm quyền của Sở Nội vụ)",
            "",
        ),
        manual("4.1.", "Số cơ quan, đơn vị được thanh tra", "Cơ quan, đơn vị"),
        manual(
            "4.2.", "Tỷ lệ cơ quan, đơn vị đã hoàn thành việc thực hiện kết luận thanh tra", "%"
        ),
        manual("5.", "Thực hiện nhiệm vụ UBND tỉnh, Chủ tịch UBND tỉnh giao", "", PROVINCE_TASKS),
        manual("5.1.", "Tổng số nhiệm vụ được giao", "Nhiệm vụ", PROVINCE_TASKS),
        manual("5.2.", "Số nhiệm vụ đã hoàn thành đúng hạn", "Nhiệm vụ", PROVINCE_TASKS),
        manual("5.3.", "Số nhiệm vụ đã hoàn thành nhưng quá hạn", "Nhiệm vụ", PROVINCE_TASKS),
        manual("5.4.", "Số nhiệm vụ quá hạn nhưng chưa hoàn thành", "Nhiệm vụ", PROVINCE_TASKS),
        manual("6.", "Khảo sát sự hài lòng của người dân, tổ chức", "Có = 1; Không = 0"),
        manual("6.1.", "Số lượng phiếu khảo sát", "Số lượng"),
        manual("6.2.", "Hình thức khảo sát", "Trực tuyến = 0; Phát phiếu = 1; Kết hợp = 2"),
        manual(
            "7.", "Tổ chức đối thoại của lãnh đạo với người dân, doanh nghiệp", "Có = 1; Không = 0"
        ),
    )


def accepted_reports(
    plan: Plan, as_of: date, period_labels: dict[int, str]
) -> dict[int, ReportRow]:
    """report id → the report, for every report of the plan whose last state by the end
    of `as_of` is "accepted". Acceptance is final in the review flow, so the text read
    now is the text accepted then."""
    accepted = _accepted_at(plan, end_of_day(as_of))
    if not accepted:
        return {}
    stmt = (
        select(ProgressReport)
        .where(ProgressReport.id.in_(list(accepted)))
        .options(
            selectinload(ProgressReport.documents),
            selectinload(ProgressReport.assignment).selectinload(Assignment.unit),
        )
    )
    return {
        r.id: _report_row(r, accepted[r.id], period_labels.get(r.period_id, ""))
        for r in db.session.scalars(stmt)
    }


def _accepted_at(plan: Plan, moment: datetime) -> dict[int, datetime]:
    stmt = (
        select(ReportEvent.report_id, ReportEvent.state, ReportEvent.at)
        .join(ProgressReport, ReportEvent.report_id == ProgressReport.id)
        .join(Assignment, ProgressReport.assignment_id == Assignment.id)
        .join(Activity, Assignment.activity_id == Activity.id)
        .where(Activity.plan_id == plan.id, ReportEvent.at <= moment)
        .order_by(ReportEvent.at, ReportEvent.id)
    )
    last: dict[int, tuple[str, datetime]] = {}
    for report_id, state, at in db.session.execute(stmt):
        last[report_id] = (state, at)
    return {rid: at for rid, (state, at) in last.items() if state == ACCEPTED}


def _report_row(report: ProgressReport, accepted_at: datetime, period_label: str) -> ReportRow:
    assignment = report.assignment
    return ReportRow(
        id=report.id,
        assignment_id=report.assignment_id,
        period_id=report.period_id,
        period_label=period_label,
        unit=assignment.unit.name,
        role=assignment.role,
        activity_id=assignment.activity_id,
        status=report.status,
        status_label=STATUS_LABELS[report.status],
        result=report.result,
        evidence_text=report.evidence_text,
        difficulties=report.difficulties,
        proposals=report.proposals,
        reason=report.reason,
        completed_on=report.completed_on,
        accepted_at=accepted_at,
        documents=tuple(
            DocumentRow(d.id, d.report_id, d.text, d.doc_type, d.number, d.issued_on, d.issuer)
            for d in report.documents
        ),
    )
