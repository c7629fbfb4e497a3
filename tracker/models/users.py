"""People who sign in. Issue 3 extends roles and unit attachment."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, false, true
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from tracker.clock import now_utc
from tracker.domain.documents import upper_first
from tracker.domain.offices import NEUTRAL_OFFICE
from tracker.extensions import db
from tracker.models.types import UTCDateTime
from tracker.models.units import Unit

COORDINATOR = "coordinator"  # Phòng Nội vụ: manages plans, units, users; reviews
OFFICER = "officer"  # a unit's focal officer
LEADER = "leader"  # reads everything, writes nothing
ROLE_LABELS = {
    COORDINATOR: f"{upper_first(NEUTRAL_OFFICE)} (điều phối)",
    OFFICER: "Cán bộ đầu mối đơn vị",
    LEADER: "Lãnh đạo",
}


def role_label(role: str, office: str) -> str:
    """A role as people call it: the coordinator by its locality's office ("Sở Nội vụ
    (điều phối)"; services.wording.office), the others the same everywhere."""
    if role == COORDINATOR:
        return f"{upper_first(office)} (điều phối)"
    return ROLE_LABELS.get(role, role)


# How Phòng Nội vụ hears of a submitted report: a notice for each one, in the app only, or
# one list each working morning, in the app and by e-mail (services.reminders.notices says why).
EACH_REPORT, DAILY_DIGEST = "each", "daily"
SUBMITTED_NOTICE_LABELS = {
    EACH_REPORT: "Báo từng báo cáo ngay khi đơn vị gửi, trong hệ thống (không gửi e-mail)",
    DAILY_DIGEST: "Tổng hợp một lần mỗi sáng ngày làm việc, trong hệ thống và qua e-mail",
}


class User(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(300))
    role: Mapped[str] = mapped_column(String(20))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    is_active: Mapped[bool] = mapped_column(default=True)
    # Reminders go to the in-app inbox always, and by e-mail to this address unless off.
    email: Mapped[str] = mapped_column(String(254), default="", server_default="")
    email_reminders: Mapped[bool] = mapped_column(default=True, server_default=true())
    # Phòng Nội vụ only: EACH_REPORT or DAILY_DIGEST.
    submitted_notices: Mapped[str] = mapped_column(
        String(10), default=EACH_REPORT, server_default=EACH_REPORT
    )
    # A Vietnamese number as `domain.accounts.phone_number` normalises it ("0912345678").
    phone: Mapped[str] = mapped_column(String(20), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    # Raised to end every session of the account (password changed or reset, account
    # deactivated): a session cookie carries the number it was signed in with.
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")
    # Set when Phòng Nội vụ gives the password (a new account, a reset): until the person
    # chooses their own, every page leads to the change-password page.
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default=false())

    unit: Mapped[Unit | None] = relationship()

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password, method="scrypt")

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def can_edit_plans(self) -> bool:
        return self.role == COORDINATOR


class RevokedSession(db.Model):
    """A signed-out session: its cookie, copied before, is refused until it would have
    expired anyway (kept that long, then dropped). Only the SHA-256 of its id is kept."""

    id: Mapped[int] = mapped_column(primary_key=True)
    sid_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class SignInLink(db.Model):
    """A one-time link to set a new account's password, e-mailed to its address. Only the
    SHA-256 of the token in the link is kept; a link works once, until `expires_at`, and
    only while the account is active. Issuing a new one, or a reset by Phòng Nội vụ,
    drops the account's unused links."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])
