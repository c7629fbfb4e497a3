"""The government's swapped working days (seeds/working_days.json) in the table Phòng Nội
vụ edits, the warning for a swap with no make-up day, and due dates by the work calendar."""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy import func, select

from tracker.domain.periods import PeriodKind
from tracker.extensions import db
from tracker.models import DayOff, DayOffSeed, Locality, Plan
from tracker.services import periods as period_service
from tracker.services import plans, workdays
from tracker.services.reminders import settings as reminder_settings
from tracker.services.seeding import load_seeds

SEEDED = {
    date(2024, 5, 4): False,
    date(2025, 4, 26): False,
    date(2026, 1, 2): True,
    date(2026, 1, 10): False,
    date(2026, 8, 22): False,
}


def days(app) -> dict[date, tuple[bool, str, str]]:
    with app.app_context():
        return {d.day: (d.is_off, d.note, d.source) for d in db.session.scalars(select(DayOff))}


def test_every_seeded_day_names_its_source_or_says_it_has_none():
    spec = json.loads(workdays.OFFICIAL_DAYS.read_text(encoding="utf-8"))
    assert {date.fromisoformat(d["day"]): d["is_off"] for d in spec["days"]} == SEEDED
    for entry in spec["days"]:
        assert len(entry["note"]) <= 200 and len(entry["source"]) <= 300
        checked = "VPCP-KGVX" in entry["source"] or "/TB-" in entry["source"]
        assert checked is entry["verified"]
        assert entry["verified"] or "chưa đối chiếu văn bản" in entry["note"]


def test_the_seeds_bring_the_announced_days_with_their_sources(app):
    loaded = days(app)
    assert {day: off for day, (off, _, _) in loaded.items()} == SEEDED
    assert loaded[date(2025, 4, 26)][2].startswith("Thông báo số 6150/TB-BLĐTBXH ngày 03/12/2024")
    assert "2450/VPCP-KGVX ngày 12/4/2024" in loaded[date(2024, 5, 4)][2]
    assert "Chưa đối chiếu văn bản" in loaded[date(2026, 8, 22)][2]


def test_seeding_again_keeps_the_coordinators_edits(app, client, auth):
    auth.login()
    client.post(
        "/working-days",
        data={
            "day": "2024-05-04",
            "note": "Làm bù",
            "source": "Công văn của tỉnh",
            "action": "work",
        },
    )
    client.post("/working-days", data={"day": "2025-04-26", "action": "remove"})
    before = days(app)
    with app.app_context():
        result = load_seeds()
        db.session.commit()
        assert result.days == 0
        assert db.session.scalar(select(func.count()).select_from(DayOffSeed)) == len(SEEDED)
    assert days(app) == before
    assert before[date(2024, 5, 4)] == (False, "Làm bù", "Công văn của tỉnh")
    assert date(2025, 4, 26) not in before


def test_loading_into_an_empty_database_keeps_a_day_entered_by_hand(empty_app):
    with empty_app.app_context():
        reminder_settings.set_day(date(2026, 1, 10), False, "Làm bù Tết Dương lịch", None)
        assert workdays.load_official_days() == len(SEEDED) - 1
        assert workdays.load_official_days() == 0
        db.session.commit()
        kept = db.session.get(DayOff, date(2026, 1, 10))
        assert (kept.note, kept.source) == ("Làm bù Tết Dương lịch", "")


def test_the_make_up_saturday_counts_as_a_working_day(app):
    with app.app_context():
        cal = workdays.work_calendar([2024])
    assert cal.is_working_day(date(2024, 5, 4))
    assert not cal.is_working_day(date(2024, 4, 29))  # the Monday swapped for it
    assert cal.shift(date(2024, 5, 3), 1) == date(2024, 5, 4)
    # From Friday 26/4 to Monday 6/5: 2/5, 3/5, Saturday 4/5 and 6/5.
    assert cal.working_days_after(date(2024, 4, 26), date(2024, 5, 6)) == 4
    with app.app_context():
        cal_2026 = workdays.work_calendar([2026])
    assert not cal_2026.is_working_day(date(2026, 1, 2))  # not in the library
    assert cal_2026.is_working_day(date(2026, 1, 10))


