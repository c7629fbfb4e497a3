"""Calendar subscriptions (issue 6): a secret link per feed, kept only as its SHA-256.

A feed is one unit's deadlines, one person's (every unit they serve) or one plan's.
Links are personal: each person who subscribes gets their own, so revoking one never
breaks a colleague's calendar, and "last used" says whose calendar still polls. Links
made on the command line for a unit have no owner.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.clock import now_utc
from tracker.extensions import db
from tracker.models.plans import Plan
from tracker.models.types import UTCDateTime
from tracker.models.users import User

UNIT_FEED, USER_FEED, PLAN_FEED = "unit", "user", "plan"
FEED_KINDS = (UNIT_FEED, USER_FEED, PLAN_FEED)


class CalendarToken(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    # hex SHA-256 of the token in the URL; the token itself is shown once and never stored
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scope: Mapped[str] = mapped_column(String(10))  # UNIT_FEED, USER_FEED or PLAN_FEED
    scope_id: Mapped[int]  # the unit, user or plan the feed is about
    # A unit's or person's feed limited to one plan; None: every plan.
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"))
    include_done: Mapped[bool] = mapped_column(default=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    # When the feed's settings last changed: part of its Last-Modified.
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    plan: Mapped[Plan | None] = relationship()
    owner: Mapped[User | None] = relationship(foreign_keys=[owner_id])

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None
