"""The demo province (`flask seed --demo province`): a fictional province after 1/7/2025,
«tỉnh Minh Họa», with the real shape of a two-tier instance — 26 sở, ban, ngành, 100
communes (xã, phường, đặc khu) and their group «UBND các xã, phường», a province plan for
2026 imported from its annex text, and three communes whose own plans carry it out
(linked activities), with accounts and the progress of the first half of 2026.

Everything goes in through the services a user's actions use (catalogue, annex import,
cascade), so the data has the shape real data has. The locality and its communes are
marked `is_demo`: every page and export of them says «Dữ liệu mẫu». Deterministic (one
fixed random seed); built once — a second run finds the province and changes nothing.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import select

from tracker.domain.text import fold
from tracker.domain.units import UnitKind
from tracker.extensions import db
from tracker.models import (
    LEAD,
    Assignment,
    IndexDimension,
    Locality,
    Plan,
    ProgressReport,
    Unit,
    User,
)
from tracker.models.units import PROVINCE
from tracker.services import cascade, catalog, plans, reporting
from tracker.services import frameworks as fw
from tracker.services import periods as period_service
from tracker.services.accounts import create_user
from tracker.services.seeding import (
    SEEDS_DIR,
    SeedResult,
    demo_event,
    import_sample,
    plan_from_spec,
    rows_of,
)

FOLDER = SEEDS_DIR / "demo-province"
GROUP_NAME = "UBND các xã, phường"
GROUP_ALIASES = ("Ủy ban nhân dân các xã, phường", "UBND cấp xã", "UBND xã, phường, đặc khu")
VAGUE_NAME = "Các sở, ban, ngành tỉnh"
VAGUE_ALIASES = ("Các sở, ban, ngành", "Các cơ quan, đơn vị có liên quan")
RANDOM_SEED = 2026

# A commune's offices after 1/7/2025 (a phường's economy office also handles
# infrastructure and urban affairs), and its ấp (xã, đặc khu) or khóm (phường).
VP, VHXH, CENTRE = (
    "Văn phòng HĐND và UBND",
    "Phòng Văn hóa – Xã hội",
    ("Trung tâm Phục vụ hành chính công"),
)
HAMLETS = {"xã": "ấp", "phường": "khóm", "đặc khu": "tổ dân phố"}
HAMLET_NAMES = ("Mới", "Chợ", "Giồng Cát", "Bờ Đập")


def economy_office(commune: Locality) -> str:
    if commune.name.startswith("phường"):
        return "Phòng Kinh tế, Hạ tầng và Đô thị"
    return "Phòng Kinh tế"


def load_demo_province(result: SeedResult, folder: Path = FOLDER) -> Locality:
    """Build the demo province unless it is there already (then change nothing)."""
    spec = json.loads((folder / "province.json").read_text(encoding="utf-8"))
    name = spec["locality"]["name"]
    found = db.session.scalar(select(Locality).where(Locality.name == name))
    if found is not None:
        return found
    rng = random.Random(RANDOM_SEED)
    province = Locality(**spec["locality"], level=PROVINCE, is_demo=True)
    db.session.add(province)
    db.session.flush()
    _catalogue(province, folder, result)
    communes = cascade.create_communes(province)
    for commune in communes:
        _commune_units(commune, result)
    plan = _province_plan(province, spec["plan"], folder, result)
    _accounts(province, spec["accounts"], result)
    by_name = {c.name: c for c in communes}
    commune_plans = []
    for entry in spec["communes_with_plans"]:
        commune = by_name[entry["commune"]]
        commune_plans.append(_commune_plan(commune, plan, entry, folder, result))
        _commune_accounts(commune, entry["login"], result)
    _province_progress(plan, rng, result)
    for commune_plan, entry in zip(commune_plans, spec["communes_with_plans"], strict=True):
        _commune_progress(commune_plan, entry["reported"], rng, result)
    db.session.flush()
    return province


# ---- catalogue ---------------------------------------------------------------------------------


def _catalogue(province: Locality, folder: Path, result: SeedResult) -> None:
    """Departments with their short names, the communes as «UBND xã …», their group."""
    for row in rows_of(folder / "departments.csv"):
        aliases = [a for a in row["aliases"].split("|") if a]
        unit = catalog.create_unit(province, row["name"], UnitKind(row["kind"]), aliases)
        unit.short_name = row["short_name"]
        catalog.refresh_search_text(unit)
        result.units += 1
    members = [
        catalog.create_unit(province, f"UBND {row['level']} {row['name']}", UnitKind.COMMUNE)
        for row in rows_of(folder / "communes.csv")
    ]
    catalog.create_unit(province, GROUP_NAME, UnitKind.GROUP, GROUP_ALIASES, members)
    catalog.create_unit(province, VAGUE_NAME, UnitKind.VAGUE, VAGUE_ALIASES)
    result.units += len(members) + 2


def _commune_units(commune: Locality, result: SeedResult) -> None:
    """A commune's offices, its ấp or khóm, and their group («Các ấp»)."""
    for name in (VP, economy_office(commune), VHXH, CENTRE):
        catalog.create_unit(commune, name, UnitKind.OFFICE)
    word = next(w for prefix, w in HAMLETS.items() if commune.name.startswith(prefix))
    hamlets = [
        catalog.create_unit(commune, f"{word} {name}", UnitKind.HAMLET) for name in HAMLET_NAMES
    ]
    catalog.create_unit(commune, f"Các {word}", UnitKind.GROUP, (), hamlets)
    result.units += 5 + len(hamlets)


