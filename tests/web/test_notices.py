"""Notices that arrive (issue 15): a review's outcome reaches the unit at once, in the app
and (within a minute, by the "send-mail" job) by e-mail, whatever the plan's reminder
window; Phòng Nội vụ hears of each submitted report, or reads one list each working
morning. A real SMTP server in the test process; the clock frozen.

The seeded plan's reminder window closes on 14/1/2024 (30 days after the year report is
due): reviews on 5/2/2024 fall outside it, as the testers found.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from tests.conftest import make_user
from tracker import clock
from tracker.clock import LOCAL_TZ
from tracker.extensions import db
from tracker.models import Activity, Assignment, JobRun, Notification, Plan, Unit, User
from tracker.models.reporting import ProgressReport, ReportingPeriod
from tracker.scheduler import JOBS, build_scheduler, recent_runs, run_job
from tracker.services import reporting
from tracker.services.reminders import decisions as reminders

AFTER_THE_WINDOW = date(2024, 2, 5)  # a Monday; reminders stopped on 14/1/2024


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=LOCAL_TZ).astimezone(UTC)


@pytest.fixture(autouse=True)
def _thaw(monkeypatch):
    monkeypatch.setattr(clock, "frozen", None)


@pytest.fixture
def people(mail_app):
    make_user(mail_app, "tuphap", "Phòng Tư pháp")
    make_user(mail_app, "phuong1", "Phường 1")
    with mail_app.app_context():
        for user in db.session.scalars(select(User)):
            user.email = f"{user.username}@vinhchau.test"
        db.session.commit()


def signed_in(app, username: str, password: str | None = None):
    client = app.test_client()
    client.post(
        "/login", data={"username": username, "password": password or f"matkhau-{username}"}
    )
    return client


def coordinator(app):
    return signed_in(app, "noivu", "noivu2023")


def ids(app, number: str, unit: str) -> tuple[int, int]:
    """(assignment id, id of the 6-month period) of `unit` on activity `number`."""
    with app.app_context():
        assignment_id = db.session.scalar(
            select(Assignment.id)
            .join(Activity)
            .join(Unit, Assignment.unit_id == Unit.id)
            .where(Activity.number == number, Unit.name == unit)
        )
        period_id = db.session.scalar(
            select(ReportingPeriod.id).order_by(ReportingPeriod.ends_on).limit(1)
        )
    return assignment_id, period_id


def submit(app, client, number: str, unit: str) -> int:
    """Submit the 6-month report through the form; the report's id."""
    assignment_id, period_id = ids(app, number, unit)
    response = client.post(
        f"/assignments/{assignment_id}/periods/{period_id}/report",
        data={"status": "in_progress", "result": f"Đã triển khai {number}", "action": "submit"},
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rsplit("/", 1)[1])


def submit_at(app, moment: datetime, number: str, unit: str, username: str) -> None:
    clock.frozen = moment
    assignment_id, period_id = ids(app, number, unit)
    with app.app_context():
        officer = db.session.scalar(select(User).where(User.username == username))
        data = reporting.ReportInput(status="in_progress", result=f"Đã triển khai {number}")
        reporting.save_report(
            db.session.get(Assignment, assignment_id),
            db.session.get(ReportingPeriod, period_id),
            data,
            officer,
            submit=True,
        )
        db.session.commit()


def notices(app, kind: str, username: str | None = None) -> list[Notification]:
    with app.app_context():
        stmt = select(Notification).where(Notification.kind == kind).order_by(Notification.id)
        if username:
            stmt = stmt.join(User).where(User.username == username)
        rows = list(db.session.scalars(stmt))
        db.session.expunge_all()
        return rows


def plan_is_reminding(app, day: date) -> bool:
    with app.app_context():
        return reminders.rules_for(db.session.get(Plan, 1)).active_until >= day


# ---- a review reaches the unit at once ------------------------------------------------------


