"""Plans: creation, lookup, the annex matrix with its filters, and its JSON shape."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple

from sqlalchemy import Row, Select, func, select, union
from sqlalchemy.orm import selectinload

from tracker.domain.resolve import ResolvedAnnex
from tracker.domain.text import fold, one_line
from tracker.domain.timeframes import Timeframe, TimeframeKind
from tracker.domain.units import Placed as Assigned
from tracker.domain.units import UnitCatalog, UnitKind, shown_units
from tracker.extensions import db
from tracker.models import (
    LEAD,
    SUPPORT,
    Activity,
    Assignment,
    ContentGroup,
    Locality,
    Plan,
    Unit,
    UnitGroupMember,
    User,
    activity_dimension,
)
from tracker.services import frameworks, history, tenancy, wording
from tracker.services.periods import ensure_periods

NOUNS = ("nhiệm vụ", "chỉ tiêu", "nội dung", "phần việc", "hoạt động")


class PlanError(ValueError):
    """The plan cannot be created or found; the message is for the user."""


def create_plan(
    locality: Locality,
    *,
    number: str,
    issued_on: date | None,
    year: int,
    title: str,
    noun: str,
    user: User | None,
) -> Plan:
    title = one_line(title)
    if not title:
        raise PlanError("Trích yếu kế hoạch không được để trống.")
    if not 2000 <= year <= 2100:
        raise PlanError("Năm kế hoạch không hợp lệ.")
    if len(one_line(number)) > Plan.number.type.length:
        raise PlanError(f"Số kế hoạch dài quá {Plan.number.type.length} ký tự.")
    plan = Plan(
        locality=locality,
        number=one_line(number),
        issued_on=issued_on,
        year=year,
        title=title,
        noun=one_line(noun) or "nhiệm vụ",
        issuer=locality.issuing_body,
    )
    plan.frameworks = frameworks.default_frameworks()
    db.session.add(plan)
    db.session.flush()

    ensure_periods(plan)
    history.plan_changed(
        user,
        plan,
        "Tạo kế hoạch",
        action="create",
        after={"Kế hoạch": plan.reference, "Trích yếu": plan.title},
    )
    return plan


def find_plan(ref: str | int) -> Plan | None:
    """A plan by id, by number ("63/KH-UBND") or by year when only one plan has it."""
    text = str(ref).strip()
    if text.isdigit():
        plan = db.session.get(Plan, int(text))
        if plan is not None:
            return plan
        by_year = db.session.scalars(select(Plan).where(Plan.year == int(text))).all()
        return by_year[0] if len(by_year) == 1 else None
    return db.session.scalar(select(Plan).where(Plan.number == text).order_by(Plan.id.desc()))


def _newest_first(stmt: Select[tuple[Plan]], reader: User | None) -> list[Plan]:
    """`stmt`'s plans, newest first; with a `reader`, only those it may read (tenancy)."""
    condition = tenancy.plan_filter(reader) if reader is not None else None
    if condition is not None:
        stmt = stmt.where(condition)
    return list(db.session.scalars(stmt.order_by(Plan.year.desc(), Plan.id.desc())))


def all_plans(reader: User | None = None) -> list[Plan]:
    """Every plan, archived ones too, newest first."""
    return _newest_first(select(Plan), reader)


def followed_plans(reader: User | None = None) -> list[Plan]:
    """The plans not archived (services.plan_archive), newest first: the ones units
    report on, reminders chase and lists show by default."""
    return _newest_first(select(Plan).where(Plan.archived_at.is_(None)), reader)


def archived_plans(reader: User | None = None) -> list[Plan]:
    return _newest_first(select(Plan).where(Plan.archived_at.is_not(None)), reader)


def activity_counts() -> dict[int, int]:
    """Plan id → its number of activities, counted by the database (the plan list)."""
    stmt = select(Activity.plan_id, func.count()).group_by(Activity.plan_id)
    return dict(db.session.execute(stmt).all())


