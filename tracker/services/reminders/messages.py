"""The words of each reminder and digest: subject, plain text and HTML, rendered once
when the decision is written, so the outbox shows exactly what was (or will be) sent.
(Notices of what happened to a report have theirs in services.reminders.notices.)"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select

from tracker.clock import LOCAL_TZ
from tracker.domain import figure_text
from tracker.domain.dates import screen_date, screen_day_month, screen_month
from tracker.domain.numbers import count
from tracker.domain.reminders import KIND_LABELS, Kind
from tracker.domain.timeframes import answers
from tracker.extensions import db
from tracker.models import LEAD, Activity, Assignment, Locality, Plan, Unit, User
from tracker.models.reporting import ProgressReport, ReportEvent, ReportingPeriod
from tracker.services import periods as period_service
from tracker.services import workdays
from tracker.services.figures.remembered import figures_for
from tracker.services.reminders import decisions as reminders
from tracker.services.reminders.rows import About, Words, absolute, render, short
from tracker.services.reporting import review_queue


def outbox_row(decision: reminders.Decision, today: date, now: datetime) -> dict[str, Any]:
    """The outbox row for a decision: its words, its recipient and its e-mail state."""
    user = db.session.get(User, decision.user_id)
    assert user is not None
    about = About(
        step=decision.step.step,
        due_on=decision.due_on or decision.step.on,
        plan_id=decision.plan_id,
        items=tuple((i.assignment_id, i.period_id) for i in decision.items),
    )
    return render(decision.key, decision.step.kind, user, _content(decision, today), now, about)


def preview_row(decision: reminders.Decision, day: date) -> dict[str, Any]:
    """A decision as the preview shows it: rendered as it would be, written nowhere."""
    row = outbox_row(decision, day, datetime.combine(day, time(12), LOCAL_TZ))
    user = db.session.get(User, decision.user_id)
    assert user is not None
    return {
        "key": decision.key,
        "kind": decision.step.kind.value,
        "kind_label": KIND_LABELS[decision.step.kind],
        "step": decision.step.step,
        "fires_on": decision.step.on.isoformat(),
        "due_on": decision.due_on.isoformat() if decision.due_on else None,
        "recipient": user.username,
        "recipient_name": user.full_name,
        "unit": user.unit.name if user.unit else None,
        "plan_id": decision.plan_id,
        "items": row["items"],
        "subject": row["subject"],
        "mail_to": row["mail_to"],
    }


def _content(decision: reminders.Decision, today: date) -> Words:
    kind = decision.step.kind
    if kind is Kind.DAILY:
        return _daily(decision)
    if kind in (Kind.WEEKLY, Kind.MONTHLY):
        assert decision.locality_id is not None
        return _digest(decision, today)
    return _item(decision, today)


@dataclass
class ItemWords:
    """What a message about one owed item says."""

    plan: Plan
    activity: Activity
    unit: Unit
    role: str
    due_on: date
    period: ReportingPeriod | None
    lead_units: list[str]
    other_units: list[str]

    @property
    def what(self) -> str:
        number = f"{self.activity.number} " if self.activity.number else ""
        title = f"hoạt động {number}«{short(self.activity.text, 70)}»"
        return f"báo cáo {self.period.label} — {title}" if self.period else title

    @property
    def heading(self) -> str:
        """`what` as the start of a line."""
        return self.what[:1].upper() + self.what[1:]


def item_words(item: reminders.Item) -> ItemWords:
    assignment = db.session.get(Assignment, item.assignment_id)
    assert assignment is not None
    activity = assignment.activity
    period = db.session.get(ReportingPeriod, item.period_id) if item.period_id else None
    return ItemWords(
        plan=activity.plan,
        activity=activity,
        unit=assignment.unit,
        role=assignment.role,
        due_on=item.due_on,
        period=period,
        lead_units=[a.unit.name for a in activity.assignments if a.role == LEAD],
        other_units=[a.unit.name for a in activity.assignments if a.unit_id != item.unit_id],
    )


def _item(decision: reminders.Decision, today: date) -> Words:
    """Reminders about things owed by one date: to a unit, or (escalation) about units."""
    step, items = decision.step, [item_words(i) for i in decision.items]
    first = items[0]
    due = f"{screen_date(first.due_on)}"
    what = first.what if len(items) == 1 else f"{count(len(items))} việc chưa báo cáo"
    if step.kind is Kind.BEFORE:
        when = "hôm nay" if step.step == 0 else f"còn {step.step} ngày làm việc"
        subject = f"[Nhắc việc] Hạn {due} ({when}): {what}"
    elif step.kind is Kind.OVERDUE:
        subject = f"[Quá hạn {step.step} ngày làm việc] {what} — hạn {due}"
    else:
        units = sorted({w.unit.name for w in items})
        who = units[0] if len(units) == 1 else f"{count(len(units))} đơn vị"
        what = first.what if len(items) == 1 else f"{count(len(items))} việc"
        subject = f"[Quá hạn {step.step} ngày làm việc] {who} chưa hoàn thành {what} — hạn {due}"
    context = {
        "items": items,
        "lead": [w for w in items if w.role == LEAD],
        "support": [w for w in items if w.role != LEAD],
        "step": step,
        "kind": step.kind.value,
        "due_on": first.due_on,
        "unit": first.unit,
        "plan": first.plan,
    }
    return Words(subject, "item", context, _item_link(decision, today))


def _item_link(decision: reminders.Decision, today: date) -> str:
    item = decision.items[0]
    if decision.step.kind is Kind.ESCALATION:
        return f"/plans/{item.plan_id}/overdue"
    if len(decision.items) > 1:
        return f"/work?plan={item.plan_id}"
    period_id = item.period_id
    if period_id is None:
        plan = db.session.get(Plan, item.plan_id)
        current = period_service.current_plan_period(plan, today) if plan else None
        period_id = current.id if current else None
        activity = db.session.get(Activity, item.activity_id)
        earlier = activity is not None and activity.due_on and item.due_on < activity.due_on
        if plan and earlier and (current is None or current.due_on < item.due_on):
            # An earlier deadline of several is answered only by a report of a period due
            # on or after it (reminders.decisions): lead there, not to a period closing first.
            periods = period_service.plan_periods(plan)
            answering = next((p for p in periods if answers(p.due_on, item.due_on)), None)
            period_id = answering.id if answering else period_id
    if period_id is None:
        return f"/work?plan={item.plan_id}"
    return f"/assignments/{item.assignment_id}/periods/{period_id}/report"


# ---- digests --------------------------------------------------------------------------


@dataclass
class PlanDigest:
    plan: Plan
    due_this_week: list[tuple[ItemWords, int]] = field(default_factory=list)
    late: list[tuple[ItemWords, int]] = field(default_factory=list)  # (item, working days late)

    @property
    def late_by_unit(self) -> list[tuple[str, int, int]]:
        """(unit, items late, most working days late), the latest first."""
        found: dict[str, list[int]] = defaultdict(list)
        for words, days in self.late:
            found[words.unit.name].append(days)
        rows = [(unit, len(days), max(days)) for unit, days in found.items()]
        return sorted(rows, key=lambda row: (-row[2], -row[1], row[0]))

    not_reported: dict[str, int] = field(default_factory=dict)  # unit → reports owed this round
    period: ReportingPeriod | None = None
    waiting_review: int = 0
    headline: str = ""


def _digest(decision: reminders.Decision, today: date) -> Words:
    step = decision.step
    locality = db.session.get(Locality, decision.locality_id)
    assert locality is not None
    plans = [p for p in reminders.active_plans(today) if p.locality_id == locality.id]
    cal = workdays.work_calendar({today.year - 1, today.year})
    monday = today - timedelta(days=today.weekday())
    digests = []
    for plan in plans:
        digest = PlanDigest(plan, period=period_service.current_plan_period(plan, today))
        owed: dict[str, int] = defaultdict(int)
        for item in reminders.open_items(plan):
            in_round = digest.period is not None and item.period_id == digest.period.id
            if item.due_on > monday + timedelta(days=6) and not in_round:
                continue
            words = item_words(item)
            if item.due_on < today:
                digest.late.append((words, cal.working_days_after(item.due_on, today)))
            elif item.due_on <= monday + timedelta(days=6):
                digest.due_this_week.append((words, 0))
            if in_round:
                owed[words.unit.name] += 1
        digest.late.sort(key=lambda pair: -pair[1])
        digest.not_reported = dict(sorted(owed.items(), key=lambda kv: -kv[1]))
        digest.waiting_review = len(review_queue(plan))
        if step.kind is Kind.MONTHLY:
            figures = figures_for(plan, today, to_date=True)
            digest.headline = figure_text.headline(figures.cumulative, figures.noun)
        digests.append(digest)
    if step.kind is Kind.WEEKLY:
        sunday = monday + timedelta(days=6)
        subject = (
            f"[Tổng hợp tuần {screen_day_month(monday)}–{screen_date(sunday)}] "
            "Việc đến hạn, quá hạn, đơn vị chưa báo cáo"
        )
        template = "weekly"
    else:
        subject = f"[Tổng hợp tháng {screen_month(today)}] Tiến độ kế hoạch cải thiện Chỉ số PAPI"
        template = "monthly"
    link = f"/plans/{plans[0].id}/dashboard" if plans else "/"
    context = {"locality": locality, "digests": digests, "today": today, "monday": monday}
    return Words(subject, template, context, link)


@dataclass
class Submitted:
    """A report in the daily list: when its unit last sent it, and how it stands now."""

    at: datetime
    report: ProgressReport

    @property
    def link(self) -> str:
        return absolute(f"/reports/{self.report.id}")


def _daily(decision: reminders.Decision) -> Words:
    """The reports units submitted since the coordinator's last list, by plan; a report
    sent twice (returned, then sent again) is listed once, at its last sending."""
    events = db.session.scalars(
        select(ReportEvent).where(ReportEvent.id.in_(decision.events)).order_by(ReportEvent.id)
    ).all()
    latest = {event.report_id: event for event in events}
    by_plan: dict[int, list[Submitted]] = defaultdict(list)
    for event in latest.values():
        by_plan[event.plan_id].append(Submitted(event.at, event.report))
    plans = db.session.scalars(select(Plan).where(Plan.id.in_(by_plan)).order_by(Plan.id)).all()
    lists = [
        (plan, by_plan[plan.id], len(review_queue(plan)), absolute(f"/plans/{plan.id}/reviews"))
        for plan in plans
    ]
    day = decision.step.on
    subject = f"[Tổng hợp ngày {screen_date(day)}] {count(len(latest))} báo cáo đơn vị đã gửi"
    context = {"lists": lists, "total": count(len(latest)), "until": day - timedelta(days=1)}
    return Words(subject, "daily", context, f"/plans/{plans[0].id}/reviews")