# ---- plans -------------------------------------------------------------------------------------


def _province_plan(
    province: Locality, spec: dict[str, Any], folder: Path, result: SeedResult
) -> Plan:
    plan = plan_from_spec(province, spec, result)
    annex = (folder / spec["annex"]).read_text(encoding="utf-8")
    import_sample(plan, spec["annex"], annex.encode("utf-8"), result)
    dimensions = {d.id: d for d in db.session.scalars(select(IndexDimension))}
    for group in plan.groups:
        for activity in group.activities:
            ids = spec["dimensions_by_group"].get(group.label, [])
            activity.dimensions = [dimensions[i] for i in ids if i in dimensions]
    return plan


# What each commune office takes on, by words of the province's activity (folded).
OFFICE_WORDS = (
    ("economy", ("rac thai", "dat dai", "su dung dat", "moi truong", "giao thong", "ngan sach")),
    (VHXH, ("ho ngheo", "giao duc", "y te", "tuyen truyen", "an ninh")),
    (CENTRE, ("thu tuc", "ho tich", "truc tuyen", "mot cua", "cong thong tin")),
)


def _lead_office(commune: Locality, text: str, units: dict[str, Unit]) -> Unit:
    folded = fold(text)
    for office, words in OFFICE_WORDS:
        if any(w in folded for w in words):
            return units[economy_office(commune) if office == "economy" else office]
    return units[VP]


def _commune_plan(
    commune: Locality, parent: Plan, entry: dict[str, Any], folder: Path, result: SeedResult
) -> Plan:
    """The commune's plan: its own few activities, then every province activity that
    names it, taken in (linked) and led by its offices; some deadlines tightened."""
    plan = plans.create_plan(
        commune,
        number=entry["number"],
        issued_on=date.fromisoformat(entry["issued_on"]),
        year=parent.year,
        title=f"Thực hiện nhiệm vụ cải thiện, nâng cao Chỉ số PAPI, PAR INDEX và SIPAS "
        f"{commune.name} năm {parent.year}",
        noun="nhiệm vụ",
        user=None,
    )
    cascade.set_parent_plan(plan, parent, None)
    result.plans += 1
    units = {u.name: u for u in catalog.units_of(commune.id)}
    word = next(w for prefix, w in HAMLETS.items() if commune.name.startswith(prefix))
    own = (folder / "commune-annex.txt").read_text(encoding="utf-8")
    own = own.format(commune=commune.name, hamlets=f"các {word}", economy=economy_office(commune))
    import_sample(plan, "phu-luc-xa.txt", own.encode("utf-8"), result)
    _follow_three_indexes(plan)
    for offer in cascade.offers(plan):
        source = offer.activity
        due_on = None
        if source.due_on is not None and source.id % 3 == 0:  # a tighter deadline
            due_on = max(source.due_on - timedelta(days=15), date(parent.year, 1, 31))
        lead = _lead_office(commune, source.text, units)
        cascade.take_in(plan, source, [lead.id], due_on, None)
        result.activities += 1
    _own_group_last(plan)
    return plan


