"""Reminders reach people once (issue 5; quality.md "Faults survived"): a real SMTP server
in the test process, the clock frozen, ticks from one process or eight, a mail server
that refuses for a while, senders killed mid-send, downtime, a year of daily ticks."""

from __future__ import annotations

import multiprocessing
import os
import signal
from datetime import UTC, date, datetime, timedelta

import holidays
import pytest
from sqlalchemy import func, select

from tests.conftest import make_user
from tests.reminder_worker import tick as tick_elsewhere
from tracker import clock
from tracker.clock import LOCAL_TZ
from tracker.extensions import db
from tracker.models import Activity, Assignment, Notification, Unit, User
from tracker.models.reporting import ReportingPeriod
from tracker.services import reporting
from tracker.services.reminders import outbox
from tracker.services.reminders import settings as reminder_settings

EXPECTED_ON_12_JUNE = {  # Monday 12/6/2023, 3 working days before the 6-month reports
    "tuphap@vinhchau.test": 1,  # 02 items
    "phuong1@vinhchau.test": 1,  # 11 items
    "noivu@vinhchau.test": 2,  # 08 items, and the weekly digest
    "chutich@vinhchau.test": 1,  # June's monthly digest, due since 1/6
}


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=LOCAL_TZ).astimezone(UTC)


@pytest.fixture
def client(mail_app):
    return mail_app.test_client()


@pytest.fixture
def people(mail_app):
    make_user(mail_app, "tuphap", "Phòng Tư pháp")
    make_user(mail_app, "phuong1", "Phường 1")
    make_user(mail_app, "chutich", None, role="leader")
    with mail_app.app_context():
        for user in db.session.scalars(select(User)):
            user.email = f"{user.username}@vinhchau.test"
        db.session.commit()


def tick(app, moment: datetime) -> outbox.TickResult:
    clock.frozen = moment
    with app.app_context():
        return outbox.tick("test", moment)


def by_recipient(server) -> dict[str, int]:
    found: dict[str, int] = {}
    for received in server.received:
        for address in received.envelope_to:
            found[address] = found.get(address, 0) + 1
    return found


def rows(app) -> list[Notification]:
    with app.app_context():
        return list(db.session.scalars(select(Notification).order_by(Notification.id)))


@pytest.fixture(autouse=True)
def _thaw(monkeypatch):
    monkeypatch.setattr(clock, "frozen", None)


def test_a_tick_sends_each_reminder_once(mail_app, mail_server, people, client):
    result = tick(mail_app, local(date(2023, 6, 12), 8))
    assert (result.queued, result.sent, result.failed) == (5, 5, 0)
    assert tick(mail_app, local(date(2023, 6, 12), 8, 5)).queued == 0
    assert tick(mail_app, local(date(2023, 6, 12), 16)).queued == 0
    assert by_recipient(mail_server) == EXPECTED_ON_12_JUNE
    ids = mail_server.handler.ids()
    assert len(set(ids)) == len(ids) == 5
    assert {r.message_id for r in rows(mail_app)} == set(ids)
    assert {r.mail_status for r in rows(mail_app)} == {"sent"}

    message = next(
        r.message for r in mail_server.received if r.envelope_to == ["tuphap@vinhchau.test"]
    )
    assert str(message["Subject"]) == (
        "[Nhắc việc] Hạn 15/06/2023 (còn 3 ngày làm việc): 02 việc chưa báo cáo"
    )
    assert (
        str(message["List-Unsubscribe"])
        .strip()
        .startswith("<https://papi.vinhchau.test/unsubscribe/")
    )
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["Auto-Submitted"] == "auto-generated"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "Kính gửi: Phòng Tư pháp," in text and "1.3" in text and "6.5" in text
    assert "https://papi.vinhchau.test/work?plan=1" in text
    assert "<b>chủ trì</b>" in html

    # The officer sees the same reminder in the app, unread until read.
    client.post("/login", data={"username": "tuphap", "password": "matkhau-tuphap"})
    page = client.get("/inbox").get_data(as_text=True)
    assert "02 việc chưa báo cáo" in page and 'thông báo chưa đọc">1</span>' in page
    client.post("/inbox/read", data={})
    assert 'class="badge"' not in client.get("/inbox").get_data(as_text=True)


def test_nothing_before_the_morning_hour_and_two_hours_down_catch_up(mail_app, mail_server, people):
    assert tick(mail_app, local(date(2023, 6, 12), 6, 55)).queued == 0
    # Down from 06:55 to 09:00: the 07:00 reminders go out once, when it is back.
    assert tick(mail_app, local(date(2023, 6, 12), 9)).queued == 5
    assert tick(mail_app, local(date(2023, 6, 12), 9, 5)).queued == 0
    assert by_recipient(mail_server) == EXPECTED_ON_12_JUNE


