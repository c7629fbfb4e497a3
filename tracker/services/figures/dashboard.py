"""What the dashboard shows: the plan's figures (services.figures) with their names, who
reported in each period, what is overdue and by how many days, and the province's real
PAPI scores by dimension."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from sqlalchemy import func, select
from sqlite_utils.utils import rows_from_file

from tracker.domain import figure_text
from tracker.domain.figures import OUTCOME_LABELS, RULE_LABELS, Outcome, Tally
from tracker.domain.frameworks import FrameworkName, by_framework
from tracker.domain.plan_figures import ActivityFigure, PlanFigures
from tracker.extensions import db
from tracker.models import LEAD, Activity, Assignment, Plan, ProgressReport, Unit
from tracker.models.reporting import ACCEPTED, RETURNED, SUBMITTED, ReportingPeriod
from tracker.services import periods as period_service
from tracker.services.figures import kept
from tracker.services.figures.names import Names, names
from tracker.services.figures.remembered import figures_for, remembered
from tracker.services.frameworks import PAPI

SCORES = Path(__file__).resolve().parents[3] / "seeds" / "papi_scores.csv"


@dataclass(frozen=True)
class Line:
    """A row of figures: a content group, a PAPI dimension or a lead unit."""

    key: str
    label: str
    tally: Tally


@dataclass(frozen=True)
class IndexSection:
    """The figures by the dimensions of one of the plan's frameworks."""

    framework: FrameworkName
    lines: tuple[Line, ...]  # key: the dimension's number within its framework

    @property
    def is_papi(self) -> bool:
        """PAPI's rows stand beside the province's published PAPI scores."""
        return self.framework.code == PAPI


@dataclass(frozen=True)
class OverdueLine:
    activity_id: int
    number: str
    text: str
    unit: str
    due_on: date
    days_late: int
    in_progress: bool  # under way, only late


@dataclass(frozen=True)
class Named:
    activity_id: int
    activity: str  # "hoạt động 1.5", or an unnumbered activity's text
    text: str


@dataclass(frozen=True)
class FiguresView:
    """The plan's figures on a date, named for a page."""

    figures: PlanFigures
    round_label: str  # "6 tháng đầu năm 2023"
    summary: str  # the headline with its parts and what remains
    in_round: str  # the round's own figure
    rule: str
    by_group: tuple[Line, ...]
    by_index: tuple[IndexSection, ...]  # one per framework of the plan
    by_unit: tuple[Line, ...]
    progress: tuple[Named, ...]  # "07/10 xã, phường (…)": activities some units carried out
    progress_none: int  # activities with several lead units, none of which reported work
    progress_all: int  # … every one of which did
    unresolved: tuple[Named, ...]  # vague lead units: chưa xác định đơn vị
    overdue: tuple[OverdueLine, ...]
    outcome_labels: dict[Outcome, str]


def figures_view(plan: Plan, as_of: date, period: ReportingPeriod | None = None) -> FiguresView:
    """The figures to date (everything accepted so far this year), or for `period`'s
    round as the report upward gives them."""

    def build() -> FiguresView:
        figures = figures_for(plan, as_of, period, to_date=period is None)
        return view_of(figures, names(plan))

    return remembered(plan, "figures view", (as_of, period.id if period else None), build)


