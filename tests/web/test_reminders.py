"""Which reminders the seeded Vĩnh Châu plan implies on chosen days (issue 5), and the
pages where Phòng Nội vụ sets and audits them.

The seeded plan (no demo progress: nothing reported) collects reports for 6 tháng đầu năm
2023 (due Thursday 15/6/2023) and Năm 2023 (due Friday 15/12/2023) for its ongoing
activities; 6.3 (Phòng Nội vụ) is dated 31/12/2023, a Sunday. Counted from the annex:
- Phòng Tư pháp leads 1.3 and 6.5 (both ongoing): 2 items per round;
- Phường 1 leads 1.5, 4.1, 5.1, 5.2 and "Đối thoại" and supports "Hội nghị", 4.2, 6.4,
  6.7, 6.8 and "Đo lường": 11 items per round;
- Phòng Nội vụ leads 1.1, 1.2, "Hội nghị", 3.1, 3.2, 6.1, 6.2 and supports 4.1: 8 items
  per round (1.4 is dated by another plan: nothing to remind until a date is set), plus 6.3.
"""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select

from tests.conftest import make_user
from tracker.domain.reminders import Rules
from tracker.extensions import db
from tracker.models import Activity, DayOff, Plan, ReminderRules, User
from tracker.services import reporting
from tracker.services.reminders import settings as reminder_settings


@pytest.fixture
def people(app):
    make_user(app, "tuphap", "Phòng Tư pháp")
    make_user(app, "phuong1", "Phường 1")
    make_user(app, "chutich", None, role="leader")
    with app.app_context():
        for user in db.session.scalars(select(User)):
            user.email = f"{user.username}@vinhchau.test"
        db.session.commit()


