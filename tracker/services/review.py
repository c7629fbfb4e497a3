"""Review by Phòng Nội vụ: one report or many at once, every decision in the audit log;
and who sent and who reviewed a report, and when, read from its events.

A decision on the queue page is made on what the page showed: each row carries the id of
the report's last event then. A report that moved since (another reviewer decided, the
unit sent it again) is skipped and said so; the rest of the batch goes ahead.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tracker.clock import to_local
from tracker.domain.dates import screen_time
from tracker.extensions import db
from tracker.models import Assignment, Plan, ProgressReport, ReportEvent, ReportingPeriod, User
from tracker.models.reporting import ACCEPTED, RETURNED, SUBMITTED
from tracker.services import audit, reporting
from tracker.services.reminders import notices

DECISION_LABELS = {ACCEPTED: "Chấp nhận", RETURNED: "Trả lại"}
STEP_LABELS = {SUBMITTED: "Gửi báo cáo", **DECISION_LABELS}


# ---- who sent, who reviewed ---------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """A sending or a review of a report, from its event log."""

    state: str  # submitted, accepted or returned
    at: datetime
    by: str  # the person's full name; "" when unknown (command line, older events)
    comment: str = ""

    @property
    def label(self) -> str:
        return STEP_LABELS[self.state]


@dataclass(frozen=True)
class Timeline:
    steps: list[Step]
    last_event_id: int

    @property
    def sent(self) -> Step | None:
        """The last sending."""
        return next((s for s in reversed(self.steps) if s.state == SUBMITTED), None)

    @property
    def reviewed(self) -> Step | None:
        """The review of the last sending; None while it waits."""
        last = self.steps[-1] if self.steps else None
        return last if last is not None and last.state != SUBMITTED else None


def timelines(report_ids: Iterable[int]) -> dict[int, Timeline]:
    """Each report's sendings and reviews, in one query. Saving a draft is not a step;
    a report that was returned stays "returned" while the unit saves drafts, so a review
    is an event that follows a sending."""
    ids = list(report_ids)
    events: dict[int, list[ReportEvent]] = {i: [] for i in ids}
    if ids:
        stmt = (
            select(ReportEvent)
            .where(ReportEvent.report_id.in_(ids))
            .options(selectinload(ReportEvent.by))
            .order_by(ReportEvent.id)
        )
        for event in db.session.scalars(stmt):
            events[event.report_id].append(event)
    return {i: _timeline(found) for i, found in events.items()}


def _timeline(events: Sequence[ReportEvent]) -> Timeline:
    steps: list[Step] = []
    previous = ""
    for event in events:
        is_review = event.state in DECISION_LABELS and previous == SUBMITTED
        if event.state == SUBMITTED or is_review:
            name = event.by.full_name if event.by else ""
            steps.append(Step(event.state, event.at, name, event.comment))
        previous = event.state
    return Timeline(steps, events[-1].id if events else 0)


def timeline(report: ProgressReport) -> Timeline:
    return timelines([report.id])[report.id]


# ---- one decision ---------------------------------------------------------------------------


def decide(
    report: ProgressReport, accept: bool, comment: str, user: User, batch: int = 0
) -> notices.Noticed:
    """Accept or return a sent report (reporting.review_report checks who may and what it
    needs, and tells the unit) and write the decision to the audit log; `batch`: how many
    reports the reviewer decided at once, 0 for one on its own page. Returns who was told."""
    noticed = reporting.review_report(report, accept, comment, user)
    assignment = report.assignment
    activity = assignment.activity
    what = f"{activity.number}. {activity.text}" if activity.number else activity.text
    audit.record(
        "review.accept" if accept else "review.return",
        target=f"{assignment.unit.name} — {report.period.label} — {what}",
        plan_id=report.period.plan_id,
        detail={
            "Báo cáo": report.id,
            "Đơn vị": assignment.unit.name,
            "Hoạt động": what,
            "Kỳ": report.period.label,
            "Quyết định": DECISION_LABELS[report.state],
            "Ý kiến": report.review_comment,
            "Cách duyệt": f"Duyệt cùng lúc {batch} báo cáo" if batch else "Duyệt từng báo cáo",
        },
        user=user,
    )
    return noticed


# ---- the queue and a batch of decisions -------------------------------------------------------


@dataclass(frozen=True)
class QueueRow:
    report: ProgressReport
    timeline: Timeline


def queue(plan: Plan) -> list[QueueRow]:
    """The plan's sent reports, oldest sending first, with what a row shows loaded."""
    stmt = (
        select(ProgressReport)
        .join(ReportingPeriod)
        .where(ReportingPeriod.plan_id == plan.id, ProgressReport.state == SUBMITTED)
        .options(
            selectinload(ProgressReport.assignment).selectinload(Assignment.activity),
            selectinload(ProgressReport.assignment).selectinload(Assignment.unit),
            selectinload(ProgressReport.period),
            selectinload(ProgressReport.documents),
            selectinload(ProgressReport.attachments),
        )
        .order_by(ProgressReport.submitted_at, ProgressReport.id)
    )
    reports = list(db.session.scalars(stmt))
    found = timelines(r.id for r in reports)
    return [QueueRow(r, found[r.id]) for r in reports]


