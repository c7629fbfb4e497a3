"""The reporting rounds a plan collects (kỳ báo cáo) and how its figures count: which
kinds of period, their due dates, and the counting rule. Changes go to the history."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import select

from tracker.clock import today_local
from tracker.domain.dates import screen_date
from tracker.domain.figures import RULE_LABELS, CountRule
from tracker.domain.periods import Period, PeriodKind, current_period, periods_of_year
from tracker.domain.workdays import WorkCalendar
from tracker.extensions import db
from tracker.models import Plan, User
from tracker.models.reporting import ProgressReport, ReportingPeriod
from tracker.services import audit, history
from tracker.services.workdays import work_calendar

# Seed 004, V.1: "định kỳ (sáu tháng, năm)".
DEFAULT_KINDS = frozenset({PeriodKind.HALF, PeriodKind.YEAR})


class PeriodError(ValueError):
    """The message is for the user."""


def plan_periods(plan: Plan) -> list[ReportingPeriod]:
    stmt = select(ReportingPeriod).where(ReportingPeriod.plan_id == plan.id)
    return in_period_order(db.session.scalars(stmt))


def in_period_order(rows: Iterable[ReportingPeriod]) -> list[ReportingPeriod]:
    """By cut-off; of periods with the same cut-off, the longest first."""
    return sorted(rows, key=lambda p: (p.ends_on, -p.starts_on.toordinal()))


def find_period(plan: Plan, ref: str) -> ReportingPeriod | None:
    """The plan's period by code ("2023-H1") or id; None when it has none such."""
    ref = (ref or "").strip()
    return next((p for p in plan_periods(plan) if ref in (p.code, str(p.id))), None)


def ensure_periods(
    plan: Plan, kinds: Iterable[PeriodKind] = DEFAULT_KINDS
) -> list[ReportingPeriod]:
    """Create the plan's periods of its year for the given kinds when it has none, due by
    default on the first working day after the cut-off (the recorded days counted)."""
    existing = plan_periods(plan)
    if existing:
        return existing
    for period in periods_of_year(plan.year, set(kinds), _calendar(plan)):
        _add_period(plan, period)
    db.session.flush()
    return plan_periods(plan)


def _calendar(plan: Plan) -> WorkCalendar:
    """The year's reports are due by the first weeks of the next year at the latest."""
    return work_calendar({plan.year, plan.year + 1})


def _add_period(plan: Plan, period: Period) -> None:
    db.session.add(
        ReportingPeriod(
            plan=plan,
            kind=period.kind.value,
            year=period.year,
            index=period.index,
            starts_on=period.starts_on,
            ends_on=period.ends_on,
            due_on=period.due_on,
        )
    )


def set_collected_kinds(plan: Plan, kinds: set[PeriodKind], user: User | None) -> None:
    """Collect exactly these kinds of period; a period that already has reports stays."""
    if not kinds:
        raise PeriodError("Kế hoạch cần ít nhất một loại kỳ báo cáo.")
    periods = periods_of_year(plan.year, kinds, _calendar(plan))
    wanted = {(p.kind.value, p.index) for p in periods}
    for period in plan_periods(plan):
        if (period.kind, period.index) not in wanted and not _has_reports(period):
            audit.record("delete.period", target=period.label, plan_id=plan.id, user=user)
            db.session.delete(period)
    have = {(p.kind, p.index) for p in plan_periods(plan)}
    for period in periods:
        if (period.kind.value, period.index) not in have:
            _add_period(plan, period)
    history.plan_changed(
        user,
        plan,
        "Đổi kỳ báo cáo",
        after={"Kỳ báo cáo": sorted(k.value for k in kinds)},
    )
    db.session.flush()


def _has_reports(period: ReportingPeriod) -> bool:
    stmt = select(ProgressReport.id).where(ProgressReport.period_id == period.id).limit(1)
    return db.session.scalar(stmt) is not None


def set_count_rule(plan: Plan, rule: str, user: User | None) -> None:
    """How an activity with several lead units is counted in the figures."""

    if rule not in {r.value for r in CountRule}:
        raise PeriodError("Cách tính không hợp lệ.")
    if rule == plan.count_rule:
        return
    history.plan_changed(
        user,
        plan,
        "Đổi cách tính số liệu",
        before={"Cách tính": RULE_LABELS[CountRule(plan.count_rule)]},
        after={"Cách tính": RULE_LABELS[CountRule(rule)]},
    )
    plan.count_rule = rule


def set_period_due(period: ReportingPeriod, due_on: date, user: User | None) -> None:
    if due_on <= period.ends_on:
        raise PeriodError(
            f"Hạn nộp phải sau ngày chốt số liệu {screen_date(period.ends_on)} "
            "(Nghị định 09/2019/NĐ-CP, Điều 8)."
        )
    if due_on == period.due_on:
        return
    history.record(
        user,
        entity="period",
        action="update",
        entity_id=period.id,
        plan_id=period.plan_id,
        before={f"Hạn nộp {period.label}": f"{screen_date(period.due_on)}"},
        after={f"Hạn nộp {period.label}": f"{screen_date(due_on)}"},
        note="Đổi hạn nộp báo cáo",
    )
    period.due_on = due_on


def current_plan_period(plan: Plan, today: date | None = None) -> ReportingPeriod | None:
    return current_of(plan_periods(plan), today or today_local())


def current_of(periods: list[ReportingPeriod], today: date) -> ReportingPeriod | None:
    """Of one plan's periods, the one a unit reports for on `today`."""
    chosen = current_period([p.period for p in periods], today)
    return next((p for p in periods if chosen and p.code == chosen.code), None)