# A commune's plan covers the three indexes together (as a Hà Nội ward's 2025 plan does):
# its own activities are tagged with PAPI's, PAR INDEX's and SIPAS's parts.
OWN_TAGS = {
    "10.1": (("PAPI", 5), ("PAR_INDEX", 3), ("SIPAS", 1)),
    "10.2": (("PAPI", 8), ("PAR_INDEX", 7)),
    "10.3": (("PAPI", 6), ("SIPAS", 1), ("SIPAS", 5)),
}


def _follow_three_indexes(plan: Plan) -> None:
    chosen = [f for f in fw.all_frameworks() if f.code in ("PAPI", "PAR_INDEX", "SIPAS")]
    fw.set_plan_frameworks(plan, [f.id for f in chosen], None)
    parts = {(d.framework.code, d.number): d for f in chosen for d in f.dimensions}
    for activity in plan.activities:
        tags = OWN_TAGS.get(activity.number or "", ())
        activity.dimensions = [parts[tag] for tag in tags if tag in parts]


def _own_group_last(plan: Plan) -> None:
    """The commune's own group (imported first) after the province's, as its plan lists
    them: groups in order of their number, activities in their groups' order."""
    db.session.flush()
    db.session.refresh(plan)
    groups = sorted(plan.groups, key=lambda g: int(g.label))
    position = 0
    for index, group in enumerate(groups, start=1):
        group.position = index
        for activity in sorted(group.activities, key=lambda a: a.position):
            position += 1
            activity.position = position


# ---- accounts ----------------------------------------------------------------------------------


def _account(username: str, full_name: str, role: str, unit: Unit, result: SeedResult) -> None:
    """As the seeded `noivu`: the README's password, to be changed at the first sign-in."""
    if db.session.scalar(select(User.id).where(User.username == username)) is not None:
        return
    create_user(
        username=username,
        full_name=full_name,
        role=role,
        unit=unit,
        password=current_app.config["SEED_PASSWORD"],
        by=None,
    )
    result.users += 1


def _unit(locality: Locality, name: str) -> Unit:
    unit = db.session.scalar(select(Unit).where(Unit.locality_id == locality.id, Unit.name == name))
    assert unit is not None, name
    return unit


def _accounts(province: Locality, accounts: list[dict[str, str]], result: SeedResult) -> None:
    for a in accounts:
        _account(a["username"], a["full_name"], a["role"], _unit(province, a["unit"]), result)


def _commune_accounts(commune: Locality, login: str, result: SeedResult) -> None:
    """The commune's coordinator (its Văn phòng) and an officer of its economy office."""
    economy = economy_office(commune)
    _account(f"{login}.vp", f"{VP} {commune.name}", "coordinator", _unit(commune, VP), result)
    _account(f"{login}.kt", f"{economy} {commune.name}", "officer", _unit(commune, economy), result)


# ---- progress ----------------------------------------------------------------------------------

