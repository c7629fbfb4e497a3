"""An activity with several deadlines (issue 14) owes each of them, everywhere a unit sees
what it owes: reminder e-mails, its work page, its calendar feed (more of the feeds in
test_several_due_dates_feeds.py). An earlier deadline is answered by a report (sent or
accepted) of a period due on or after it; the last one, as any deadline, by a report
saying done or not carried out. Moving the deadline keeps the earlier dates before it.
The plan: tests/web/several_due_dates_support.py (half-year report due 16/6/2025, the
year's 15/12/2025).

The days counted in working days below have no public holiday and no swapped day, so the
weekdays are the working days; test_the_days_counted_on checks that against the holidays
library and the days recorded in the seeds.
"""

from __future__ import annotations

import json
import re
from datetime import date

import holidays
import lxml.html
import pytest
from sqlalchemy import select

from tests.conftest import make_user
from tests.mail_server import Received
from tests.web.calendar_support import HOST
from tests.web.several_due_dates_support import (
    ANNEX,
    DUE_DATES,
    FLAGGED,
    PHRASES,
    PLAN_NUMBER,
    Plan2025,
    import_plan,
    local,
    login,
    move_deadline,
    stored_due_dates,
    submit_report,
    unit_feed,
    unit_id,
    vn,
)
from tracker.extensions import db
from tracker.models import (
    Activity,
    Assignment,
    DayOff,
    Notification,
    Plan,
    ReportingPeriod,
    Unit,
    User,
)
from tracker.services import reporting, unit_work
from tracker.services.reminders import decisions as reminders
from tracker.services.reminders import outbox

TUPHAP, PHUONG1 = "tuphap@vinhchau.test", "phuong1@vinhchau.test"
COUNTED_DAYS = [
    *(date(2025, 6, d) for d in (5, 6, 9, 10, 11, 12, 13, 16, 17, 18, 19, 20)),
    *(date(2025, 7, d) for d in (28, 29, 30, 31)),
    *(date(2025, 11, d) for d in (25, 26, 27, 28)),
]


def test_the_days_counted_on(app):
    off = holidays.country_holidays("VN", years=2025)
    assert not [d for d in COUNTED_DAYS if d in off or d.weekday() >= 5]
    with app.app_context():
        recorded = set(db.session.scalars(select(DayOff.day)))
    assert not recorded & set(COUNTED_DAYS)


def test_the_import_stores_every_deadline(app, client, frozen):
    plan = import_plan(app, client, frozen)
    with app.app_context():
        for number, dates in DUE_DATES.items():
            activity = db.session.get(Activity, plan.activity[number])
            assert activity.timeframe_text == PHRASES[number]
            assert activity.due_dates == dates, number
            assert activity.due_on == (dates[-1] if dates else None), number
            assert activity.timeframe.earlier_due_dates == dates[:-1], number
            assert activity.timeframe_review == (number in FLAGGED), number
            assert activity.timeframe.needs_review == (number in FLAGGED), number
        quarters = db.session.get(Activity, plan.activity["1.2"])
        assert (quarters.starts_on, quarters.timeframe_kind) == (date(2025, 1, 1), "range")


# ---- reminders ----------------------------------------------------------------------------


def _officers_with_addresses(app) -> None:
    """Officers of Phòng Tư pháp and Phường 1, with e-mail; Phòng Nội vụ has none, so its
    own reminders stay in the app."""
    make_user(app, "tuphap", "Phòng Tư pháp")
    make_user(app, "phuong1", "Phường 1")
    with app.app_context():
        for user in db.session.scalars(select(User).where(User.username != "noivu")):
            user.email = f"{user.username}@vinhchau.test"
        db.session.commit()


