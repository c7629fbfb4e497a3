"""Exported status summaries (issue 7): one `ReportData` built from the database in a
single read transaction, then handed to the generators in `tracker.exporters`.

Everything an export shows is read inside `one_read()`: on SQLite one deferred BEGIN
(its snapshot is taken at the first read and holds until the end), on a server database
REPEATABLE READ. So a report never mixes two moments, even while units keep reporting.
Reports count only once accepted by the "as of" date, as the figures engine counts them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from sqlalchemy import select

from tracker import database
from tracker.clock import now_utc, today_local
from tracker.domain.figures import OUTCOME_LABELS, CountRule, Outcome, combine
from tracker.exporters import EXPORTS, ExportFormat
from tracker.exporters.data import (
    ActivityRow,
    AssignmentRow,
    GroupRow,
    OverdueRow,
    PeriodRow,
    ReportData,
    ReportRow,
    UnitRow,
)
from tracker.extensions import db
from tracker.models import LEAD, Activity, Assignment, Plan
from tracker.models.reporting import ReportingPeriod
from tracker.services import periods as period_service
from tracker.services import plans as plan_service
from tracker.services.export_figures import (
    accepted_reports,
    commune_texts,
    figure_lines,
    form_rows,
    outcome_counts,
)
from tracker.services.summary import TaskRow, compute_summary, overdue, period_for, tasks

CARRIED_FOR_PROGRESS = (Outcome.DONE_ON_TIME, Outcome.DONE_LATE, Outcome.ONGOING_REPORTED)


class ExportError(ValueError):
    """The export cannot be made as asked; the message is for the user."""


@dataclass(frozen=True)
class ExportRequest:
    plan: str | int  # id, number ("63/KH-UBND") or year
    period: str = ""  # code ("2023-Y") or id; "" → the round the "as of" date speaks for
    as_of: date | None = None  # None → today
    recipient: str | None = None  # None → Sở Nội vụ of the province; "" → no "Kính gửi"
    document_number: str = ""
    generated_at: datetime | None = None


def parse_as_of(text: str | None) -> date | None:
    """ "2023-12-15" → a date; "" → None (today). Anything else is refused."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ExportError(f"Ngày «{text[:40]}» không hợp lệ: dùng dạng YYYY-MM-DD.") from None


def find_format(code: str) -> ExportFormat:
    if code not in EXPORTS:
        raise ExportError(f"Không có định dạng «{code[:20]}»; có: {', '.join(EXPORTS)}.")
    return EXPORTS[code]


@contextmanager
def one_read() -> Iterator[None]:
    """Every query inside runs in one read transaction, begun afresh and ended after."""
    db.session.rollback()
    with database.read_only():
        try:
            if db.engine.dialect.name != "sqlite":
                db.session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
            yield
        finally:
            db.session.rollback()


def export(request: ExportRequest, code: str) -> tuple[ExportFormat, bytes, ReportData]:
    """The file for `code`, rendered after all its data was read in one transaction."""
    fmt = find_format(code)
    data = build_report_data(request)
    return fmt, fmt.generate(data), data


def audit_fields(fmt: ExportFormat, data: ReportData) -> dict[str, Any]:
    """What the audit log keeps of an export: format, plan, period, date — never content."""
    return {
        "target": f"{fmt.label} — Kế hoạch {data.plan_number or data.plan_id}",
        "plan_id": data.plan_id,
        "detail": {
            "Định dạng": fmt.code,
            "Kỳ": data.period.code if data.period else "",
            "Tính đến": f"{data.as_of:%d/%m/%Y}",
            "Tệp": fmt.filename(data),
        },
    }


def build_report_data(request: ExportRequest) -> ReportData:
    with one_read():
        plan = plan_service.find_plan(request.plan) if str(request.plan).strip() else None
        if plan is None:
            raise ExportError(f"Không tìm thấy kế hoạch «{str(request.plan)[:60]}».")
        as_of = request.as_of or today_local()
        period = _period(plan, request.period, as_of)
        return _build(plan, period, as_of, request)