def _submit_and_return(app, moment: datetime) -> None:
    clock.frozen = moment
    with app.app_context():
        assignment = db.session.scalar(
            select(Assignment)
            .join(Activity)
            .join(Unit, Assignment.unit_id == Unit.id)
            .where(Activity.number == "1.3", Unit.name == "Phòng Tư pháp")
        )
        period = db.session.scalar(select(ReportingPeriod).order_by(ReportingPeriod.ends_on))
        officer = db.session.scalar(select(User).where(User.username == "tuphap"))
        noivu = db.session.scalar(select(User).where(User.username == "noivu"))
        data = reporting.ReportInput(status="in_progress", result="Đã đăng 5 tin")
        report = reporting.save_report(assignment, period, data, officer, submit=True)
        reporting.review_report(report, False, "Thiếu số liệu tin bài", noivu)
        db.session.commit()


def test_a_returned_report_reaches_the_unit_at_once_even_at_night(mail_app, mail_server, people):
    """Returned at 05:30, before the day's reminders start at 07:00: the review wrote the
    notice (tests/web/test_notices.py); the tick sends it, deciding nothing more."""
    _submit_and_return(mail_app, local(date(2023, 6, 6), 5, 30))
    result = tick(mail_app, local(date(2023, 6, 6), 5, 35))
    assert (result.queued, result.sent) == (0, 1)
    (received,) = mail_server.received
    assert received.envelope_to == ["tuphap@vinhchau.test"]
    assert str(received.message["Subject"]).startswith("[Báo cáo bị trả lại] 6 tháng đầu năm 2023")
    assert "Lý do: Thiếu số liệu tin bài" in received.message.get_body(("plain",)).get_content()
    assert tick(mail_app, local(date(2023, 6, 6), 5, 40)).queued == 0


def test_a_refusing_mail_server_is_retried_with_backoff(mail_app, mail_server, people):
    mail_server.handler.refuse = 7
    start = local(date(2023, 6, 12), 8)
    first = tick(mail_app, start)
    assert (first.queued, first.sent, first.failed) == (5, 0, 5)
    assert tick(mail_app, start + timedelta(seconds=30)).failed == 0  # backing off
    second = tick(mail_app, start + timedelta(minutes=1))
    assert (second.sent, second.failed) == (3, 2)
    third = tick(mail_app, start + timedelta(minutes=3))
    assert (third.sent, third.failed) == (2, 0)
    assert by_recipient(mail_server) == EXPECTED_ON_12_JUNE
    assert sorted(r.attempts for r in rows(mail_app)) == [2, 2, 2, 3, 3]
    assert {r.mail_status for r in rows(mail_app)} == {"sent"}


def test_a_mail_server_down_for_good_ends_failed_and_visible(
    mail_app, mail_server, people, client, auth
):
    mail_server.handler.refuse = 10_000
    moment = local(date(2023, 6, 12), 8)
    for _ in range(9):
        tick(mail_app, moment)
        moment += timedelta(hours=3)
    assert {r.mail_status for r in rows(mail_app)} == {"failed"}
    assert {r.attempts for r in rows(mail_app)} == {8}
    auth.login()
    page = client.get("/reminders?status=failed").get_data(as_text=True)
    assert "Gửi không được (5)" in page and "451" in page
    failed = rows(mail_app)[0]
    client.post(f"/reminders/{failed.id}/resend")
    mail_server.handler.refuse = 0
    tick(mail_app, moment)
    assert mail_server.handler.ids() == [failed.message_id]


