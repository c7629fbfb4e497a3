"""What the coordinator sets for reminders: each plan's rules, the extra days off and
make-up working days, and each person's e-mail choice. Changes go to the history."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date

from tracker.domain.dates import screen_date
from tracker.domain.reminders import Rules
from tracker.domain.text import email_address
from tracker.domain.workdays import public_holidays
from tracker.extensions import db
from tracker.models import DayOff, Plan, ReminderRules, User
from tracker.models.users import COORDINATOR, SUBMITTED_NOTICE_LABELS
from tracker.services import audit, history, wording
from tracker.services.reminders.decisions import rules_for


class SettingsError(ValueError):
    """The message is for the user."""


def parse_days(text: str) -> tuple[int, ...]:
    """ "7, 3, 1, 0" → (7, 3, 1, 0)."""
    try:
        days = tuple(
            sorted(
                {int(part) for part in text.replace(";", ",").split(",") if part.strip()},
                reverse=True,
            )
        )
    except ValueError:
        raise SettingsError(
            "Số ngày nhắc trước hạn: các số nguyên cách nhau bởi dấu phẩy, vd «7, 3, 1, 0»."
        ) from None
    return days


def save_rules(plan: Plan, rules: Rules, active_until: date, user: User | None) -> None:
    problems = rules.problems()
    if problems:
        raise SettingsError(" ".join(problems))
    stored = rules_for(plan)
    before = {**asdict(stored.rules), "active_until": stored.active_until.isoformat()}
    if db.session.get(ReminderRules, plan.id) is None:
        db.session.add(stored)
    stored.before = ",".join(str(n) for n in rules.before)
    stored.overdue_first = rules.overdue_first
    stored.overdue_every = rules.overdue_every
    stored.escalate_after = rules.escalate_after
    stored.weekly_digest = rules.weekly_digest
    stored.monthly_digest = rules.monthly_digest
    stored.active_until = active_until
    after = {**asdict(rules), "active_until": active_until.isoformat()}
    if after != before:
        history.plan_changed(
            user,
            plan,
            "Đổi cách nhắc việc",
            before={"Nhắc việc": _describe(before, wording.office(plan))},
            after={"Nhắc việc": _describe(after, wording.office(plan))},
        )
    db.session.flush()


def _describe(values: dict, office: str) -> str:  # type: ignore[type-arg]
    days = ", ".join(str(n) for n in values["before"])
    weekly = "có" if values["weekly_digest"] else "không"
    monthly = "có" if values["monthly_digest"] else "không"
    return (
        f"trước hạn {days} ngày làm việc; quá hạn từ ngày {values['overdue_first']}, "
        f"nhắc lại mỗi {values['overdue_every']} ngày; báo {office} sau "
        f"{values['escalate_after']} ngày; tổng hợp tuần {weekly}, tháng {monthly}; "
        f"nhắc đến {values['active_until']}"
    )


def set_day(day: date, is_off: bool, note: str, user: User | None, source: str = "") -> None:
    """Add or change a day off, or a working day (ngày làm bù): a weekend day the
    government makes one, or a day the holiday library has off that was not (the library
    lists a swap that did not happen). `source`: the announcing document."""
    if not is_off and day.weekday() < 5 and day not in public_holidays([day.year]):
        raise SettingsError(f"{screen_date(day)} là ngày thường, đã là ngày làm việc.")
    existing = db.session.get(DayOff, day)
    if existing is None:
        existing = DayOff(day=day)
        db.session.add(existing)
    note, source = note.strip()[:200], source.strip()[:300]
    existing.is_off, existing.note, existing.source = is_off, note, source
    described = ("Nghỉ" if is_off else "Làm bù") + "".join(f" — {t}" for t in (note, source) if t)
    history.record(
        user,
        entity="calendar",
        action="update",
        entity_id=None,
        plan_id=None,
        after={f"{screen_date(day)}": described},
        note="Lịch ngày làm việc",
    )
    db.session.flush()


def remove_day(day: date, user: User | None) -> None:
    existing = db.session.get(DayOff, day)
    if existing is None:
        raise SettingsError("Ngày này không có trong danh sách.")
    db.session.delete(existing)
    history.record(
        user,
        entity="calendar",
        action="delete",
        entity_id=None,
        plan_id=None,
        before={f"{screen_date(day)}": "Nghỉ" if existing.is_off else "Làm bù"},
        note="Lịch ngày làm việc",
    )
    kind = "Ngày nghỉ" if existing.is_off else "Ngày làm bù"
    audit.record("delete.day", target=f"{kind} {screen_date(day)}", user=user)
    db.session.flush()


def set_email(
    user: User, email: str, wants_email: bool, submitted_notices: str | None = None
) -> None:
    """The person's address and e-mail choice; for Phòng Nội vụ also how it hears of a
    submitted report (`submitted_notices`, None: unchanged)."""
    email = email.strip()
    if email:
        try:
            email = email_address(email)
        except ValueError as exc:
            raise SettingsError(str(exc)) from None
    if submitted_notices is not None:
        if user.role != COORDINATOR:
            raise SettingsError(
                f"Chỉ tài khoản của {wording.office(user=user)} nhận tin đơn vị gửi báo cáo."
            )
        if submitted_notices not in SUBMITTED_NOTICE_LABELS:
            raise SettingsError("Chọn một cách nhận tin khi đơn vị gửi báo cáo.")
        user.submitted_notices = submitted_notices
    user.email, user.email_reminders = email, wants_email
    db.session.flush()
