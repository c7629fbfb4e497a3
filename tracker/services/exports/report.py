"""Exported status summaries (issue 7): one `ReportData` built from the database in a
single read transaction, then handed to the generators in `tracker.exporters`.

Everything an export shows is read inside `one_read()`: on SQLite one deferred BEGIN
(its snapshot is taken at the first read and holds until the end), on a server database
REPEATABLE READ. So a report never mixes two moments, even while units keep reporting.
Reports count only once accepted by the "as of" date, as the figures engine counts them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date, datetime
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from sqlalchemy import select

from tracker import database
from tracker.clock import now_utc, today_local
from tracker.domain import figure_text
from tracker.domain.dates import screen_date
from tracker.domain.documents import upper_first
from tracker.domain.figures import DONE, OUTCOME_LABELS, RULE_LABELS, Outcome
from tracker.domain.periods import report_rounds
from tracker.domain.plan_figures import ActivityFigure, PlanFigures
from tracker.domain.units import UnitKind
from tracker.exporters import EXPORTS, ExportFormat
from tracker.exporters.data import (
    ActivityRow,
    AssignmentRow,
    DueRow,
    FigureLine,
    GroupRow,
    OverdueRow,
    PeriodRow,
    ReportData,
    ReportRow,
    UnitRow,
)
from tracker.extensions import db
from tracker.models import LEAD, Activity, Locality, Plan
from tracker.models.reporting import ReportingPeriod
from tracker.models.units import COMMUNE, DEMO_NOTICE, PROVINCE
from tracker.services import periods as period_service
from tracker.services import plans as plan_service
from tracker.services import wording
from tracker.services.exports.figures import (
    accepted_reports,
    figure_lines,
    form_rows,
    index_lines,
    outcome_counts,
)
from tracker.services.figures.as_json import figures_json
from tracker.services.figures.names import Names, names
from tracker.services.figures.remembered import figures_for
from tracker.services.frameworks import PAPI


class ExportError(ValueError):
    """The export cannot be made as asked; the message is for the user."""


@dataclass(frozen=True)
class ExportRequest:
    plan: str | int  # id, number ("63/KH-UBND") or year
    period: str = ""  # code ("2023-Y") or id; "" → the round the "as of" date speaks for
    as_of: date | None = None  # None → today
    recipient: str | None = None  # None → the plan's (default_recipient); "" → no "Kính gửi"
    document_number: str = ""
    signed_on: date | None = None  # None leaves the signing day blank for the clerk
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
            "Tính đến": f"{screen_date(data.as_of)}",
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
        return None  # the round the "as of" date speaks for
    found = period_service.find_period(plan, ref)
    if found is None:
        raise ExportError(f"Kế hoạch không có kỳ báo cáo «{ref[:30]}».")
    return found


def default_recipient(plan: Plan) -> str:
    """The plan's own "Kính gửi", else its level's (level_recipient)."""
    return plan.recipient or level_recipient(plan.locality)


def level_recipient(locality: Locality) -> str:
    """ "Ủy ban nhân dân tỉnh Sóc Trăng (qua Sở Nội vụ)" for a district (seed 004, V.14)
    and a commune, whose reports go up to the province; a province reports to the
    ministry, "Bộ Nội vụ"."""
    if locality.level == PROVINCE:
        return "Bộ Nội vụ"
    return f"Ủy ban nhân dân {locality.province} (qua Sở Nội vụ)"


def governing_body(locality: Locality) -> str:
    """The body above a commune in its documents' header: its province's committee."""
    if locality.level != COMMUNE:
        return ""
    if locality.parent is not None:
        return locality.parent.issuing_body
    # A commune in an instance of its own: its province is only named.
    return f"Ủy ban nhân dân {locality.province}" if locality.province else ""


def _build(
    plan: Plan, period: ReportingPeriod | None, as_of: date, request: ExportRequest
) -> ReportData:
    figures = figures_for(plan, as_of, period)
    named = names(plan)
    periods = tuple(_period_row(p) for p in period_service.plan_periods(plan))
    by_id = {p.id: p for p in periods}
    reports = accepted_reports(plan, as_of, {p.id: p.label for p in periods})
    groups = _groups(plan, figures, named, reports)
    lines = figure_lines(figures, named)
    next_round = _next_round(periods, figures.round_ids)
    locality = plan.locality
    recipient = request.recipient
    round_label = named.round_label(figures.round_ids)
    tally = figures.cumulative
    units = tuple(
        UnitRow(u.id, u.name, u.kind, u.position) for u in plan_service.units_for_plan(plan)
    )
    communes, departments = (
        _rollup_lines(lines["unit"], units) if locality.level == PROVINCE else ((), ())
    )
    return ReportData(
        locality=locality.name,
        place_name=locality.place_name,
        issuing_body=plan.issuer or locality.issuing_body,
        governing_body=governing_body(locality),
        province=locality.province,
        office=wording.office_of(locality),
        plan_id=plan.id,
        plan_number=plan.number,
        plan_issued_on=plan.issued_on,
        plan_title=plan.title,
        plan_year=plan.year,
        plan_basis=plan.basis,
        noun=plan.noun,
        as_of=as_of,
        period=by_id[figures.round_ids[-1]] if figures.round_ids else None,
        round_label=round_label,
        cutoff=figures.cutoff,
        rule=RULE_LABELS[figures.rule],
        recipient=default_recipient(plan) if recipient is None else recipient,
        document_number=request.document_number,
        signed_on=request.signed_on,
        signer_name=plan.signer_name,
        signer_role=plan.signer_role,
        generated_at=request.generated_at or now_utc(),
        tracker_version=tracker_version(),
        figures=figures,
        summary=figure_text.summary(tally, plan.noun),
        in_round=(
            figure_text.in_round(figures.in_round, round_label, plan.noun)
            if figures.earlier_round_ids
            else ""
        ),
        plan_figure=FigureLine.of("", plan.reference, tally),
        outcomes=outcome_counts(tally),
        by_dimension=lines["dimension"],
        by_index=index_lines(figures, named.frameworks),
        by_group=lines["group"],
        by_unit=lines["unit"],
        progress=tuple(
            f"{upper_first(a.short)}: {a.progress}"
            for g in groups
            for a in g.activities
            if a.progress
        ),
        form=form_rows(figures, plan.noun),
        overdue=tuple(
            OverdueRow(
                named.activities[o.activity_id].number,
                named.activities[o.activity_id].text,
                named.units[o.unit_id],
                o.due_on,
                o.days_late,
            )
            for o in figures.overdue
        ),
        due_next=_due_next(groups, as_of, next_round),
        next_round=next_round,
        figures_json=figures_json(plan, figures, named),
        groups=groups,
        units=units,
        by_commune=communes,
        by_department=departments,
        periods=periods,
        reports=tuple(sorted(reports.values(), key=lambda r: r.id)),
        demo_notice=DEMO_NOTICE if locality.is_demo else "",
    )


def _rollup_lines(
    lines: tuple[FigureLine, ...], units: tuple[UnitRow, ...]
) -> tuple[tuple[FigureLine, ...], tuple[FigureLine, ...]]:
    """A province's lead units, numbered: (communes, departments and others)."""
    communes = {u.name for u in units if u.kind == UnitKind.COMMUNE}
    split = (
        [line for line in lines if line.key in communes],
        [line for line in lines if line.key not in communes],
    )
    communes_part, others = (
        tuple(replace(line, key=str(i)) for i, line in enumerate(part, start=1)) for part in split
    )
    return communes_part, others