@pytest.mark.slow
def test_eight_schedulers_ticking_at_once_send_each_reminder_once(mail_app, mail_server, people):
    moment = local(date(2023, 6, 12), 8)
    instance = mail_app.config["INSTANCE_DIR"]
    database = mail_app.config["SQLALCHEMY_DATABASE_URI"]
    context = multiprocessing.get_context("spawn")
    workers = [
        context.Process(
            target=tick_elsewhere,
            args=(str(instance), database, mail_server.port, moment.isoformat(), 20),
        )
        for _ in range(8)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
        assert worker.exitcode == 0
    assert by_recipient(mail_server) == EXPECTED_ON_12_JUNE
    ids = mail_server.handler.ids()
    assert len(ids) == len(set(ids)) == 5
    assert len(rows(mail_app)) == 5


@pytest.mark.slow
@pytest.mark.parametrize("moment", ["claimed", "sent"])
def test_a_sender_killed_mid_send_never_sends_two_different_messages(
    mail_app, mail_server, people, client, auth, moment
):
    """Killed after claiming (at MAIL FROM) or after the server took the message (before
    it could mark it sent): the row ends "unknown"; a resend keeps its Message-ID."""
    start = local(date(2023, 6, 12), 8)
    context = multiprocessing.get_context("spawn")
    worker = context.Process(
        target=tick_elsewhere,
        args=(
            str(mail_app.config["INSTANCE_DIR"]),
            mail_app.config["SQLALCHEMY_DATABASE_URI"],
            mail_server.port,
            start.isoformat(),
        ),
    )

    def kill() -> None:
        os.kill(worker.pid, signal.SIGKILL)

    if moment == "claimed":
        mail_server.handler.on_mail = kill
    else:
        mail_server.handler.on_data = kill
    worker.start()
    worker.join(60)
    assert worker.exitcode == -signal.SIGKILL
    mail_server.handler.on_mail = mail_server.handler.on_data = None
    delivered = mail_server.handler.ids()
    assert len(delivered) == (0 if moment == "claimed" else 1)
    statuses = sorted(r.mail_status for r in rows(mail_app))
    assert statuses == ["pending"] * 4 + ["sending"]

    # The next scheduler sends the four never tried; the one in flight is "unknown".
    tick(mail_app, start + timedelta(minutes=11))
    unknown = [r for r in rows(mail_app) if r.mail_status == "unknown"]
    assert len(unknown) == 1 and len(mail_server.received) == len(delivered) + 4
    auth.login()
    assert "Không rõ đã gửi chưa (1)" in client.get("/reminders").get_data(as_text=True)
    client.post(f"/reminders/{unknown[0].id}/resend")
    tick(mail_app, start + timedelta(minutes=12))
    ids = mail_server.handler.ids()
    assert len(set(ids)) == 5  # never two messages with different ids for one reminder
    assert ids.count(unknown[0].message_id) == (1 if moment == "claimed" else 2)


def test_a_moved_deadline_cancels_the_reminders_for_the_old_date(mail_app, mail_server, people):
    """6.3 (Phòng Nội vụ) is due Sunday 31/12/2023: its 1-day reminder is on Thursday
    28/12. The mail server refuses, so the e-mail waits; then 6.3 moves to 3/1/2024."""
    mail_server.handler.refuse = 10_000
    moment = local(date(2023, 12, 28), 8)
    tick(mail_app, moment)
    old = [r for r in rows(mail_app) if r.due_on == date(2023, 12, 31)]
    assert [(r.kind, r.step, r.mail_status) for r in old] == [("before", 1, "pending")]
    with mail_app.app_context():
        activity = db.session.scalar(select(Activity).where(Activity.number == "6.3"))
        noivu = db.session.scalar(select(User).where(User.username == "noivu"))
        reporting.change_deadline(activity, date(2024, 1, 3), "Lùi theo chỉ đạo", noivu)
        db.session.commit()
    mail_server.handler.refuse = 0
    tick(mail_app, moment + timedelta(hours=1))
    after = {r.key: r for r in rows(mail_app)}
    assert after[old[0].key].mail_status == "cancelled"
    new = [r for r in after.values() if r.due_on == date(2024, 1, 3)]
    # 28/12 is 3 working days before 3/1/2024 (29/12, 2/1; 1/1 is off): due now.
    assert [(r.kind, r.step, r.mail_status) for r in new] == [("before", 3, "sent")]
    assert old[0].message_id not in mail_server.handler.ids()


# ---- a year of daily ticks -----------------------------------------------------------------


def _working(day: date, off: holidays.HolidayBase) -> bool:
    return day.weekday() < 5 and day not in off


def _steps(due: date, start: date, end: date, off) -> int:
    """Reminders for one deadline between start and end, counted day by day: 7, 3, 1
    and 0 working days before (from the last working day on or before it), then on the
    1st, 4th, 7th … working day after."""
    anchor = due
    while not _working(anchor, off):
        anchor -= timedelta(days=1)
    before, day, back = {anchor}, anchor, 0
    while back < 7:
        day -= timedelta(days=1)
        if _working(day, off):
            back += 1
            if back in (1, 3, 7):
                before.add(day)
    count = sum(1 for d in before if start <= d <= end)
    late, day = 0, due
    while day < end:
        day += timedelta(days=1)
        if _working(day, off):
            late += 1
            count += late % 3 == 1
    return count


def _escalated(due: date, end: date, off) -> int:
    late, day = 0, due
    while day < end and late < 5:
        day += timedelta(days=1)
        late += _working(day, off)
    return int(late >= 5)


def _firsts(start: date, end: date, off, weekly: bool) -> int:
    """Weeks (or months) whose first working day falls between start and end."""
    seen, day = set(), start - timedelta(days=40)
    firsts = 0
    while day <= end:
        period = day.isocalendar()[:2] if weekly else (day.year, day.month)
        if _working(day, off) and period not in seen:
            seen.add(period)
            firsts += start <= day
        day += timedelta(days=1)
    return firsts


@pytest.mark.slow
def test_a_year_of_daily_ticks_sends_exactly_what_is_expected(mail_app, mail_server, people):
    start, end = date(2023, 1, 2), date(2024, 1, 14)  # reminders stop 30 days after 15/12
    with mail_app.app_context():
        assert (
            reminder_settings.rules_for(
                db.session.get(__import__("tracker.models", fromlist=["Plan"]).Plan, 1)
            ).active_until
            == end
        )
    off = holidays.country_holidays("VN", years=[2022, 2023, 2024])
    half, year, six_three = date(2023, 6, 15), date(2023, 12, 15), date(2023, 12, 31)
    per_unit = _steps(half, start, end, off) + _steps(year, start, end, off)
    expected = {
        "tuphap@vinhchau.test": per_unit,
        "phuong1@vinhchau.test": per_unit,
        "noivu@vinhchau.test": per_unit
        + _steps(six_three, start, end, off)
        + sum(_escalated(d, end, off) for d in (half, year, six_three))
        + _firsts(start, end, off, weekly=True),
        "chutich@vinhchau.test": _firsts(start, end, off, weekly=False),
    }
    day = start
    while day <= end + timedelta(days=3):
        tick(mail_app, local(day, 8))
        day += timedelta(days=1)
    assert by_recipient(mail_server) == expected
    ids = mail_server.handler.ids()
    assert len(ids) == len(set(ids)) == sum(expected.values())
    with mail_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Notification)) == len(ids)


