"""Writing the history: every change to the annex with who, when, before and after."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import select

from tracker.domain.dates import screen_date
from tracker.domain.documents import activity_label
from tracker.extensions import db
from tracker.models import (
    Activity,
    Change,
    ContentGroup,
    DeadlineChange,
    Plan,
    ProgressReport,
    User,
)

CLI_ACTOR = "dòng lệnh"
# The deadline as a date, beside its text for people: record() keeps it out of the
# history it shows, record_activity_update() writes a DeadlineChange when it moves.
DUE_KEY = "_due_on"


def _shown(values: dict[str, Any] | None) -> dict[str, Any] | None:
    return None if values is None else {k: v for k, v in values.items() if k != DUE_KEY}


def record(
    user: User | None,
    *,
    entity: str,
    action: str,
    entity_id: int | None,
    plan_id: int | None,
    activity_id: int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    note: str = "",
) -> Change:
    change = Change(
        user=user,
        actor=user.full_name if user else CLI_ACTOR,
        entity=entity,
        action=action,
        entity_id=entity_id,
        plan_id=plan_id,
        activity_id=activity_id,
        before=_shown(before),
        after=_shown(after),
        note=note,
    )
    db.session.add(change)
    return change


def plan_changed(
    user: User | None,
    plan: Plan,
    note: str,
    *,
    action: str = "update",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> Change:
    """A plan made, or a change to its own settings (periods, frameworks, archive, report
    details…)."""
    return record(
        user,
        entity="plan",
        action=action,
        entity_id=plan.id,
        plan_id=plan.id,
        before=before,
        after=after,
        note=note,
    )


def report_changed(
    user: User | None,
    report: ProgressReport,
    note: str,
    *,
    action: str = "update",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> Change:
    """A change to a unit's progress report, filed under its plan and activity."""
    return record(
        user,
        entity="report",
        action=action,
        entity_id=report.id,
        plan_id=report.period.plan_id,
        activity_id=report.assignment.activity_id,
        before=before,
        after=after,
        note=note,
    )


def activity_snapshot(activity: Activity) -> dict[str, Any]:
    """What a person needs to see of an activity to understand a change to it."""
    return {
        "Nội dung": _group_name(activity.group),
        "Số thứ tự": activity.number_raw or activity.number or "",
        "Hoạt động": activity.text,
        "Đơn vị chủ trì": [a.unit.name for a in activity.assignments if a.role == "lead"],
        "Đơn vị phối hợp": [a.unit.name for a in activity.assignments if a.role == "support"],
        "Thời gian thực hiện": activity.timeframe_text,
        "Thời hạn": f"{screen_date(activity.due_on)}" if activity.due_on else "",
        DUE_KEY: activity.due_on,
        **_tags(activity),
        **({"Cột khác": dict(activity.extra)} if activity.extra else {}),
    }


def _tags(activity: Activity) -> dict[str, list[int]]:
    """Framework name → the numbers of the activity's dimensions in it ("Chỉ số PAPI":
    [5, 8]), for every framework the plan follows or the activity is tagged with."""
    # An import takes snapshots of activities not yet flushed: reading the plan's
    # frameworks must not flush them half-filled.
    with db.session.no_autoflush:
        tags: dict[str, list[int]] = {f.name: [] for f in activity.plan.frameworks}
        for d in activity.dimensions:
            tags.setdefault(d.framework.name, []).append(d.number)
    return tags


def _group_name(group: ContentGroup | None) -> str:
    if group is None:
        return ""
    return f"{group.label}. {group.title}".strip(". ") if group.label else group.title


def record_activity_update(
    activity: Activity, before: dict[str, Any], user: User | None, note: str
) -> bool:
    """Record what changed in an activity since `before` (a snapshot); False if nothing."""
    after = activity_snapshot(activity)
    changed = changed_keys(before, after)
    if not changed:
        return False
    if DUE_KEY in changed:
        _record_deadline_move(activity, before.get(DUE_KEY), activity.due_on)
    record(
        user,
        entity="activity",
        action="update",
        entity_id=activity.id,
        plan_id=activity.plan_id,
        activity_id=activity.id,
        before={k: before.get(k) for k in changed},
        after=changed,
        note=note,
    )
    return True


def changed_keys(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in after.items() if before.get(k) != v}


def _record_deadline_move(activity: Activity, before: date | None, after: date | None) -> None:
    db.session.add(
        DeadlineChange(
            plan_id=activity.plan_id, activity_id=activity.id, due_before=before, due_after=after
        )
    )


def activity_names(changes: Iterable[Change]) -> dict[int, str]:
    """activity id → how the history names it ("1.5", "(không số) «Đối thoại…»"): the
    stored activity, or for a removed one the number and text its last change kept."""
    changes = list(changes)
    ids = {c.activity_id for c in changes if c.activity_id is not None}
    if not ids:
        return {}
    stmt = select(Activity.id, Activity.number, Activity.text).where(Activity.id.in_(ids))
    names = {i: activity_label(number or "", text) for i, number, text in db.session.execute(stmt)}
    for c in changes:
        kept = c.before or c.after or {}
        if c.activity_id in ids - names.keys() and "Hoạt động" in kept:
            number = str(kept.get("Số thứ tự") or "").strip().rstrip(".,")
            names[c.activity_id] = activity_label(number, str(kept["Hoạt động"]))
    return names