def view_of(figures: PlanFigures, named: Names) -> FiguresView:
    noun = figures.noun
    label = named.round_label(figures.round_ids)
    activity = named.activities
    shares = [(a, _share(a)) for a in figures.activities if a.progress]
    return FiguresView(
        figures=figures,
        round_label=label,
        summary=figure_text.summary(figures.cumulative, noun),
        in_round=(
            figure_text.in_round(figures.in_round, label, noun) if figures.earlier_round_ids else ""
        ),
        rule=RULE_LABELS[figures.rule],
        by_group=tuple(
            Line(named.groups[k][0], named.groups[k][1], t)
            for k, t in sorted(figures.by_group, key=lambda kt: named.groups[kt[0]][2])
        ),
        by_index=tuple(
            IndexSection(
                s.framework,
                tuple(Line(str(x.dimension.number), x.dimension.name, x.tally) for x in s.lines),
            )
            for s in by_framework(named.frameworks, figures.by_dimension)
        ),
        by_unit=tuple(
            Line(str(k), named.units[k], t)
            for k, t in sorted(figures.by_unit, key=lambda kt: (named.unit_order[kt[0]], kt[0]))
        ),
        progress=tuple(
            Named(a.activity_id, activity[a.activity_id].short, named.progress(a))
            for a, share in shares
            if 0 < share < 1
        ),
        progress_none=sum(1 for _, share in shares if share == 0),
        progress_all=sum(1 for _, share in shares if share == 1),
        unresolved=tuple(
            Named(a.activity_id, activity[a.activity_id].short, named.units[unit_id])
            for a in figures.activities
            for unit_id in a.unresolved
        ),
        overdue=tuple(
            OverdueLine(
                o.activity_id,
                activity[o.activity_id].number,
                activity[o.activity_id].text,
                named.units[o.unit_id],
                o.due_on,
                o.days_late,
                o.outcome is Outcome.LATE_IN_PROGRESS,
            )
            for o in figures.overdue
        ),
        outcome_labels=OUTCOME_LABELS,
    )


def _share(activity: ActivityFigure) -> float:
    """The part of an activity's lead units that carried it out, over all its groups."""
    carried = sum(len(p.carried_unit_ids) for p in activity.progress)
    return carried / sum(len(p.unit_ids) for p in activity.progress)


@dataclass(frozen=True)
class ActivityStatus:
    label: str  # the activity's outcome, lũy kế
    progress: str  # "07/10 xã, phường (…)"; "" for one lead unit


def activity_status(activity: Activity, as_of: date) -> ActivityStatus:
    """What the figures say of one activity today: the same result as the dashboard's."""
    figures = figures_for(activity.plan, as_of, to_date=True)
    found = figures.activity(activity.id)
    if found is None or found.outcome is None:
        return ActivityStatus("Chưa xác định đơn vị chủ trì", "")
    return ActivityStatus(OUTCOME_LABELS[found.outcome], names(activity.plan).progress(found))


@dataclass(frozen=True)
class ReportCell:
    accepted: int
    submitted: int
    returned: int
    owed: int

    @property
    def css(self) -> str:
        if self.owed and self.accepted >= self.owed:
            return "ok"
        if self.accepted or self.submitted:
            return "partial"
        return "none"


@dataclass(frozen=True)
class TableUnit:
    id: int
    name: str


def reporting_table(plan: Plan) -> tuple[list[str], list[tuple[TableUnit, list[ReportCell]]]]:
    """Lead units × periods (their labels): how many of the unit's lead assignments have
    a report accepted / waiting / returned in each period. Counted by the database by
    activity, kept and brought up to date after a change (kept.counted_by_activity), and
    remembered while nothing in the plan changed."""

    def build() -> tuple[list[str], list[tuple[TableUnit, list[ReportCell]]]]:
        counted = kept.counted_by_activity(
            plan, "reporting table", lambda ids: lead_reports(plan, ids)
        )
        return table_of(plan, counted)

    return remembered(plan, "reporting table", (), build)