RESULTS = {
    "done": (
        "Đã hoàn thành, ban hành văn bản triển khai đến các cơ quan, đơn vị.",
        "Đã tổ chức thực hiện xong; kết quả được công khai trên Cổng thông tin điện tử.",
        "Hoàn thành đúng thời hạn; 100% ấp, khóm đã được phổ biến.",
    ),
    "in_progress": (
        "Đang triển khai thực hiện; đã tổ chức 02 đợt trong 6 tháng đầu năm.",
        "Thực hiện thường xuyên, lồng ghép trong các cuộc họp ấp, khóm.",
        "Đã xây dựng kế hoạch, đang tổ chức thực hiện theo tiến độ.",
        "Đã thực hiện được khoảng 60% khối lượng công việc.",
    ),
}
RETURN_COMMENTS = (
    "Đề nghị bổ sung số, ngày văn bản minh chứng.",
    "Kết quả chưa nêu số liệu cụ thể; đề nghị bổ sung.",
)


@dataclass(frozen=True)
class Moments:
    """When a round's reports were sent and looked at: `first`…`last` sent, reviewed a
    few days after."""

    first: date
    days: int


H1 = Moments(date(2026, 6, 8), 17)  # sent 8–25/6/2026, reviewed within a week


def _report(
    assignment: Assignment, plan: Plan, rng: random.Random, chance_done: float
) -> ProgressReport:
    period = next(p for p in period_service.plan_periods(plan) if p.code.endswith("-H1"))
    activity = assignment.activity
    # Dated work due in the half year is mostly done; later work sometimes done early.
    due_soon = activity.due_on is not None and activity.due_on <= period.ends_on
    early = activity.due_on is not None and not due_soon and rng.random() < 0.3
    status = "done" if (due_soon and rng.random() < chance_done) or early else "in_progress"
    sent = H1.first + timedelta(days=rng.randrange(H1.days))
    evidence = ""
    if rng.random() < 0.6:
        number = rng.randint(10, 480)
        evidence = (
            f"Công văn số {number}/UBND-VP ngày {sent.day}/{sent.month}/{sent.year} của "
            f"{assignment.unit.locality.issuing_body}"
        )
    report = ProgressReport(
        assignment=assignment,
        period=period,
        status=status,
        result=rng.choice(RESULTS[status]),
        evidence_text=evidence,
        completed_on=sent - timedelta(days=rng.randint(1, 20)) if status == "done" else None,
    )
    report.documents = reporting.evidence_documents(evidence)
    db.session.add(report)
    demo_event(report, "submitted", sent.isoformat())
    draw = rng.random()
    reviewed = (sent + timedelta(days=rng.randint(1, 6))).isoformat()
    if draw < 0.08:
        report.review_comment = rng.choice(RETURN_COMMENTS)
        demo_event(report, "returned", reviewed)
    elif draw < 0.85:
        demo_event(report, "accepted", reviewed)
    return report


def _lead_assignments(plan: Plan, kinds: tuple[str, ...] | None = None) -> list[Assignment]:
    stmt = (
        select(Assignment)
        .join(Assignment.activity)
        .join(Assignment.unit)
        .where(Assignment.activity.has(plan_id=plan.id), Assignment.role == LEAD)
        .order_by(Assignment.activity_id, Assignment.position)
    )
    if kinds is not None:
        stmt = stmt.where(Unit.kind.in_(kinds))
    return list(db.session.scalars(stmt))


def _province_progress(plan: Plan, rng: random.Random, result: SeedResult) -> None:
    """The departments report on their own tasks in the province's plan (the communes'
    tasks are reported through their own plans)."""
    departments = tuple(k.value for k in UnitKind if k not in (UnitKind.COMMUNE,))
    for assignment in _lead_assignments(plan, departments):
        if rng.random() < 0.8:
            _report(assignment, plan, rng, chance_done=0.8)
            result.reports += 1


def _commune_progress(plan: Plan, reported: float, rng: random.Random, result: SeedResult) -> None:
    for assignment in _lead_assignments(plan):
        if rng.random() < reported:
            _report(assignment, plan, rng, chance_done=reported)
            result.reports += 1
