"""What the figures' ids are called — activities, units, groups, dimensions, periods —
read once per plan and remembered with its figures.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, union

from tracker.domain import figure_text
from tracker.domain.documents import activity_reference
from tracker.domain.frameworks import FrameworkName
from tracker.domain.plan_figures import ActivityFigure
from tracker.extensions import db
from tracker.models import (
    Activity,
    Assignment,
    ContentGroup,
    IndexDimension,
    Plan,
    Unit,
)
from tracker.services import periods as period_service
from tracker.services.figures import kept
from tracker.services.figures.remembered import remembered
from tracker.services.frameworks import framework_names


@dataclass(frozen=True)
class ActivityName:
    number: str  # "1.5"; "" when the annex gave none
    text: str
    position: int

    @property
    def short(self) -> str:
        """ "hoạt động 1.5"; an unnumbered one by its name (documents.activity_reference)."""
        return activity_reference(self.number, self.text)

    @property
    def heading(self) -> str:
        """ "1.5. Thông tin tuyên truyền…" as the annex's Hoạt động column reads."""
        return f"{self.number}. {self.text}" if self.number else self.text


@dataclass(frozen=True)
class Names:
    """What the figures' ids are called, read once per plan."""

    units: dict[int, str]
    unit_order: dict[int, int]
    groups: dict[int, tuple[str, str, int]]  # content group id → (label, title, position)
    dimensions: dict[int, str]
    frameworks: tuple[FrameworkName, ...]  # the plan's, each with its dimensions
    activities: dict[int, ActivityName]
    periods: dict[int, str]  # period id → label ("6 tháng đầu năm 2023")

    def round_label(self, round_ids: tuple[int, ...]) -> str:
        """The round's longest period names it ("Năm 2023" for a round holding the second
        half and the year); "" without periods."""
        return self.periods.get(round_ids[-1], "").lower() if round_ids else ""

    def unit_names(self, ids: tuple[int, ...]) -> list[str]:
        return [self.units[i] for i in sorted(ids, key=lambda i: (self.unit_order[i], i))]

    def progress(self, activity: ActivityFigure) -> str:
        """ "07/10 xã, phường (Phường 1, …)" for each group or several lead units, joined
        ("00/10 xã, phường; 00/02 đơn vị chủ trì"); "" for a single lead unit."""
        return "; ".join(
            figure_text.progress(
                p.figure,
                self.units[p.group_id] if p.group_id else "",
                self.unit_names(p.carried_unit_ids),
            )
            for p in activity.progress
        )


def names(plan: Plan) -> Names:
    """Remembered with the plan's data version, and kept while only reports change
    (kept.unless_annex_changed): every name here is the plan's data (activities, groups,
    periods, frameworks) or a unit's, none a report's, and units are never renamed — code
    that comes to rename one must also record a Change for the plans that use it."""
    return remembered(
        plan, "names", (), lambda: kept.unless_annex_changed(plan, "names", lambda: _names(plan))
    )


def _names(plan: Plan) -> Names:
    connection = db.session.connection()
    unit_ids = select(Assignment.unit_id).join(Activity).where(Activity.plan_id == plan.id)
    group_ids = select(Assignment.via_group_id).join(Activity).where(Activity.plan_id == plan.id)
    units = connection.execute(  # one list of ids: two IN (…) joined by OR plan poorly
        select(Unit.id, Unit.name, Unit.position).where(Unit.id.in_(union(unit_ids, group_ids)))
    ).all()
    return Names(
        units={i: name for i, name, _ in units},
        unit_order={i: position for i, _, position in units},
        groups={
            i: (label, title, position)
            for i, label, title, position in connection.execute(
                select(
                    ContentGroup.id, ContentGroup.label, ContentGroup.title, ContentGroup.position
                ).where(ContentGroup.plan_id == plan.id)
            )
        },
        dimensions=dict(connection.execute(select(IndexDimension.id, IndexDimension.name)).all()),
        frameworks=framework_names(plan.frameworks),
        activities={
            i: ActivityName(number or "", text, position)
            for i, number, text, position in connection.execute(
                select(Activity.id, Activity.number, Activity.text, Activity.position).where(
                    Activity.plan_id == plan.id
                )
            )
        },
        periods={p.id: p.label for p in period_service.plan_periods(plan)},
    )
