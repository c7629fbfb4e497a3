"""Whose data a person may read and change (issue 16: one instance for a province and its
communes). Each locality — a province, a commune, a historical district — is a tenant:
its plans, units, reports and accounts are its own.

- An account attached to a unit belongs to that unit's locality. It reads and changes
  that locality's data only (within what its role allows elsewhere).
- A province's coordinator and leaders also read its communes' data (the plans that
  cascade from the province's), unless TRACKER_PROVINCE_READS_COMMUNES is 0; they never
  change it. A commune never sees another commune's data.
- An account attached to no unit is the instance's own (the leader of a province kept in
  a separate instance, a support account): it reads every locality, as before there
  were several.

`web.tenancy` applies this to every route that takes an object's id, in one place."""

from __future__ import annotations

from typing import Any

from flask import current_app, g
from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import InstrumentedAttribute

from tracker.extensions import db
from tracker.models import (
    Activity,
    Assignment,
    Attachment,
    CalendarToken,
    ContentGroup,
    Locality,
    Notification,
    Plan,
    ProgressReport,
    ReportingPeriod,
    Unit,
    User,
)
from tracker.models.calendar import UNIT_FEED
from tracker.models.units import PROVINCE
from tracker.models.users import OFFICER


def home(user: User) -> int | None:
    """The account's locality; None for an account of the whole instance."""
    return user.unit.locality_id if user.unit is not None else None


def readable(user: User) -> set[int] | None:
    """The localities whose data `user` may read; None: every one — also while the
    instance holds one locality only, where everything is that locality's (an account of
    no unit, such as a leader, is then one of its own)."""
    known: dict[int, set[int] | None] = g.setdefault("tenancy_readable", {})
    if user.id not in known:
        known[user.id] = _readable(user)
    return known[user.id]


def _readable(user: User) -> set[int] | None:
    mine = home(user)
    if mine is None or db.session.scalar(select(func.count()).select_from(Locality)) < 2:
        return None
    ids = {mine}
    if user.role != OFFICER and current_app.config["PROVINCE_READS_COMMUNES"]:
        locality = db.session.get(Locality, mine)
        if locality is not None and locality.level == PROVINCE:
            children = select(Locality.id).where(Locality.parent_id == mine)
            ids.update(db.session.scalars(children))
    return ids


def may_read(user: User, locality_id: int | None) -> bool:
    allowed = readable(user)
    return allowed is None or locality_id is None or locality_id in allowed


def sees_province_view(user: User) -> bool:
    """The province page (districts' and communes' figures side by side: services.province)
    is the province's: an account of a province, or of the whole instance."""
    if readable(user) is None:
        return True
    locality = db.session.get(Locality, home(user))
    return locality is not None and locality.level == PROVINCE


def may_change(user: User, locality_id: int | None) -> bool:
    mine = home(user)
    return mine is None or locality_id is None or locality_id == mine


def _via_activity() -> Select[tuple[int]]:
    """A plan's locality, joined down to its activities."""
    return select(Plan.locality_id).join(Activity, Activity.plan_id == Plan.id)


def _via_period() -> Select[tuple[int]]:
    """A plan's locality, joined down to its reporting periods."""
    return select(Plan.locality_id).join(ReportingPeriod, ReportingPeriod.plan_id == Plan.id)


def _via_report() -> Select[tuple[int]]:
    """A plan's locality, joined down to its periods' reports."""
    return _via_period().join(ProgressReport, ProgressReport.period_id == ReportingPeriod.id)


# The locality of the object each route argument names: one query, no object loaded.
LOCALITY_OF = {
    "plan_id": lambda i: select(Plan.locality_id).where(Plan.id == i),
    "activity_id": lambda i: _via_activity().where(Activity.id == i),
    "group_id": lambda i: (
        select(Plan.locality_id)
        .join(ContentGroup, ContentGroup.plan_id == Plan.id)
        .where(ContentGroup.id == i)
    ),
    "assignment_id": lambda i: (
        _via_activity()
        .join(Assignment, Assignment.activity_id == Activity.id)
        .where(Assignment.id == i)
    ),
    "period_id": lambda i: _via_period().where(ReportingPeriod.id == i),
    "report_id": lambda i: _via_report().where(ProgressReport.id == i),
    "attachment_id": lambda i: (
        _via_report()
        .join(Attachment, Attachment.report_id == ProgressReport.id)
        .where(Attachment.id == i)
    ),
    "unit_id": lambda i: select(Unit.locality_id).where(Unit.id == i),
    "user_id": lambda i: (
        select(Unit.locality_id).join(User, User.unit_id == Unit.id).where(User.id == i)
    ),
    # A feed link: its owner's locality; a link made on the command line, its unit's.
    "feed_id": lambda i: select(
        func.coalesce(
            select(Unit.locality_id)
            .join(User, User.unit_id == Unit.id)
            .join(CalendarToken, CalendarToken.owner_id == User.id)
            .where(CalendarToken.id == i)
            .scalar_subquery(),
            select(Unit.locality_id)
            .join(CalendarToken, CalendarToken.scope_id == Unit.id)
            .where(CalendarToken.id == i, CalendarToken.scope == UNIT_FEED)
            .scalar_subquery(),
        )
    ),
    "notification_id": lambda i: (
        select(Plan.locality_id)
        .join(Notification, Notification.plan_id == Plan.id)
        .where(Notification.id == i)
    ),
}


def locality_of(argument: str, value: object) -> int | None:
    """The locality of the object a route argument names (None: no such object, or one
    that belongs to no locality — the route itself then answers as it does)."""
    query = LOCALITY_OF.get(argument)
    if query is None or not isinstance(value, int):
        return None
    return db.session.scalar(query(value))


def people_of(user: User, key: InstrumentedAttribute[Any] = User.id) -> Select[tuple[Any]] | None:
    """The accounts (their `key`: id, or name) of the localities `user` may read (None:
    every one)."""
    allowed = readable(user)
    if allowed is None:
        return None
    return select(key).join(Unit, User.unit_id == Unit.id).where(Unit.locality_id.in_(allowed))


def plan_filter(user: User) -> ColumnElement[bool] | None:
    """A condition on Plan for lists: the plans `user` may read (None: no condition)."""
    allowed = readable(user)
    return None if allowed is None else Plan.locality_id.in_(allowed)


def rows_filter(
    user: User,
    plan_id: InstrumentedAttribute[int | None],
    person: InstrumentedAttribute[Any],
    person_key: InstrumentedAttribute[Any] = User.id,
) -> ColumnElement[bool] | None:
    """A condition for a log of many localities (the audit log, the outbox): rows about a
    plan `user` may read, or by or for an account of a locality it may read (`person`
    matched on the account's `person_key`: its id, or its name for a failed sign-in)."""
    allowed = readable(user)
    people = people_of(user, person_key)
    if allowed is None or people is None:
        return None
    return or_(
        plan_id.in_(select(Plan.id).where(Plan.locality_id.in_(allowed))), person.in_(people)
    )