def lead_reports(plan: Plan, activity_ids: list[int] | None = None) -> dict[int, kept.Counts]:
    """Each activity's part of the table, of every activity or of `activity_ids`:
    (unit id,) → its lead assignments, (unit id, period id, state) → their reports."""
    lead = (
        select(Assignment.activity_id, Assignment.id, Assignment.unit_id)
        .join(Activity, Assignment.activity_id == Activity.id)
        .join(Unit, Assignment.unit_id == Unit.id)
        .where(Activity.plan_id == plan.id, Assignment.role == LEAD)
        .where(Unit.kind.not_in(("vague", "group")))
    )
    if activity_ids is not None:
        lead = lead.where(Activity.id.in_(activity_ids))
    lead_rows = lead.subquery()
    parts: dict[int, kept.Counts] = {}
    for activity_id, unit_id, n in db.session.execute(
        select(lead_rows.c.activity_id, lead_rows.c.unit_id, func.count()).group_by(
            lead_rows.c.activity_id, lead_rows.c.unit_id
        )
    ):
        parts.setdefault(activity_id, {})[(unit_id,)] = n
    for activity_id, unit_id, period_id, state, n in db.session.execute(
        select(
            lead_rows.c.activity_id,
            lead_rows.c.unit_id,
            ProgressReport.period_id,
            ProgressReport.state,
            func.count(),
        )
        .join(ProgressReport, ProgressReport.assignment_id == lead_rows.c.id)
        .group_by(
            lead_rows.c.activity_id,
            lead_rows.c.unit_id,
            ProgressReport.period_id,
            ProgressReport.state,
        )
    ):
        parts[activity_id][(unit_id, period_id, state)] = n
    return parts


def table_of(
    plan: Plan, counted: kept.Counts
) -> tuple[list[str], list[tuple[TableUnit, list[ReportCell]]]]:
    """The table from the plan's counts (the sum of lead_reports)."""
    periods = period_service.plan_periods(plan)
    owed = {key[0]: n for key, n in counted.items() if len(key) == 1}
    units = db.session.execute(
        select(Unit.id, Unit.name).where(Unit.id.in_(owed)).order_by(Unit.position)
    ).all()
    rows = []
    for unit_id, name in units:
        cells = [
            ReportCell(
                *(counted.get((unit_id, period.id, s), 0) for s in (ACCEPTED, SUBMITTED, RETURNED)),
                owed[unit_id],
            )
            for period in periods
        ]
        rows.append((TableUnit(unit_id, name), cells))
    return [p.label for p in periods], rows


@lru_cache(maxsize=1)
def _scores() -> tuple[dict[str, str], ...]:
    with SCORES.open("rb") as fp:
        lines = fp.read().decode("utf-8").splitlines()
    body = "\n".join(line for line in lines if not line.startswith("#")).encode()
    rows, _ = rows_from_file(io.BytesIO(body), format=None)
    return tuple(dict(r) for r in rows)


def papi_scores(
    province: str, year: int | None = None
) -> tuple[int, dict[int, float], dict[int, float]] | None:
    """(year, scores by dimension that year, the year before) for a province ("tỉnh Sóc
    Trăng" → "Sóc Trăng"): the plan's year when published, else the latest; None when
    the data has no such province."""
    name = province.removeprefix("tỉnh ").strip()
    rows = [r for r in _scores() if r["province_vi"] == name]
    if not rows:
        return None
    by_year = {int(r["year"]): r for r in rows}
    latest = year if year in by_year else max(by_year)

    def dims(row: dict[str, str] | None) -> dict[int, float]:
        if row is None:
            return {}
        return {i: float(row[f"D{i}"]) for i in range(1, 9) if row.get(f"D{i}")}

    return latest, dims(by_year[latest]), dims(by_year.get(latest - 1))


@dataclass(frozen=True)
class Chart:
    """An SVG line chart of the share carried out and done, one point per snapshot."""

    width: int
    height: int
    carried: str  # SVG polyline points
    done: str
    first: date
    last: date
    points: int


def chart(snapshots: list, width: int = 640, height: int = 160) -> Chart | None:  # type: ignore[type-arg]
    if len(snapshots) < 2:
        return None
    span = (snapshots[-1].day - snapshots[0].day).days or 1

    def line(attr: str) -> str:
        points = []
        for s in snapshots:
            x = (s.day - snapshots[0].day).days / span * width
            y = height - (getattr(s, attr) / s.total * height if s.total else 0)
            points.append(f"{x:.1f},{y:.1f}")
        return " ".join(points)

    return Chart(
        width,
        height,
        line("carried_out"),
        line("done"),
        snapshots[0].day,
        snapshots[-1].day,
        len(snapshots),
    )
