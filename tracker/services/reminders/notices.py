"""Notices of what happened to a report, written in the same transaction as the change:
the review's outcome to the unit's focal officers, a submitted report to Phòng Nội vụ.

They are outbox rows like reminders (services.reminders.rows): one unique key per (report
event, recipient), so nothing is noticed twice; the inbox has them when the change is
committed, and the e-mail waits in the outbox for the scheduler's "send-mail" job (every
30 seconds). Unlike reminders, no rule times them and no plan's reminder window
(`active_until`) stops them: a unit must hear its report was returned whatever the date.

A submitted report is noticed in the app only. Around a reporting deadline some twenty
units send a report for each of their activities — hundreds in a few days, on the
seeded plan alone — and one e-mail per report would bury Phòng Nội vụ's mailbox under
messages whose work list is the review queue anyway, teaching it to ignore the
system's mail, reminders and escalations included. A coordinator who wants e-mail
chooses the daily list instead: one message each working morning.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tracker.clock import now_utc
from tracker.domain.reminders import Kind
from tracker.extensions import db
from tracker.models import ProgressReport, ReportEvent, User
from tracker.models.notifications import PENDING
from tracker.models.reporting import ACCEPTED
from tracker.models.users import EACH_REPORT
from tracker.services.reminders import decisions as reminders
from tracker.services.reminders import rows as outbox_rows
from tracker.services.reminders.rows import About, Words, short

IN_APP_ONLY = (
    "Báo cáo mới chỉ được báo trong hệ thống; muốn nhận e-mail, chọn «Tổng hợp mỗi sáng» "
    "trong Cách nhận thông báo."
)


@dataclass(frozen=True)
class Noticed:
    """Who heard of a change: notices written in the app, and e-mails queued."""

    in_app: int = 0
    by_mail: int = 0

    def told(self, unit: str) -> str:
        """What the reviewer reads after a review: who heard, and how."""
        if not self.in_app:
            return f"{unit} chưa có tài khoản cán bộ đầu mối nên chưa ai nhận được thông báo."
        people = f"{self.in_app} cán bộ của {unit}"
        if self.by_mail:
            return (
                f"Đã gửi thông báo trong ứng dụng cho {people}; "
                "thư điện tử sẽ gửi trong vòng 1 phút."
            )
        return (
            f"Đã gửi thông báo trong ứng dụng cho {people}; không gửi thư điện tử (chưa có "
            "địa chỉ, người nhận đã tắt e-mail, hoặc máy chủ thư chưa cấu hình)."
        )


def report_reviewed(report: ProgressReport, event: ReportEvent, by: User | None) -> Noticed:
    """The unit's focal officers hear that its report was returned or accepted (the
    reviewer does not hear of their own review)."""
    kind = Kind.ACCEPTED if event.state == ACCEPTED else Kind.RETURNED
    recipients = reminders.people().by_unit.get(report.assignment.unit_id, [])
    return _write(kind, report, event, [u for u in recipients if by is None or u != by.id])


def report_submitted(report: ProgressReport, event: ReportEvent, by: User | None) -> Noticed:
    """Phòng Nội vụ (the plan's locality's coordinators, and those of the province) hears
    of a submitted report, unless a coordinator chose the daily list or sent it."""
    recipients = [
        u.id
        for u in reminders.coordinators_of(report.period.plan.locality_id)
        if (by is None or u.id != by.id) and u.submitted_notices == EACH_REPORT
    ]
    return _write(Kind.SUBMITTED, report, event, recipients)


def _write(kind: Kind, report: ProgressReport, event: ReportEvent, users: list[int]) -> Noticed:
    if not users:
        return Noticed()
    now = now_utc()
    words = _words(kind, report)
    about = About(
        plan_id=report.period.plan_id,
        items=((report.assignment_id, report.period_id),),
        report_id=report.id,
    )
    in_app_only = IN_APP_ONLY if kind is Kind.SUBMITTED else ""
    rows = []
    for user_id in sorted(set(users)):
        user = db.session.get(User, user_id)
        assert user is not None
        key = reminders.event_key(kind, event.id, user_id)
        rows.append(outbox_rows.render(key, kind, user, words, now, about, in_app_only))
    outbox_rows.write(rows)
    return Noticed(len(rows), sum(1 for r in rows if r["mail_status"] == PENDING))


def _words(kind: Kind, report: ProgressReport) -> Words:
    activity = report.assignment.activity
    number = f"{activity.number} " if activity.number else ""
    title = f"hoạt động {number}«{short(activity.text, 60)}»"
    context: dict[str, Any] = {"report": report, "activity": activity}
    if kind is Kind.RETURNED:
        subject = f"[Báo cáo bị trả lại] {report.period.label} — {title}"
    elif kind is Kind.ACCEPTED:
        subject = f"[Báo cáo được chấp nhận] {report.period.label} — {title}"
    else:
        unit = report.assignment.unit.name
        subject = f"[Báo cáo mới] {unit} — {report.period.label} — {title}"
        context["queue_link"] = outbox_rows.absolute(f"/plans/{report.period.plan_id}/reviews")
    return Words(subject, kind.value, context, f"/reports/{report.id}")
