"""A two-tier instance for the benchmarks (issue 16, item 8): one province, its 100
communes as localities linked to the province's commune units, five years of province
plans (~40 activities, most led by «UBND các xã, phường»), each commune with its own plan
a year carrying the province's out (linked activities led by its offices, a few of its
own), and reports with their events over the years, mostly accepted.

Core bulk inserts, as bench/dataset.py, in the shapes the services write (`cascade.take_in`
for linked activities, `create_plan` for plans and their periods). Deterministic.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from sqlalchemy import insert, select, update

from bench.dataset import _activity_rows, _insert_groups, _insert_reports
from tracker.domain.text import fold
from tracker.domain.units import UnitKind
from tracker.extensions import db
from tracker.models import (
    LEAD,
    SUPPORT,
    Activity,
    Assignment,
    ContentGroup,
    Locality,
    Plan,
    Unit,
    UnitGroupMember,
    User,
    activity_dimension,
)
from tracker.models.units import COMMUNE, PROVINCE
from tracker.models.users import OFFICER
from tracker.services.cascade import set_parent_plan
from tracker.services.plans import create_plan

DEPARTMENTS = [f"Sở thứ {i + 1}" for i in range(25)]
COMMUNE_OFFICES = ("Văn phòng HĐND và UBND", "Phòng Kinh tế", "Phòng Văn hóa – Xã hội")
HAMLETS = ("ấp 1", "ấp 2", "ấp 3")
OFFICER_NAME = "canbo.xa1"  # the commune officer whose /work page is timed


@dataclass(frozen=True)
class TwoTier:
    province_plans: dict[int, int]  # year → plan id
    commune_plans: dict[int, list[int]]  # year → the communes' plan ids
    commune_ids: list[int]


def _units(locality_id: int, rows: list[tuple[str, UnitKind]], start: int = 0) -> dict[str, int]:
    db.session.execute(
        insert(Unit),
        [
            {
                "locality_id": locality_id,
                "name": name,
                "kind": kind.value,
                "position": start + i,
                "search_text": fold(name),
            }
            for i, (name, kind) in enumerate(rows)
        ],
    )
    return {
        name: unit_id
        for unit_id, name in db.session.execute(
            select(Unit.id, Unit.name).where(Unit.locality_id == locality_id)
        )
    }


def make_two_tier(communes: int = 100, years: int = 5, activities: int = 40) -> TwoTier:
    rng = random.Random(16)
    province = Locality(
        name="tỉnh Bench",
        place_name="Bench",
        issuing_body="Ủy ban nhân dân tỉnh Bench",
        province="tỉnh Bench",
        level=PROVINCE,
    )
    db.session.add(province)
    db.session.flush()
    commune_names = [f"xã Bench {i + 1}" for i in range(communes)]
    rows = [(d, UnitKind.OFFICE) for d in DEPARTMENTS]
    rows += [(f"UBND {n}", UnitKind.COMMUNE) for n in commune_names]
    rows.append(("UBND các xã, phường", UnitKind.GROUP))
    ids = _units(province.id, rows)
    departments = [ids[d] for d in DEPARTMENTS]
    group = ids["UBND các xã, phường"]
    db.session.execute(
        insert(UnitGroupMember),
        [{"group_id": group, "member_id": ids[f"UBND {n}"]} for n in commune_names],
    )
    # The communes (tenants), each linked to its unit in the province's catalogue.
    db.session.execute(
        insert(Locality),
        [
            {
                "name": n,
                "place_name": n.split(" ", 1)[1],
                "issuing_body": f"Ủy ban nhân dân {n}",
                "province": province.name,
                "level": COMMUNE,
                "parent_id": province.id,
            }
            for n in commune_names
        ],
    )
    localities = dict(
        db.session.execute(
            select(Locality.name, Locality.id).where(Locality.parent_id == province.id)
        ).all()
    )
    for n in commune_names:
        db.session.execute(
            update(Unit).where(Unit.id == ids[f"UBND {n}"]).values(commune_id=localities[n])
        )
    offices = {}
    for n in commune_names:
        own = _units(localities[n], [(o, UnitKind.OFFICE) for o in COMMUNE_OFFICES])
        own |= _units(localities[n], [(h, UnitKind.HAMLET) for h in HAMLETS], start=10)
        offices[localities[n]] = [own[o] for o in COMMUNE_OFFICES]
    commune_ids = [localities[n] for n in commune_names]
    task_units = {ids[f"UBND {n}"]: localities[n] for n in commune_names}
    province_plans: dict[int, int] = {}
    commune_plans: dict[int, list[int]] = {}
    first_year = 2027 - years
    for y in range(years):
        year = first_year + y
        plan_id = _province_plan(province, year, activities, departments, group, task_units, rng)
        province_plans[year] = plan_id
        commune_plans[year] = [
            _commune_plan(commune_id, plan_id, year, offices[commune_id], rng)
            for commune_id in commune_ids
        ]
        db.session.commit()
    _officer(offices[commune_ids[0]][1])
    db.session.commit()
    return TwoTier(province_plans, commune_plans, commune_ids)


def _province_plan(
    province: Locality,
    year: int,
    count: int,
    departments: list[int],
    group: int,
    task_units: dict[int, int],
    rng: random.Random,
) -> int:
    """~60% of the activities led by the group of communes (one lead per commune), the
    rest by one or two departments; some supported by all communes. The departments
    report here; the communes through their own plans."""
    plan = create_plan(
        province,
        number=f"{rng.randint(10, 300)}/KH-UBND",
        issued_on=None,
        year=year,
        title=f"Cải thiện, nâng cao Chỉ số PAPI tỉnh năm {year}",
        noun="nhiệm vụ",
        user=None,
    )
    groups = _insert_groups(plan.id, 8)
    db.session.execute(insert(Activity), _activity_rows(plan.id, groups, count, year, rng))
    activity_ids = _activity_ids(plan.id)
    db.session.execute(
        insert(activity_dimension),
        [{"activity_id": a, "dimension_id": 1 + a % 8} for a in activity_ids],
    )
    communes = list(task_units)
    rows = []
    for activity_id in activity_ids:
        if rng.random() < 0.6:
            leads = [(c, group) for c in communes]
            supports = rng.sample(departments, rng.randint(1, 3))
        else:
            leads = [(d, None) for d in rng.sample(departments, rng.randint(1, 2))]
            supports = rng.sample([d for d in departments if (d, None) not in leads], 2)
            if rng.random() < 0.3:
                supports += communes
        for position, (unit_id, via) in enumerate(leads):
            rows.append(_assignment(activity_id, unit_id, LEAD, position, via))
        for position, unit_id in enumerate(supports, start=len(leads)):
            rows.append(_assignment(activity_id, unit_id, SUPPORT, position))
    db.session.execute(insert(Assignment), rows)
    reported = db.session.execute(
        select(Assignment.id, Assignment.role, Activity.timeframe_kind)
        .join(Activity, Assignment.activity_id == Activity.id)
        .where(Activity.plan_id == plan.id, Assignment.unit_id.not_in(communes))
    ).all()
    _insert_reports(reported, _periods(plan), 0.9, rng)
    return plan.id


def _assignment(activity_id: int, unit_id: int, role: str, position: int, via=None) -> dict:  # type: ignore[no-untyped-def]
    return {
        "activity_id": activity_id,
        "unit_id": unit_id,
        "role": role,
        "via_group_id": via,
        "position": position,
    }


def _activity_ids(plan_id: int) -> list[int]:
    return list(
        db.session.scalars(
            select(Activity.id).where(Activity.plan_id == plan_id).order_by(Activity.position)
        )
    )


def _periods(plan: Plan):  # type: ignore[no-untyped-def]
    from tracker.services.periods import plan_periods

    return plan_periods(plan)


COPIED = (
    "number_raw",
    "number",
    "text",
    "timeframe_text",
    "timeframe_kind",
    "due_on",
    "original_due_on",
    "cadence",
    "timeframe_note",
    "search_text",
)


def _commune_plan(
    commune_id: int, parent_id: int, year: int, offices: list[int], rng: random.Random
) -> int:
    """The commune's plan of the year: every province activity naming the commune, taken
    in as `cascade.take_in` writes it (same text and timeframe, led by one of its
    offices), and three of its own; its offices report on them."""
    commune = db.session.get(Locality, commune_id)
    assert commune is not None
    plan = create_plan(
        commune,
        number=f"{rng.randint(1, 99)}/KH-UBND",
        issued_on=None,
        year=year,
        title=f"Thực hiện Kế hoạch cải thiện Chỉ số PAPI năm {year}",
        noun="nhiệm vụ",
        user=None,
    )
    set_parent_plan(plan, db.session.get(Plan, parent_id), None)
    unit_id = db.session.scalar(select(Unit.id).where(Unit.commune_id == commune_id))
    sources = db.session.execute(
        select(Activity, ContentGroup.label, ContentGroup.title)
        .join(ContentGroup, Activity.group_id == ContentGroup.id)
        .join(Assignment, Assignment.activity_id == Activity.id)
        .where(Activity.plan_id == parent_id, Assignment.unit_id == unit_id)
        .order_by(Activity.position)
    ).all()
    group_ids = _insert_groups(plan.id, 2)
    rows = [
        {
            "plan_id": plan.id,
            "group_id": group_ids[0],
            "position": i,
            "lead_text": "",
            "extra": {},
            "source_activity_id": source.id,
            **{name: getattr(source, name) for name in COPIED},
        }
        for i, (source, _label, _title) in enumerate(sources)
    ]
    for row in _activity_rows(plan.id, group_ids[1:], 3, year, rng):
        rows.append({**row, "lead_text": "", "source_activity_id": None})
        rows[-1]["original_due_on"] = row["due_on"]
    for i, row in enumerate(rows):
        row["position"] = i
    db.session.execute(insert(Activity), rows)
    db.session.execute(
        insert(Assignment),
        [_assignment(a, rng.choice(offices), LEAD, 0) for a in _activity_ids(plan.id)],
    )
    reported = db.session.execute(
        select(Assignment.id, Assignment.role, Activity.timeframe_kind)
        .join(Activity, Assignment.activity_id == Activity.id)
        .where(Activity.plan_id == plan.id)
    ).all()
    _insert_reports(reported, _periods(plan), 0.9, rng)
    return plan.id


def _officer(unit_id: int) -> None:
    user = User(username=OFFICER_NAME, full_name="Cán bộ xã 1", role=OFFICER, unit_id=unit_id)
    user.set_password("noivu2023")
    db.session.add(user)
