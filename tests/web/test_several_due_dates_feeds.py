"""Calendar feeds of activities with several deadlines (issue 14): a unit's feed and the
plan's have one event per deadline — an earlier one under a UID naming its date, the last
one under the UID a single deadline has —, each answered by its own report; a moved
deadline keeps the earlier dates before it. The plan: tests/web/several_due_dates_support.py.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tests.conftest import make_user
from tests.web.calendar_support import HOST
from tests.web.several_due_dates_support import (
    DUE_DATES,
    HALF_DUE,
    YEAR_DUE,
    Plan2025,
    import_plan,
    local,
    login,
    move_deadline,
    plan_feed,
    submit_report,
    unit_feed,
    unit_id,
)
from tracker.extensions import db
from tracker.models import Activity, Assignment, Plan, ProgressReport, User
from tracker.services import reporting
from tracker.services.reminders import decisions as reminders


def _expected_unit_events(app, plan: Plan2025, unit: str) -> dict[str, date]:
    """UID → day of every deadline the unit's assignments owe (DUE_DATES) — the last one
    keeping the UID a single deadline has —, and of each period's report for the ongoing
    2.3."""
    unit_key = unit_id(app, unit)
    with app.app_context():
        rows = db.session.execute(
            select(Assignment.id, Activity.number)
            .join(Activity)
            .where(Activity.plan_id == plan.id, Assignment.unit_id == unit_key)
        ).all()
    expected: dict[str, date] = {}
    for assignment_id, number in rows:
        *earlier, last = DUE_DATES[number] or (None,)
        for day in earlier:
            expected[f"assignment-{assignment_id}-deadline-{day:%Y%m%d}@{HOST}"] = day
        if last is not None:
            expected[f"assignment-{assignment_id}-deadline@{HOST}"] = last
        if number == "2.3":
            expected[f"assignment-{assignment_id}-period-{plan.half}@{HOST}"] = HALF_DUE
            expected[f"assignment-{assignment_id}-period-{plan.year}@{HOST}"] = YEAR_DUE
    return expected


@pytest.mark.parametrize("unit", ["Phòng Tư pháp", "Phường 1", "Phòng Nội vụ"])
def test_a_unit_feed_has_an_event_per_deadline(app, client, frozen, unit):
    plan = import_plan(app, client, frozen)
    found = unit_feed(app, client, unit, plan)
    expected = _expected_unit_events(app, plan, unit)
    assert {uid: e.dtstart.value for uid, e in found.items()} == expected
    assert expected
    for event in found.values():
        assert event.dtend.value == event.dtstart.value + timedelta(days=1)


def test_unit_feed_statuses_of_an_earlier_and_the_last_deadline(app, client, frozen):
    plan = import_plan(app, client, frozen)
    make_user(app, "tuphap", "Phòng Tư pháp")
    assignment_id = plan.assignment(app, "1.1", "Phòng Tư pháp")
    first = f"assignment-{assignment_id}-deadline-20250610@{HOST}"
    last = f"assignment-{assignment_id}-deadline@{HOST}"

    def status(found, uid) -> str:
        return found[uid].summary.value.rsplit("— ", 1)[1]

    start = unit_feed(app, client, "Phòng Tư pháp", plan)
    assert (status(start, first), status(start, last)) == ("Chưa báo cáo", "Chưa báo cáo")
    assert all("valarm" in start[uid].contents for uid in (first, last))

    frozen(local(date(2025, 6, 9), 10))
    login(client, "tuphap")
    submit_report(client, assignment_id, plan.half)
    sent = unit_feed(app, client, "Phòng Tư pháp", plan)
    assert status(sent, first) == "Chờ duyệt (đang thực hiện)"
    assert int(sent[first].sequence.value) > int(start[first].sequence.value)

    with app.app_context():
        report = db.session.scalar(
            select(ProgressReport).where(ProgressReport.assignment_id == assignment_id)
        )
        noivu = db.session.scalar(select(User).where(User.username == "noivu"))
        reporting.review_report(report, True, "Đạt", noivu)
        db.session.commit()
    accepted = unit_feed(app, client, "Phòng Tư pháp", plan)
    # The first deadline is met; the last waits for the work to be done.
    assert status(accepted, first) == "✓ Đã báo cáo (đang thực hiện)"
    assert accepted[first].transp.value == "TRANSPARENT"
    assert "valarm" not in accepted[first].contents
    assert "✓" not in accepted[last].summary.value and "valarm" in accepted[last].contents
    assert set(unit_feed(app, client, "Phòng Tư pháp", plan, include_done=False)) == {last}


def test_the_plan_feed_has_an_event_per_deadline(app, client, frozen):
    plan = import_plan(app, client, frozen)
    found = plan_feed(app, client, plan)
    expected: dict[str, date] = {}
    for number, dates in DUE_DATES.items():
        a = plan.activity[number]
        expected |= {f"a{a}-d{day:%Y%m%d}@{HOST}": day for day in dates[:-1]}
        if dates:
            expected[f"a{a}-d@{HOST}"] = dates[-1]
    expected[f"a{plan.activity['2.3']}-p{plan.half}@{HOST}"] = HALF_DUE
    expected[f"a{plan.activity['2.3']}-p{plan.year}@{HOST}"] = YEAR_DUE
    assert {uid: e.dtstart.value for uid, e in found.items()} == expected

    # Phường 1 reports for the half year: 31/3 (1.2) is answered, 31/7 (1.3) is not.
    make_user(app, "phuong1", "Phường 1")
    frozen(local(date(2025, 6, 12), 10))
    login(client, "phuong1")
    for number in ("1.2", "1.3"):
        submit_report(client, plan.assignment(app, number, "Phường 1"), plan.half)
    after = plan_feed(app, client, plan)

    def lead_units_reported(number: str, due: str) -> str:
        summary = after[f"a{plan.activity[number]}-{due}@{HOST}"].summary.value
        return re.search(r" — (?:✓ )?(\d+/\d+) ", summary).group(1)

    assert lead_units_reported("1.2", "d20250331") == "01/01"
    assert lead_units_reported("1.2", "d") == "00/01"
    assert lead_units_reported("1.3", "d20250731") == "00/01"
    assert lead_units_reported("1.3", "d") == "00/01"


def test_a_moved_deadline_reaches_reminders_and_feeds(app, client, frozen):
    plan = import_plan(app, client, frozen)
    assignment_id = plan.assignment(app, "1.1", "Phòng Tư pháp")
    unit_first = f"assignment-{assignment_id}-deadline-20250610@{HOST}"
    unit_last = f"assignment-{assignment_id}-deadline@{HOST}"
    plan_first = f"a{plan.activity['1.1']}-d20250610@{HOST}"
    plan_last = f"a{plan.activity['1.1']}-d@{HOST}"

    def now_owed() -> tuple[dict, dict, list[str]]:
        unit = unit_feed(app, client, "Phòng Tư pháp", plan)
        whole = plan_feed(app, client, plan)
        with app.app_context():
            items = reminders.open_items(db.session.get(Plan, plan.id))
        owed = sorted(str(i.due_on) for i in items if i.assignment_id == assignment_id)
        return unit, whole, owed

    frozen(local(date(2025, 6, 3), 10))
    move_deadline(app, plan.activity["1.1"], date(2025, 12, 19))  # later: both dates stay
    unit, whole, owed = now_owed()
    assert owed == ["2025-06-10", "2025-12-19"]
    assert unit[unit_first].dtstart.value == whole[plan_first].dtstart.value == date(2025, 6, 10)
    assert unit[unit_last].dtstart.value == whole[plan_last].dtstart.value == date(2025, 12, 19)
    assert "Thời hạn ban đầu: 28/11/2025" in unit[unit_last].description.value

    frozen(local(date(2025, 6, 4), 10))
    move_deadline(app, plan.activity["1.1"], date(2025, 6, 6))  # before 10/6: one deadline left
    unit, whole, owed = now_owed()
    assert owed == ["2025-06-06"]
    assert {uid: e.dtstart.value for uid, e in unit.items()} == {unit_last: date(2025, 6, 6)}
    assert plan_first not in whole
    assert whole[plan_last].dtstart.value == date(2025, 6, 6)