@dataclass(frozen=True)
class Choice:
    """One row of the queue form as sent."""

    report_id: int
    seen: int  # the report's last event when the page was shown
    accept: bool = False
    send_back: bool = False
    comment: str = ""

    @property
    def is_decided(self) -> bool:
        return self.accept or self.send_back


class BatchError(ValueError):
    """Rows that cannot be decided as sent; nothing was written. `problems`: report id →
    what is wrong, in Vietnamese."""

    def __init__(self, problems: dict[int, str]):
        self.problems = problems
        count = len(problems)
        super().__init__(
            f"Chưa ghi quyết định nào: {count:02d} báo cáo cần sửa lựa chọn (xem các dòng tô đỏ)."
            if count
            else "Chưa chọn báo cáo nào để chấp nhận hay trả lại."
        )


@dataclass
class BatchResult:
    accepted: int = 0
    returned: int = 0
    skipped: list[str] = field(default_factory=list)  # why each was left, in Vietnamese


def check_choices(choices: Sequence[Choice]) -> None:
    """Raises BatchError unless every row says one thing that can be done."""
    problems: dict[int, str] = {}
    for c in choices:
        if c.accept and c.send_back:
            problems[c.report_id] = "Chọn «Chấp nhận» hoặc «Trả lại», không chọn cả hai."
        elif c.send_back and not c.comment.strip():
            problems[c.report_id] = "Trả lại cần ghi lý do để đơn vị sửa."
        elif c.comment.strip() and not c.is_decided:
            problems[c.report_id] = "Đã ghi ý kiến nhưng chưa chọn «Chấp nhận» hay «Trả lại»."
    if problems or not any(c.is_decided for c in choices):
        raise BatchError(problems)


def review_many(plan: Plan, choices: Sequence[Choice], user: User) -> BatchResult:
    """Decide every chosen row in the request's one transaction. Rows that moved since
    the page was shown are skipped (BatchResult.skipped), not an error for the batch."""
    check_choices(choices)
    chosen = [c for c in choices if c.is_decided]
    # Locked on PostgreSQL, so two reviewers cannot both decide one report; SQLite's
    # write transaction (BEGIN IMMEDIATE) already keeps them apart.
    stmt = (
        select(ProgressReport)
        .where(ProgressReport.id.in_([c.report_id for c in chosen]))
        .with_for_update()
    )
    reports = {r.id: r for r in db.session.scalars(stmt)}
    found = timelines(reports)
    result = BatchResult()
    for c in chosen:
        report = reports.get(c.report_id)
        why = _why_skip(plan, report, found.get(c.report_id), c)
        if why or report is None:
            result.skipped.append(why)
            continue
        decide(report, c.accept, c.comment, user, batch=len(chosen))
        result.accepted += c.accept
        result.returned += not c.accept
    return result


def _why_skip(plan: Plan, report: ProgressReport | None, found: Timeline | None, c: Choice) -> str:
    if report is None or found is None or report.period.plan_id != plan.id:
        return f"Báo cáo số {c.report_id}: không còn trong kế hoạch này."
    label = describe(report)
    if report.state != SUBMITTED:
        step = found.steps[-1] if found.steps else None
        if step is not None and step.state in DECISION_LABELS:
            who = f" bởi {step.by}" if step.by else ""
            when = screen_time(to_local(step.at))
            return f"{label}: đã được {step.label.lower()}{who} lúc {when}."
        return f"{label}: không còn chờ duyệt (đang «{report.state_label}»)."
    if found.last_event_id != c.seen:
        return f"{label}: đơn vị đã gửi lại sau khi bạn mở trang; hãy xem lại rồi duyệt."
    return ""


def describe(report: ProgressReport) -> str:
    """ "Phường 1 — hoạt động 1.5 (6 tháng đầu năm 2023)": a report in a message."""
    activity = report.assignment.activity
    what = f"hoạt động {activity.number}" if activity.number else f"«{activity.text[:60]}»"
    return f"{report.assignment.unit.name} — {what} ({report.period.label})"
