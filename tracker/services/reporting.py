"""Progress reporting: who may read and write, reports, review, deadline changes and
reassignment. Every change is written to the history. What a unit owes (the work page)
is services.unit_work."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tracker.clock import now_utc, today_local
from tracker.domain.dates import screen_date
from tracker.domain.evidence import find_documents
from tracker.domain.text import one_line
from tracker.domain.timeframes import decode_dates, encode_dates
from tracker.extensions import db
from tracker.models import LEAD, Activity, Assignment, Plan, Unit, User
from tracker.models.reporting import (
    ACCEPTED,
    DONE,
    DRAFT,
    NOT_DONE,
    RETURNED,
    STATUS_LABELS,
    SUBMITTED,
    EvidenceDocument,
    ProgressReport,
    ReportEvent,
    ReportingPeriod,
)
from tracker.models.users import COORDINATOR, OFFICER
from tracker.services import history, wording
from tracker.services.reminders import notices


class ReportError(ValueError):
    """A report that cannot be saved or reviewed as asked; the message is for the user."""


# ---- permissions --------------------------------------------------------------------


def can_write(user: User | None, assignment: Assignment) -> bool:
    """Officers write only their own unit's assignments; the coordinator may enter a
    report on a unit's behalf; leaders read only."""
    if user is None:
        return False
    if user.role == COORDINATOR:
        return True
    return user.role == OFFICER and user.unit_id == assignment.unit_id


def can_read(user: User | None, assignment: Assignment) -> bool:
    """A unit's reports are private to it, Phòng Nội vụ and the leaders."""
    if user is None:
        return False
    return user.role != OFFICER or user.unit_id == assignment.unit_id


# ---- reports ------------------------------------------------------------------------


def find_report(assignment: Assignment, period: ReportingPeriod) -> ProgressReport | None:
    stmt = select(ProgressReport).where(
        ProgressReport.assignment_id == assignment.id, ProgressReport.period_id == period.id
    )
    return db.session.scalar(stmt)


def reports_in_period(
    assignment_ids: Iterable[int], period: ReportingPeriod
) -> dict[int, ProgressReport]:
    """assignment id → its report for `period`, in one query."""
    stmt = select(ProgressReport).where(
        ProgressReport.assignment_id.in_(list(assignment_ids)),
        ProgressReport.period_id == period.id,
    )
    return {r.assignment_id: r for r in db.session.scalars(stmt)}


def report_snapshot(report: ProgressReport) -> dict[str, Any]:
    return {
        "Đơn vị": report.assignment.unit.name,
        "Kỳ": report.period.label,
        "Tình trạng": STATUS_LABELS[report.status],
        "Kết quả": report.result,
        "Văn bản, minh chứng": report.evidence_text,
        "Khó khăn": report.difficulties,
        "Đề xuất": report.proposals,
        "Lý do không thực hiện": report.reason,
        "Ngày hoàn thành": f"{screen_date(report.completed_on)}" if report.completed_on else "",
        "Trạng thái": report.state_label,
    }


@dataclass(frozen=True)
class ReportInput:
    status: str
    result: str = ""
    evidence_text: str = ""
    difficulties: str = ""
    proposals: str = ""
    reason: str = ""
    completed_on: date | None = None


