"""A group of units is named by one rule (domain.units.shown_units) wherever an activity's
units are listed: the annex page (a page of rows, or one activity's loaded assignments,
which the Word and Excel annexes use) and the plan's calendar feed. The seeded Vĩnh Châu
plan assigns activities to «UBND xã, phường» (its communes); once one commune is taken
off such an activity, every list names the communes left one by one."""

from __future__ import annotations

from sqlalchemy import delete, select

from tracker.extensions import db
from tracker.models import Activity, Assignment, Plan, Unit, UnitGroupMember
from tracker.services import plans
from tracker.services.calendar.queries import assigned_units, units_shown

LEAD = "lead"


def _lists(activity_id: int) -> dict[str, list[str]]:
    """The lead units of one activity as each caller names them."""
    db.session.expire_all()
    page = [label.name for label in plans.page_labels([activity_id])[(activity_id, LEAD)]]
    loaded = db.session.scalar(
        select(Activity).where(Activity.id == activity_id).options(*plans.MATRIX_LOADS)
    )
    annex = [label.name for label in plans.unit_labels(loaded, LEAD)]
    rows = db.session.execute(
        assigned_units()
        .where(Assignment.activity_id == activity_id)
        .order_by(Assignment.activity_id, Assignment.role, Assignment.position)
    ).all()
    feed = [name for role, _, name in units_shown(rows)[activity_id] if role == LEAD]
    return {"page": page, "annex": annex, "feed": feed}


def test_a_group_is_named_alike_everywhere_until_a_member_is_taken_off(demo_app):
    with demo_app.app_context():
        plan_id = db.session.scalar(select(Plan.id).order_by(Plan.id))
        activity_id, group_id = db.session.execute(
            select(Assignment.activity_id, Assignment.via_group_id)
            .join(Activity)
            .where(
                Activity.plan_id == plan_id,
                Assignment.role == LEAD,
                Assignment.via_group_id.is_not(None),
            )
            .order_by(Activity.position)
            .limit(1)
        ).one()
        group = db.session.get(Unit, group_id)
        members = set(
            db.session.scalars(
                select(UnitGroupMember.member_id).where(UnitGroupMember.group_id == group_id)
            )
        )
        assert len(members) > 1
        others = [
            name
            for name, via in db.session.execute(
                select(Unit.name, Assignment.via_group_id)
                .join(Unit, Unit.id == Assignment.unit_id)
                .where(Assignment.activity_id == activity_id, Assignment.role == LEAD)
                .order_by(Assignment.position)
            )
            if via != group_id
        ]

        before = _lists(activity_id)
        assert before["page"] == before["annex"]
        assert group.name in before["page"]
        assert sorted(before["page"]) == sorted([group.name, *others])
        assert before["feed"] == [
            f"{group.name} ({len(members)})" if name == group.name else name
            for name in before["page"]
        ]

        taken_off = min(members)
        db.session.execute(
            delete(Assignment).where(
                Assignment.activity_id == activity_id, Assignment.unit_id == taken_off
            )
        )
        db.session.commit()
        left = set(db.session.scalars(select(Unit.name).where(Unit.id.in_(members - {taken_off}))))
        after = _lists(activity_id)
        assert after["page"] == after["annex"] == after["feed"]
        assert group.name not in after["page"]
        assert set(after["page"]) == left | set(others)