@dataclass(frozen=True)
class MatrixFilter:
    unit_id: int | None = None
    dimension_id: int | None = None
    timeframe_kind: str | None = None
    query: str = ""

    @property
    def active(self) -> bool:
        return bool(self.unit_id or self.dimension_id or self.timeframe_kind or self.query)


def filtered_activities(plan_id: int, flt: MatrixFilter):  # type: ignore[no-untyped-def]
    """The plan's activities that pass `flt`, as a query to refine."""
    stmt = select(Activity).where(Activity.plan_id == plan_id)
    if flt.unit_id:
        # Looked up from the unit's side (its index), not tried on every activity.
        stmt = stmt.where(
            Activity.id.in_(
                union(
                    select(Assignment.activity_id).where(Assignment.unit_id == flt.unit_id),
                    select(Assignment.activity_id).where(Assignment.via_group_id == flt.unit_id),
                )
            )
        )
    if flt.dimension_id:
        stmt = stmt.where(
            Activity.id.in_(
                select(activity_dimension.c.activity_id).where(
                    activity_dimension.c.dimension_id == flt.dimension_id
                )
            )
        )
    if flt.timeframe_kind:
        stmt = stmt.where(Activity.timeframe_kind == flt.timeframe_kind)
    for word in fold(flt.query).split():
        escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        stmt = stmt.where(Activity.search_text.like(f"%{escaped}%", escape="\\"))
    return stmt


# What a row of the annex matrix shows, loaded with its activities in a few queries.
MATRIX_LOADS = (
    selectinload(Activity.assignments).selectinload(Assignment.unit),
    selectinload(Activity.assignments)
    .selectinload(Assignment.via_group)
    .selectinload(Unit.members),
    selectinload(Activity.dimensions),
)


def matrix_count(plan: Plan, flt: MatrixFilter) -> int:
    return db.session.scalar(
        select(func.count()).select_from(filtered_activities(plan.id, flt).subquery())
    )


def matrix(
    plan: Plan,
    flt: MatrixFilter,
    limit: int | None = None,
    offset: int = 0,
    loads: tuple[Any, ...] = MATRIX_LOADS,
) -> list[tuple[ContentGroup, list[Activity]]]:
    """The plan's groups with their activities that pass the filter, in annex order, as
    loaded objects (the JSON annex, the exports); `limit`/`offset` take one page of
    activities (a group split by a page shows on both). The annex page reads plain rows
    instead (services.matrix)."""
    stmt = (
        filtered_activities(plan.id, flt)
        .options(*loads)
        .order_by(Activity.position)
        .offset(offset)
        .limit(limit)
    )
    activities = db.session.scalars(stmt).all()
    groups = {g.id: g for g in plan.groups}
    result: dict[int, tuple[ContentGroup, list[Activity]]] = {}
    for activity in activities:
        result.setdefault(activity.group_id, (groups[activity.group_id], []))[1].append(activity)
    return sorted(result.values(), key=lambda pair: pair[0].position)


@dataclass(frozen=True)
class Overview:
    """What the plan overview shows, read with a few aggregate queries."""

    group_counts: list[tuple[ContentGroup, int]]
    activity_count: int
    by_kind: dict[str, int]
    waiting: list[Activity]  # timeframe not understood or set by another plan
    vague: list[tuple[Activity, list[str]]]  # activities naming a vague unit
    no_lead: list[Activity]


