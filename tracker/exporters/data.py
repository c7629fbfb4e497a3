"""What every export is made from: one `ReportData`, built by
`tracker.services.exports` from the database in a single read transaction, so every
file speaks for the same moment. Plain frozen dataclasses — no ORM objects."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any


@dataclass(frozen=True)
class FigureLine:
    """One row of figures (a PAPI dimension, a content group, a unit, or the plan):
    `done` and `carried` over `total` tasks, under the plan's rule."""

    key: str  # "1", "6", a unit's name
    label: str
    total: int
    done: int
    carried: int
    done_fraction: str  # "01/76"
    done_percent: str  # "1,32%"
    carried_fraction: str
    carried_percent: str


@dataclass(frozen=True)
class OutcomeCount:
    code: str  # an Outcome value
    label: str
    count: int
    total: int
    fraction: str
    percent: str


@dataclass(frozen=True)
class FormRow:
    """A row of "Biểu mẫu 1" (seed 001): STT, indicator, unit of count, value."""

    number: str  # "2.1."
    label: str
    unit: str
    value: int | None  # None for a heading row
    text: str  # as the form writes it: "07", "0", "1,32%"


@dataclass(frozen=True)
class DocumentRow:
    id: int
    report_id: int
    text: str  # "Kế hoạch số 35/KH-UBND ngày 22/02/2023 của …"
    doc_type: str
    number: str
    issued_on: date | None
    issuer: str


@dataclass(frozen=True)
class ReportRow:
    """A progress report accepted by the "as of" date (drafts and reports under review
    are the unit's own business and never leave the system)."""

    id: int
    assignment_id: int
    period_id: int
    period_label: str
    unit: str
    role: str  # "lead" / "support"
    activity_id: int
    status: str  # not_started / in_progress / done / not_done
    status_label: str
    result: str
    evidence_text: str
    difficulties: str
    proposals: str
    reason: str
    completed_on: date | None
    accepted_at: datetime
    documents: tuple[DocumentRow, ...] = ()

    @property
    def evidence(self) -> str:
        """Documents as cited, or the text as typed when none was recognised."""
        return "; ".join(d.text for d in self.documents) or self.evidence_text


@dataclass(frozen=True)
class AssignmentRow:
    id: int
    activity_id: int
    unit_id: int
    unit: str
    role: str  # "lead" / "support"
    via_group: str  # "UBND xã, phường" or ""
    outcome: str  # an Outcome value for lead rows; "" for support
    outcome_label: str
    report: ReportRow | None  # the accepted report the figures used (support: this period's)


@dataclass(frozen=True)
class ActivityRow:
    id: int
    group_id: int
    position: int
    number: str  # "5.2" ("" when unnumbered)
    text: str
    lead_text: str  # units as the annex wrote them
    support_text: str
    lead_units: tuple[str, ...]  # canonical names, groups shown once ("UBND xã, phường")
    support_units: tuple[str, ...]
    timeframe_text: str
    timeframe_kind: str
    due_on: date | None
    dimensions: tuple[int, ...]
    status: str  # the activity's outcome label under the plan's rule
    progress: str  # "07/10 xã, phường" or "02/02 đơn vị chủ trì"; "" for one lead unit
    assignments: tuple[AssignmentRow, ...] = ()

    @property
    def heading(self) -> str:
        """ "1.1. Chuyển giao tài liệu…" as the annex's Hoạt động column reads."""
        return f"{self.number}. {self.text}" if self.number else self.text

    @property
    def lead_reports(self) -> tuple[ReportRow, ...]:
        return tuple(a.report for a in self.assignments if a.role == "lead" and a.report)

    def _prefix(self, report: ReportRow) -> str:
        """Name the unit when several lead the activity, so lines can be told apart."""
        several = len(self.lead_units) > 1 or len(self.lead_reports) > 1
        return f"{report.unit}: " if several else ""

    def result_lines(self) -> list[str]:
        """What the lead units reported, a line each; "không thực hiện" with its reason."""
        return [
            self._prefix(r)
            + (f"Không thực hiện. Lý do: {r.reason}" if r.status == "not_done" else r.result)
            for r in self.lead_reports
        ]

    def evidence_lines(self) -> list[str]:
        return [self._prefix(r) + r.evidence for r in self.lead_reports if r.evidence]


@dataclass(frozen=True)
class GroupRow:
    id: int
    position: int
    label: str  # "1", "II"
    title: str
    intro: str  # a heading row that is not an activity (group 6)
    activities: tuple[ActivityRow, ...] = ()


@dataclass(frozen=True)
class UnitRow:
    id: int
    name: str
    kind: str
    position: int


@dataclass(frozen=True)
class PeriodRow:
    id: int
    code: str  # "2023-Y"
    label: str
    kind: str
    starts_on: date
    ends_on: date
    due_on: date


@dataclass(frozen=True)
class OverdueRow:
    number: str
    text: str
    unit: str
    due_on: date
    days_late: int


@dataclass(frozen=True)
class ReportData:
    # Who reports, on what, as of when.
    locality: str  # "thị xã Vĩnh Châu"
    place_name: str  # "Vĩnh Châu"
    issuing_body: str  # "Ủy ban nhân dân thị xã Vĩnh Châu"
    province: str  # "tỉnh Sóc Trăng"
    plan_id: int
    plan_number: str
    plan_issued_on: date | None
    plan_title: str
    plan_year: int
    noun: str
    as_of: date
    period: PeriodRow | None
    rule: str  # the counting rule in words
    recipient: str  # "Sở Nội vụ tỉnh Sóc Trăng"; "" leaves "Kính gửi" out
    document_number: str  # "" for a draft: "Số: …/BC-UBND"
    generated_at: datetime  # a stamp for file metadata; tests pass a fixed one
    tracker_version: str
    # Figures, exactly as compute_summary gives them.
    headline: str
    breakdown: str
    plan_figure: FigureLine
    outcomes: tuple[OutcomeCount, ...]
    by_dimension: tuple[FigureLine, ...]
    by_group: tuple[FigureLine, ...]
    by_unit: tuple[FigureLine, ...]
    commune_groups: tuple[str, ...]  # "Hoạt động 1.5: 07/10 xã, phường"
    form: tuple[FormRow, ...]
    overdue: tuple[OverdueRow, ...]
    figures_json: dict[str, Any] = field(default_factory=dict)
    # The plan and its progress.
    groups: tuple[GroupRow, ...] = ()
    units: tuple[UnitRow, ...] = ()
    periods: tuple[PeriodRow, ...] = ()
    reports: tuple[ReportRow, ...] = ()

    @property
    def activities(self) -> tuple[ActivityRow, ...]:
        return tuple(a for g in self.groups for a in g.activities)

    @property
    def period_reports(self) -> tuple[ReportRow, ...]:
        """Reports of the chosen period accepted by the "as of" date."""
        if self.period is None:
            return ()
        return tuple(r for r in self.reports if r.period_id == self.period.id)
