"""Reminders: the outbox (one row per decision to notify someone, which is also their
in-app inbox), each plan's reminder rules, and the days off a coordinator adds."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.clock import now_utc
from tracker.domain.reminders import Rules
from tracker.extensions import db
from tracker.models.plans import Plan
from tracker.models.types import UTCDateTime
from tracker.models.users import User

# E-mail state of a notification. The in-app copy is delivered when the row is written.
PENDING, SENDING, SENT = "pending", "sending", "sent"
FAILED, UNKNOWN, CANCELLED, SKIPPED = "failed", "unknown", "cancelled", "skipped"
MAIL_LABELS = {
    PENDING: "Chờ gửi",
    SENDING: "Đang gửi",
    SENT: "Đã gửi",
    FAILED: "Gửi không được",
    UNKNOWN: "Không rõ đã gửi chưa",
    CANCELLED: "Đã hủy",
    SKIPPED: "Không gửi e-mail",
}


class Notification(db.Model):
    """A decision to notify one person. `key` is unique — (kind, step, due date, plan,
    recipient) for a reminder, (kind, report event, recipient) for a notice of what
    happened to a report — and the row is written before any sending, so no decision is
    taken twice however many ticks run; `message_id` is fixed here, so a retry after a
    crash can never reach the recipient as a second, different message."""

    __table_args__ = (Index("ix_notification_mail", "mail_status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(20))  # a domain.reminders.Kind
    step: Mapped[int] = mapped_column(Integer, default=0)
    due_on: Mapped[date | None] = mapped_column(Date)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"))
    # What the message is about: [[assignment id, period id or null], …].
    items: Mapped[list[list[int | None]]] = mapped_column(JSON, default=list)
    report_id: Mapped[int | None] = mapped_column(
        ForeignKey("progress_report.id", ondelete="CASCADE")
    )
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    link: Mapped[str] = mapped_column(String(300), default="")  # path inside the app
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # E-mail delivery.
    mail_to: Mapped[str] = mapped_column(String(254), default="")
    mail_status: Mapped[str] = mapped_column(String(20), default=PENDING)
    message_id: Mapped[str] = mapped_column(String(200))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str] = mapped_column(String(100), default="")
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str] = mapped_column(Text, default="")

    user: Mapped[User] = relationship()

    @property
    def mail_label(self) -> str:
        return MAIL_LABELS[self.mail_status]


class ReminderRules(db.Model):
    """A plan's reminder rules (defaults in domain.reminders.Rules) and until when its
    reminders run — a finished plan stops nagging."""

    plan_id: Mapped[int] = mapped_column(
        ForeignKey("plan.id", ondelete="CASCADE"), primary_key=True
    )
    before: Mapped[str] = mapped_column(String(50), default="7,3,1,0")
    overdue_first: Mapped[int] = mapped_column(Integer, default=1)
    overdue_every: Mapped[int] = mapped_column(Integer, default=3)
    escalate_after: Mapped[int] = mapped_column(Integer, default=5)
    weekly_digest: Mapped[bool] = mapped_column(Boolean, default=True)
    monthly_digest: Mapped[bool] = mapped_column(Boolean, default=True)
    active_until: Mapped[date] = mapped_column(Date)

    plan: Mapped[Plan] = relationship()

    @property
    def rules(self) -> Rules:
        return Rules(
            before=tuple(int(n) for n in self.before.split(",") if n.strip()),
            overdue_first=self.overdue_first,
            overdue_every=self.overdue_every,
            escalate_after=self.escalate_after,
            weekly_digest=self.weekly_digest,
            monthly_digest=self.monthly_digest,
        )


class DayOff(db.Model):
    """A day the coordinator adds to the public holidays (`is_off`), or a day that is a
    working day (ngày làm bù, not `is_off`): a weekend day the government makes one, or a
    day the holiday library wrongly has off."""

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    is_off: Mapped[bool] = mapped_column(Boolean, default=True)
    note: Mapped[str] = mapped_column(String(200), default="")
    # The document that announced it ("Thông báo số 6150/TB-BLĐTBXH ngày 03/12/2024 …");
    # empty when nobody gave one.
    source: Mapped[str] = mapped_column(String(300), default="", server_default="")


class DayOffSeed(db.Model):
    """A day of seeds/working_days.json already put in day_off. Seeding puts each day in
    once, so what the coordinator changed or removed since stays as they left it."""

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
