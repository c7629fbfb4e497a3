"""Pieces of `ReportData` taken from the figures engine's output and the report log:
figure rows, the provincial form, and the reports accepted by the "as of" date."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tracker.domain.documents import form_count
from tracker.domain.figures import Outcome
from tracker.exporters.data import (
    DocumentRow,
    FigureLine,
    FormRow,
    GroupRow,
    OutcomeCount,
    ReportRow,
)
from tracker.extensions import db
from tracker.models import Activity, Assignment, Plan, ProgressReport, ReportEvent
from tracker.models.reporting import ACCEPTED, STATUS_LABELS
from tracker.services.summary import end_of_day


def figure_lines(items: Iterable[dict[str, Any]]) -> tuple[FigureLine, ...]:
    """Rows of summary_json() output, with the key and label the caller chose."""
    return tuple(
        FigureLine(
            key=str(item["key"]),
            label=item["label"],
            total=item["total"],
            done=item["done"]["numerator"],
            carried=item["carried_out"]["numerator"],
            done_fraction=item["done"]["fraction"],
            done_percent=item["done"]["percent"],
            carried_fraction=item["carried_out"]["fraction"],
            carried_percent=item["carried_out"]["percent"],
        )
        for item in items
    )


def outcome_counts(summary: dict[str, Any]) -> tuple[OutcomeCount, ...]:
    return tuple(
        OutcomeCount(
            code=o.value,
            label=summary["counts"][o.value]["label"],
            count=summary["counts"][o.value]["numerator"],
            total=summary["counts"][o.value]["denominator"],
            fraction=summary["counts"][o.value]["fraction"],
            percent=summary["counts"][o.value]["percent"],
        )
        for o in Outcome
    )


def commune_texts(communes: list[dict[str, Any]], groups: Iterable[GroupRow]) -> tuple[str, ...]:
    """ "Hoạt động 1.5: 07/10 xã, phường" — an unnumbered activity is named by its text."""
    names = {a.id: a.number or f"«{a.text[:50].rstrip()}…»" for g in groups for a in g.activities}
    return tuple(
        f"Hoạt động {names.get(c['activity_id'], c['activity'])}: {c['text']}" for c in communes
    )


def form_rows(figures: dict[str, Any], noun: str) -> tuple[FormRow, ...]:
    """ "Biểu mẫu 1" (seed 001), the rows about the plan's tasks. Row 5.1 counts the
    annex's activities that have a lead unit; the other rows count tasks under the
    plan's rule, as the engine's ProvincialForm does."""
    form, done = figures["form"], figures["summary"]["done"]
    unit = noun[:1].upper() + noun[1:]

    def row(number: str, label: str, value: int) -> FormRow:
        return FormRow(number, label, unit, value, form_count(value))

    return (
        FormRow(
            "2.",
            "Tỷ lệ hoàn thành Kế hoạch (lũy kế đến thời điểm báo cáo)",
            "%",
            None,
            done["percent"],
        ),
        row("2.1.", f"Số {noun} đề ra trong kế hoạch", form["in_plan"]),
        row("2.2.", f"Số {noun} đã hoàn thành", form["done"]),
        FormRow("5.", f"Thực hiện {noun} được giao", "", None, ""),
        FormRow(
            "5.1.",
            "Tổng số hoạt động được giao (có đơn vị chủ trì)",
            "Hoạt động",
            form["assigned"],
            form_count(form["assigned"]),
        ),
        row("5.2.", f"Số {noun} đã hoàn thành đúng hạn", form["done_on_time"]),
        row("5.3.", f"Số {noun} đã hoàn thành nhưng quá hạn", form["done_late"]),
        row("5.4.", f"Số {noun} quá hạn nhưng chưa hoàn thành", form["overdue"]),
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
