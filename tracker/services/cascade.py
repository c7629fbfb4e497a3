"""Cascading plans (issue 16; the rules in domain.cascade): a commune takes the activities
its province's plan assigns it into its own plan, as linked activities, and the province
sees what its communes have carried out without anyone entering it twice.

- `create_communes` makes a commune (a tenant) for each commune of the province's unit
  catalogue and links the unit to it (`Unit.commune_id`); `link_communes` links those
  already made.
- A commune's plan carries out one province plan (`Plan.parent_plan_id`).
- `offers` lists the province activities a commune's plan may take in, `take_in` takes
  one: same text and timeframe (or a tighter deadline), led by the commune's offices.
- `commune_progress` is what the province sees: per activity, "45/103 xã, phường" with
  the communes' names — from the province's own figures, where the communes' reports
  already count (services.figures).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from tracker.domain.cascade import tightened_deadline_error
from tracker.domain.places import place_name
from tracker.domain.text import name_key, one_line
from tracker.domain.timeframes import read_timeframe
from tracker.domain.units import UnitKind
from tracker.extensions import db
from tracker.models import LEAD, Activity, Assignment, ContentGroup, Locality, Plan, Unit, User
from tracker.models.units import COMMUNE, PROVINCE
from tracker.services import frameworks, history
from tracker.services.activities import record_created, set_assignments


class CascadeError(ValueError):
    """The activity cannot be taken in; the message is for the user."""


# ---- communes of a province ------------------------------------------------------------------

COMMITTEE_PREFIXES = ("ủy ban nhân dân ", "ubnd ")


def commune_name(unit_name: str) -> str:
    """ "UBND phường Tân Thành" → "phường Tân Thành": the commune a catalogue unit names."""
    name = one_line(unit_name)
    for prefix in COMMITTEE_PREFIXES:
        if name.lower().startswith(prefix):
            return name[len(prefix) :]
    return name


def commune_units(province: Locality) -> list[Unit]:
    stmt = (
        select(Unit)
        .where(Unit.locality_id == province.id, Unit.kind == UnitKind.COMMUNE)
        .order_by(Unit.position, Unit.id)
    )
    return list(db.session.scalars(stmt))


def link_communes(province: Locality) -> int:
    """Link the province's commune units to the communes of that name; how many were linked."""
    communes = {
        name_key(c.name): c
        for c in db.session.scalars(select(Locality).where(Locality.parent_id == province.id))
    }
    linked = 0
    for unit in commune_units(province):
        commune = communes.get(name_key(commune_name(unit.name)))
        if commune is not None and unit.commune_id != commune.id:
            unit.commune_id = commune.id
            linked += 1
    return linked


def create_communes(province: Locality) -> list[Locality]:
    """A commune (tenant) for each commune unit of the province's catalogue that has none."""
    if province.level != PROVINCE:
        raise CascadeError(f"{province.name} không phải cấp tỉnh.")
    link_communes(province)
    made = []
    for unit in commune_units(province):
        if unit.commune_id is not None:
            continue
        name = commune_name(unit.name)
        commune = Locality(
            name=name,
            place_name=place_name(name),
            issuing_body=f"Ủy ban nhân dân {name}",
            province=province.name,
            level=COMMUNE,
            parent=province,
            is_demo=province.is_demo,  # a demo province's communes are sample data too
        )
        db.session.add(commune)
        unit.commune = commune
        made.append(commune)
    db.session.flush()
    return made


# ---- a commune's plan --------------------------------------------------------------------------


def province_plans(commune: Locality) -> list[Plan]:
    """The plans of the commune's province that a commune plan may carry out."""
    if commune.parent_id is None:
        return []
    stmt = (
        select(Plan)
        .where(Plan.locality_id == commune.parent_id, Plan.archived_at.is_(None))
        .order_by(Plan.year.desc(), Plan.id.desc())
    )
    return list(db.session.scalars(stmt))


def set_parent_plan(plan: Plan, parent: Plan | None, user: User | None) -> None:
    if parent is not None and parent.locality_id != plan.locality.parent_id:
        raise CascadeError("Kế hoạch được chọn không phải của tỉnh mà xã, phường này trực thuộc.")
    before = plan.parent_plan.reference if plan.parent_plan else ""
    plan.parent_plan = parent
    history.plan_changed(
        user,
        plan,
        "Gắn với kế hoạch của tỉnh",
        before={"Thực hiện kế hoạch của tỉnh": before},
        after={"Thực hiện kế hoạch của tỉnh": parent.reference if parent else ""},
    )


