"""Hand edits of the annex by Phòng Nội vụ: activities and their assignments.

Every edit writes a history row with the activity as it was and as it became.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from sqlalchemy import func, select

from tracker.domain.annex import normalise_number
from tracker.domain.annex_diff import ActivityState
from tracker.domain.text import fold, one_line
from tracker.domain.timeframes import read_timeframe
from tracker.domain.units import UnitKind
from tracker.extensions import db
from tracker.models import (
    LEAD,
    SUPPORT,
    Activity,
    Assignment,
    ContentGroup,
    IndexDimension,
    Plan,
    ProgressReport,
    Unit,
    User,
)
from tracker.services import audit, frameworks, history


class EditError(ValueError):
    """An edit that cannot be made; the message is for the user."""


def describe(activity: Activity) -> str:
    """ "Hoạt động 1.5: Tuyên truyền …", short enough for an audit row."""
    number = activity.number or activity.number_raw
    text = one_line(activity.text)
    return f"Hoạt động {number}: {text[:120]}" if number else f"Hoạt động: {text[:120]}"


def stored_state(activity: Activity) -> ActivityState:
    """The stored activity as the import diff compares it."""
    return ActivityState(
        group_label=activity.group.label,
        group_title=activity.group.title,
        number=activity.number,
        number_raw=activity.number_raw,
        text=activity.text,
        lead=tuple(a.unit_id for a in activity.assignments if a.role == LEAD),
        support=tuple(a.unit_id for a in activity.assignments if a.role == SUPPORT),
        timeframe_text=activity.timeframe_text,
        extra=tuple(activity.extra.items()),
        ref=activity.id,
        timeframe_reading=activity.timeframe.reading(),
    )


def set_assignments(
    activity: Activity,
    rows: Iterable[tuple[int, str, int | None]],
    units: Mapping[int, Unit] | None = None,
) -> None:
    """Replace the activity's assignments by (unit_id, role, via_group_id) rows, keeping
    the rows that stay (their ids matter to progress reports). `units` lets a caller
    that already holds the unit objects attach them without a query per row."""
    wanted: dict[tuple[int, str], int | None] = {}
    for unit_id, role, via in rows:
        wanted.setdefault((unit_id, role), via)
    kept = {(a.unit_id, a.role): a for a in activity.assignments}
    activity.assignments[:] = []
    for position, ((unit_id, role), via) in enumerate(wanted.items()):
        assignment = kept.get((unit_id, role))
        if assignment is None:
            assignment = Assignment(role=role)
            if units is not None and unit_id in units:
                assignment.unit = units[unit_id]
            else:
                assignment.unit_id = unit_id
        assignment.via_group_id = via
        assignment.position = position
        activity.assignments.append(assignment)


def update_search_text(activity: Activity) -> None:
    names = [a.unit.name for a in activity.assignments]
    parts = [
        activity.number or "",
        activity.text,
        *names,
        activity.lead_text,
        activity.support_text,
        activity.timeframe_text,
    ]
    activity.search_text = fold(" | ".join(parts))


def _groups_members(unit: Unit) -> list[tuple[int, int | None]]:
    if unit.kind == UnitKind.GROUP and unit.members:
        return [(m.id, unit.id) for m in unit.members]
    return [(unit.id, None)]


def add_activity(
    group: ContentGroup,
    number: str,
    text: str,
    timeframe_text: str,
    user: User | None,
    dimension_ids: Sequence[int] = (),
) -> Activity:
    text = one_line(text)
    if not text:
        raise EditError("Nội dung hoạt động không được để trống.")
    _check_number(number)
    plan = group.plan
    last = max((a.position for a in group.activities), default=None)
    if last is None:
        last = max((a.position for a in plan.activities), default=0)
    for other in plan.activities:
        if other.position > last:
            other.position += 1
    activity = Activity(plan=plan, group=group, position=last + 1, text=text)
    activity.number_raw = one_line(number)
    activity.number = normalise_number(activity.number_raw)
    activity.timeframe = read_timeframe(timeframe_text, plan.year)
    db.session.add(activity)
    activity.dimensions = _dimensions(plan, dimension_ids)
    record_created(activity, user, "Thêm bằng tay")
    return activity


def record_created(activity: Activity, user: User | None, note: str) -> None:
    """A new activity's search text and its "create" row in the history."""
    db.session.flush()
    update_search_text(activity)
    history.record(
        user,
        entity="activity",
        action="create",
        entity_id=activity.id,
        plan_id=activity.plan_id,
        activity_id=activity.id,
        after=history.activity_snapshot(activity),
        note=note,
    )


