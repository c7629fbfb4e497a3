"""When reminders (nhắc việc) are due: the rules of a plan, in working days.

For something a unit owes by a date (an activity's deadline, or a period's report for an
ongoing activity):
- BEFORE n: n working days before the deadline (0: on the day). A deadline on a day off
  counts from the last working day before it, so "on the day" still reaches people.
- OVERDUE n: n working days late — on the first working day after the deadline, then
  every few working days — to the unit.
- ESCALATION: once, when the deadline is `escalate_after` working days past, to Phòng
  Nội vụ, naming the unit and the days late.
And for Phòng Nội vụ and leaders, digests: WEEKLY on the first working day of each week,
MONTHLY on the first working day of each month; DAILY, each working day, for a coordinator
who chose a list of the reports submitted instead of a notice for each.

Notices of something that happened are not reminders and no rule times them: a report
RETURNED or ACCEPTED (to its unit), SUBMITTED (to Phòng Nội vụ), written at once.

A tick decides "everything due and not yet decided" (catch-up): for a deadline, the latest
BEFORE or OVERDUE step whose day has come. A step missed while the scheduler was down is
superseded by the next one rather than sent late ("còn 3 ngày" on the day itself would be
wrong); the escalation and digests are sent late, once, if they were missed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from tracker.domain.workdays import WorkCalendar


class Kind(StrEnum):
    BEFORE = "before"
    OVERDUE = "overdue"
    ESCALATION = "escalation"
    RETURNED = "returned"
    ACCEPTED = "accepted"
    SUBMITTED = "submitted"
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    DAILY = "daily"


KIND_LABELS = {
    Kind.BEFORE: "Sắp đến hạn",
    Kind.OVERDUE: "Quá hạn",
    Kind.ESCALATION: "Quá hạn, cần đôn đốc",
    Kind.RETURNED: "Báo cáo bị trả lại",
    Kind.ACCEPTED: "Báo cáo được chấp nhận",
    Kind.SUBMITTED: "Đơn vị gửi báo cáo",
    Kind.WEEKLY: "Tổng hợp tuần",
    Kind.MONTHLY: "Tổng hợp tháng",
    Kind.DAILY: "Tổng hợp báo cáo đã gửi",
}

# Reminders about what is still owed: a report sent, a deadline moved or a later step
# makes an unsent one stale. Notices of what happened, and the daily list, never are.
CANCELLABLE = frozenset({Kind.BEFORE, Kind.OVERDUE, Kind.ESCALATION, Kind.WEEKLY, Kind.MONTHLY})


@dataclass(frozen=True)
class Rules:
    """A plan's reminder rules. `before`: working days before a deadline (0 = on the day);
    overdue reminders on working day `overdue_first` after it, then every `overdue_every`;
    escalation at `escalate_after` working days late (0: never)."""

    before: tuple[int, ...] = (7, 3, 1, 0)
    overdue_first: int = 1
    overdue_every: int = 3
    escalate_after: int = 5
    weekly_digest: bool = True
    monthly_digest: bool = True

    def problems(self) -> list[str]:
        """What is wrong with the rules, in words for the coordinator."""
        found = []
        if any(n < 0 or n > 60 for n in self.before):
            found.append("Số ngày nhắc trước hạn phải từ 0 đến 60.")
        if not 1 <= self.overdue_first <= 60:
            found.append("Nhắc quá hạn lần đầu phải sau 1–60 ngày làm việc.")
        if not 1 <= self.overdue_every <= 60:
            found.append("Nhắc lại quá hạn mỗi 1–60 ngày làm việc.")
        if not 0 <= self.escalate_after <= 60:
            found.append("Báo quá hạn để đôn đốc sau 0–60 ngày làm việc (0: không báo).")
        return found


@dataclass(frozen=True)
class Step:
    kind: Kind
    step: int  # working days before (BEFORE) or late (OVERDUE, ESCALATION); 0 for digests
    on: date  # the working day the rule fires (for a digest, the first of its week or month)


def deadline_steps(due_on: date, rules: Rules, cal: WorkCalendar, today: date) -> list[Step]:
    """The steps to decide on `today` for something still owed by `due_on`."""
    found = []
    late = cal.working_days_after(due_on, today)
    if today <= due_on or late == 0:
        anchor = cal.on_or_before(due_on)
        before = sorted(
            (Step(Kind.BEFORE, n, cal.shift(anchor, -n)) for n in set(rules.before)),
            key=lambda s: s.on,
        )
        reached = [s for s in before if s.on <= today]
        if reached and today <= due_on:
            found.append(reached[-1])
        return found
    if late >= rules.overdue_first:
        n = rules.overdue_first + (late - rules.overdue_first) // rules.overdue_every * (
            rules.overdue_every
        )
        found.append(Step(Kind.OVERDUE, n, cal.shift(due_on, n)))
    if rules.escalate_after and late >= rules.escalate_after:
        found.append(
            Step(Kind.ESCALATION, rules.escalate_after, cal.shift(due_on, rules.escalate_after))
        )
    return found


def digest_steps(today: date, rules: Rules, cal: WorkCalendar) -> list[Step]:
    """The digests due on `today`: this week's from its first working day on, this
    month's from its first working day on (a week of Tết has none)."""
    found = []
    monday = today - timedelta(days=today.weekday())
    first = cal.on_or_after(monday)
    if rules.weekly_digest and first <= today and first < monday + timedelta(days=7):
        found.append(Step(Kind.WEEKLY, 0, first))
    first = cal.on_or_after(today.replace(day=1))
    if rules.monthly_digest and first <= today and first.month == today.month:
        found.append(Step(Kind.MONTHLY, 0, first))
    return found