def preview(app, day: str, *extra: str) -> list[dict]:
    result = app.test_cli_runner().invoke(
        args=["reminders", "preview", "--on", day, "--json", *extra]
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def summary(rows: list[dict]) -> list[tuple]:
    """(recipient, kind, step, due date, number of items) of each reminder, sorted."""
    return sorted(
        (r["recipient"], r["kind"], r["step"], r["due_on"], len(r["items"])) for r in rows
    )


def test_three_working_days_before_the_half_year_report(app, people):
    rows = preview(app, "2023-06-12")  # Monday: 15/6 is 3 working days away
    assert summary(rows) == [
        ("noivu", "before", 3, "2023-06-15", 8),
        ("noivu", "weekly", 0, None, 0),
        ("phuong1", "before", 3, "2023-06-15", 11),
        ("tuphap", "before", 3, "2023-06-15", 2),
    ]
    subject = next(r["subject"] for r in rows if r["recipient"] == "tuphap")
    assert subject.startswith("[Nhắc việc] Hạn 15/06/2023 (còn 3 ngày làm việc): 02 việc")
    assert all(r["mail_to"].endswith("@vinhchau.test") for r in rows)


def test_the_day_itself_then_overdue_then_escalation(app, people):
    assert {r["step"] for r in preview(app, "2023-06-15")} == {0}
    assert {(r["kind"], r["step"]) for r in preview(app, "2023-06-16")} == {("overdue", 1)}
    assert preview(app, "2023-06-20") == []  # 3 working days late: nothing fires
    escalation = preview(app, "2023-06-22")  # 5 working days late
    # Every lead assignment owing the 6-month report is late: of the 76 lead assignments,
    # 1.4's two wait for a date, 6.3 has its own deadline and one of 6.2's is a vague
    # group ("Các cơ quan khác thực hiện tự kiểm tra") with no one to report: 72.
    # Supporting units are urged directly, not escalated.
    assert summary(escalation) == [("noivu", "escalation", 5, "2023-06-15", 72)]
    assert escalation[0]["subject"] == (
        "[Quá hạn 5 ngày làm việc] 21 đơn vị chưa hoàn thành 72 việc — hạn 15/06/2023"
    )


def test_units_without_an_account_get_nothing_and_a_plan_filter_works(app):
    rows = preview(app, "2023-06-12", "--plan", "63/KH-UBND")
    assert {r["recipient"] for r in rows} == {"noivu"}
    assert {r["mail_to"] for r in rows} == {""}  # noivu has no e-mail yet: in-app only


def test_around_national_day(app, people):
    """6.3 moved to Wednesday 6/9/2023; 1/9, 2/9 (Saturday) and 4/9 are days off."""
    with app.app_context():
        activity = db.session.scalar(select(Activity).where(Activity.number == "6.3"))
        noivu = db.session.scalar(select(User).where(User.username == "noivu"))
        reporting.change_deadline(activity, date(2023, 9, 6), "Theo chỉ đạo", noivu)
        db.session.commit()
    by_day = {
        day: summary(preview(app, day))
        for day in ("2023-08-24", "2023-08-30", "2023-09-01", "2023-09-04", "2023-09-05")
    }
    assert by_day["2023-08-24"] == [("noivu", "before", 7, "2023-09-06", 1)]
    assert by_day["2023-08-30"] == [("noivu", "before", 3, "2023-09-06", 1)]
    assert by_day["2023-09-01"] == []  # Quốc khánh
    assert by_day["2023-09-04"] == []  # day off in lieu of 2/9: no weekly digest either
    assert by_day["2023-09-05"] == [
        ("chutich", "monthly", 0, None, 0),  # September's first working day
        ("noivu", "before", 1, "2023-09-06", 1),
        ("noivu", "weekly", 0, None, 0),  # the week's first working day
    ]
    # 7/9 is also the 58th working day after 15/6 (1 + 19 × 3): the 6-month reports.
    assert summary(preview(app, "2023-09-07")) == [
        ("noivu", "overdue", 1, "2023-09-06", 1),
        ("noivu", "overdue", 58, "2023-06-15", 8),
        ("phuong1", "overdue", 58, "2023-06-15", 11),
        ("tuphap", "overdue", 58, "2023-06-15", 2),
    ]


def test_around_tet(app, people):
    """With reminders kept on into 2024, the year report (due 15/12/2023) and 6.3 (due
    31/12/2023) are counted in working days across Tết Giáp Thìn (8–14/2/2024).
    From 15/12/2023 to 7/2/2024 there are 37 working days (1/1 off): overdue reminders
    fire at 1, 4, 7 … 37; 15/2 is the 38th (nothing), 19/2 the 40th. For 6.3: 15/2 is
    the 28th working day after 31/12/2023 (an overdue day: 1 + 9 × 3)."""
    with app.app_context():
        plan = db.session.get(Plan, 1)
        reminder_settings.save_rules(plan, Rules(), date(2024, 3, 31), None)
        db.session.commit()
    assert preview(app, "2024-02-08") == []  # Tết
    assert preview(app, "2024-02-12") == []  # Monday in Tết: no weekly digest
    assert summary(preview(app, "2024-02-15")) == [
        ("noivu", "overdue", 28, "2023-12-31", 1),
        ("noivu", "weekly", 0, None, 0),
    ]
    # 19/2 is also the 169th working day after 15/6/2023 (1 + 56 × 3): the 6-month
    # reports, never sent, are reminded too.
    assert summary(preview(app, "2024-02-19")) == [
        ("noivu", "overdue", 40, "2023-12-15", 8),
        ("noivu", "overdue", 169, "2023-06-15", 8),
        ("noivu", "weekly", 0, None, 0),
        ("phuong1", "overdue", 40, "2023-12-15", 11),
        ("phuong1", "overdue", 169, "2023-06-15", 11),
        ("tuphap", "overdue", 40, "2023-12-15", 2),
        ("tuphap", "overdue", 169, "2023-06-15", 2),
    ]


def test_a_finished_plan_stops_reminding(app, people):
    """By default a plan reminds until 30 days after its last report is due (14/1/2024)."""
    assert preview(app, "2024-01-12") != []
    assert preview(app, "2024-01-15") == []


def test_an_extra_day_off_moves_reminders(app, people):
    with app.app_context():
        reminder_settings.set_day(date(2023, 6, 12), True, "Nghỉ bù", None)
        db.session.commit()
    assert preview(app, "2023-06-12") == []
    # The 3-day reminder now falls on Friday 9/6; the weekly digest on Tuesday 13/6.
    assert {r["step"] for r in preview(app, "2023-06-09")} == {3}
    assert {r["kind"] for r in preview(app, "2023-06-13")} == {"weekly"}


def test_preview_rejects_a_bad_date(app):
    result = app.test_cli_runner().invoke(args=["reminders", "preview", "--on", "12/6/2023"])
    assert result.exit_code == 1
    assert "không phải ngày dạng YYYY-MM-DD" in result.output


# ---- pages ---------------------------------------------------------------------------------


def test_coordinator_sets_the_rules_and_bad_input_changes_nothing(app, client, auth):
    auth.login()
    page = client.get("/plans/1/reminders?on=2023-06-12").get_data(as_text=True)
    assert 'value="7, 3, 1, 0"' in page and "Hạn 15/06/2023 (còn 3 ngày làm việc)" in page
    form = {
        "before": "5, 2, 0",
        "overdue_first": "2",
        "overdue_every": "5",
        "escalate_after": "10",
        "weekly_digest": "y",
        "active_until": "2024-02-29",
    }
    response = client.post("/plans/1/reminders", data=form, follow_redirects=True)
    assert "Đã lưu cách nhắc việc." in response.get_data(as_text=True)
    bad = client.post(
        "/plans/1/reminders", data={**form, "before": "5, hai"}, follow_redirects=True
    )
    assert "các số nguyên cách nhau bởi dấu phẩy" in bad.get_data(as_text=True)
    with app.app_context():
        stored = db.session.get(ReminderRules, 1)
        assert stored.rules == Rules((5, 2, 0), 2, 5, 10, True, False)
        assert stored.active_until == date(2024, 2, 29)


def test_the_preview_is_phong_noi_vus(app, client, people):
    """It names every unit's officers: units' officers have their inbox instead; leaders
    read the rules and the preview without the addresses (issue 13)."""
    client.post("/login", data={"username": "phuong1", "password": "matkhau-phuong1"})
    assert client.get("/plans/1/reminders").status_code == 403
    assert client.post("/plans/1/reminders", data={"before": "1"}).status_code == 403
    assert client.get("/reminders").status_code == 403
    assert client.get("/working-days").status_code == 403
    client.post("/logout")
    client.post("/login", data={"username": "chutich", "password": "matkhau-chutich"})
    page = client.get("/plans/1/reminders?on=2023-06-12")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Hạn 15/06/2023 (còn 3 ngày làm việc)" in html
    assert "@vinhchau.test" not in html and "<th>E-mail</th>" not in html
    assert client.post("/plans/1/reminders", data={"before": "1"}).status_code == 403
    client.post("/logout")
    client.post("/login", data={"username": "noivu", "password": "noivu2023"})
    assert "phuong1@vinhchau.test" in client.get("/plans/1/reminders?on=2023-06-12").get_data(
        as_text=True
    )


def test_working_days_page(app, client, auth):
    auth.login()
    page = client.get("/working-days?year=2024").get_data(as_text=True)
    assert "Tết Nguyên Đán" in page and "10/02/2024" in page
    client.post("/working-days", data={"day": "2024-05-04", "note": "Làm bù", "action": "work"})
    bad = client.post(
        "/working-days",
        data={"day": "2024-05-06", "action": "work"},
        follow_redirects=True,
    )
    assert "đã là ngày làm việc" in bad.get_data(as_text=True)
    with app.app_context():  # 4/5/2024 came with the seeds; the form changed its note
        rows = db.session.scalars(select(DayOff).where(DayOff.day < date(2025, 1, 1))).all()
        assert [(d.day, d.is_off, d.note) for d in rows] == [(date(2024, 5, 4), False, "Làm bù")]