def overview(plan: Plan) -> Overview:
    per_group = dict(
        db.session.execute(
            select(Activity.group_id, func.count())
            .where(Activity.plan_id == plan.id)
            .group_by(Activity.group_id)
        ).all()
    )
    by_kind = dict(
        db.session.execute(
            select(Activity.timeframe_kind, func.count())
            .where(Activity.plan_id == plan.id)
            .group_by(Activity.timeframe_kind)
        ).all()
    )
    waiting = db.session.scalars(
        select(Activity)
        .where(Activity.plan_id == plan.id, Activity.timeframe_kind.in_(("undated", "other_plan")))
        .order_by(Activity.position)
    ).all()
    vague_rows = db.session.execute(
        select(Activity, Unit.name)
        .join(Assignment, Assignment.activity_id == Activity.id)
        .join(Unit, Assignment.unit_id == Unit.id)
        .where(Activity.plan_id == plan.id, Unit.kind == UnitKind.VAGUE)
        .order_by(Activity.position)
    ).all()
    vague: dict[int, tuple[Activity, list[str]]] = {}
    for activity, name in vague_rows:
        vague.setdefault(activity.id, (activity, []))[1].append(name)
    no_lead = db.session.scalars(
        select(Activity)
        .where(Activity.plan_id == plan.id, ~Activity.assignments.any(Assignment.role == LEAD))
        .order_by(Activity.position)
    ).all()
    return Overview(
        [(g, per_group.get(g.id, 0)) for g in plan.groups if per_group.get(g.id)],
        sum(per_group.values()),
        by_kind,
        list(waiting),
        list(vague.values()),
        list(no_lead),
    )


@dataclass(frozen=True)
class UnitLabel:
    name: str
    unit_id: int
    count: int = 1  # members shown under one group name
    is_vague: bool = False


class Placed(NamedTuple):
    """One assignment as the unit columns show it."""

    unit_id: int
    name: str
    kind: str
    via_group_id: int | None


def labels(placed: list[Placed], groups: Mapping[int, tuple[str, int]]) -> list[UnitLabel]:
    """Units of one activity in one role, named by the one rule (domain.units.shown_units):
    a group whose members are all assigned through it shows once, by its name. `groups`:
    group id → (name, members)."""
    vague = {p.unit_id for p in placed if p.kind == UnitKind.VAGUE}
    shown = shown_units((Assigned(p.unit_id, p.name, p.via_group_id) for p in placed), groups)
    return [
        UnitLabel(s.name, s.group_id, s.members)
        if s.group_id is not None
        else UnitLabel(s.name, s.unit_id, 1, s.unit_id in vague)
        for s in shown
    ]


def unit_labels(activity: Activity, role: str) -> list[UnitLabel]:
    """`labels` of an activity whose assignments are loaded (MATRIX_LOADS)."""
    rows = [a for a in activity.assignments if a.role == role]
    groups = {
        a.via_group.id: (a.via_group.name, len(a.via_group.members))
        for a in rows
        if a.via_group is not None
    }
    return labels(
        [Placed(a.unit_id, a.unit.name, a.unit.kind, a.via_group_id) for a in rows], groups
    )


def page_labels(activity_ids: list[int]) -> dict[tuple[int, str], list[UnitLabel]]:
    """(activity id, role) → `labels`, for a page of the annex in two plain queries
    instead of loading every assignment, unit and group as objects."""
    stmt = (
        select(
            Assignment.activity_id,
            Assignment.role,
            Assignment.unit_id,
            Unit.name,
            Unit.kind,
            Assignment.via_group_id,
        )
        .join(Unit, Unit.id == Assignment.unit_id)
        .where(Assignment.activity_id.in_(activity_ids))
        .order_by(Assignment.activity_id, Assignment.position)
    )
    placed: dict[tuple[int, str], list[Placed]] = {}
    for activity_id, role, *rest in db.session.connection().execute(stmt).all():
        placed.setdefault((activity_id, role), []).append(Placed(*rest))
    group_ids = {p.via_group_id for found in placed.values() for p in found if p.via_group_id}
    groups: dict[int, tuple[str, int]] = {}
    if group_ids:
        group_rows = db.session.connection().execute(
            select(Unit.id, Unit.name, func.count(UnitGroupMember.member_id))
            .outerjoin(UnitGroupMember, UnitGroupMember.group_id == Unit.id)
            .where(Unit.id.in_(group_ids))
            .group_by(Unit.id, Unit.name)
        )
        groups = {group_id: (name, members) for group_id, name, members in group_rows}
    # Most cells name units directly, the same few again and again: one label each.
    single: dict[int, UnitLabel] = {}
    result = {}
    for key, found in placed.items():
        if any(p.via_group_id for p in found):
            result[key] = labels(found, groups)
            continue
        cell = []
        for p in found:
            label = single.get(p.unit_id)
            if label is None:
                label = single[p.unit_id] = UnitLabel(
                    p.name, p.unit_id, 1, p.kind == UnitKind.VAGUE
                )
            cell.append(label)
        result[key] = cell
    return result


