"""Loading `seeds/`: the index frameworks (PAPI, PAR INDEX, SIPAS) and their dimensions,
the government's swapped working days, a locality's unit catalogue and its plans.

Which sample an instance gets (`flask seed --demo …`): "vinh-chau", the district of
Kế hoạch 63/KH-UBND (2023), with or without its progress; "province", the synthetic
two-tier «tỉnh Minh Họa» (services.demo_province); "none", reference data only, for a
real deployment.

sqlite-utils reads the seed files (CSV/JSON, any dialect it can sniff); the rows go in
through the same services a user's actions use, so the seed plan's annex is imported
exactly as an uploaded one would be. Running it twice changes nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import func, select
from sqlite_utils.utils import rows_from_file

from tracker.clock import LOCAL_TZ
from tracker.domain.offices import DISTRICT, office_name
from tracker.domain.units import UnitKind
from tracker.extensions import db
from tracker.models import (
    Assignment,
    IndexDimension,
    IndexFramework,
    Locality,
    Plan,
    ProgressReport,
    Unit,
    User,
)
from tracker.models.users import COORDINATOR
from tracker.services import catalog, frameworks, plans, reporting, workdays
from tracker.services import periods as period_service
from tracker.services.annex_import import apply_import, preview_import

SEEDS_DIR = Path(__file__).resolve().parents[2] / "seeds"
COORDINATOR_USERNAME = "noivu"  # the README's first sign-in


@dataclass
class SeedResult:
    dimensions: int = 0
    units: int = 0
    plans: int = 0
    activities: int = 0
    users: int = 0
    reports: int = 0
    days: int = 0


def rows_of(path: Path) -> list[dict[str, str]]:
    with path.open("rb") as fp:
        rows, _ = rows_from_file(fp)
        return [{k: (v or "").strip() for k, v in row.items()} for row in rows]


def _split(value: str) -> list[str]:
    return [v.strip() for v in value.split("|") if v.strip()]


def load_frameworks(path: Path, result: SeedResult) -> None:
    """The frameworks and their dimensions the migration also writes: what is missing is
    added (PAPI's dimensions with their numbers as ids, others with the next ids)."""
    for position, spec in enumerate(json.loads(path.read_text(encoding="utf-8")), start=1):
        framework = frameworks.find_framework(spec["code"])
        if framework is None:
            fields = ("code", "name", "short_name", "dimension_noun")
            framework = IndexFramework(**{k: spec[k] for k in fields}, position=position)
            db.session.add(framework)
            db.session.flush()
        numbers = {d.number for d in framework.dimensions}
        for row in spec["dimensions"]:
            if row["number"] in numbers:
                continue
            last = db.session.scalar(select(func.max(IndexDimension.id))) or 0
            papi_id = row["number"] if spec["code"] == frameworks.PAPI else 0
            free = papi_id and db.session.get(IndexDimension, papi_id) is None
            db.session.add(
                IndexDimension(
                    id=papi_id if free else max(last, 8) + 1,
                    framework=framework,
                    number=row["number"],
                    name=row["name"],
                    name_en=row["name_en"],
                )
            )
            db.session.flush()
            result.dimensions += 1


def load_locality(folder: Path, result: SeedResult) -> Locality:
    info = json.loads((folder / "locality.json").read_text(encoding="utf-8"))
    locality = db.session.scalar(select(Locality).where(Locality.name == info["name"]))
    if locality is None:
        level = info.get("level", DISTRICT)
        info["office_name"] = office_name(info.get("office_name", ""), level)
        locality = Locality(**info)
        db.session.add(locality)
        db.session.flush()
    by_name = {u.name: u for u in catalog.units_of(locality.id)}
    for row in rows_of(folder / "units.csv"):
        if row["name"] in by_name:
            continue
        members = [by_name[m] for m in _split(row.get("members", ""))]
        parent = by_name.get(row.get("parent", ""))
        unit = catalog.create_unit(
            locality, row["name"], UnitKind(row["kind"]), _split(row["aliases"]), members, parent
        )
        by_name[unit.name] = unit
        result.units += 1
    aliases = folder / "unit_aliases.csv"
    if aliases.exists():
        for row in rows_of(aliases):
            catalog.remember_alias(row["alias"], [by_name[n].id for n in _split(row["units"])])
    return locality


def plan_from_spec(locality: Locality, spec: dict[str, Any], result: SeedResult) -> Plan:
    """A new plan of `locality` as a sample's spec (number, issued_on, year, title, noun,
    basis) describes it."""
    plan = plans.create_plan(
        locality,
        number=spec["number"],
        issued_on=date.fromisoformat(spec["issued_on"]),
        year=spec["year"],
        title=spec["title"],
        noun=spec["noun"],
        user=None,
    )
    plan.basis = spec.get("basis", "")
    result.plans += 1
    return plan


def import_sample(
    plan: Plan, filename: str, data: bytes, result: SeedResult, shown_as: str = ""
) -> None:
    """Import a sample annex into `plan`; one that does not import is a fault in the samples."""
    preview = preview_import(plan, filename, data)
    if not preview.can_apply:
        problems = "; ".join(p.message for p in preview.errors)
        raise RuntimeError(f"Phụ lục mẫu {shown_as or filename} không nhập được: {problems}")
    result.activities += apply_import(preview, None).added


def load_plan(folder: Path, locality: Locality, spec_name: str, result: SeedResult) -> Plan:
    spec = json.loads((folder / spec_name).read_text(encoding="utf-8"))
    plan = db.session.scalar(
        select(Plan).where(Plan.locality_id == locality.id, Plan.number == spec["number"])
    )
    if plan is None:
        plan = plan_from_spec(locality, spec, result)
    period_service.ensure_periods(plan)
    annex = folder / spec["annex"]
    import_sample(plan, annex.name, annex.read_bytes(), result, shown_as=str(annex))
    _set_dimensions(plan, spec.get("dimensions", {}))
    return plan


def _set_dimensions(plan: Plan, by_key: dict[str, list[int]]) -> None:
    """Keys: an activity number ("1.1") or "group/#k" for the k-th activity of a group."""
    dims = {d.id: d for d in db.session.scalars(select(IndexDimension))}
    for group in plan.groups:
        for index, activity in enumerate(group.activities, start=1):
            key = activity.number or f"{group.label}/#{index}"
            if key in by_key and not activity.dimensions:
                activity.dimensions = [dims[i] for i in by_key[key]]


def load_demo_progress(folder: Path, plan: Plan, result: SeedResult) -> None:
    """Reports as units sent them in 2023, with their submission and review dates, so the
    dashboard and `summary --as-of` have history to show. Rows already there are kept."""
    path = folder / f"demo-progress-{plan.year}.csv"
    if not path.exists():
        return
    periods = {p.code: p for p in period_service.plan_periods(plan)}
    for row in rows_of(path):
        assignment = _demo_assignment(plan, row)
        period = periods[row["period"]]
        if reporting.find_report(assignment, period) is not None:
            continue
        report = ProgressReport(
            assignment=assignment,
            period=period,
            status=row["status"],
            result=row["result"],
            evidence_text=row["evidence"],
            reason=row["reason"],
            completed_on=date.fromisoformat(row["completed_on"]) if row["completed_on"] else None,
            review_comment=row["comment"],
        )
        report.documents = reporting.evidence_documents(row["evidence"])
        db.session.add(report)
        demo_event(report, "submitted", row["submitted_at"])
        if row["review"] != "submitted":
            demo_event(report, row["review"], row["reviewed_at"])
        result.reports += 1


def demo_event(report: ProgressReport, state: str, day: str) -> None:
    """The state at 09:00 local time on `day`."""
    moment = datetime.combine(date.fromisoformat(day), time(9), LOCAL_TZ).astimezone(UTC)
    report.state = state
    report.updated_at = moment
    if state == "submitted":
        report.submitted_at = moment
    else:
        report.reviewed_at = moment
    reporting.log_event(report, at=moment)


def _demo_assignment(plan: Plan, row: dict[str, str]) -> Assignment:
    key = row["activity"]
    if "/#" in key:
        label, index = key.split("/#")
        group = next(g for g in plan.groups if g.label == label)
        activity = group.activities[int(index) - 1]
    else:
        activity = next(a for a in plan.activities if a.number == key)
    return next(
        a for a in activity.assignments if a.unit.name == row["unit"] and a.role == row["role"]
    )


def ensure_coordinator(locality: Locality, result: SeedResult) -> None:
    """The locality's coordinating office's first account ("Phòng Nội vụ thị xã Vĩnh
    Châu"), attached to the unit of that name when the catalogue has one."""
    username = COORDINATOR_USERNAME
    if db.session.scalar(select(User).where(User.username == username)) is not None:
        return
    full_name = f"{locality.office_name} {locality.name}"
    user = User(username=username, full_name=full_name, role=COORDINATOR)
    user.unit = db.session.scalar(
        select(Unit).where(Unit.locality_id == locality.id, Unit.name == locality.office_name)
    )
    user.set_password(current_app.config["SEED_PASSWORD"])
    # A password written in the README: whoever signs in first chooses another.
    user.must_change_password = True
    db.session.add(user)
    result.users += 1


VINH_CHAU, PROVINCE_SAMPLE, NO_SAMPLE = "vinh-chau", "province", "none"
SAMPLES = (VINH_CHAU, PROVINCE_SAMPLE, NO_SAMPLE)


def load_seeds(
    seeds_dir: Path = SEEDS_DIR, demo: bool = True, sample: str = VINH_CHAU
) -> SeedResult:
    """Load the reference data (PAPI dimensions, working days) and the `sample`: Vĩnh Châu
    (`demo` adds its progress of 2023, demo-progress-*.csv), the demo province, or none."""
    result = SeedResult()
    load_frameworks(seeds_dir / "index_frameworks.json", result)
    # Before the plans: their reports' default due dates count these days.
    result.days = workdays.load_official_days(seeds_dir / "working_days.json")
    db.session.flush()
    if sample == PROVINCE_SAMPLE:
        # Imported here: the demo province is built with this module's helpers.
        from tracker.services.demo_province import load_demo_province

        load_demo_province(result)
    if sample != VINH_CHAU:
        db.session.flush()
        return result
    for folder in sorted(p for p in seeds_dir.iterdir() if (p / "locality.json").exists()):
        locality = load_locality(folder, result)
        for spec in sorted(folder.glob("plan-*.json")):
            plan = load_plan(folder, locality, spec.name, result)
            db.session.flush()
            if demo:
                load_demo_progress(folder, plan, result)
        ensure_coordinator(locality, result)
    db.session.flush()
    return result
