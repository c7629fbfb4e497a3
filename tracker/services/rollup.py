"""The province's roll-up (issue 16): how each commune and each department (sở, ban,
ngành) carries out the province's plan, and how many communes carried out each activity
("45/103 xã, phường"). Every figure is the plan's own (services.figures: the communes'
reports through their linked activities already count there); this module only splits
and names them, and knows which commune plan carries the province's out.

The snapshot-based province view (services.province) stays for instances kept apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from tracker.domain.figures import Tally
from tracker.domain.units import UnitKind
from tracker.extensions import db
from tracker.models import Activity, Plan, Unit
from tracker.services.figures.dashboard import figures_view
from tracker.services.figures.names import names

SORTS = {
    "name": "Tên",
    "carried": "Đã và đang triển khai",
    "done": "Đã hoàn thành",
    "overdue": "Quá hạn",
}


@dataclass(frozen=True)
class RollupLine:
    unit_id: int
    name: str
    tally: Tally
    position: int
    commune_plan_id: int | None = None  # the commune's own plan carrying this one out
    taken: int = 0  # activities that plan took in from this one

    @property
    def overdue(self) -> int:
        return self.tally.late.numerator


@dataclass(frozen=True)
class ActivityLine:
    activity_id: int
    name: str  # "hoạt động 1.5"
    progress: str  # "45/103 xã, phường (…)"


@dataclass(frozen=True)
class Rollup:
    communes: tuple[RollupLine, ...]
    departments: tuple[RollupLine, ...]
    activities: tuple[ActivityLine, ...]
    round_label: str
    summary: str


def sort_key(sort: str):  # type: ignore[no-untyped-def]
    """How lines are ordered: by name (catalogue order), or by a figure, largest first."""
    if sort == "carried":
        return lambda line: (
            -line.tally.carried_out.numerator / max(line.tally.total, 1),
            line.position,
        )
    if sort == "done":
        return lambda line: (-line.tally.done.numerator / max(line.tally.total, 1), line.position)
    if sort == "overdue":
        return lambda line: (-line.overdue, line.position)
    return lambda line: (line.position, line.unit_id)


def rollup(plan: Plan, as_of: date, sort: str = "name") -> Rollup:
    view = figures_view(plan, as_of)
    named = names(plan)
    by_unit = dict(view.figures.by_unit)
    kinds = dict(db.session.execute(select(Unit.id, Unit.kind).where(Unit.id.in_(by_unit))).all())
    communes_of = dict(
        db.session.execute(
            select(Unit.id, Unit.commune_id).where(
                Unit.id.in_(by_unit), Unit.commune_id.is_not(None)
            )
        ).all()
    )
    commune_plans = _commune_plans(plan)
    lines = {
        unit_id: RollupLine(
            unit_id,
            named.units[unit_id],
            tally,
            named.unit_order[unit_id],
            *commune_plans.get(communes_of.get(unit_id), (None, 0)),
        )
        for unit_id, tally in by_unit.items()
    }
    key = sort_key(sort)
    communes = sorted((ln for i, ln in lines.items() if kinds[i] == UnitKind.COMMUNE), key=key)
    departments = sorted((ln for i, ln in lines.items() if kinds[i] != UnitKind.COMMUNE), key=key)
    activities = tuple(
        ActivityLine(a.activity_id, named.activities[a.activity_id].short, named.progress(a))
        for a in view.figures.activities
        if any(kinds.get(u) == UnitKind.COMMUNE for p in a.progress for u in p.unit_ids)
    )
    return Rollup(tuple(communes), tuple(departments), activities, view.round_label, view.summary)


def _commune_plans(plan: Plan) -> dict[int | None, tuple[int, int]]:
    """Commune id → (its plan carrying this one out, how many activities it took in)."""
    taken = (
        select(func.count(Activity.id))
        .where(Activity.plan_id == Plan.id, Activity.source_activity_id.is_not(None))
        .scalar_subquery()
    )
    rows = db.session.execute(
        select(Plan.locality_id, Plan.id, taken)
        .where(Plan.parent_plan_id == plan.id)
        .order_by(Plan.id)
    )
    return {locality_id: (plan_id, count) for locality_id, plan_id, count in rows}