def edit_activity(
    activity: Activity,
    *,
    group: ContentGroup,
    number: str,
    text: str,
    timeframe_text: str,
    dimension_ids: Sequence[int],
    user: User | None,
) -> bool:
    """Change an activity's fields; returns False when nothing changed."""
    text = one_line(text)
    if not text:
        raise EditError("Nội dung hoạt động không được để trống.")
    if group.plan_id != activity.plan_id:
        raise EditError("Nhóm nội dung không thuộc kế hoạch này.")
    _check_number(number)
    before = history.activity_snapshot(activity)
    activity.group = group
    if one_line(number) != activity.number_raw:
        activity.number_raw = one_line(number)
        activity.number = normalise_number(activity.number_raw)
    activity.text = text
    if one_line(timeframe_text) != activity.timeframe_text:
        activity.timeframe = read_timeframe(timeframe_text, activity.plan.year)
    activity.dimensions = _dimensions(activity.plan, dimension_ids)
    return _record_update(activity, before, user, "Sửa bằng tay")


def _check_number(number: str) -> None:
    if len(one_line(number)) > Activity.number_raw.type.length:
        raise EditError(f"Số thứ tự dài quá {Activity.number_raw.type.length} ký tự.")


def _dimensions(plan: Plan, ids: Sequence[int]) -> list[IndexDimension]:
    """The dimensions `ids`, each of a framework the plan follows."""
    wanted = set(ids)
    found = [d for d in frameworks.offered_dimensions(plan) if d.id in wanted]
    if len(found) != len(wanted):
        raise EditError("Có chỉ số không thuộc bộ chỉ số kế hoạch theo dõi; chọn lại.")
    return sorted(found, key=lambda d: d.id)


def _record_update(activity: Activity, before: dict, user: User | None, note: str) -> bool:
    db.session.flush()
    update_search_text(activity)
    return history.record_activity_update(activity, before, user, note)


def add_assignment(activity: Activity, unit: Unit, role: str, user: User | None) -> bool:
    if role not in (LEAD, SUPPORT):
        raise EditError("Vai trò không hợp lệ.")
    if unit.locality_id != activity.plan.locality_id:
        raise EditError("Đơn vị không thuộc địa phương của kế hoạch.")
    before = history.activity_snapshot(activity)
    rows = [(a.unit_id, a.role, a.via_group_id) for a in activity.assignments]
    rows += [(unit_id, role, via) for unit_id, via in _groups_members(unit)]
    set_assignments(activity, rows)
    return _record_update(activity, before, user, "Thêm đơn vị")


def reported_assignment_ids(assignment_ids: Iterable[int]) -> set[int]:
    """Assignments that already have progress reports: removing them would lose data."""
    ids = list(assignment_ids)
    if not ids:
        return set()
    stmt = select(ProgressReport.assignment_id).where(ProgressReport.assignment_id.in_(ids))
    return set(db.session.scalars(stmt))


def remove_assignment(assignment: Assignment, user: User | None) -> None:
    if reported_assignment_ids([assignment.id]):
        raise EditError(
            f"«{assignment.unit.name}» đã báo cáo tiến độ cho hoạt động này; không bỏ được. "
            "Dùng «Giao lại» nếu cần chuyển cho đơn vị khác."
        )
    activity = assignment.activity
    before = history.activity_snapshot(activity)
    audit.record(
        "delete.assignment",
        target=f"{assignment.unit.name} — {describe(activity)}",
        plan_id=activity.plan_id,
        detail={"Vai trò": "Chủ trì" if assignment.role == LEAD else "Phối hợp"},
        user=user,
    )
    activity.assignments.remove(assignment)
    _record_update(activity, before, user, "Bỏ đơn vị")


def move_activity(activity: Activity, step: int, user: User | None) -> bool:
    """Swap with the previous (step -1) or next (+1) activity of the same group."""
    siblings = sorted(activity.group.activities, key=lambda a: a.position)
    index = siblings.index(activity)
    target = index + step
    if not 0 <= target < len(siblings):
        return False
    other = siblings[target]
    activity.position, other.position = other.position, activity.position
    history.record(
        user,
        entity="activity",
        action="move",
        entity_id=activity.id,
        plan_id=activity.plan_id,
        activity_id=activity.id,
        before={"Vị trí trong nhóm": index + 1},
        after={"Vị trí trong nhóm": target + 1},
        note="Đổi thứ tự",
    )
    db.session.flush()
    return True


def taken_in(activity: Activity) -> int:
    """How many activities of communes' plans were taken in from this one (services.cascade)."""
    stmt = select(func.count()).where(Activity.source_activity_id == activity.id)
    return db.session.scalar(stmt) or 0


def delete_activity(activity: Activity, user: User | None, note: str = "Xóa bằng tay") -> None:
    if reported_assignment_ids(a.id for a in activity.assignments):
        raise EditError("Hoạt động đã có báo cáo tiến độ của đơn vị; không xóa được.")
    if n := taken_in(activity):
        raise EditError(
            f"{n:02d} xã, phường đã đưa hoạt động này vào kế hoạch của mình; không xóa được."
        )
    history.record(
        user,
        entity="activity",
        action="delete",
        entity_id=activity.id,
        plan_id=activity.plan_id,
        activity_id=activity.id,
        before=history.activity_snapshot(activity),
        note=note,
    )
    audit.record(
        "delete.activity",
        target=describe(activity),
        plan_id=activity.plan_id,
        detail={"Ghi chú": note},
        user=user,
    )
    db.session.delete(activity)
    db.session.flush()
