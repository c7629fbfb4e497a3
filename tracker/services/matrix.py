"""The annex matrix as the annex page shows it: plain rows read with a few Core queries
(no ORM objects, no lazy loads), each activity with its timeframe reading, its dimension
chips and its unit labels worked out once, grouped under their content groups in annex
order. A group split by a page shows on both pages; the whole plan is one call without
`limit` (the page's «Xem tất cả»)."""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from typing import NamedTuple

from sqlalchemy import func, select

from tracker.domain.timeframes import Cadence, Timeframe, TimeframeKind, decode_dates
from tracker.extensions import db
from tracker.models import Activity, ContentGroup, IndexDimension, IndexFramework
from tracker.models import activity_dimension as ad
from tracker.services.plans import MatrixFilter, UnitLabel, filtered_activities, page_labels


class Chip(NamedTuple):
    """A dimension beside an activity: "PAPI 5", its full name as the tooltip."""

    label: str
    name: str


class MatrixRow(NamedTuple):
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
    lead: list[UnitLabel]
    support: list[UnitLabel]


class MatrixGroup(NamedTuple):
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
    plan_id: int,
    flt: MatrixFilter,
    limit: int | None = None,
    offset: int = 0,
    group_ids: list[int] | None = None,
) -> list[MatrixGroup]:
    """The activities passing `flt`, `limit` of them from `offset` (all without a limit)
    or those of `group_ids` (a part of the whole plan: `parts`), as groups of ready rows
    in annex order."""
    stmt = filtered_activities(plan_id, flt).with_only_columns(*ROW_COLUMNS)
    if group_ids is not None:
        stmt = stmt.where(Activity.group_id.in_(group_ids))
    stmt = stmt.order_by(Activity.position)
    if limit is not None:
        stmt = stmt.offset(offset).limit(limit)
    connection = db.session.connection()
    activities = connection.execute(stmt).all()
    if not activities:
        return []
    ids = [a.id for a in activities]
    chips = _chips(ids)
    labels = page_labels(ids)
    groups = _groups(plan_id)
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
                labels.get((a.id, "lead"), []),
                labels.get((a.id, "support"), []),
            )
        )
    order = {group_id: n for n, group_id in enumerate(groups)}
    return sorted(result.values(), key=lambda group: order[group.id])


def parts(plan_id: int, flt: MatrixFilter, size: int) -> list[list[int]]:
    """The groups holding activities that pass `flt`, in annex order, cut into parts of
    about `size` activities (a group is never cut): what the whole-plan view reads and
    renders one after another, so that no part of the work holds the whole plan."""
    stmt = (
        filtered_activities(plan_id, flt)
        .with_only_columns(Activity.group_id, func.count())
        .join(ContentGroup, ContentGroup.id == Activity.group_id)
        .group_by(Activity.group_id, ContentGroup.position)
        .order_by(ContentGroup.position)
    )
    result: list[list[int]] = [[]]
    filled = 0
    for group_id, count in db.session.connection().execute(stmt):
        if filled >= size:
            result.append([])
            filled = 0
        result[-1].append(group_id)
        filled += count
    return [part for part in result if part]


def _groups(plan_id: int) -> dict[int, tuple[int, str, str, str]]:
    """The plan's groups: id → (id, label, title, intro), in the annex's order."""
    stmt = (
        select(ContentGroup.id, ContentGroup.label, ContentGroup.title, ContentGroup.intro)
        .where(ContentGroup.plan_id == plan_id)
        .order_by(ContentGroup.position)
    )
    return {row[0]: tuple(row) for row in db.session.connection().execute(stmt)}  # type: ignore[misc]


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
    for activity_id, short_name, number, name in db.session.connection().execute(stmt):
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
