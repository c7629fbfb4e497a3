"""The seeded Vĩnh Châu plan: seed 004's annex as the system stores it (issue 2, done-when)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from tracker.extensions import db
from tracker.models import LEAD, SUPPORT, Activity, Plan, Unit
from tracker.services.plans import UnitLabel, find_plan, page_labels, unit_labels


@pytest.fixture
def plan(ctx) -> Plan:
    found = find_plan("63/KH-UBND")
    assert found is not None
    return found


def by_number(plan: Plan, number: str) -> Activity:
    return next(a for a in plan.activities if a.number == number)


def names(activity: Activity, role: str) -> list[str]:
    return [a.unit.name for a in activity.assignments if a.role == role]


def test_plan_identity(plan):
    assert plan.number == "63/KH-UBND"
    assert plan.issued_on == date(2023, 4, 11)
    assert plan.year == 2023
    assert plan.reference == "Kế hoạch số 63/KH-UBND ngày 11/4/2023"


def test_seven_groups_and_23_activities(plan):
    assert [g.label for g in plan.groups] == ["1", "2", "3", "4", "5", "6", "7"]
    assert len(plan.activities) == 23
    assert [len(g.activities) for g in plan.groups] == [5, 1, 2, 2, 3, 9, 1]


def test_numbers_as_written_and_normalised(plan):
    assert [a.number for a in plan.groups[5].activities] == [f"6.{i}" for i in range(1, 10)]
    five_two = by_number(plan, "5.2")
    assert five_two.number_raw.startswith("5,2")
    dialogue = plan.groups[4].activities[2]
    assert dialogue.number is None
    assert dialogue.text.startswith("Đối thoại với Nhân dân")
    assert plan.groups[1].activities[0].number is None
    assert plan.groups[6].activities[0].number is None


def test_group_six_heading_is_not_an_activity(plan):
    group = plan.groups[5]
    assert group.intro.startswith("Xây dựng và triển khai kế hoạch thanh tra")
    assert all(not a.text.startswith("Xây dựng và triển khai") for a in group.activities)


def test_commune_group_expanded_to_ten_communes(plan):
    activity = by_number(plan, "1.5")
    leads = [a for a in activity.assignments if a.role == LEAD]
    assert len(leads) == 10
    assert {a.via_group.name for a in leads} == {"UBND xã, phường"}
    assert {a.unit.kind for a in leads} == {"commune"}


def test_one_four_has_two_leads_and_is_dated_by_another_plan(plan):
    activity = by_number(plan, "1.4")
    assert names(activity, LEAD) == ["Phòng Nội vụ", "Phòng Văn hóa và Thông tin"]
    assert names(activity, SUPPORT) == [
        "Trung tâm Văn hóa – Thể thao – Truyền thanh",
        "Ban Biên tập Cổng thông tin điện tử thị xã",
    ]
    assert activity.timeframe_kind == "other_plan"
    assert activity.due_on is None


def test_six_three_due_end_of_2023(plan):
    activity = by_number(plan, "6.3")
    assert activity.due_on == date(2023, 12, 31)
    assert names(activity, LEAD) == ["Phòng Nội vụ"]


def test_vague_units_kept_visible(plan):
    activity = by_number(plan, "6.2")
    assert names(activity, LEAD) == ["Phòng Nội vụ", "Các cơ quan khác thực hiện tự kiểm tra"]
    vague = [a.unit.name for a in activity.assignments if a.unit.kind == "vague"]
    assert "Đoàn kiểm tra" in vague


def test_every_activity_has_a_lead_and_dimensions(plan):
    for activity in plan.activities:
        assert names(activity, LEAD), activity.text
        assert activity.dimensions, activity.text


def test_the_annex_page_reads_the_units_the_exports_read(plan):
    """The annex page's plain-row labels (page_labels) and the loaded objects' labels
    (unit_labels, the exports) agree on every activity: groups collapsed, vague marked."""
    on_page = page_labels([a.id for a in plan.activities])
    for activity in plan.activities:
        for role in (LEAD, SUPPORT):
            assert on_page.get((activity.id, role), []) == unit_labels(activity, role)
    assert on_page[(by_number(plan, "1.5").id, LEAD)] == [
        UnitLabel("UBND xã, phường", on_page[(by_number(plan, "1.5").id, LEAD)][0].unit_id, 10)
    ]
    assert any(label.is_vague for label in on_page[(by_number(plan, "6.2").id, SUPPORT)])


def test_seeding_twice_changes_nothing(app):
    from tracker.services.seeding import load_seeds

    with app.app_context():
        before = db.session.scalar(select(func.count()).select_from(Activity))
        units = db.session.scalar(select(func.count()).select_from(Unit))
        result = load_seeds()
        db.session.commit()
        assert (result.units, result.plans, result.activities) == (0, 0, 0)
        assert db.session.scalar(select(func.count()).select_from(Activity)) == before
        assert db.session.scalar(select(func.count()).select_from(Unit)) == units
