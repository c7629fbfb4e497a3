"""What every export is made from: one `ReportData`, built by
`tracker.services.exports.report` from the database in a single read transaction, so every
file speaks for the same moment. Plain frozen dataclasses — no ORM objects. Every
figure in it comes from one `PlanFigures` (tracker.domain.figures)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from tracker.domain.documents import activity_reference, upper_first
from tracker.domain.figures import Tally
from tracker.domain.plan_figures import PlanFigures


@dataclass(frozen=True)
class FigureLine:
    """One row of figures (a PAPI dimension, a content group, a unit, or the plan):
    what was carried out, and of it what is done, over `total` items of the plan's rule."""

    key: str  # "1", "6", a unit's name
    label: str
    total: int
    carried: int
    done: int
    carried_fraction: str  # "07/23"
    carried_percent: str  # "30,43%"
    done_fraction: str
    done_percent: str

    @classmethod
    def of(cls, key: str, label: str, tally: Tally) -> FigureLine:
        carried, done = tally.carried_out, tally.done
        return cls(
            key,
            label,
            tally.total,
            carried.numerator,
            done.numerator,
            carried.fraction,
            carried.percent,
            done.fraction,
            done.percent,
        )


@dataclass(frozen=True)
class IndexLines:
    """The figures by the dimensions of one of the plan's frameworks (domain.frameworks):
    a row per dimension some item is tagged with, its key the dimension's number."""

    name: str  # "Chỉ số PAPI"
    short_name: str  # "PAPI"
    dimension_noun: str  # "chỉ số nội dung"
    dimension_word: str  # "chỉ số"
    lines: tuple[FigureLine, ...]


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
    """A row of "Biểu mẫu 1" (seed 001): STT, indicator, unit of count, value, note."""

    number: str  # "2.1."
    label: str
    unit: str
    value: int | None  # None for a heading row or a row left for manual entry
    text: str  # as the form writes it: "07", "30,43%"; "" when left for manual entry
    note: str = ""  # Ghi chú: "Nhập tay: …" for a row the plan holds no data for


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
    outcome: str  # an Outcome value for a named lead unit; "" otherwise
    outcome_label: str
    reports: tuple[ReportRow, ...] = ()  # the reports counted (lũy kế), oldest round first

    @property
    def report(self) -> ReportRow | None:
        """The latest report counted: what the unit says now."""
        return self.reports[-1] if self.reports else None


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
    dimensions: tuple[int, ...]  # its PAPI dimensions' numbers
    outcome: str  # the activity's Outcome value under the plan's rule; "" when unresolved
    status: str  # its label
    in_round: bool  # carried out in the round itself
    progress: str  # "07/10 xã, phường (Phường 1, …)"; "" for one lead unit
    assignments: tuple[AssignmentRow, ...] = ()

    @property
    def heading(self) -> str:
        """ "1.1. Chuyển giao tài liệu…" as the annex's Hoạt động column reads."""
        return f"{self.number}. {self.text}" if self.number else self.text

    @property
    def name(self) -> str:
        """ "Hoạt động 1.1. Chuyển giao tài liệu…": the full name, never cut."""
        return f"Hoạt động {self.heading}" if self.number else self.text

    @property
    def short(self) -> str:
        """ "hoạt động 1.1"; an unnumbered one by its name (documents.activity_reference)."""
        return activity_reference(self.number, self.text)

    @property
    def lead_reports(self) -> tuple[ReportRow, ...]:
        return tuple(r for a in self.assignments if a.role == "lead" for r in a.reports)

    def _prefix(self, report: ReportRow) -> str:
        """Name the unit when several lead the activity, and the period when the figures
        gather several rounds, so lines can be told apart."""
        several = len(self.lead_units) > 1 or len({r.unit for r in self.lead_reports}) > 1
        rounds = len({r.period_id for r in self.lead_reports}) > 1
        if several and rounds:
            return f"{upper_first(report.unit)}, {report.period_label.lower()}: "
        if several:
            return f"{upper_first(report.unit)}: "
        return f"{report.period_label}: " if rounds else ""

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
class DueRow:
    """A dated activity not finished whose deadline falls before the next cut-off."""

    activity_id: int
    name: str  # "Hoạt động 6.3. Kiểm tra…"
    due_on: date