def tick(app, frozen, server, day: date, hour: int = 8) -> dict[str, list[Received]]:
    """A scheduler tick on `day`: what each address received from it."""
    before = len(server.received)
    frozen(local(day, hour))
    with app.app_context():
        outbox.tick("test", local(day, hour))
    got: dict[str, list[Received]] = {}
    for received in server.received[before:]:
        for address in received.envelope_to:
            got.setdefault(address, []).append(received)
    return got


def subjects(messages: list[Received]) -> list[str]:
    return [str(m.message["Subject"]) for m in messages]


def preview(app, day: date) -> list[tuple[str, str, int, str]]:
    """(recipient, kind, step, due date) of each deadline reminder a tick on `day` sends."""
    result = app.test_cli_runner().invoke(
        args=["reminders", "preview", "--on", f"{day}", "--json", "--plan", PLAN_NUMBER]
    )
    assert result.exit_code == 0, result.output
    found = json.loads(result.output)
    return sorted((r["recipient"], r["kind"], r["step"], r["due_on"]) for r in found if r["due_on"])


def before(day: date, n: int, number: str) -> str:
    """How a reminder `n` working days before `day` about one activity starts."""
    return f"[Nhắc việc] Hạn {vn(day)} (còn {n} ngày làm việc): hoạt động {number} "


def overdue_dates(messages: list[Received]) -> set[str]:
    """The deadlines of the overdue reminders among `messages`."""
    found = (re.fullmatch(r"\[Quá hạn \d+ ngày .*— hạn (\S+)", s) for s in subjects(messages))
    return {m.group(1) for m in found if m}


def test_each_deadline_is_mailed_until_a_report_answers_it(mail_app, mail_server, frozen):
    client = mail_app.test_client()
    plan = import_plan(mail_app, client, frozen)
    _officers_with_addresses(mail_app)

    # Thursday 5/6 is three working days before Tuesday 10/6 (Mon 9, Fri 6, Thu 5).
    got = tick(mail_app, frozen, mail_server, date(2025, 6, 5))
    (to_tuphap,) = got.pop(TUPHAP)
    assert subjects([to_tuphap])[0].startswith(before(date(2025, 6, 10), 3, "1.1"))
    text = to_tuphap.message.get_body(("plain",)).get_content()
    assert "Còn 3 ngày làm việc đến hạn 10/06/2025." in text
    assert f"Thời gian thực hiện: {PHRASES['1.1']}" in text
    # Phường 1 let the first of "Quý I và quý III" (31/3) pass without a report.
    (to_phuong1,) = got.pop(PHUONG1)
    assert " hoạt động 1.2 " in subjects([to_phuong1])[0]
    assert overdue_dates([to_phuong1]) == {"31/03/2025"}
    assert got == {}

    # Wednesday 11/6, the first working day after 10/6.
    (late,) = subjects(tick(mail_app, frozen, mail_server, date(2025, 6, 11))[TUPHAP])
    assert late.startswith("[Quá hạn 1 ngày làm việc] hoạt động 1.1 ")
    assert late.endswith("— hạn 10/06/2025")

    # Overdue reminders repeat every 3 working days: Monday 16/6 is the 4th after 10/6,
    # and a day of Phường 1's too for 31/3. Both are planned …
    monday = date(2025, 6, 16)
    planned = preview(mail_app, monday)
    assert ("tuphap", "overdue", 4, "2025-06-10") in planned
    assert any(r[0] == "phuong1" and r[3] == "2025-03-31" for r in planned)
    # … until the units send their half-year reports: due 16/6, on or after 10/6 and 31/3.
    frozen(local(date(2025, 6, 12), 10))
    login(client, "tuphap")
    submit_report(client, plan.assignment(mail_app, "1.1", "Phòng Tư pháp"), plan.half)
    client.post("/logout")
    login(client, "phuong1")
    for number in ("1.2", "1.3"):
        submit_report(client, plan.assignment(mail_app, number, "Phường 1"), plan.half)
    client.post("/logout")
    assert [r for r in preview(mail_app, monday) if r[0] in ("tuphap", "phuong1")] == []
    assert tick(mail_app, frozen, mail_server, monday) == {}

    # 31/7 (1.3) is after the half-year report's due date: that report does not answer it.
    got = tick(mail_app, frozen, mail_server, date(2025, 7, 28))
    assert list(got) == [PHUONG1]
    (reminder,) = subjects(got[PHUONG1])
    assert reminder.startswith(before(date(2025, 7, 31), 3, "1.3"))

    # The last deadline of 1.1 is still reminded: the report said "đang thực hiện".
    got = tick(mail_app, frozen, mail_server, date(2025, 11, 25))
    (reminder,) = subjects(got[TUPHAP])
    assert reminder.startswith(before(date(2025, 11, 28), 3, "1.1"))
    # Phường 1 still owes 31/7 (unanswered) and both last deadlines (not done yet).
    assert overdue_dates(got[PHUONG1]) == {"31/07/2025", "30/09/2025", "31/10/2025"}

    # Phòng Tư pháp heard of 1.1's two dates only, and of 10/6 no more after its report.
    to_tuphap = [r for r in mail_server.received if r.envelope_to == [TUPHAP]]
    assert [re.findall(r"\d\d/\d\d/2025", s) for s in subjects(to_tuphap)] == [
        ["10/06/2025"],
        ["10/06/2025"],
        ["28/11/2025"],
    ]


