"""Archiving a plan (lưu trữ) and bringing it back.

A plan whose year is over stays in the database, readable as before (annex, reports,
figures, exports, its own calendar feed), but Phòng Nội vụ stops following it: it leaves
the units' work page, the reminders and digests, the unit and personal calendar feeds,
the daily figure snapshots and the plan list's default view. Unarchiving undoes all of
that. Both are written to the plan's history and the audit log.
"""

from __future__ import annotations

from tracker.clock import now_utc
from tracker.extensions import db
from tracker.models import Plan, User
from tracker.models.users import COORDINATOR
from tracker.services import audit, history, wording

FOLLOWED = "Đang theo dõi"
ARCHIVED = "Đã lưu trữ"


class ArchiveError(ValueError):
    """The message is for the user."""


def archive_plan(plan: Plan, user: User | None) -> None:
    """`user` None is the command line."""
    _check(plan, user)
    if plan.archived_at is not None:
        raise ArchiveError("Kế hoạch đã được lưu trữ từ trước.")
    plan.archived_at = now_utc()
    _record(plan, user, archived=True)


def unarchive_plan(plan: Plan, user: User | None) -> None:
    _check(plan, user)
    if plan.archived_at is None:
        raise ArchiveError("Kế hoạch đang được theo dõi, không ở trong lưu trữ.")
    plan.archived_at = None
    _record(plan, user, archived=False)


def _check(plan: Plan, user: User | None) -> None:
    if user is not None and user.role != COORDINATOR:
        raise ArchiveError(f"Chỉ {wording.office(plan)} được lưu trữ kế hoạch.")


def _record(plan: Plan, user: User | None, archived: bool) -> None:
    history.plan_changed(
        user,
        plan,
        "Lưu trữ kế hoạch" if archived else "Đưa kế hoạch ra khỏi lưu trữ",
        before={"Trạng thái kế hoạch": FOLLOWED if archived else ARCHIVED},
        after={"Trạng thái kế hoạch": ARCHIVED if archived else FOLLOWED},
    )
    action = "plan.archive" if archived else "plan.unarchive"
    audit.record(action, target=plan.reference, plan_id=plan.id, user=user)
    db.session.flush()