def _period(plan: Plan, ref: str, as_of: date) -> ReportingPeriod | None:
    ref = (ref or "").strip()
    if not ref:
        return period_for(plan, as_of)
    for candidate in period_service.plan_periods(plan):
        if ref in (candidate.code, str(candidate.id)):
            return candidate
    raise ExportError(f"Kế hoạch không có kỳ báo cáo «{ref[:30]}».")


def _build(
    plan: Plan, period: ReportingPeriod | None, as_of: date, request: ExportRequest
) -> ReportData:
    lead = tasks(plan, as_of, period)
    figures = compute_summary(plan, as_of, period, lead)
    periods = [_period_row(p) for p in period_service.plan_periods(plan)]
    reports = accepted_reports(plan, as_of, {p.id: p.label for p in periods})
    groups = _groups(plan, lead, reports, period, as_of)
    locality = plan.locality
    summary = figures["summary"]
    recipient = request.recipient
    return ReportData(
        locality=locality.name,
        place_name=locality.place_name,
        issuing_body=plan.issuer or locality.issuing_body,
        province=locality.province,
        plan_id=plan.id,
        plan_number=plan.number,
        plan_issued_on=plan.issued_on,
        plan_title=plan.title,
        plan_year=plan.year,
        noun=plan.noun,
        as_of=as_of,
        period=_period_row(period) if period else None,
        rule=figures["rule"]["text"],
        recipient=f"Sở Nội vụ {locality.province}" if recipient is None else recipient,
        document_number=request.document_number,
        generated_at=request.generated_at or now_utc(),
        tracker_version=tracker_version(),
        headline=summary["headline"],
        breakdown=summary["breakdown"],
        plan_figure=figure_lines([{**summary, "key": "", "label": plan.reference}])[0],
        outcomes=outcome_counts(summary),
        by_dimension=figure_lines(
            [{**d, "key": str(d["id"]), "label": d["name"]} for d in figures["by_dimension"]]
        ),
        by_group=figure_lines(
            [{**g, "key": g["label"], "label": g["title"]} for g in figures["by_group"]]
        ),
        by_unit=figure_lines(
            [{**u, "key": u["unit"], "label": u["unit"]} for u in figures["by_unit"]]
        ),
        commune_groups=commune_texts(figures["commune_groups"], groups),
        form=form_rows(figures, plan.noun),
        overdue=tuple(
            OverdueRow(o.number, o.text, o.unit, o.due_on, o.days_late)
            for o in overdue(lead, as_of)
        ),
        figures_json=figures,
        groups=groups,
        units=tuple(
            UnitRow(u.id, u.name, u.kind, u.position) for u in plan_service.units_for_plan(plan)
        ),
        periods=tuple(periods),
        reports=tuple(sorted(reports.values(), key=lambda r: r.id)),
    )


def tracker_version() -> str:
    try:
        return version("papi-tracker")
    except PackageNotFoundError:  # running from a checkout that was never installed
        return "0+unknown"


def _period_row(period: ReportingPeriod) -> PeriodRow:
    return PeriodRow(
        period.id,
        period.code,
        period.label,
        period.kind,
        period.starts_on,
        period.ends_on,
        period.due_on,
    )


def _groups(
    plan: Plan,
    lead: list[TaskRow],
    reports: dict[int, ReportRow],
    period: ReportingPeriod | None,
    as_of: date,
) -> tuple[GroupRow, ...]:
    activities = db.session.scalars(
        select(Activity)
        .where(Activity.plan_id == plan.id)
        .options(*plan_service.MATRIX_LOADS)
        .order_by(Activity.position)
    ).all()
    outcomes = {r.assignment_id: r.outcome for r in lead}
    chosen = _chosen_reports(lead, reports, period)
    rule = CountRule(plan.count_rule)
    by_group: dict[int, list[ActivityRow]] = {}
    for activity in activities:
        row = _activity_row(activity, outcomes, chosen, rule)
        by_group.setdefault(activity.group_id, []).append(row)
    return tuple(
        GroupRow(g.id, g.position, g.label, g.title, g.intro, tuple(by_group.get(g.id, ())))
        for g in plan.groups
    )