def test_the_page_shows_the_source_and_edits_a_day(app, client, auth):
    auth.login()
    page = client.get("/working-days?year=2025").get_data(as_text=True)
    assert "Thông báo số 6150/TB-BLĐTBXH ngày 03/12/2024" in page
    assert "missing-make-up" not in page
    form = client.get("/working-days?year=2025&edit=2025-04-26").get_data(as_text=True)
    assert "Sửa ngày 26/04/2025" in form and 'value="2025-04-26"' in form
    assert 'value="Thông báo số 6150/TB-BLĐTBXH' in form


def test_a_swap_without_its_make_up_day_is_flagged_until_one_is_recorded(app, client, auth):
    auth.login()
    for year in range(2023, 2027):
        assert "missing-make-up" not in client.get(f"/working-days?year={year}").get_data(
            as_text=True
        )
    client.post("/working-days", data={"day": "2024-05-04", "action": "remove"})
    page = client.get("/working-days?year=2024").get_data(as_text=True)
    assert 'id="missing-make-up"' in page
    assert "Thứ Hai 29/04/2024 là ngày nghỉ hoán đổi" in page
    assert "thêm ngày làm bù thứ Bảy 04/05/2024 kèm số văn bản" in page
    # Listed on every year's page once a plan covers 2024; until then on 2024's only.
    assert "missing-make-up" not in client.get("/working-days?year=2023").get_data(as_text=True)
    with app.app_context():
        locality = db.session.scalars(select(Locality)).one()
        plans.create_plan(
            locality, number="12/KH-UBND", issued_on=None, year=2024, title="PAPI 2024",
            noun="nhiệm vụ", user=None,
        )  # fmt: skip
        db.session.commit()
    assert "Thứ Hai 29/04/2024" in client.get("/working-days?year=2023").get_data(as_text=True)
    client.post(
        "/working-days",
        data={"day": "2024-05-04", "note": "Làm bù", "source": "2450/VPCP-KGVX", "action": "work"},
    )
    assert "missing-make-up" not in client.get("/working-days?year=2024").get_data(as_text=True)


def test_a_library_day_off_can_be_marked_worked(app, client, auth):
    """Where the library lists a swap that did not happen, Phòng Nội vụ says so."""
    auth.login()
    client.post("/working-days", data={"day": "2026-08-22", "action": "remove"})
    assert "Thứ Hai 31/08/2026" in client.get("/working-days?year=2026").get_data(as_text=True)
    response = client.post(
        "/working-days",
        data={"day": "2026-08-31", "note": "Không hoán đổi", "action": "work"},
        follow_redirects=True,
    )
    assert "missing-make-up" not in response.get_data(as_text=True)
    with app.app_context():
        assert workdays.work_calendar([2026]).is_working_day(date(2026, 8, 31))


def test_a_default_due_date_on_a_recorded_day_off_moves_to_the_next_working_day(app):
    """Quý I/2023 is cut off on Tuesday 14/3 and due on Wednesday 15/3, unless that day is
    off (the default cut-offs, the 14th, are never followed by a public holiday)."""
    with app.app_context():
        reminder_settings.set_day(date(2023, 3, 15), True, "Nghỉ thêm", None)
        plan = db.session.scalars(select(Plan)).one()
        kinds = {PeriodKind.QUARTER, PeriodKind.HALF, PeriodKind.YEAR}
        period_service.set_collected_kinds(plan, kinds, None)
        db.session.commit()
        due = {p.code: p.due_on for p in period_service.plan_periods(plan)}
    assert due["2023-Q1"] == date(2023, 3, 16)
    assert due["2023-Q3"] == date(2023, 9, 15)
