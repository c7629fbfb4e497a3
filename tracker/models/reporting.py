"""Reporting periods, progress reports with their evidence, and sign-in attempts."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
    inspect,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.clock import now_utc
from tracker.domain.periods import Period, PeriodKind
from tracker.domain.text import fold
from tracker.extensions import db
from tracker.models.plans import Assignment, Plan
from tracker.models.types import UTCDateTime
from tracker.models.users import User

# Status of the work (what the unit says) — tình trạng thực hiện.
NOT_STARTED, IN_PROGRESS, DONE, NOT_DONE = "not_started", "in_progress", "done", "not_done"
STATUS_LABELS = {
    NOT_STARTED: "Chưa triển khai",
    IN_PROGRESS: "Đang thực hiện",
    DONE: "Hoàn thành",
    NOT_DONE: "Không thực hiện",
}
# State of the report (where it is in review).
DRAFT, SUBMITTED, ACCEPTED, RETURNED = "draft", "submitted", "accepted", "returned"
STATE_LABELS = {
    DRAFT: "Bản nháp",
    SUBMITTED: "Đã gửi, chờ duyệt",
    ACCEPTED: "Đã được chấp nhận",
    RETURNED: "Bị trả lại",
}


class ReportingPeriod(db.Model):
    """A period the plan collects reports for, with its cut-off and due date."""

    __table_args__ = (UniqueConstraint("plan_id", "kind", "year", "index"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # a PeriodKind value
    year: Mapped[int]
    index: Mapped[int] = mapped_column(Integer, default=1)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)  # cut-off, inclusive
    due_on: Mapped[date] = mapped_column(Date)

    plan: Mapped[Plan] = relationship()

    @property
    def period(self) -> Period:
        return Period(
            PeriodKind(self.kind), self.year, self.index, self.starts_on, self.ends_on, self.due_on
        )

    @property
    def label(self) -> str:
        return self.period.label

    @property
    def code(self) -> str:
        return self.period.code


class ProgressReport(db.Model):
    """What one unit reports on one assignment for one period."""

    __table_args__ = (
        UniqueConstraint("assignment_id", "period_id"),
        # Everything the figures read of a plan's reports (summary._accepted_reports), so
        # the report rows themselves, wide with their text, are never visited for it.
        Index(
            "ix_progress_report_figures",
            "period_id",
            "assignment_id",
            "state",
            "status",
            "completed_on",
            "changed_at",
            "id",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("assignment.id", ondelete="CASCADE"), index=True
    )
    period_id: Mapped[int] = mapped_column(ForeignKey("reporting_period.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(20), default=NOT_STARTED)
    result: Mapped[str] = mapped_column(Text, default="")
    evidence_text: Mapped[str] = mapped_column(Text, default="")  # references as typed
    difficulties: Mapped[str] = mapped_column(Text, default="")
    proposals: Mapped[str] = mapped_column(Text, default="")
    reason: Mapped[str] = mapped_column(Text, default="")  # why not carried out
    completed_on: Mapped[date | None] = mapped_column(Date)  # when the work was done
    state: Mapped[str] = mapped_column(String(20), default=DRAFT)
    review_comment: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    # When the last ReportEvent was logged: figures "as of" a moment read the report's
    # columns when this is not after it, and its events only when it is.
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, index=True)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    # Folded texts for search (see _fold_report_texts); deferred: only search reads it.
    search_text: Mapped[str] = mapped_column(Text, default="", server_default="", deferred=True)

    assignment: Mapped[Assignment] = relationship()
    period: Mapped[ReportingPeriod] = relationship()
    updated_by: Mapped[User | None] = relationship(foreign_keys=[updated_by_id])
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])
    documents: Mapped[list[EvidenceDocument]] = relationship(
        back_populates="report", cascade="all, delete-orphan", order_by="EvidenceDocument.id"
    )
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="report", cascade="all, delete-orphan", order_by="Attachment.id"
    )

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def is_editable(self) -> bool:
        return self.state in (DRAFT, RETURNED)


class ReportEvent(db.Model):
    """Append-only log of a report's state and status, so figures can be recomputed for
    any past date ("tính đến ngày 15/9/2023") from what was true then."""

    # The plan's last event tells whether its figures changed (summary.data_version),
    # without counting another plan's writes, nor joining to find this plan's events.
    __table_args__ = (Index("ix_report_event_plan_version", "plan_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(
        ForeignKey("progress_report.id", ondelete="CASCADE"), index=True
    )
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, index=True)
    state: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))
    completed_on: Mapped[date | None] = mapped_column(Date)
    # Who moved the report (sent it, saved it, accepted or returned it) and what the
    # reviewer said: the report page tells who sent and who reviewed, and when. None:
    # the command line, the demo seeds, or an event older than these columns.
    by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    comment: Mapped[str] = mapped_column(Text, default="", server_default="")

    report: Mapped[ProgressReport] = relationship()
    by: Mapped[User | None] = relationship()


class EvidenceDocument(db.Model):
    """A document cited as evidence, read from the report's text."""

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(
        ForeignKey("progress_report.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(Text)
    doc_type: Mapped[str] = mapped_column(String(50), default="")
    number: Mapped[str] = mapped_column(String(80))
    issued_on: Mapped[date | None] = mapped_column(Date)
    issuer: Mapped[str] = mapped_column(String(200), default="")

    report: Mapped[ProgressReport] = relationship(back_populates="documents")


class Attachment(db.Model):
    """An uploaded evidence file, stored under instance/attachments by its SHA-256."""

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(
        ForeignKey("progress_report.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    search_text: Mapped[str] = mapped_column(String(255), default="", server_default="")

    report: Mapped[ProgressReport] = relationship(back_populates="attachments")


class LoginAttempt(db.Model):
    """Failed sign-ins and wrong calendar links, for throttling across web workers."""

    id: Mapped[int] = mapped_column(primary_key=True)
    # What failed: "login" (a password) or "feed" (a calendar link); see services.throttle.
    kind: Mapped[str] = mapped_column(String(10), default="login", server_default="login")
    username: Mapped[str] = mapped_column(String(80), index=True)
    address: Mapped[str] = mapped_column(String(64), index=True)
    # The browser's device id (its known-device cookie): failures from a browser where
    # the account signed in before are counted apart from everyone else's.
    device: Mapped[str] = mapped_column(String(32), default="", server_default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, index=True)


# A report's texts are written by the form, the review, the progress sheet, the seeds —
# and whatever comes next. Folding them on every insert and update, here, means no
# writer can leave the search behind. (Bulk inserts, bench/dataset.py, fold their own.)
REPORT_SEARCH_FIELDS = (
    "result",
    "evidence_text",
    "review_comment",
    "difficulties",
    "proposals",
    "reason",
)


def report_search_text(report: ProgressReport) -> str:
    return fold(" | ".join(getattr(report, name) or "" for name in REPORT_SEARCH_FIELDS))


@event.listens_for(ProgressReport, "before_insert")
def _fold_new_report(_mapper, _connection, report: ProgressReport) -> None:
    report.search_text = report_search_text(report)


@event.listens_for(ProgressReport, "before_update")
def _fold_changed_report(_mapper, _connection, report: ProgressReport) -> None:
    state = inspect(report)
    if any(state.attrs[name].history.has_changes() for name in REPORT_SEARCH_FIELDS):
        report.search_text = report_search_text(report)


@event.listens_for(Attachment, "before_insert")
@event.listens_for(Attachment, "before_update")
def _fold_file_name(_mapper, _connection, attachment: Attachment) -> None:
    attachment.search_text = fold(attachment.filename)[:255]