def units_for_plan(plan: Plan) -> list[Unit]:
    """Units that have an assignment in the plan (groups included), catalogue order."""
    return units_for_plans([plan])


def units_for_plans(plans: list[Plan]) -> list[Unit]:
    """Units that have an assignment in any of the plans, groups assigned through
    included."""
    stmt = select(Unit).where(Unit.id.in_(_assigned_ids(plans))).order_by(Unit.position, Unit.id)
    return list(db.session.scalars(stmt))


def unit_choices(plan: Plan) -> list[Row[tuple[int, str]]]:
    """`units_for_plan` as (id, name) rows: the annex page's unit filter."""
    stmt = (
        select(Unit.id, Unit.name)
        .where(Unit.id.in_(_assigned_ids([plan])))
        .order_by(Unit.position, Unit.id)
    )
    return list(db.session.connection().execute(stmt))


def _assigned_ids(plans: list[Plan]) -> set[int]:
    """Units assigned in the plans and groups assigned through: their assignments read
    once (a plan of 2,000 activities has some 5,000)."""
    pairs = (
        select(Assignment.unit_id, Assignment.via_group_id)
        .join(Activity)
        .where(Activity.plan_id.in_([p.id for p in plans]))
        .distinct()
    )
    return {unit for pair in db.session.connection().execute(pairs) for unit in pair if unit}


# ---- JSON -------------------------------------------------------------------------


def timeframe_json(tf: Timeframe) -> dict[str, Any]:
    return {
        "text": tf.text,
        "kind": tf.kind.value,
        "starts_on": tf.starts_on.isoformat() if tf.starts_on else None,
        "due_on": tf.due_on.isoformat() if tf.due_on else None,
        "due_dates": [day.isoformat() for day in tf.due_dates],
        "cadence": tf.cadence.value if tf.cadence else None,
        "reading": tf.label(),
        "note": tf.note,
        "needs_review": tf.needs_review,
    }


def _problem_json(row: int | None, level: str, message: str) -> dict[str, Any]:
    return {"row": row, "level": level, "message": message}


def resolved_json(resolved: ResolvedAnnex, catalog: UnitCatalog) -> dict[str, Any]:
    """The parsed annex of a file (CLI --json): same shape as a stored plan's annex."""
    groups: dict[int, dict[str, Any]] = {}
    for item in resolved.activities:
        group = groups.setdefault(
            id(item.group),
            {
                "label": item.group.label,
                "title": item.group.title,
                "intro": item.group.intro,
                "activities": [],
            },
        )
        rows = {item.parsed.row}
        group["activities"].append(
            {
                "number": item.parsed.number,
                "number_raw": item.parsed.number_raw,
                "text": item.parsed.text,
                "lead": [catalog.get(u).name for u, _ in item.lead_units],
                "support": [catalog.get(u).name for u, _ in item.support_units],
                "lead_text": item.parsed.lead_text,
                "support_text": item.parsed.support_text,
                "timeframe": timeframe_json(item.timeframe),
                "extra": dict(item.parsed.extra),
                "problems": [
                    _problem_json(p.row, p.level, p.message)
                    for p in resolved.problems
                    if p.row in rows
                ],
            }
        )
    return {
        "groups": list(groups.values()),
        "problems": [_problem_json(p.row, p.level, p.message) for p in resolved.problems],
    }


SIGNER_ROLES = {
    "deputy": "KT. Chủ tịch — Phó Chủ tịch ký",
    "chairman": "Chủ tịch ký",
}
NOUNS = ("nhiệm vụ", "hoạt động", "chỉ tiêu", "nội dung", "phần việc")


@dataclass(frozen=True)
class ReportSettings:
    """What the report upward says of the plan beyond its annex."""

    noun: str
    basis: str
    recipient: str
    signer_name: str
    signer_role: str


