"""The unit catalogue and each unit's page: what it leads, what it supports."""

from __future__ import annotations

from flask import g, render_template, request
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from tracker.domain.text import fold
from tracker.extensions import db
from tracker.models import LEAD, Activity, Assignment, Unit
from tracker.models.units import UNIT_KIND_LABELS
from tracker.services import catalog as catalog_service
from tracker.services import plans as plan_service
from tracker.services import tenancy
from tracker.web.auth import login_required
from tracker.web.units import sheet  # noqa: F401 - its routes are on bp
from tracker.web.units.common import bp


@bp.route("/units")
@login_required
def index():
    query = fold(request.args.get("q", ""))[:100]
    units = []
    for locality_units in _all_units():
        units.extend(u for u in locality_units if query in u.search_text)
    by_kind: dict[str, list[Unit]] = {}
    for unit in units:
        by_kind.setdefault(unit.kind, []).append(unit)
    sections = [
        (label, catalog_service.sorted_units(by_kind[kind]) if kind != "commune" else by_kind[kind])
        for kind, label in UNIT_KIND_LABELS.items()
        if kind in by_kind
    ]
    return render_template("units/list.html", sections=sections, q=request.args.get("q", ""))


def _all_units() -> list[list[Unit]]:
    """The units of every locality the reader may read (services.tenancy), by locality."""
    stmt = (
        select(Unit).options(selectinload(Unit.aliases)).order_by(Unit.locality_id, Unit.position)
    )
    readable = tenancy.readable(g.user)
    if readable is not None:
        stmt = stmt.where(Unit.locality_id.in_(readable))
    units = db.session.scalars(stmt).all()
    grouped: dict[int, list[Unit]] = {}
    for unit in units:
        grouped.setdefault(unit.locality_id, []).append(unit)
    return list(grouped.values())


@bp.route("/units/<int:unit_id>")
@login_required
def detail(unit_id: int):
    unit = db.get_or_404(Unit, unit_id)
    stmt = (
        select(Assignment)
        .where(or_(Assignment.unit_id == unit.id, Assignment.via_group_id == unit.id))
        .join(Activity)
        .options(selectinload(Assignment.activity).selectinload(Activity.plan))
        .order_by(Activity.plan_id.desc(), Activity.position)
    )
    seen: set[tuple[int, str]] = set()
    leads, supports = [], []
    for assignment in db.session.scalars(stmt):
        key = (assignment.activity_id, assignment.role)
        if key in seen:
            continue
        seen.add(key)
        (leads if assignment.role == LEAD else supports).append(assignment.activity)
    return render_template(
        "units/detail.html",
        unit=unit,
        leads=leads,
        supports=supports,
        groups=[g for g in _groups_containing(unit)],
        unit_labels=plan_service.unit_labels,
    )


def _groups_containing(unit: Unit) -> list[Unit]:
    return [
        g for g in db.session.scalars(select(Unit).where(Unit.kind == "group")) if unit in g.members
    ]