def save_report(
    assignment: Assignment,
    period: ReportingPeriod,
    data: ReportInput,
    user: User | None,
    submit: bool,
) -> ProgressReport:
    """Save a draft or submit it. Submitting checks what review will need, and tells
    Phòng Nội vụ (services.reminders.notices). `user` None is the command line, run by whoever
    operates the server."""
    if user is not None and not can_write(user, assignment):
        raise ReportError("Bạn không được báo cáo cho đơn vị này.")
    if period.plan_id != assignment.activity.plan_id:
        raise ReportError("Kỳ báo cáo không thuộc kế hoạch của hoạt động.")
    report = find_report(assignment, period)
    if report is None:
        report = ProgressReport(assignment=assignment, period=period)
        db.session.add(report)
        before = None
    else:
        if not report.is_editable:
            raise ReportError(f"Báo cáo đang ở trạng thái «{report.state_label}», không sửa được.")
        before = report_snapshot(report)
    _apply(report, data, user, submit)
    event = log_event(report, by=user)
    db.session.flush()
    if submit:
        notices.report_submitted(report, event, user)
    after = report_snapshot(report)
    changed = after if before is None else history.changed_keys(before, after)
    if changed:
        history.report_changed(
            user,
            report,
            "Gửi báo cáo" if submit else "Lưu nháp",
            action="create" if before is None else "update",
            before=None if before is None else {k: before[k] for k in changed},
            after=changed,
        )
    return report


def evidence_documents(evidence_text: str) -> list[EvidenceDocument]:
    """The documents (decisions, plans, letters…) a report's evidence text cites, as rows."""
    return [
        EvidenceDocument(
            text=d.text,
            doc_type=d.doc_type,
            number=d.number,
            issued_on=d.issued_on,
            issuer=d.issuer,
        )
        for d in find_documents(evidence_text)
    ]


def _apply(report: ProgressReport, data: ReportInput, user: User | None, submit: bool) -> None:
    if data.status not in STATUS_LABELS:
        raise ReportError("Tình trạng thực hiện không hợp lệ.")
    if submit and data.status == NOT_DONE and not one_line(data.reason):
        raise ReportError("Báo cáo «Không thực hiện» cần nêu lý do.")
    if submit and data.status == DONE and not one_line(data.result):
        raise ReportError("Báo cáo «Hoàn thành» cần nêu kết quả thực hiện.")
    if data.completed_on and data.completed_on > today_local():
        raise ReportError("Ngày hoàn thành không được sau hôm nay.")
    report.status = data.status
    report.result = data.result.strip()
    report.evidence_text = data.evidence_text.strip()
    report.difficulties = data.difficulties.strip()
    report.proposals = data.proposals.strip()
    report.reason = data.reason.strip()
    report.completed_on = data.completed_on or (today_local() if data.status == DONE else None)
    report.documents = evidence_documents(report.evidence_text)
    report.updated_at, report.updated_by = now_utc(), user
    if submit:
        report.state, report.submitted_at = SUBMITTED, now_utc()
    elif report.state != RETURNED:  # a returned report stays returned until resubmitted
        report.state = DRAFT


def log_event(
    report: ProgressReport, at: datetime | None = None, by: User | None = None, comment: str = ""
) -> ReportEvent:
    """Append the report's state to its event log (the one place both are written), with
    who moved it (`by`, None for the command line) and a reviewer's `comment`."""
    at = at or now_utc()
    report.changed_at = at
    event = ReportEvent(
        report=report,
        plan_id=report.period.plan_id,
        state=report.state,
        status=report.status,
        completed_on=report.completed_on,
        at=at,
        by=by,
        comment=comment,
    )
    db.session.add(event)
    return event


def review_report(
    report: ProgressReport, accept: bool, comment: str, user: User
) -> notices.Noticed:
    """Accept or return a submitted report; its unit's focal officers are told at once
    (in the app, and the e-mail queued: services.reminders.notices). Returns who was told."""
    if user.role != COORDINATOR:
        raise ReportError(f"Chỉ {wording.office(report.period.plan)} được duyệt báo cáo.")
    if report.state != SUBMITTED:
        raise ReportError(f"Chỉ duyệt được báo cáo đã gửi (đang là «{report.state_label}»).")
    comment = comment.strip()
    if not accept and not comment:
        raise ReportError("Trả lại báo cáo cần ghi rõ lý do để đơn vị sửa.")
    before = {"Trạng thái": report.state_label, "Ý kiến duyệt": report.review_comment}
    report.state = ACCEPTED if accept else RETURNED
    report.review_comment = comment
    report.reviewed_at, report.reviewed_by = now_utc(), user
    event = log_event(report, by=user, comment=comment)
    history.report_changed(
        user,
        report,
        f"{'Chấp nhận' if accept else 'Trả lại'} báo cáo của {report.assignment.unit.name}",
        before=before,
        after={"Trạng thái": report.state_label, "Ý kiến duyệt": comment},
    )
    db.session.flush()
    return notices.report_reviewed(report, event, user)