def test_a_queued_reminder_for_an_answered_deadline_is_cancelled(mail_app, mail_server, frozen):
    """The mail server refuses on 11/6, so the overdue reminder for 10/6 waits; Phòng Tư
    pháp's half-year report answers 10/6 before the next try: it is never sent."""
    client = mail_app.test_client()
    plan = import_plan(mail_app, client, frozen)
    _officers_with_addresses(mail_app)
    mail_server.handler.refuse = 10_000
    tick(mail_app, frozen, mail_server, date(2025, 6, 11))
    with mail_app.app_context():
        waiting = db.session.scalars(
            select(Notification).where(
                Notification.due_on == date(2025, 6, 10), Notification.mail_to == TUPHAP
            )
        ).all()
        assert {(n.kind, n.step, n.mail_status, n.mail_to) for n in waiting} == {
            ("overdue", 1, "pending", TUPHAP)
        }
        key = waiting[0].key

    frozen(local(date(2025, 6, 11), 9))
    login(client, "tuphap")
    submit_report(client, plan.assignment(mail_app, "1.1", "Phòng Tư pháp"), plan.half)
    mail_server.handler.refuse = 0
    tick(mail_app, frozen, mail_server, date(2025, 6, 11), hour=10)
    with mail_app.app_context():
        row = db.session.scalar(select(Notification).where(Notification.key == key))
        assert row.mail_status == "cancelled"
    assert not [r for r in mail_server.received if r.envelope_to == [TUPHAP]]


def test_a_reminder_links_to_a_report_that_answers_its_deadline(mail_app, mail_server, frozen):
    """20/6 falls between the half-year report (due 16/6) and the year's: only a report
    of the year answers it, so that is the report its reminder should lead to."""
    client = mail_app.test_client()
    annex = ANNEX.replace(PHRASES["1.1"], "Trước ngày 20/6 và 28/11/2025")
    plan = import_plan(mail_app, client, frozen, annex)
    _officers_with_addresses(mail_app)
    # Wednesday 11/6 is 7 working days before Friday 20/6.
    (message,) = tick(mail_app, frozen, mail_server, date(2025, 6, 11))[TUPHAP]
    assert subjects([message])[0].startswith(before(date(2025, 6, 20), 7, "1.1"))
    text = message.message.get_body(("plain",)).get_content()
    link = re.search(r"/assignments/(\d+)/periods/(\d+)/report", text)
    assert int(link.group(1)) == plan.assignment(mail_app, "1.1", "Phòng Tư pháp")
    with mail_app.app_context():
        linked = db.session.get(ReportingPeriod, int(link.group(2)))
        assert linked.due_on >= date(2025, 6, 20), linked.label