def report_settings(plan: Plan) -> ReportSettings:
    return ReportSettings(plan.noun, plan.basis, plan.recipient, plan.signer_name, plan.signer_role)


def set_report_settings(plan: Plan, settings: ReportSettings, user: User | None) -> bool:
    """Store the plan's report settings; the change goes to the history. False when
    nothing changed."""
    noun = one_line(settings.noun).lower()
    if noun not in NOUNS:
        raise PlanError(f"Đơn vị đếm phải là một trong: {', '.join(NOUNS)}.")
    if settings.signer_role not in SIGNER_ROLES:
        raise PlanError("Chọn người ký báo cáo.")
    new = ReportSettings(
        noun,
        one_line(settings.basis),
        one_line(settings.recipient),
        one_line(settings.signer_name),
        settings.signer_role,
    )
    for field_name, limit in (("recipient", 300), ("signer_name", 100)):
        if len(getattr(new, field_name)) > limit:
            raise PlanError(f"Nội dung dài quá {limit} ký tự.")
    old = report_settings(plan)
    if new == old:
        return False
    labels = {
        "noun": "Đơn vị đếm",
        "basis": "Căn cứ báo cáo",
        "recipient": "Kính gửi",
        "signer_name": "Người ký",
        "signer_role": "Chức danh ký",
    }
    before = {labels[k]: v for k, v in vars(old).items() if getattr(new, k) != v}
    after = {labels[k]: v for k, v in vars(new).items() if getattr(old, k) != v}
    for key, value in vars(new).items():
        setattr(plan, key, value)
    history.plan_changed(
        user,
        plan,
        "Đổi thông tin báo cáo",
        before=before,
        after=after,
    )
    db.session.flush()
    return True


def plan_json(plan: Plan) -> dict[str, Any]:
    return {
        "id": plan.id,
        "number": plan.number,
        "issued_on": plan.issued_on.isoformat() if plan.issued_on else None,
        "year": plan.year,
        "title": plan.title,
        "issuer": plan.issuer,
        "noun": plan.noun,
        "archived_at": plan.archived_at.isoformat() if plan.archived_at else None,
    }


def stored_annex_json(plan: Plan) -> dict[str, Any]:
    """A stored plan's annex in the shape of `resolved_json`."""
    problems: list[dict[str, Any]] = []
    groups = []
    for group, activities in matrix(plan, MatrixFilter()):
        items = []
        for a in activities:
            own = _stored_problems(a)
            problems.extend(own)
            items.append(
                {
                    "id": a.id,
                    "number": a.number,
                    "number_raw": a.number_raw,
                    "text": a.text,
                    "lead": [x.unit.name for x in a.assignments if x.role == LEAD],
                    "support": [x.unit.name for x in a.assignments if x.role == SUPPORT],
                    "lead_text": a.lead_text,
                    "support_text": a.support_text,
                    "timeframe": timeframe_json(a.timeframe),
                    "dimensions": [d.id for d in a.dimensions],
                    "extra": dict(a.extra),
                    "problems": own,
                }
            )
        groups.append(
            {"label": group.label, "title": group.title, "intro": group.intro, "activities": items}
        )
    return {"plan": plan_json(plan), "groups": groups, "problems": problems}


def _stored_problems(activity: Activity) -> list[dict[str, Any]]:
    found = []
    kind = TimeframeKind(activity.timeframe_kind)
    if kind in (TimeframeKind.UNDATED, TimeframeKind.OTHER_PLAN):
        found.append(
            _problem_json(None, "info", f"Chờ ấn định thời hạn: {activity.timeframe.label()}")
        )
    office = wording.office(activity.plan)
    for a in activity.assignments:
        if a.unit.kind == UnitKind.VAGUE:
            found.append(
                _problem_json(
                    None,
                    "info",
                    f"Đơn vị chưa cụ thể: «{a.unit.name}» — chờ {office} xác định.",
                )
            )
    if not any(a.role == LEAD for a in activity.assignments):
        found.append(_problem_json(None, "warning", "Hoạt động chưa có đơn vị chủ trì."))
    return found