@pytest.mark.parametrize(
    "poison",
    [
        "phuong1@vinhchau.test\nBcc: everyone@evil.example",
        "phuong1@vinhchau.test, everyone@evil.example",
        "Phường 1 <phuong1@vinhchau.test>",
        "khong-phai-dia-chi",
    ],
)
def test_a_poisoned_address_fails_alone(mail_app, mail_server, people, poison):
    """An address written into the outbox directly (before addresses were checked, or by
    hand) fails its own message at once; every other message still goes out, to its one
    recipient, through the real SMTP server (issue 13)."""
    mail_server.handler.refuse = 5  # the first tick queues all five, sends none
    start = local(date(2023, 6, 12), 8)
    assert tick(mail_app, start).failed == 5
    mail_server.handler.refuse = 0
    with mail_app.app_context():
        first = db.session.scalar(select(Notification).order_by(Notification.id))
        first.mail_to = poison
        db.session.commit()
        poisoned = first.id
    result = tick(mail_app, start + timedelta(minutes=1))
    assert (result.sent, result.failed) == (4, 1)
    statuses = {r.id: (r.mail_status, r.attempts, r.last_error) for r in rows(mail_app)}
    status, attempts, error = statuses.pop(poisoned)
    assert (status, attempts) == ("failed", 2) and error.startswith("ValueError")
    assert {s for s, _, _ in statuses.values()} == {"sent"}
    received = [a for r in mail_server.received for a in r.envelope_to]
    assert len(received) == 4 and not any("evil" in a for a in received)
    assert tick(mail_app, start + timedelta(hours=1)).failed == 0  # not retried


@pytest.mark.parametrize(
    "address", ["a@b.vn\nBcc: x@y.vn", "a@b.vn, c@d.vn", "A <a@b.vn>", "a@b", "chưa@có.vn"]
)
def test_an_address_must_be_exactly_one(mail_app, client, address):
    client.post("/login", data={"username": "noivu", "password": "noivu2023"})
    page = client.post(
        "/account/notifications", data={"email": address, "wants_email": "y"},
        follow_redirects=True,
    ).get_data(as_text=True)  # fmt: skip
    assert "Địa chỉ e-mail" in page and "Đã lưu" not in page
    with mail_app.app_context():
        assert db.session.scalar(select(User.email).where(User.username == "noivu")) in (
            None,
            "",
        )