@pytest.mark.parametrize(
    ("action", "kind", "subject", "said"),
    [
        ("return", "returned", "[Báo cáo bị trả lại] 6 tháng đầu năm 2023", "Đã trả lại báo cáo"),
        ("accept", "accepted", "[Báo cáo được chấp nhận] 6 tháng đầu năm 2023", "Đã chấp nhận"),
    ],
)
def test_a_review_outside_the_reminder_window_reaches_the_unit_at_once(
    mail_app, mail_server, people, action, kind, subject, said
):
    clock.frozen = local(AFTER_THE_WINDOW, 10)
    assert not plan_is_reminding(mail_app, AFTER_THE_WINDOW)
    officer = signed_in(mail_app, "tuphap")
    report_id = submit(mail_app, officer, "1.3", "Phòng Tư pháp")

    clock.frozen = local(AFTER_THE_WINDOW, 10, 20)
    page = coordinator(mail_app).post(
        f"/reports/{report_id}/review",
        data={"comment": "Thiếu số liệu tin bài", "action": action},
        follow_redirects=True,
    )
    flash = page.get_data(as_text=True)
    assert said in flash
    assert (
        "Đã gửi thông báo trong ứng dụng cho 1 cán bộ của Phòng Tư pháp; "
        "thư điện tử sẽ gửi trong vòng 1 phút." in flash
    )

    # At once, before any job ran: in the officer's inbox, and the e-mail queued.
    (row,) = notices(mail_app, kind)
    assert row.subject.startswith(subject) and row.link == f"/reports/{report_id}"
    assert (row.mail_status, row.mail_to) == ("pending", "tuphap@vinhchau.test")
    inbox = officer.get("/inbox").get_data(as_text=True)
    assert subject in inbox and "Thiếu số liệu tin bài" in inbox
    assert 'thông báo chưa đọc">1</span>' in inbox
    assert mail_server.received == []

    # The next run of the send job (every 30 s) delivers it; a second run sends nothing.
    clock.frozen = local(AFTER_THE_WINDOW, 10, 20) + timedelta(seconds=30)
    first = run_job(mail_app, "send-mail")
    assert (first.status, first.message) == ("ok", "Gửi e-mail: 1 thư đã gửi, 0 lần gửi lỗi.")
    assert run_job(mail_app, "send-mail").message.startswith("Gửi e-mail: 0 thư đã gửi")
    (received,) = mail_server.received
    assert received.envelope_to == ["tuphap@vinhchau.test"]
    assert str(received.message["Subject"]).startswith(subject)
    assert received.message_id == row.message_id
    text = received.message.get_body(("plain",)).get_content()
    assert "Thiếu số liệu tin bài" in text
    assert f"https://papi.vinhchau.test/reports/{report_id}" in text
    assert notices(mail_app, kind)[0].mail_status == "sent"
    with mail_app.app_context():
        runs = db.session.scalars(select(JobRun).where(JobRun.job_id == "send-mail")).all()
        assert [r.status for r in runs] == ["ok", "ok"]


def test_a_unit_without_an_account_is_named_in_the_message(mail_app, people):
    clock.frozen = local(AFTER_THE_WINDOW, 10)
    noivu = coordinator(mail_app)
    report_id = submit(mail_app, noivu, "5.2", "Phường 1")  # entered on the unit's behalf
    with mail_app.app_context():
        db.session.execute(
            User.__table__.update().where(User.username == "phuong1").values(is_active=False)
        )
        db.session.commit()
    page = noivu.post(
        f"/reports/{report_id}/review", data={"action": "accept"}, follow_redirects=True
    ).get_data(as_text=True)
    assert "Phường 1 chưa có tài khoản cán bộ đầu mối nên chưa ai nhận được thông báo." in page
    assert notices(mail_app, "accepted") == []


def test_a_notice_waiting_for_a_busy_mail_server_is_kept_when_the_report_is_sent_again(
    mail_app, mail_server, people
):
    """A reminder no longer due is cancelled by the tick; a notice of what happened is
    not: it stays in the inbox and its e-mail is retried with backoff, then sent once."""
    clock.frozen = local(AFTER_THE_WINDOW, 10)
    officer = signed_in(mail_app, "tuphap")
    report_id = submit(mail_app, officer, "1.3", "Phòng Tư pháp")
    coordinator(mail_app).post(
        f"/reports/{report_id}/review", data={"comment": "Bổ sung", "action": "return"}
    )
    mail_server.handler.refuse = 1
    assert run_job(mail_app, "send-mail").message == "Gửi e-mail: 0 thư đã gửi, 1 lần gửi lỗi."
    submit(mail_app, officer, "1.3", "Phòng Tư pháp")  # corrected and sent again

    clock.frozen = local(AFTER_THE_WINDOW, 10, 5)
    assert run_job(mail_app, "reminders").status == "ok"  # decides; cancels what is stale
    (row,) = notices(mail_app, "returned")
    assert (row.mail_status, row.attempts) == ("sent", 2)
    assert "[Báo cáo bị trả lại]" in officer.get("/inbox").get_data(as_text=True)
    assert len(mail_server.received) == 1


# ---- Phòng Nội vụ hears of a submitted report ------------------------------------------------


