"""Scheduler bookkeeping: daily figure snapshots, job runs an admin can see, and the
lease that keeps a job from running twice at once."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tracker.clock import now_utc
from tracker.extensions import db
from tracker.models.types import UTCDateTime


class FigureSnapshot(db.Model):
    """A plan's headline figures on one day, for the progress-over-time chart."""

    __table_args__ = (UniqueConstraint("plan_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), index=True)
    day: Mapped[date] = mapped_column(Date)
    total: Mapped[int]
    done: Mapped[int]
    carried_out: Mapped[int]
    counts: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)


# The scheduler's job ids (tracker.scheduler.JOBS) and run states, as a person reads them.
JOB_LABELS = {
    "daily-figures": "Lưu số liệu hằng ngày",
    "reminders": "Xét và gửi nhắc việc",
    "send-mail": "Gửi e-mail chờ gửi",
}
RUN_STATUS_LABELS = {"ok": "Xong", "failed": "Lỗi", "skipped": "Bỏ qua (đang chạy nơi khác)"}


class JobRun(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[str] = mapped_column(String(50), index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(20))  # a key of RUN_STATUS_LABELS
    message: Mapped[str] = mapped_column(Text, default="")

    @property
    def job_label(self) -> str:
        return JOB_LABELS.get(self.job_id, "Việc hẹn giờ")

    @property
    def status_label(self) -> str:
        return RUN_STATUS_LABELS.get(self.status, "Không rõ")


class JobLease(db.Model):
    """Held by one runner of a job until `expires_at`; a second runner skips."""

    job_id: Mapped[str] = mapped_column(String(50), primary_key=True)
    holder: Mapped[str] = mapped_column(String(100))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
