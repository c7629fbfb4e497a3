"""History of changes: who changed what, when, with the values before and after."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.clock import now_utc
from tracker.extensions import db
from tracker.models.types import UTCDateTime
from tracker.models.users import User


class Change(db.Model):
    """One change to a plan's data. Plan and activity ids are plain columns (no foreign
    key) so the history of a removed activity stays readable."""

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    actor: Mapped[str] = mapped_column(String(100))  # user name or "dòng lệnh"
    plan_id: Mapped[int | None] = mapped_column(index=True)
    activity_id: Mapped[int | None] = mapped_column(index=True)
    entity: Mapped[str] = mapped_column(String(30))  # "activity", "assignment", "group", "plan"
    entity_id: Mapped[int | None]
    action: Mapped[str] = mapped_column(String(20))  # "create", "update", "delete", "move"
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    note: Mapped[str] = mapped_column(Text, default="")

    user: Mapped[User | None] = relationship()


class DeadlineChange(db.Model):
    """A move of an activity's deadline, as dates (the history's Change keeps it as text to
    read). Figures "as of" a past date take the deadline in force then from these rows
    (domain.figures.deadline_in_force). Written with the Change that records the move."""

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    plan_id: Mapped[int] = mapped_column(index=True)  # plain ids, as in Change
    activity_id: Mapped[int] = mapped_column(index=True)
    due_before: Mapped[date | None] = mapped_column(Date)
    due_after: Mapped[date | None] = mapped_column(Date)
