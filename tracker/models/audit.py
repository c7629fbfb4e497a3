"""The audit log: sign-ins, refusals, imports, exports, review decisions and deletions,
with who, when, from where and how it ended.

Unlike `Change` (what the annex looked like before and after), an audit event answers
"who did something sensitive, from which address". User ids are plain columns with the
name copied beside them, so an event stays readable whatever happens to the account.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from tracker.clock import now_utc
from tracker.extensions import db
from tracker.models.types import UTCDateTime

# Action codes → what the audit page calls them.
ACTION_LABELS = {
    "auth.sign_in": "Đăng nhập",
    "auth.sign_in_failed": "Đăng nhập không thành công",
    "auth.sign_out": "Đăng xuất",
    "access.denied": "Bị từ chối (không có quyền)",
    "import.annex": "Nhập phụ lục",
    "import.progress": "Nhập bảng tiến độ",
    "import.snapshot": "Nạp bản chụp cấp tỉnh",
    "import.accounts": "Tạo tài khoản từ bảng Excel",
    "import.units": "Nhập danh mục đơn vị từ bảng Excel",
    "account.link_sent": "Gửi thư có liên kết đặt mật khẩu",
    "account.link_used": "Đặt mật khẩu qua liên kết một lần",
    "export": "Xuất, tải tệp báo cáo",
    "review.accept": "Chấp nhận báo cáo",
    "review.return": "Trả lại báo cáo",
    "delete.activity": "Xóa hoạt động",
    "delete.group": "Xóa nhóm nội dung",
    "delete.assignment": "Bỏ đơn vị khỏi hoạt động",
    "delete.attachment": "Bỏ tệp minh chứng",
    "delete.day": "Xóa ngày nghỉ, ngày làm bù",
    "delete.period": "Bỏ kỳ báo cáo",
    "plan.archive": "Lưu trữ kế hoạch",
    "plan.unarchive": "Đưa kế hoạch ra khỏi lưu trữ",
}

OK = "ok"
FAILED = "failed"
DENIED = "denied"
OUTCOME_LABELS = {OK: "Thành công", FAILED: "Không thành công", DENIED: "Bị từ chối"}


class AuditEvent(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, index=True)
    user_id: Mapped[int | None] = mapped_column(index=True)
    # The account's user name, the name typed at a failed sign-in, or "dòng lệnh".
    username: Mapped[str] = mapped_column(String(80), index=True)
    address: Mapped[str] = mapped_column(String(64), default="")
    action: Mapped[str] = mapped_column(String(40), index=True)
    target: Mapped[str] = mapped_column(String(300), default="")
    plan_id: Mapped[int | None]
    outcome: Mapped[str] = mapped_column(String(10), default=OK)
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    @property
    def action_label(self) -> str:
        return ACTION_LABELS.get(self.action, self.action)

    @property
    def outcome_label(self) -> str:
        return OUTCOME_LABELS.get(self.outcome, self.outcome)