def test_a_submitted_report_reaches_phong_noi_vu_in_the_app(mail_app, mail_server, people):
    make_user(mail_app, "noivu2", "Phòng Nội vụ", role="coordinator")
    clock.frozen = local(AFTER_THE_WINDOW, 9)
    report_id = submit(mail_app, signed_in(mail_app, "tuphap"), "1.3", "Phòng Tư pháp")

    rows = notices(mail_app, "submitted")
    assert sorted(r.user_id for r in rows) == sorted(
        _user_ids(mail_app, "noivu", "noivu2")
    )  # both coordinators of Vĩnh Châu
    row = rows[0]
    assert row.subject.startswith(
        "[Báo cáo mới] Phòng Tư pháp — 6 tháng đầu năm 2023 — hoạt động 1.3 «"
    )
    assert row.link == f"/reports/{report_id}" and row.report_id == report_id
    assert row.mail_status == "skipped" and "chỉ được báo trong hệ thống" in row.last_error
    assert "https://papi.vinhchau.test/plans/1/reviews" in row.body_text
    inbox = coordinator(mail_app).get("/inbox").get_data(as_text=True)
    assert "[Báo cáo mới] Phòng Tư pháp" in inbox and f'href="/reports/{report_id}"' in inbox
    assert run_job(mail_app, "send-mail").message.startswith("Gửi e-mail: 0 thư đã gửi")
    assert mail_server.received == []

    # A coordinator entering a report on a unit's behalf is not told of it; the other is.
    submit(mail_app, coordinator(mail_app), "1.5", "Phường 1")
    latest = notices(mail_app, "submitted")[len(rows) :]
    assert [r.user_id for r in latest] == _user_ids(mail_app, "noivu2")


def _user_ids(app, *usernames: str) -> list[int]:
    with app.app_context():
        return [
            db.session.scalar(select(User.id).where(User.username == name)) for name in usernames
        ]


# ---- or one list each working morning ---------------------------------------------------------

TUESDAY = date(2023, 6, 13)


def choose_daily(app) -> None:
    page = coordinator(app).post(
        "/account/notifications",
        data={"email": "noivu@vinhchau.test", "wants_email": "y", "submitted_notices": "daily"},
        follow_redirects=True,
    )
    assert "Đã lưu cách nhận thông báo." in page.get_data(as_text=True)


def tick(app, moment: datetime) -> None:
    clock.frozen = moment
    assert run_job(app, "reminders").status == "ok"


def dailies(app, mail_server) -> tuple[list[Notification], list[str]]:
    mails = [
        str(r.message["Subject"])
        for r in mail_server.received
        if str(r.message["Subject"]).startswith("[Tổng hợp ngày")
    ]
    return notices(app, "daily", "noivu"), mails


def test_the_daily_list_replaces_a_notice_per_report(mail_app, mail_server, people):
    clock.frozen = local(TUESDAY, 8)
    choose_daily(mail_app)
    submit_at(mail_app, local(TUESDAY, 9), "1.3", "Phòng Tư pháp", "tuphap")
    submit_at(mail_app, local(TUESDAY, 15), "6.5", "Phòng Tư pháp", "tuphap")
    submit_at(mail_app, local(TUESDAY, 16, 30), "1.5", "Phường 1", "phuong1")
    submit_at(mail_app, local(TUESDAY + timedelta(days=1), 6), "4.1", "Phường 1", "phuong1")
    assert notices(mail_app, "submitted") == []  # no notice per report

    tick(mail_app, local(TUESDAY + timedelta(days=1), 6, 55))  # before the morning hour
    assert dailies(mail_app, mail_server) == ([], [])
    tick(mail_app, local(TUESDAY + timedelta(days=1), 7))
    tick(mail_app, local(TUESDAY + timedelta(days=1), 7, 5))  # runs again: nothing more
    rows, mails = dailies(mail_app, mail_server)
    assert mails == ["[Tổng hợp ngày 14/06/2023] 03 báo cáo đơn vị đã gửi"]
    (row,) = rows
    assert row.mail_status == "sent" and row.link == "/plans/1/reviews"
    text = row.body_text
    assert "đến hết ngày 13/06/2023, các đơn vị đã gửi 03 báo cáo" in text
    assert "Phòng Tư pháp: 6 tháng đầu năm 2023 — hoạt động 1.3" in text
    assert "hoạt động 6.5" in text and "Phường 1: 6 tháng đầu năm 2023 — hoạt động 1.5" in text
    assert "hoạt động 4.1" not in text  # sent this morning: tomorrow's list
    assert "Báo cáo chờ duyệt: 4" in text
    inbox = coordinator(mail_app).get("/inbox").get_data(as_text=True)
    assert "[Tổng hợp ngày 14/06/2023] 03 báo cáo đơn vị đã gửi" in inbox

    tick(mail_app, local(TUESDAY + timedelta(days=2), 8))
    rows, mails = dailies(mail_app, mail_server)
    assert mails[1:] == ["[Tổng hợp ngày 15/06/2023] 01 báo cáo đơn vị đã gửi"]
    assert "hoạt động 4.1" in rows[1].body_text and "hoạt động 1.3" not in rows[1].body_text

    # Nothing sent on Thursday: no list on Friday. Saturday's report waits for Monday's.
    tick(mail_app, local(TUESDAY + timedelta(days=3), 8))
    submit_at(mail_app, local(TUESDAY + timedelta(days=4), 10), "5.1", "Phường 1", "phuong1")
    tick(mail_app, local(TUESDAY + timedelta(days=4), 11))
    tick(mail_app, local(TUESDAY + timedelta(days=5), 11))
    assert len(dailies(mail_app, mail_server)[0]) == 2
    tick(mail_app, local(TUESDAY + timedelta(days=6), 8))
    rows, mails = dailies(mail_app, mail_server)
    assert mails[2:] == ["[Tổng hợp ngày 19/06/2023] 01 báo cáo đơn vị đã gửi"]
    assert "hoạt động 5.1" in rows[2].body_text
    daily_ids = {
        r.message_id for r in mail_server.received if "Tổng hợp ngày" in r.message["Subject"]
    }
    assert len(daily_ids) == len(mails) == 3


