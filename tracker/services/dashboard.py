"""What the dashboard shows beyond the summary: who reported in each period, what is
overdue and by how many days, and the province's real PAPI scores by dimension."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from sqlalchemy import func, select
from sqlite_utils.utils import rows_from_file

from tracker.extensions import db
from tracker.models import LEAD, Activity, Assignment, Plan, ProgressReport, Unit
from tracker.models.reporting import ACCEPTED, RETURNED, SUBMITTED
from tracker.services import periods as period_service
from tracker.services.summary import remembered

SCORES = Path(__file__).resolve().parents[2] / "seeds" / "papi_scores.csv"


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
    a report accepted / waiting / returned in each period. Counted by the database, and
    remembered while nothing in the plan changed."""
    return remembered(plan, "reporting table", (), lambda: _reporting_table(plan))


def _reporting_table(plan: Plan) -> tuple[list[str], list[tuple[TableUnit, list[ReportCell]]]]:
    periods = period_service.plan_periods(plan)
    lead = (
        select(Assignment.id, Assignment.unit_id)
        .join(Activity, Assignment.activity_id == Activity.id)
        .join(Unit, Assignment.unit_id == Unit.id)
        .where(Activity.plan_id == plan.id, Assignment.role == LEAD)
        .where(Unit.kind.not_in(("vague", "group")))
        .subquery()
    )
    owed = dict(
        db.session.execute(select(lead.c.unit_id, func.count()).group_by(lead.c.unit_id)).all()
    )
    counts: dict[tuple[int, int, str], int] = {
        (unit_id, period_id, state): n
        for unit_id, period_id, state, n in db.session.execute(
            select(lead.c.unit_id, ProgressReport.period_id, ProgressReport.state, func.count())
            .join(ProgressReport, ProgressReport.assignment_id == lead.c.id)
            .group_by(lead.c.unit_id, ProgressReport.period_id, ProgressReport.state)
        )
    }
    units = db.session.scalars(select(Unit).where(Unit.id.in_(owed)).order_by(Unit.position)).all()
    rows = []
    for unit in units:
        cells = [
            ReportCell(
                *(counts.get((unit.id, period.id, s), 0) for s in (ACCEPTED, SUBMITTED, RETURNED)),
                owed[unit.id],
            )
            for period in periods
        ]
        rows.append((TableUnit(unit.id, unit.name), cells))
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