def reports_for_activity(activity: Activity, user: User | None) -> list[ProgressReport]:
    ids = [a.id for a in activity.assignments if can_read(user, a)]
    if not ids:
        return []
    stmt = (
        select(ProgressReport)
        .where(ProgressReport.assignment_id.in_(ids))
        .options(selectinload(ProgressReport.period), selectinload(ProgressReport.documents))
    )
    reports = db.session.scalars(stmt).all()
    return sorted(
        reports, key=lambda r: (r.period.ends_on, r.assignment.role != LEAD, r.assignment.position)
    )


def review_queue(plan: Plan) -> list[ProgressReport]:
    stmt = (
        select(ProgressReport)
        .join(ReportingPeriod)
        .where(ReportingPeriod.plan_id == plan.id, ProgressReport.state == SUBMITTED)
        .order_by(ProgressReport.submitted_at, ProgressReport.id)
    )
    return list(db.session.scalars(stmt))


# ---- deadlines and reassignment ---------------------------------------------------------


def change_deadline(activity: Activity, due_on: date, reason: str, user: User) -> None:
    """Set or extend an activity's deadline; the first deadline is kept."""
    reason = one_line(reason)
    if not reason:
        raise ReportError("Đổi thời hạn cần ghi lý do.")
    if activity.due_on == due_on:
        raise ReportError("Thời hạn mới trùng thời hạn hiện tại.")
    before = history.activity_snapshot(activity)
    if activity.original_due_on is None:
        activity.original_due_on = activity.due_on
    activity.due_on = due_on
    # Earlier deadlines of several stay while they come before the new last one.
    earlier = tuple(day for day in decode_dates(activity.earlier_due_dates) if day < due_on)
    activity.earlier_due_dates = encode_dates(earlier)
    activity.timeframe_review = False  # Phòng Nội vụ has set the date: nothing left to check
    history.record_activity_update(activity, before, user, f"Đổi thời hạn: {reason}")
    db.session.flush()


def reassign(assignment: Assignment, unit: Unit, reason: str, user: User) -> None:
    """Give an assignment to another unit; its reports stay with the history."""
    reason = one_line(reason)
    if not reason:
        raise ReportError("Giao lại cho đơn vị khác cần ghi lý do.")
    activity = assignment.activity
    if unit.locality_id != activity.plan.locality_id:
        raise ReportError("Đơn vị không thuộc địa phương của kế hoạch.")
    clash = any(
        a.unit_id == unit.id and a.role == assignment.role and a.id != assignment.id
        for a in activity.assignments
    )
    if clash:
        raise ReportError(f"«{unit.name}» đã có trong hoạt động với vai trò này.")
    before = history.activity_snapshot(activity)
    assignment.unit = unit
    assignment.via_group_id = None
    db.session.flush()
    history.record_activity_update(activity, before, user, f"Giao lại: {reason}")


def visible_changes(changes: Iterable[Any], user: User | None) -> list[Any]:
    """History rows the user may see: a report's changes are as private as the report."""
    changes = list(changes)
    report_ids = {c.entity_id for c in changes if c.entity == "report"}
    if not report_ids or (user is not None and user.role != OFFICER):
        return changes
    stmt = (
        select(ProgressReport.id, Assignment.unit_id)
        .join(Assignment)
        .where(ProgressReport.id.in_(report_ids))
    )
    owner = {report_id: unit_id for report_id, unit_id in db.session.execute(stmt)}
    unit_id = user.unit_id if user else None
    return [c for c in changes if c.entity != "report" or owner.get(c.entity_id) == unit_id]