# One assignment's reports (period, state, status) → the deadlines it still owes, from the
# rule: an earlier deadline waits for a report sent or accepted of a period due on or
# after it; the last for one saying done or not carried out (a draft or a report returned
# for correction says nothing). The half-year report is due 16/6, the year's 15/12.
ANSWERS = [
    ("1.1", [], ["2025-06-10", "2025-11-28"]),
    ("1.1", [("half", "draft", "in_progress")], ["2025-06-10", "2025-11-28"]),
    ("1.1", [("half", "submitted", "in_progress")], ["2025-11-28"]),
    ("1.1", [("half", "accepted", "not_started")], ["2025-11-28"]),
    ("1.1", [("half", "returned", "in_progress")], ["2025-06-10", "2025-11-28"]),
    ("1.1", [("year", "submitted", "in_progress")], ["2025-11-28"]),
    ("1.1", [("half", "submitted", "done")], []),
    ("1.1", [("half", "accepted", "not_done")], []),
    ("1.2", [("half", "submitted", "in_progress")], ["2025-09-30"]),
    ("1.3", [("half", "accepted", "in_progress")], ["2025-07-31", "2025-10-31"]),
    ("1.3", [("year", "submitted", "in_progress")], ["2025-10-31"]),
    (
        "1.3",
        [("half", "accepted", "in_progress"), ("year", "draft", "in_progress")],
        ["2025-07-31", "2025-10-31"],
    ),
    ("1.4", [("half", "submitted", "in_progress")], ["2025-12-15"]),  # due on the day
]
LEADS = {"1.1": "Phòng Tư pháp", "1.2": "Phường 1", "1.3": "Phường 1", "1.4": "Thanh tra thị xã"}


def _make_reports(app, plan: Plan2025, assignment_id: int, reports) -> None:
    with app.app_context():
        assignment = db.session.get(Assignment, assignment_id)
        noivu = db.session.scalar(select(User).where(User.username == "noivu"))
        for period_kind, state, status in reports:
            period = db.session.get(ReportingPeriod, getattr(plan, period_kind))
            data = reporting.ReportInput(status=status, result="Kết quả", reason="Không cần nữa")
            report = reporting.save_report(assignment, period, data, None, state != "draft")
            if state in ("accepted", "returned"):
                reporting.review_report(report, state == "accepted", "Ý kiến", noivu)
            assert report.state == state
        db.session.commit()


@pytest.mark.parametrize(("number", "reports", "owed"), ANSWERS)
def test_which_reports_answer_which_deadline(app, client, frozen, number, reports, owed):
    """Reminders, the work page and the unit's feed agree on what is still owed."""
    plan = import_plan(app, client, frozen)
    today = date(2025, 6, 20)  # the year's round is the one under way
    frozen(local(today, 10))
    unit = LEADS[number]
    assignment_id = plan.assignment(app, number, unit)
    _make_reports(app, plan, assignment_id, reports)
    unit_key = unit_id(app, unit)
    with app.app_context():
        items = reminders.open_items(db.session.get(Plan, plan.id))
        assert sorted(str(i.due_on) for i in items if i.assignment_id == assignment_id) == owed
        work = unit_work.unit_work(
            db.session.get(Unit, unit_key),
            db.session.get(Plan, plan.id),
            db.session.get(ReportingPeriod, plan.year),
            today,
        )
        listed = [
            w
            for group in (work.due, work.overdue, work.submitted, work.accepted, work.returned)
            for w in group
            if w.assignment.id == assignment_id and w.period == work.period
        ]
        # A report of the other round returned for correction stays listed too.
        returned = {w.period.id for w in work.returned if w.assignment.id == assignment_id}
        assert returned == {getattr(plan, p) for p, state, _ in reports if state == "returned"}
        if owed:  # the work page waits on the first deadline still owed
            (item,) = listed
            assert str(item.due_on) == owed[0]
            assert item.is_overdue == (item.due_on < today)
    # In the feed an earlier deadline reads as not reported until a report answers it.
    feed = unit_feed(app, client, unit, plan)
    for day in DUE_DATES[number][:-1]:
        event = feed[f"assignment-{assignment_id}-deadline-{day:%Y%m%d}@{HOST}"]
        status = event.summary.value.rsplit("— ", 1)[1]
        assert (status == "Chưa báo cáo") == (f"{day}" in owed), status