def test_after_choosing_the_list_it_holds_only_what_no_notice_told(mail_app, mail_server, people):
    submit_at(mail_app, local(TUESDAY, 8, 30), "1.3", "Phòng Tư pháp", "tuphap")
    assert len(notices(mail_app, "submitted", "noivu")) == 1
    clock.frozen = local(TUESDAY, 8, 45)
    choose_daily(mail_app)
    submit_at(mail_app, local(TUESDAY, 11), "6.5", "Phòng Tư pháp", "tuphap")
    assert len(notices(mail_app, "submitted", "noivu")) == 1

    tick(mail_app, local(TUESDAY + timedelta(days=1), 8))
    (row,), mails = dailies(mail_app, mail_server)
    assert mails == ["[Tổng hợp ngày 14/06/2023] 01 báo cáo đơn vị đã gửi"]
    assert "hoạt động 6.5" in row.body_text and "hoạt động 1.3" not in row.body_text


def test_the_choice_is_phong_noi_vus_and_bad_input_changes_nothing(mail_app, people):
    noivu = coordinator(mail_app)
    page = noivu.get("/account/notifications").get_data(as_text=True)
    assert 'id="submitted-notices"' in page
    assert (
        '<input checked id="submitted_notices-0" name="submitted_notices" type="radio" value="each">'
        in page
    )
    bad = noivu.post(
        "/account/notifications",
        data={"email": "noivu@vinhchau.test", "submitted_notices": "weekly"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Chọn một cách nhận tin khi đơn vị gửi báo cáo." in bad
    officer = signed_in(mail_app, "tuphap")
    assert 'id="submitted-notices"' not in officer.get("/account/notifications").get_data(
        as_text=True
    )
    officer.post(
        "/account/notifications",
        data={"email": "tuphap@vinhchau.test", "submitted_notices": "daily"},
    )
    with mail_app.app_context():
        stored = dict(db.session.execute(select(User.username, User.submitted_notices)).all())
    assert stored == {"noivu": "each", "tuphap": "each", "phuong1": "each"}


# ---- the send job -------------------------------------------------------------------------------


def test_the_send_job_runs_every_half_minute_and_keeps_a_day_of_runs(mail_app):
    scheduler = build_scheduler(mail_app)
    job = scheduler.get_job("send-mail")
    assert job is not None and job.max_instances == 1
    assert JOBS["send-mail"].trigger.interval <= timedelta(seconds=60)

    start = local(TUESDAY, 8)
    for minutes in (0, 1, 2, 60 * 25):
        clock.frozen = start + timedelta(minutes=minutes)
        assert run_job(mail_app, "send-mail").status == "ok"
        clock.frozen += timedelta(seconds=1)
        assert run_job(mail_app, "daily-figures").status == "ok"
    with mail_app.app_context():
        kept = db.session.scalar(
            select(func.count()).select_from(JobRun).where(JobRun.job_id == "send-mail")
        )
        assert kept == 1  # the runs of a day ago are gone; the others' stay
        assert [r.job_id for r in recent_runs(3)] == ["daily-figures", "send-mail", "daily-figures"]
        assert db.session.scalar(select(func.count()).select_from(ProgressReport)) == 0


def test_a_submitted_report_tells_the_coordinators_the_reminders_know(province_app):
    """reminders.coordinators_of (read inside a report's write) names, for every
    locality, the coordinators People.of_locality names: the locality's own and those
    attached to no unit, active ones only."""
    make_user(province_app, "toan.tinh", None, role="coordinator")
    make_user(province_app, "nghi.viec", None, role="coordinator")
    with province_app.app_context():
        db.session.scalar(select(User).where(User.username == "nghi.viec")).is_active = False
        db.session.commit()
        who = reminders.people()
        localities = db.session.scalars(select(Unit.locality_id).distinct()).all()
        assert len(localities) > 3
        for locality_id in localities:
            expected = sorted(who.of_locality(who.coordinators, locality_id))
            assert [u.id for u in reminders.coordinators_of(locality_id)] == expected
