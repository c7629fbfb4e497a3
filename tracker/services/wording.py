"""Whose words a page, an e-mail, a feed or an export speaks (issue 16): the coordinating
office is the one of the locality the thing belongs to — the plan being viewed or
written about; else the person's own locality (services.tenancy.home); else the
instance's only locality. With several localities and none of these, no office is
named: the neutral words of domain.offices fit every level."""

from __future__ import annotations

from sqlalchemy import select

from tracker.domain.offices import NEUTRAL_OFFICE, default_office_name
from tracker.extensions import db
from tracker.models import Locality, Plan, User


def locality_for(
    plan: Plan | int | None = None, user: User | None = None, locality_id: int | None = None
) -> Locality | None:
    """The locality whose words to use: `locality_id`'s, the plan's (an object or an id),
    the user's, the instance's only one; None when there is no single answer."""
    if locality_id is None and isinstance(plan, int):
        locality_id = db.session.scalar(select(Plan.locality_id).where(Plan.id == plan))
    elif locality_id is None and plan is not None:
        return plan.locality
    if locality_id is not None:
        return db.session.get(Locality, locality_id)
    if user is not None and user.unit is not None:
        return user.unit.locality
    only = db.session.scalars(select(Locality).limit(2)).all()
    return only[0] if len(only) == 1 else None


def office_of(locality: Locality | None) -> str:
    """ "Phòng Nội vụ", "Sở Nội vụ", "Văn phòng HĐND và UBND"; the neutral words when
    `locality` is None."""
    if locality is None:
        return NEUTRAL_OFFICE
    return locality.office_name or default_office_name(locality.level)


def office(plan: Plan | int | None = None, user: User | None = None) -> str:
    """The coordinating office's name for a plan or a person (see `locality_for`)."""
    return office_of(locality_for(plan, user))