# ---- the work page ------------------------------------------------------------------------


def _work_item(client, plan: Plan2025, number: str) -> tuple[str, str]:
    """(id of the section, due date shown) of an activity's card on the work page."""
    page = client.get(f"/work?plan={plan.id}")
    assert page.status_code == 200
    (card,) = lxml.html.fromstring(page.get_data(as_text=True)).xpath(
        f"//*[@data-activity='{number}']"
    )
    shown = re.search(r"hạn (\d\d/\d\d/\d{4})", " ".join(card.text_content().split()))
    return card.getparent().get("id"), shown.group(1)


def test_the_work_page_waits_on_the_next_deadline(app, client, frozen):
    plan = import_plan(app, client, frozen)
    make_user(app, "tuphap", "Phòng Tư pháp")
    make_user(app, "phuong1", "Phường 1")

    def on(day: date, username: str) -> None:
        """Come back on `day` (a session does not last days)."""
        client.post("/logout")
        frozen(local(day, 10))
        login(client, username)

    on(date(2025, 6, 5), "tuphap")
    assert _work_item(client, plan, "1.1") == ("due", "10/06/2025")
    on(date(2025, 6, 11), "tuphap")
    assert _work_item(client, plan, "1.1") == ("overdue", "10/06/2025")
    submit_report(client, plan.assignment(app, "1.1", "Phòng Tư pháp"), plan.half)
    assert _work_item(client, plan, "1.1") == ("submitted", "28/11/2025")

    on(date(2025, 6, 12), "phuong1")
    submit_report(client, plan.assignment(app, "1.3", "Phường 1"), plan.half)

    on(date(2025, 6, 20), "tuphap")  # the year's round: nothing sent for it yet
    assert _work_item(client, plan, "1.1") == ("due", "28/11/2025")
    on(date(2025, 8, 1), "phuong1")  # the half-year report (due 16/6) left 31/7 owed
    assert _work_item(client, plan, "1.3") == ("overdue", "31/07/2025")
    submit_report(client, plan.assignment(app, "1.3", "Phường 1"), plan.year)
    assert _work_item(client, plan, "1.3") == ("submitted", "31/10/2025")


# ---- moving the deadline ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "moved_to", "due_dates"),
    [
        ("1.2", date(2025, 8, 29), (date(2025, 3, 31), date(2025, 8, 29))),
        ("1.2", date(2025, 11, 28), (date(2025, 3, 31), date(2025, 11, 28))),
        ("1.2", date(2025, 3, 31), (date(2025, 3, 31),)),  # onto the earlier date
        ("1.2", date(2025, 3, 14), (date(2025, 3, 14),)),  # before every earlier date
        ("2.1", date(2025, 11, 14), (date(2025, 11, 14),)),
    ],
)
def test_moving_the_deadline_keeps_the_earlier_dates_before_it(
    app, client, frozen, number, moved_to, due_dates
):
    plan = import_plan(app, client, frozen)
    move_deadline(app, plan.activity[number], moved_to)
    assert stored_due_dates(app, plan.activity[number]) == due_dates
    with app.app_context():
        activity = db.session.get(Activity, plan.activity[number])
        assert activity.original_due_on == DUE_DATES[number][-1]
        assert activity.timeframe_review is False  # Phòng Nội vụ has set the date itself
        assert activity.timeframe_text == PHRASES[number]