@dataclass(frozen=True)
class ReportData:
    # Who reports, on what, to whom, as of when.
    locality: str  # "thị xã Vĩnh Châu"
    place_name: str  # "Vĩnh Châu"
    issuing_body: str  # "Ủy ban nhân dân thị xã Vĩnh Châu"
    province: str  # "tỉnh Sóc Trăng"
    office: str  # the coordinating office: "Phòng Nội vụ", "Sở Nội vụ" (domain.offices)
    plan_id: int
    plan_number: str
    plan_issued_on: date | None
    plan_title: str
    plan_year: int
    plan_basis: str  # what the plan implements, cited in the opening; "" for none
    noun: str
    as_of: date
    period: PeriodRow | None  # the round's longest period: it names the report
    round_label: str  # "6 tháng đầu năm 2023"; "" for a plan without periods
    cutoff: date | None  # the round's cut-off (ngày chốt số liệu)
    rule: str  # the counting rule in words (internal pages and sheets, never the report)
    recipient: str  # "Kính gửi"; "" leaves it out
    document_number: str  # "" for a draft: "Số: …/BC-UBND"
    signed_on: date | None  # None leaves the day blank: "ngày    tháng 12 năm 2023"
    signer_name: str
    signer_role: str  # "chairman" / "deputy"
    generated_at: datetime  # a stamp for file metadata; tests pass a fixed one
    tracker_version: str
    # Figures: one computation, named.
    figures: PlanFigures
    summary: str  # the headline with its parts and what remains, one paragraph
    in_round: str  # the round's own figure; "" when the round is the year's first
    plan_figure: FigureLine
    outcomes: tuple[OutcomeCount, ...]
    by_dimension: tuple[FigureLine, ...]  # PAPI's dimensions (the snapshot's "dimension" rows)
    by_group: tuple[FigureLine, ...]
    by_unit: tuple[FigureLine, ...]
    progress: tuple[str, ...]  # "Hoạt động 1.5: 07/10 xã, phường (…)"
    form: tuple[FormRow, ...]
    overdue: tuple[OverdueRow, ...]
    due_next: tuple[DueRow, ...] = ()
    next_round: PeriodRow | None = None
    figures_json: dict[str, Any] = field(default_factory=dict)  # for files that carry JSON
    # The plan and its progress.
    groups: tuple[GroupRow, ...] = ()
    units: tuple[UnitRow, ...] = ()
    periods: tuple[PeriodRow, ...] = ()
    reports: tuple[ReportRow, ...] = ()  # every report accepted by the "as of" date
    # The governing body above the issuing one, named in the header (a commune's province:
    # "Ủy ban nhân dân tỉnh Sóc Trăng"); "" for none.
    governing_body: str = ""
    # The figures by each framework the plan follows (PAPI, PAR INDEX, SIPAS…), in order.
    by_index: tuple[IndexLines, ...] = ()
    # A province's plan: its lead units' figures split into communes and departments
    # (services.rollup's table, in the report); () for a commune's or a district's.
    by_commune: tuple[FigureLine, ...] = ()
    by_department: tuple[FigureLine, ...] = ()
    # "Dữ liệu mẫu — không phải số liệu thật" for a demo locality (Locality.is_demo): every
    # file says it; "" for real data, whose files stay as they were.
    demo_notice: str = ""

    @property
    def activities(self) -> tuple[ActivityRow, ...]:
        return tuple(a for g in self.groups for a in g.activities)

    @property
    def counted_reports(self) -> tuple[ReportRow, ...]:
        """The reports the figures counted (the year up to the round), every role."""
        return tuple(r for r in self.reports if r.id in self.figures.counted_reports)

    @property
    def round_reports(self) -> tuple[ReportRow, ...]:
        """The reports of the round itself."""
        return tuple(r for r in self.reports if r.id in self.figures.round_reports)
