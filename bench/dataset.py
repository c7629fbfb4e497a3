"""Synthetic data for the benchmarks: plans of any size, with reports and their events.

Rows go in with SQLAlchemy Core bulk inserts (a province-scale database has ~150,000
assignments and ~600,000 reports: building it through the services would take hours),
but in the shapes the services write, so every page and figure reads them as real data.
Deterministic for a given seed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import insert, select

from tracker.clock import LOCAL_TZ
from tracker.domain.periods import PeriodKind
from tracker.domain.text import fold
from tracker.domain.units import UnitKind
from tracker.extensions import db
from tracker.models import (
    LEAD,
    SUPPORT,
    Activity,
    Assignment,
    Attachment,
    ContentGroup,
    Locality,
    Plan,
    ProgressReport,
    ReportEvent,
    Unit,
    UnitGroupMember,
    activity_dimension,
)
from tracker.models.reporting import REPORT_SEARCH_FIELDS
from tracker.services import periods as period_service
from tracker.services.plans import create_plan

OFFICES = [
    "Văn phòng HĐND và UBND",
    "Phòng Nội vụ",
    "Phòng Tư pháp",
    "Phòng Tài chính – Kế hoạch",
    "Phòng Tài nguyên và Môi trường",
    "Phòng Lao động – Thương binh và Xã hội",
    "Phòng Văn hóa và Thông tin",
    "Phòng Giáo dục và Đào tạo",
    "Phòng Y tế",
    "Thanh tra",
    "Phòng Kinh tế",
    "Phòng Quản lý đô thị",
    "Trung tâm Văn hóa – Thể thao – Truyền thanh",
    "Công an",
    "Ủy ban MTTQ Việt Nam",
    "Bảo hiểm xã hội",
]
WORDS = (  # noqa: SIM905 — a sentence reads better than a list of 54 words
    "tuyên truyền phổ biến kiểm tra công khai minh bạch thủ tục hành chính dịch vụ công "
    "trực tuyến đối thoại tiếp công dân giải quyết khiếu nại tố cáo môi trường rác thải "
    "chuyển đổi số hộ nghèo bảo hiểm y tế trường học an ninh trật tự niêm yết lấy ý kiến"
).split()


@dataclass(frozen=True)
class District:
    locality_id: int
    office_ids: list[int]
    commune_ids: list[int]
    group_id: int  # "UBND xã, phường"


def _at(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, time(hour), LOCAL_TZ).astimezone(UTC)


def make_district(name: str, communes: int = 10) -> District:
    """A locality with the offices of a district and its communes (and their group)."""
    locality = Locality(
        name=f"huyện {name}",
        place_name=name,
        issuing_body=f"Ủy ban nhân dân huyện {name}",
        province="tỉnh Sóc Trăng",
    )
    db.session.add(locality)
    db.session.flush()
    rows = [(f"{office} huyện", UnitKind.OFFICE) for office in OFFICES]
    rows += [(f"xã {name} {i + 1}", UnitKind.COMMUNE) for i in range(communes)]
    rows.append(("UBND xã, thị trấn", UnitKind.GROUP))
    db.session.execute(
        insert(Unit),
        [
            {
                "locality_id": locality.id,
                "name": unit_name,
                "kind": kind.value,
                "position": i,
                "search_text": fold(unit_name),
            }
            for i, (unit_name, kind) in enumerate(rows)
        ],
    )
    ids = {
        unit_name: unit_id
        for unit_id, unit_name in db.session.execute(
            select(Unit.id, Unit.name).where(Unit.locality_id == locality.id)
        )
    }
    offices = [ids[n] for n, k in rows if k is UnitKind.OFFICE]
    commune_ids = [ids[n] for n, k in rows if k is UnitKind.COMMUNE]
    group = ids["UBND xã, thị trấn"]
    db.session.execute(
        insert(UnitGroupMember), [{"group_id": group, "member_id": c} for c in commune_ids]
    )
    return District(locality.id, offices, commune_ids, group)


@dataclass(frozen=True)
class Shape:
    """How a synthetic annex assigns work. `commune_lead`: share of activities led by the
    group of communes (one lead assignment per commune); `commune_support`: share
    supported by all communes; `reported`: share of assignments with a report for each
    closed period; `kinds`: the reporting periods the plan collects."""

    commune_lead: float = 0.1
    commune_support: float = 0.0
    reported: float = 0.6
    kinds: frozenset[PeriodKind] = frozenset({PeriodKind.HALF, PeriodKind.YEAR})


# A province as quality.md sizes it: ~27 assignments an activity, ~4 reports each (one a
# quarter; the fourth quarter's report is the year's, one period per cut-off).
PROVINCE = Shape(
    commune_lead=0.75,
    commune_support=0.95,
    reported=1.0,
    kinds=frozenset({PeriodKind.QUARTER, PeriodKind.YEAR}),
)


def make_plan(
    district: District,
    year: int,
    activities: int,
    groups: int = 20,
    shape: Shape = Shape(),  # noqa: B008 — frozen, never mutated
    seed: int = 1,
) -> int:
    """A plan of `activities` activities in `groups` content groups, assigned as `shape`
    says (otherwise one or two lead offices and up to three supporting ones); about half
    are ongoing, the rest dated within the year. Reports, most of them accepted, for each
    period whose cut-off has passed. Returns the plan id."""
    rng = random.Random(seed)
    locality = db.session.get(Locality, district.locality_id)
    plan = create_plan(
        locality,
        number=f"{rng.randint(10, 300)}/KH-UBND",
        issued_on=date(year, 3, 15),
        year=year,
        title=f"Kế hoạch cải thiện Chỉ số PAPI năm {year}",
        noun="nhiệm vụ",
        user=None,
    )
    if shape.kinds != period_service.DEFAULT_KINDS:
        period_service.set_collected_kinds(plan, set(shape.kinds), None)
    periods = period_service.plan_periods(plan)
    group_ids = _insert_groups(plan.id, groups)
    activity_rows = _activity_rows(plan.id, group_ids, activities, year, rng)
    db.session.execute(insert(Activity), activity_rows)
    activity_ids = list(
        db.session.scalars(
            select(Activity.id).where(Activity.plan_id == plan.id).order_by(Activity.position)
        )
    )
    db.session.execute(
        insert(activity_dimension),
        [
            {"activity_id": a, "dimension_id": d}
            for a in activity_ids
            for d in rng.sample(range(1, 9), rng.randint(1, 2))
        ],
    )
    db.session.execute(insert(Assignment), _assignment_rows(district, activity_ids, shape, rng))
    assignments = db.session.execute(
        select(Assignment.id, Assignment.role, Activity.timeframe_kind)
        .join(Activity, Assignment.activity_id == Activity.id)
        .where(Activity.plan_id == plan.id)
    ).all()
    _insert_reports(assignments, periods, shape.reported, rng)
    db.session.flush()
    return plan.id


def _insert_groups(plan_id: int, count: int) -> list[int]:
    db.session.execute(
        insert(ContentGroup),
        [
            {"plan_id": plan_id, "position": i, "label": str(i + 1), "title": _text(i, 8)}
            for i in range(count)
        ],
    )
    return list(
        db.session.scalars(
            select(ContentGroup.id)
            .where(ContentGroup.plan_id == plan_id)
            .order_by(ContentGroup.position)
        )
    )


def _text(seed: int, words: int) -> str:
    rng = random.Random(seed)
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize()


def _activity_rows(plan_id, group_ids, count, year, rng) -> list[dict]:  # type: ignore[no-untyped-def]
    rows = []
    per_group = max(1, count // len(group_ids))
    for i in range(count):
        group_index = min(i // per_group, len(group_ids) - 1)
        text = _text(rng.randint(0, 10**6), rng.randint(12, 40))
        ongoing = rng.random() < 0.5
        due = None if ongoing else date(year, rng.randint(3, 12), 28)
        rows.append(
            {
                "plan_id": plan_id,
                "group_id": group_ids[group_index],
                "position": i,
                "number_raw": f"{group_index + 1}.{i % per_group + 1}.",
                "number": f"{group_index + 1}.{i % per_group + 1}",
                "text": text,
                "timeframe_text": "Thường xuyên" if ongoing else f"Tháng {due.month}/{year}",
                "timeframe_kind": "ongoing" if ongoing else "deadline",
                "due_on": due,
                "cadence": "period" if ongoing else None,
                "timeframe_note": "",
                "extra": {},
                "search_text": fold(text),
            }
        )
    return rows


def _assignment_rows(district: District, activity_ids, shape: Shape, rng) -> list[dict]:  # type: ignore[no-untyped-def]
    rows = []
    for activity_id in activity_ids:
        if rng.random() < shape.commune_lead:
            leads = [(c, district.group_id) for c in district.commune_ids]
        else:
            leads = [(u, None) for u in rng.sample(district.office_ids, rng.randint(1, 2))]
        taken = {u for u, _ in leads}
        others = [u for u in district.office_ids if u not in taken]
        supports = rng.sample(others, rng.randint(0, 3))
        if rng.random() < shape.commune_support:
            supports += [c for c in district.commune_ids if c not in taken]
        for position, (unit_id, via) in enumerate(leads):
            rows.append(
                {
                    "activity_id": activity_id,
                    "unit_id": unit_id,
                    "role": LEAD,
                    "via_group_id": via,
                    "position": position,
                }
            )
        for position, unit_id in enumerate(supports, start=len(leads)):
            rows.append(
                {
                    "activity_id": activity_id,
                    "unit_id": unit_id,
                    "role": SUPPORT,
                    "position": position,
                }
            )
    return rows


# What units write, varied so that a search finds some reports and not others: 200
# results, evidence cited in a third of the reports, a file attached to one in 30.
RESULTS = [f"Đã {_text(seed, 6 + seed % 14).lower()}." for seed in range(200)]
CITATIONS = [f"Công văn số {n}/UBND-VP ngày {n % 28 + 1}/{n % 12 + 1}" for n in range(1, 400)]
FILE_NAMES = ["Biên bản kiểm tra", "Báo cáo kết quả", "Danh sách tham dự", "Ảnh hội nghị"]


def _report_texts(rng: random.Random) -> dict[str, str]:
    texts = dict.fromkeys(REPORT_SEARCH_FIELDS, "")
    texts["result"] = rng.choice(RESULTS)
    if rng.random() < 1 / 3:
        texts["evidence_text"] = rng.choice(CITATIONS)
    texts["search_text"] = fold(" | ".join(texts[name] for name in REPORT_SEARCH_FIELDS))
    return texts


def _insert_reports(assignments, periods, reported: float, rng) -> None:  # type: ignore[no-untyped-def]
    reports, events = [], []
    closed = [p for p in periods if p.ends_on < date.today()]
    # The texts draw from a generator of their own: the states and dates stay as they were.
    words = random.Random(assignments[0][0] if assignments else 0)
    for assignment_id, _role, kind in assignments:
        if rng.random() >= reported:
            continue
        for period in closed:
            submitted = period.ends_on - timedelta(days=rng.randint(0, 10))
            reviewed = submitted + timedelta(days=rng.randint(1, 5))
            status = rng.choice(["in_progress", "done", "done", "not_started"])
            if kind == "ongoing":
                status = "in_progress"
            accepted = rng.random() < 0.85
            completed = submitted if status == "done" else None
            reports.append(
                {
                    "assignment_id": assignment_id,
                    "period_id": period.id,
                    "status": status,
                    **_report_texts(words),
                    "completed_on": completed,
                    "state": "accepted" if accepted else "submitted",
                    "review_comment": "",
                    "updated_at": _at(reviewed if accepted else submitted),
                    "changed_at": _at(reviewed if accepted else submitted),
                    "submitted_at": _at(submitted),
                    "reviewed_at": _at(reviewed) if accepted else None,
                }
            )
    if not reports:
        return
    db.session.execute(insert(ProgressReport), reports)
    stored = db.session.execute(
        select(
            ProgressReport.id,
            ProgressReport.state,
            ProgressReport.status,
            ProgressReport.completed_on,
            ProgressReport.submitted_at,
            ProgressReport.reviewed_at,
        ).where(ProgressReport.period_id.in_([p.id for p in closed]))
    ).all()
    plan_id = closed[0].plan_id
    for report_id, state, status, completed, submitted_at, reviewed_at in stored:
        base = {"report_id": report_id, "plan_id": plan_id, "status": status}
        base["completed_on"] = completed
        events.append({**base, "state": "submitted", "at": submitted_at})
        if state == "accepted":
            events.append({**base, "state": "accepted", "at": reviewed_at})
    db.session.execute(insert(ReportEvent), events)
    _insert_files([row[0] for row in stored], words)


def _insert_files(report_ids: list[int], rng: random.Random) -> None:
    rows = []
    for report_id in report_ids:
        if rng.random() < 1 / 30:
            name = f"{rng.choice(FILE_NAMES)} {report_id}.pdf"
            rows.append(
                {
                    "report_id": report_id,
                    "filename": name,
                    "content_type": "application/pdf",
                    "size": 1000 + report_id % 50000,
                    "sha256": f"{report_id:064x}",
                    "search_text": fold(name),
                }
            )
    if rows:
        db.session.execute(insert(Attachment), rows)


def plan_of(plan_id: int) -> Plan:
    plan = db.session.get(Plan, plan_id)
    assert plan is not None
    return plan


def make_province(districts: int = 11, years: int = 5, activities: int = 100) -> list[int]:
    """A province-wide database (quality.md: ≈ 11 districts × 5 years × 100 activities,
    ≈ 150,000 assignments, ≈ 600,000 reports); returns the plan ids."""
    plan_ids = []
    for d in range(districts):
        district = make_district(f"Huyện {d + 1}", communes=25)
        for y in range(years):
            plan_ids.append(
                make_plan(district, 2019 + y, activities, 10, PROVINCE, seed=d * 100 + y)
            )
            db.session.commit()
    return plan_ids