@dataclass(frozen=True)
class Offer:
    """A province activity assigned to the commune, and its linked activity once taken in."""

    activity: Activity
    role: str  # LEAD or SUPPORT: what the province asks of the commune
    linked: Activity | None


def offers(plan: Plan) -> list[Offer]:
    """The activities of the plan's province plan that name this commune, in annex order."""
    if plan.parent_plan_id is None:
        return []
    stmt = (
        select(Activity, Assignment.role)
        .join(Assignment, Assignment.activity_id == Activity.id)
        .join(Unit, Assignment.unit_id == Unit.id)
        .where(Activity.plan_id == plan.parent_plan_id, Unit.commune_id == plan.locality_id)
        .order_by(Activity.position, Assignment.role)
    )
    taken = {
        a.source_activity_id: a
        for a in db.session.scalars(
            select(Activity).where(
                Activity.plan_id == plan.id, Activity.source_activity_id.is_not(None)
            )
        )
    }
    found: dict[int, Offer] = {}
    for activity, role in db.session.execute(stmt):
        if activity.id not in found:  # lead before support
            found[activity.id] = Offer(activity, role, taken.get(activity.id))
    return list(found.values())


def _group_for(plan: Plan, source: ContentGroup) -> ContentGroup:
    """The commune plan's group with the province group's label and title, made if needed."""
    for group in plan.groups:
        if group.label == source.label and group.title == source.title:
            return group
    group = ContentGroup(
        plan=plan,
        position=max((g.position for g in plan.groups), default=0) + 1,
        label=source.label,
        title=source.title,
    )
    db.session.add(group)
    return group


def take_in(
    plan: Plan,
    source: Activity,
    lead_ids: list[int],
    due_on: date | None,
    user: User | None,
) -> Activity:
    """Take a province activity into the commune's plan, led by `lead_ids` (the commune's
    units); `due_on` tightens the province's deadline. Raises CascadeError."""
    if source.plan_id != plan.parent_plan_id:
        raise CascadeError("Hoạt động này không thuộc kế hoạch của tỉnh mà kế hoạch này thực hiện.")
    if not any(o.activity.id == source.id for o in offers(plan)):
        raise CascadeError("Kế hoạch của tỉnh không giao hoạt động này cho xã, phường này.")
    if any(a.source_activity_id == source.id for a in plan.activities):
        raise CascadeError("Hoạt động này đã có trong kế hoạch.")
    units = {
        u.id: u
        for u in db.session.scalars(
            select(Unit).where(Unit.id.in_(lead_ids), Unit.locality_id == plan.locality_id)
        )
    }
    if not lead_ids or len(units) != len(set(lead_ids)):
        raise CascadeError("Chọn ít nhất một đơn vị chủ trì của xã, phường.")
    if any(u.kind in (UnitKind.GROUP, UnitKind.VAGUE) for u in units.values()):
        raise CascadeError("Đơn vị chủ trì phải là một đơn vị cụ thể, không phải một nhóm.")
    timeframe = source.timeframe
    if due_on is not None:
        problem = tightened_deadline_error(source.due_on, due_on)
        if problem:
            raise CascadeError(problem)
        timeframe = read_timeframe(
            f"Trước ngày {due_on.day}/{due_on.month}/{due_on.year}", plan.year
        )
    dimensions, position = (
        list(source.dimensions),
        max((a.position for a in plan.activities), default=0),
    )
    group = _group_for(plan, source.group)
    activity = Activity(
        plan=plan,
        group=group,
        position=position + 1,
        number_raw=source.number_raw,
        number=source.number,
        text=source.text,
        lead_text="; ".join(units[i].name for i in dict.fromkeys(lead_ids)),
        source_activity=source,
        extra={},
    )
    db.session.add(activity)
    activity.timeframe = timeframe
    activity.original_due_on = activity.due_on
    activity.dimensions = dimensions
    frameworks.follow_frameworks_of(plan, dimensions, user)
    set_assignments(activity, [(i, LEAD, None) for i in dict.fromkeys(lead_ids)], units)
    record_created(activity, user, "Nhận từ kế hoạch của tỉnh")
    return activity


# ---- what the province sees -----------------------------------------------------------------


def commune_plans(plan: Plan) -> list[Plan]:
    """The communes' plans that carry out this (province) plan, by commune name."""
    stmt = (
        select(Plan)
        .join(Locality, Plan.locality_id == Locality.id)
        .where(Plan.parent_plan_id == plan.id)
        .order_by(Locality.name, Plan.id)
    )
    return list(db.session.scalars(stmt))