def _next_round(periods: tuple[PeriodRow, ...], round_ids: tuple[int, ...]) -> PeriodRow | None:
    """The round after the one reported on (its longest period names it); None after the
    year's last."""
    rounds = report_rounds(periods)
    found = [i for i, r in enumerate(rounds) if round_ids and r[0].id == round_ids[0]]
    if not found or found[0] + 1 >= len(rounds):
        return None
    return rounds[found[0] + 1][-1]


def _due_next(
    groups: tuple[GroupRow, ...], as_of: date, next_round: PeriodRow | None
) -> tuple[DueRow, ...]:
    """Dated activities not finished whose deadline falls after the "as of" date and by
    the next cut-off (or the year's end after the last round)."""
    unfinished = {o.value for o in DONE} | {Outcome.NOT_CARRIED_OUT.value}
    rows = []
    for activity in (a for g in groups for a in g.activities):
        due = activity.due_on
        if due is None or activity.timeframe_kind == "ongoing" or activity.outcome in unfinished:
            continue
        limit = next_round.ends_on if next_round else date(as_of.year, 12, 31)
        if as_of < due <= limit:
            rows.append(DueRow(activity.id, activity.name, due))
    return tuple(sorted(rows, key=lambda r: r.due_on))


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
    plan: Plan, figures: PlanFigures, named: Names, reports: dict[int, ReportRow]
) -> tuple[GroupRow, ...]:
    activities = db.session.scalars(
        select(Activity)
        .where(Activity.plan_id == plan.id)
        .options(*plan_service.MATRIX_LOADS)
        .order_by(Activity.position)
    ).all()
    counted: dict[int, list[ReportRow]] = defaultdict(list)
    for report in sorted(reports.values(), key=lambda r: (r.period_id, r.accepted_at, r.id)):
        if report.id in figures.counted_reports:
            counted[report.assignment_id].append(report)
    order = {p: i for i, p in enumerate(named.periods)}
    for found in counted.values():
        found.sort(key=lambda r: (order.get(r.period_id, 0), r.accepted_at, r.id))
    by_group: dict[int, list[ActivityRow]] = {}
    for activity in activities:
        found = figures.activity(activity.id)
        row = _activity_row(activity, found, named, counted)
        by_group.setdefault(activity.group_id, []).append(row)
    return tuple(
        GroupRow(g.id, g.position, g.label, g.title, g.intro, tuple(by_group.get(g.id, ())))
        for g in plan.groups
    )


def _activity_row(
    activity: Activity,
    found: ActivityFigure | None,
    named: Names,
    counted: dict[int, list[ReportRow]],
) -> ActivityRow:
    tasks = {t.assignment_id: t.outcome for t in found.tasks} if found else {}
    outcome = found.outcome if found else None
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
        dimensions=tuple(d.number for d in activity.dimensions if d.framework.code == PAPI),
        outcome=outcome.value if outcome else "",
        status=OUTCOME_LABELS[outcome] if outcome else "Chưa xác định đơn vị chủ trì",
        in_round=found.in_round if found else False,
        progress=named.progress(found) if found else "",
        assignments=tuple(
            AssignmentRow(
                id=a.id,
                activity_id=a.activity_id,
                unit_id=a.unit_id,
                unit=a.unit.name,
                role=a.role,
                via_group=a.via_group.name if a.via_group else "",
                outcome=tasks[a.id].value if a.id in tasks else "",
                outcome_label=OUTCOME_LABELS[tasks[a.id]] if a.id in tasks else "",
                reports=tuple(counted.get(a.id, ())),
            )
            for a in activity.assignments
        ),
    )
