"""A plan's figures, remembered while the plan is unchanged: every page, export, digest
and the API reads `figures_for()` (services.figures.facts reads, domain computes).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

from flask import g, has_app_context
from sqlalchemy import event, func, or_, select
from sqlalchemy.orm import Session

from tracker.domain.plan_figures import PlanFigures
from tracker.extensions import db
from tracker.models import (
    Change,
    Plan,
    ReportEvent,
)
from tracker.models.reporting import ReportingPeriod
from tracker.services.figures import kept

T = TypeVar("T")

# Results for (plan, what, arguments, data version): any write to a plan adds a Change, a
# ReportEvent or a DeadlineChange row of that plan, so a remembered result is never
# stale. Per process, bounded; values are plain frozen data, never ORM objects.
_CACHE: dict[tuple[Any, ...], Any] = {}
_CACHE_SIZE = 64


def data_version(plan: Plan) -> tuple[int, int]:
    """The plan's last annex change and last report event, its communes' plans included
    (their reports count in it: domain.cascade): index lookups in one query, remembered
    in the app context until the next write. (A deadline move is written with its
    Change.)"""
    known: dict[int, tuple[int, int]] = g.setdefault("data_versions", {})
    if plan.id not in known:
        plans = or_(Plan.id == plan.id, Plan.parent_plan_id == plan.id)
        own = select(Plan.id).where(plans)
        last_change = select(func.max(Change.id)).where(Change.plan_id.in_(own))
        last_event = select(func.max(ReportEvent.id)).where(ReportEvent.plan_id.in_(own))
        found = db.session.execute(
            select(last_change.scalar_subquery(), last_event.scalar_subquery())
        ).one()
        known[plan.id] = (found[0] or 0, found[1] or 0)
    return known[plan.id]


def _forget_data_versions(*_: Any) -> None:
    """A page asks for a plan's data version several times (figures, names, tables):
    it is read once (`data_version`), and again after any write, commit or rollback."""
    if has_app_context():
        g.pop("data_versions", None)


for _moment in ("after_flush", "after_commit", "after_rollback", "after_bulk_update"):
    event.listen(Session, _moment, _forget_data_versions)


@event.listens_for(Session, "do_orm_execute")
def _forget_on_statement(state: Any) -> None:
    if state.is_insert or state.is_update or state.is_delete:  # Core writes, no flush
        _forget_data_versions()


def remembered(plan: Plan, what: str, arguments: tuple[Any, ...], compute: Callable[[], T]) -> T:
    """compute(), reused while nothing in the plan changed."""
    key = (str(db.engine.url), plan.id, what, arguments, data_version(plan))
    if key not in _CACHE:
        if len(_CACHE) >= _CACHE_SIZE:
            _CACHE.pop(next(iter(_CACHE)), None)  # another thread may have taken it
        _CACHE[key] = compute()
    return _CACHE[key]  # type: ignore[no-any-return]


def figures_for(
    plan: Plan, as_of: date, period: ReportingPeriod | None = None, to_date: bool = False
) -> PlanFigures:
    """plan_figures(), reused while nothing in the plan changed, and after a change
    brought up to date from the last ones (services.figures.kept)."""
    arguments = (as_of, period.id if period else None, to_date, plan.count_rule, plan.noun)
    return remembered(
        plan, "figures", arguments, lambda: kept.plan_figures(plan, as_of, period, to_date)
    )
