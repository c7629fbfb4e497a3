"""The annex matrix as the annex page shows it: plain rows read with a few Core queries
(no ORM objects, no lazy loads), each activity with its timeframe reading, its dimension
chips and its unit labels worked out once, grouped under their content groups in annex
order. A group split by a page shows on both pages; the whole plan is one call without
`limit` (the page's «Xem tất cả»)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from sqlalchemy import select

from tracker.domain.timeframes import Cadence, Timeframe, TimeframeKind, decode_dates
from tracker.extensions import db
from tracker.models import Activity, ContentGroup, IndexDimension, IndexFramework, Plan
from tracker.models import activity_dimension as ad
from tracker.services.plans import MatrixFilter, UnitLabel, _filtered, page_labels


@dataclass(frozen=True, slots=True)
class Chip:
    """A dimension beside an activity: "PAPI 5", its full name as the tooltip."""

    label: str
    name: str


@dataclass(frozen=True, slots=True)
class MatrixRow:
    id: int
    number: str | None
    text: str
    timeframe_text: str
    timeframe_kind: str
    reading: str  # Timeframe.label(): what the page says the timeframe means
    has_due: bool
    needs_review: bool
    note: str
    dimensions: tuple[Chip, ...]
    lead: tuple[UnitLabel, ...]
    support: tuple[UnitLabel, ...]


@dataclass(frozen=True, slots=True)
class MatrixGroup:
    id: int
    label: str
    title: str
    intro: str
    rows: list[MatrixRow]


ROW_COLUMNS = (
    Activity.id,
    Activity.group_id,
    Activity.number,
    Activity.text,
    Activity.timeframe_text,
    Activity.timeframe_kind,
    Activity.starts_on,
    Activity.due_on,
    Activity.cadence,
    Activity.timeframe_note,
    Activity.earlier_due_dates,
    Activity.timeframe_review,
)


def annex_rows(
    plan: Plan, flt: MatrixFilter, limit: int | None = None, offset: int = 0
) -> list[MatrixGroup]:
    """The activities passing `flt`, `limit` of them from `offset` (all without a limit),
    as groups of ready rows in annex order."""
    stmt = (
        _filtered(plan, flt)
        .with_only_columns(*ROW_COLUMNS)
        .order_by(Activity.position)
        .offset(offset)
        .limit(limit)
    )
    activities = db.session.execute(stmt).all()
    ids = [a.id for a in activities]
    chips = _chips(ids) if ids else {}
    labels = page_labels(ids) if ids else {}
    groups = _groups(plan, {a.group_id for a in activities})
    result: dict[int, MatrixGroup] = {}
    for a in activities:
        group = result.get(a.group_id)
        if group is None:
            group = result[a.group_id] = MatrixGroup(*groups[a.group_id], rows=[])
        group.rows.append(
            MatrixRow(
                a.id,
                a.number,
                a.text,
                a.timeframe_text,
                a.timeframe_kind,
                _reading(a.timeframe_kind, a.starts_on, a.due_on, a.cadence, a.earlier_due_dates),
                a.due_on is not None,
                a.timeframe_review,
                a.timeframe_note,
                chips.get(a.id, ()),
                tuple(labels.get((a.id, "lead"), ())),
                tuple(labels.get((a.id, "support"), ())),
            )
        )
    order = {group_id: n for n, group_id in enumerate(groups)}
    return sorted(result.values(), key=lambda group: order[group.id])


def _groups(plan: Plan, ids: set[int]) -> dict[int, tuple[int, str, str, str]]:
    """Group id → (id, label, title, intro), in the annex's order."""
    if not ids:
        return {}
    stmt = (
        select(ContentGroup.id, ContentGroup.label, ContentGroup.title, ContentGroup.intro)
        .where(ContentGroup.plan_id == plan.id, ContentGroup.id.in_(ids))
        .order_by(ContentGroup.position)
    )
    return {row.id: tuple(row) for row in db.session.execute(stmt)}  # type: ignore[misc]


def _chips(ids: list[int]) -> dict[int, tuple[Chip, ...]]:
    """Activity id → its dimension chips, in the order of the dimensions' ids."""
    stmt = (
        select(
            ad.c.activity_id, IndexFramework.short_name, IndexDimension.number, IndexDimension.name
        )
        .join(IndexDimension, IndexDimension.id == ad.c.dimension_id)
        .join(IndexFramework, IndexFramework.id == IndexDimension.framework_id)
        .where(ad.c.activity_id.in_(ids))
        .order_by(ad.c.activity_id, IndexDimension.id)
    )
    found: dict[int, list[Chip]] = {}
    made: dict[tuple[str, int, str], Chip] = {}
    for activity_id, short_name, number, name in db.session.execute(stmt):
        key = (short_name, number, name)
        chip = made.get(key)
        if chip is None:
            chip = made[key] = Chip(f"{short_name} {number}", name)
        found.setdefault(activity_id, []).append(chip)
    return {key: tuple(chips) for key, chips in found.items()}


@lru_cache(maxsize=4096)
def _reading(
    kind: str,
    starts_on: date | None,
    due_on: date | None,
    cadence: str | None,
    earlier: str,
) -> str:
    """Timeframe.label() of an activity's stored timeframe (which reads neither the text
    nor the note); annexes repeat a few timeframes many times, so each is read once."""
    return Timeframe(
        text="",
        kind=TimeframeKind(kind),
        starts_on=starts_on,
        due_on=due_on,
        cadence=Cadence(cadence) if cadence else None,
        earlier_due_dates=decode_dates(earlier),
    ).label()
