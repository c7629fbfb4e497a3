"""The reminder tick and the outbox's life: decide, write, cancel what is no longer due,
send; sending what is queued between ticks; and what the coordinator sees and resends."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import func, select, update

from tracker import database
from tracker.clock import now_utc, to_local
from tracker.domain.reminders import CANCELLABLE
from tracker.extensions import db
from tracker.models import Notification, User
from tracker.models.notifications import CANCELLED, FAILED, PENDING, UNKNOWN
from tracker.services.reminders import decisions as reminders
from tracker.services.reminders import mailer, messages
from tracker.services.reminders import rows as outbox_rows


def is_send_time(now: datetime) -> bool:
    """Reminders and digests go out from the morning hour on. (Notices of what happened
    to a report are written when it happens: services.reminders.notices.)"""
    return to_local(now).hour >= current_app.config["REMINDER_HOUR"]


def queue(decisions: list[reminders.Decision], now: datetime) -> int:
    """Write an outbox row for every decision due at `now` not yet taken; returns how
    many rows are new. A row another tick wrote meanwhile is skipped by the database."""
    if not is_send_time(now):
        return 0
    taken = reminders.taken_keys([d.key for d in decisions])
    today = to_local(now).date()
    return outbox_rows.write(
        [messages.outbox_row(d, today, now) for d in decisions if d.key not in taken]
    )


def cancel_stale(decisions: list[reminders.Decision]) -> int:
    """Cancel unsent reminders no longer due: the work was reported, the deadline moved
    (so the key changed), a later step superseded it, or the plan stopped reminding.
    Notices of what happened, and the daily list, stay (domain.reminders.CANCELLABLE)."""
    valid = {d.key for d in decisions}
    pending = db.session.execute(
        select(Notification.id, Notification.key).where(
            Notification.mail_status == PENDING,
            Notification.kind.in_([kind.value for kind in CANCELLABLE]),
        )
    ).all()
    stale = [row_id for row_id, key in pending if key not in valid]
    if stale:
        db.session.execute(
            update(Notification)
            .where(Notification.id.in_(stale), Notification.mail_status == PENDING)
            .values(
                mail_status=CANCELLED,
                last_error="Không còn cần gửi: đã báo cáo, đã đổi hạn hoặc có nhắc mới hơn.",
            )
        )
    return len(stale)


@dataclass(frozen=True)
class TickResult:
    cancelled: int
    queued: int
    sent: int
    failed: int

    @property
    def message(self) -> str:
        return (
            f"Nhắc việc: {self.queued} thông báo mới, {self.sent} e-mail đã gửi, "
            f"{self.failed} lần gửi lỗi, {self.cancelled} e-mail hủy."
        )


def tick(holder: str, now: datetime | None = None) -> TickResult:
    """One tick: cancel what is stale, decide and write what is due, send. The decisions
    are committed before any sending (the sender commits each of its own steps)."""
    now = now or now_utc()
    with database.read_only():  # deciding reads a lot: not under the write lock
        decisions = reminders.decide(to_local(now).date())
        db.session.rollback()
    cancelled = cancel_stale(decisions)
    queued = queue(decisions, now)
    db.session.commit()
    sent, failed = mailer.send_pending(holder)
    return TickResult(cancelled, queued, sent, failed)


@dataclass(frozen=True)
class SendResult:
    sent: int
    failed: int

    @property
    def message(self) -> str:
        return f"Gửi e-mail: {self.sent} thư đã gửi, {self.failed} lần gửi lỗi."


def send_queued(holder: str) -> SendResult:
    """Send what waits in the outbox — a review's notice, a retry come due — between the
    ticks, which decide only every few minutes (the scheduler's "send-mail" job)."""
    return SendResult(*mailer.send_pending(holder))


# ---- what people see ------------------------------------------------------------------


def unread_count(user: User) -> int:
    stmt = select(func.count()).where(
        Notification.user_id == user.id,
        Notification.read_at.is_(None),
        Notification.mail_status != CANCELLED,
    )
    return db.session.scalar(stmt) or 0


def inbox(user: User, limit: int = 100) -> list[Notification]:
    stmt = (
        select(Notification)
        .where(Notification.user_id == user.id, Notification.mail_status != CANCELLED)
        .order_by(Notification.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(stmt))


def mark_read(user: User, notification_id: int | None = None) -> None:
    """One notification (or all) of `user` read now."""
    stmt = update(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None)
    )
    if notification_id is not None:
        stmt = stmt.where(Notification.id == notification_id)
    db.session.execute(stmt.values(read_at=now_utc()))


def resend(row: Notification) -> None:
    """Queue a failed or unknown e-mail again, with the same Message-ID."""
    if row.mail_status not in (FAILED, UNKNOWN):
        raise ValueError("Chỉ gửi lại được thư gửi không được hoặc không rõ đã gửi chưa.")
    if not row.mail_to:
        raise ValueError("Người nhận chưa có địa chỉ e-mail.")
    row.mail_status, row.next_attempt_at, row.attempts = PENDING, now_utc(), 0
    row.last_error = ""
