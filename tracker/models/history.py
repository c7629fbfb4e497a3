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

# What a person reads for the code's names: "Sửa báo cáo", never "update report".
ENTITY_LABELS = {
    "activity": "hoạt động",
    "assignment": "phân công",
    "calendar": "liên kết lịch",
    "framework": "bộ chỉ số",
    "group": "nhóm nội dung",
    "period": "kỳ báo cáo",
    "plan": "kế hoạch",
    "report": "báo cáo",
    "unit": "đơn vị",
    "user": "tài khoản",
}
ACTION_LABELS = {"create": "Tạo", "update": "Sửa", "delete": "Xóa", "move": "Đổi thứ tự"}


class Change(db.Model):
    """One change to a plan's data. Plan and activity ids are plain columns (no foreign
    key) so the history of a removed activity stays readable."""

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    actor: Mapped[str] = mapped_column(String(100))  # user name or "dòng lệnh"
    plan_id: Mapped[int | None] = mapped_column(index=True)
    activity_id: Mapped[int | None] = mapped_column(index=True)
    entity: Mapped[str] = mapped_column(String(30))  # a key of ENTITY_LABELS
    entity_id: Mapped[int | None]
    action: Mapped[str] = mapped_column(String(20))  # a key of ACTION_LABELS
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    note: Mapped[str] = mapped_column(Text, default="")

    user: Mapped[User | None] = relationship()

    @property
    def entity_label(self) -> str:
        return ENTITY_LABELS.get(self.entity, "dữ liệu")

    @property
    def action_label(self) -> str:
        return ACTION_LABELS.get(self.action, "Thay đổi")


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