def _chosen_reports(
    lead: list[TaskRow], reports: dict[int, ReportRow], period: ReportingPeriod | None
) -> dict[int, ReportRow]:
    """assignment id → the report the figures rest on: for an ongoing task the round's,
    for a dated one the last accepted; for supporting units the round's contribution."""
    by_assignment: dict[int, list[ReportRow]] = {}
    for report in sorted(reports.values(), key=lambda r: (r.accepted_at, r.id)):
        by_assignment.setdefault(report.assignment_id, []).append(report)
    dated = {r.assignment_id for r in lead if not r.task.ongoing}
    chosen = {}
    for assignment_id, found in by_assignment.items():
        if assignment_id in dated:
            chosen[assignment_id] = found[-1]
            continue
        in_round = [r for r in found if period is not None and r.period_id == period.id]
        if in_round:
            chosen[assignment_id] = in_round[-1]
    return chosen


def _activity_row(
    activity: Activity,
    outcomes: dict[int, Outcome],
    chosen: dict[int, ReportRow],
    rule: CountRule,
) -> ActivityRow:
    rows = tuple(_assignment_row(a, outcomes, chosen) for a in activity.assignments)
    lead = [outcomes[a.id] for a in activity.assignments if a.id in outcomes]
    status = OUTCOME_LABELS[combine(lead)] if lead else "Chưa có đơn vị chủ trì"
    return ActivityRow(
        id=activity.id,
        group_id=activity.group_id,
        position=activity.position,
        number=activity.number or "",
        text=activity.text,
        lead_text=activity.lead_text,
        support_text=activity.support_text,
        lead_units=tuple(u.name for u in plan_service.unit_labels(activity, LEAD)),
        support_units=tuple(u.name for u in plan_service.unit_labels(activity, "support")),
        timeframe_text=activity.timeframe_text,
        timeframe_kind=activity.timeframe_kind,
        due_on=activity.due_on,
        dimensions=tuple(d.id for d in activity.dimensions),
        status=status,
        progress=_progress(activity, lead),
        assignments=rows,
    )


def _assignment_row(
    a: Assignment, outcomes: dict[int, Outcome], chosen: dict[int, ReportRow]
) -> AssignmentRow:
    result = outcomes.get(a.id)
    return AssignmentRow(
        id=a.id,
        activity_id=a.activity_id,
        unit_id=a.unit_id,
        unit=a.unit.name,
        role=a.role,
        via_group=a.via_group.name if a.via_group else "",
        outcome=result.value if result else "",
        outcome_label=OUTCOME_LABELS[result] if result else "",
        report=chosen.get(a.id),
    )


def _progress(activity: Activity, lead: list[Outcome]) -> str:
    """ "07/10 xã, phường" when a group of communes leads it, "01/02 đơn vị chủ trì" when
    several units do; "" for a single lead unit. (Under the "all" rule too: it tells
    Phòng Nội vụ who is still missing.)"""
    if len(lead) < 2:
        return ""
    carried = sum(1 for o in lead if o in CARRIED_FOR_PROGRESS)
    groups = {a.via_group.name for a in activity.assignments if a.role == LEAD and a.via_group}
    leads = [a for a in activity.assignments if a.role == LEAD]
    if len(groups) == 1 and all(a.via_group for a in leads):
        return f"{carried:02d}/{len(lead):02d} {groups.pop().removeprefix('UBND ')}"
    return f"{carried:02d}/{len(lead):02d} đơn vị chủ trì"
