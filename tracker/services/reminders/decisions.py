"""Reminders (nhắc việc): what is owed, by whom, and the decisions to notify.

A decision is a row in the outbox (models.Notification) with a unique key — (kind, step,
due date, what, recipient) — written before anything is sent. A tick decides everything
due and not yet decided (domain.reminders), so a scheduler that was down catches up once,
and a second tick (or a second scheduler) finds every key taken and adds nothing.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import String, case, cast, func, or_, select

from tracker.clock import LOCAL_TZ
from tracker.domain.periods import report_rounds
from tracker.domain.reminders import Kind, Rules, Step, deadline_steps, digest_steps
from tracker.domain.timeframes import TimeframeKind, decode_dates, unanswered
from tracker.domain.workdays import WorkCalendar
from tracker.extensions import db
from tracker.models import (
    LEAD,
    Activity,
    Assignment,
    Notification,
    Plan,
    ProgressReport,
    ReminderRules,
    ReportEvent,
    Unit,
    User,
)
from tracker.models.reporting import ACCEPTED, DONE, NOT_DONE, SUBMITTED, ReportingPeriod
from tracker.models.users import COORDINATOR, DAILY_DIGEST, LEADER, OFFICER
from tracker.services import periods as period_service
from tracker.services.plans import followed_plans
from tracker.services.workdays import work_calendar

# How long after its last report due date a plan keeps reminding, unless changed.
DEFAULT_GRACE = timedelta(days=30)


# ---- the calendar and each plan's rules ---------------------------------------------------


def rules_for(plan: Plan) -> ReminderRules:
    """The plan's stored rules, or the defaults (not stored until the coordinator saves)."""
    stored = db.session.get(ReminderRules, plan.id)
    if stored is not None:
        return stored
    defaults = Rules()
    periods = period_service.plan_periods(plan)
    last_due = max((p.due_on for p in periods), default=date(plan.year, 12, 31))
    return ReminderRules(
        plan_id=plan.id,
        before=",".join(str(n) for n in defaults.before),
        overdue_first=defaults.overdue_first,
        overdue_every=defaults.overdue_every,
        escalate_after=defaults.escalate_after,
        weekly_digest=defaults.weekly_digest,
        monthly_digest=defaults.monthly_digest,
        active_until=last_due + DEFAULT_GRACE,
    )


# ---- what is owed ---------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    """Something one unit owes by a date: an activity's deadline, or (ongoing activities)
    a period's report."""

    plan_id: int
    assignment_id: int
    activity_id: int
    unit_id: int
    role: str
    due_on: date
    period_id: int | None  # the period whose report is owed; None for a deadline


def open_items(plan: Plan) -> list[Item]:
    """Everything the plan's units still owe: a period's report until one is submitted
    or accepted; a deadline until a report saying done (or not carried out) is. An
    earlier deadline of several ("15/6 và 15/12") is answered by any report of a round
    due on or after it."""
    # One row per assignment, its sent and accepted reports summed up by the database
    # (whether one says done, their periods): a plan has some ten times more reports
    # than assignments, and reading each as a row was most of a tick.
    sent = (
        select(
            ProgressReport.assignment_id,
            func.max(case((ProgressReport.status.in_((DONE, NOT_DONE)), 1), else_=0)).label(
                "finished"
            ),
            func.aggregate_strings(cast(ProgressReport.period_id, String), ",").label("periods"),
        )
        .join(ReportingPeriod, ProgressReport.period_id == ReportingPeriod.id)
        .where(ReportingPeriod.plan_id == plan.id, ProgressReport.state.in_((SUBMITTED, ACCEPTED)))
        .group_by(ProgressReport.assignment_id)
        .subquery()
    )
    rows = db.session.connection().execute(  # Core rows: a plan owes thousands of items
        select(
            Assignment.id,
            Assignment.unit_id,
            Assignment.role,
            Activity.id,
            Activity.timeframe_kind,
            Activity.due_on,
            Activity.earlier_due_dates,
            sent.c.periods,
        )
        .join(Activity, Assignment.activity_id == Activity.id)
        .join(Unit, Assignment.unit_id == Unit.id)
        .outerjoin(sent, sent.c.assignment_id == Assignment.id)
        .where(
            Activity.plan_id == plan.id,
            Unit.kind.not_in(("vague", "group")),
            # Owing: a report each round, or a deadline not yet met by a final report.
            or_(
                Activity.timeframe_kind == TimeframeKind.ONGOING,
                Activity.due_on.is_not(None) & sent.c.finished.is_distinct_from(1),
            ),
        )
        .order_by(Activity.position, Assignment.position)
    )
    # Period id → (its round's id, due date), as plain values: read for every report.
    firsts = _rounds(plan)
    rounds = {str(p): (first.id, first.due_on) for p, first in firsts.items()}
    owed = sorted({p.id: p for p in firsts.values()}.values(), key=lambda p: p.ends_on)
    owed_dates = [(p.id, p.due_on) for p in owed]
    items = []
    for assignment_id, unit_id, role, activity_id, kind, due_on, earlier, periods in rows:
        base = (plan.id, assignment_id, activity_id, unit_id, role)
        said = [rounds[p] for p in periods.split(",")] if periods else []
        if kind == TimeframeKind.ONGOING:
            reported = {round_id for round_id, _ in said}
            items += [
                Item(*base, day, period_id)
                for period_id, day in owed_dates
                if period_id not in reported
            ]
        else:  # a deadline not yet met
            answered = [day for _, day in said]
            earlier_days = unanswered(decode_dates(earlier), due_on, answered)
            items += [Item(*base, day, None) for day in [*earlier_days, due_on]]
    return items


def _rounds(plan: Plan) -> dict[int, ReportingPeriod]:
    """Period id → the first (shorter) period of its report round (domain.periods)."""
    rounds = report_rounds(period_service.plan_periods(plan))
    return {p.id: same[0] for same in rounds for p in same}


# ---- decisions -------------------------------------------------------------------------


@dataclass(frozen=True)
class Decision:
    """A decision to notify one person. Items owed by the same date fire the same steps on
    the same days, so they share one message: one per (recipient, plan, kind, step, due
    date) — never one per activity, which would bury a commune under a dozen e-mails."""

    key: str
    step: Step
    user_id: int
    plan_id: int | None
    items: tuple[Item, ...] = ()
    locality_id: int | None = None  # digests: whose plans they cover
    events: tuple[int, ...] = ()  # the daily list: the "submitted" report events it lists

    @property
    def due_on(self) -> date | None:
        return self.items[0].due_on if self.items else None


@dataclass
class People:
    """Who receives what: a unit's focal officers; a locality's coordinators and leaders."""

    by_unit: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    coordinators: dict[int | None, list[int]] = field(default_factory=lambda: defaultdict(list))
    leaders: dict[int | None, list[int]] = field(default_factory=lambda: defaultdict(list))

    def of_locality(self, group: dict[int | None, list[int]], locality_id: int) -> list[int]:
        """Those of `locality_id` and those attached to no unit (province staff)."""
        return group.get(locality_id, []) + group.get(None, [])


def people() -> People:
    found = People()
    rows = db.session.execute(
        select(User.id, User.role, User.unit_id, Unit.locality_id)
        .outerjoin(Unit, User.unit_id == Unit.id)
        .where(User.is_active.is_(True))
        .order_by(User.id)
    )
    for user_id, role, unit_id, locality_id in rows:
        # Phòng Nội vụ's own staff are its focal officers too.
        if unit_id is not None and role in (OFFICER, COORDINATOR):
            found.by_unit[unit_id].append(user_id)
        if role == COORDINATOR:
            found.coordinators[locality_id].append(user_id)
        elif role == LEADER:
            found.leaders[locality_id].append(user_id)
    return found


def coordinators_of(locality_id: int) -> list[User]:
    """The active coordinators `People.of_locality(people().coordinators, locality_id)`
    names — those of the locality's units and those attached to no unit — read alone:
    a submitted report asks this inside its write, which should not read every account."""
    return list(
        db.session.scalars(
            select(User)
            .outerjoin(Unit, User.unit_id == Unit.id)
            .where(
                User.is_active.is_(True),
                User.role == COORDINATOR,
                or_(Unit.locality_id == locality_id, User.unit_id.is_(None)),
            )
            .order_by(User.id)
        )
    )


def group_key(step: Step, plan_id: int, due_on: date, user_id: int) -> str:
    return f"{step.kind}:{step.step}:{due_on}:p{plan_id}:u{user_id}"


def event_key(kind: Kind, event_id: int, user_id: int) -> str:
    """A notice of one report event (returned, accepted, submitted) to one person."""
    return f"{kind}:e{event_id}:u{user_id}"


def active_plans(today: date) -> list[Plan]:
    """The plans still reminding: not archived, within their rules' last day."""
    return [plan for plan, _ in _reminding(today)]


def _reminding(today: date) -> list[tuple[Plan, Rules]]:
    """`active_plans` with their rules, each read once."""
    found = ((plan, rules_for(plan)) for plan in followed_plans())
    return [(plan, stored.rules) for plan, stored in found if stored.active_until >= today]


def decide(today: date) -> list[Decision]:
    """Every decision due on `today` (catch-up included), across the plans still reminding."""
    reminding = _reminding(today)
    plans = [plan for plan, _ in reminding]
    cal = work_calendar({today.year - 1, today.year, today.year + 1})
    who = people()
    decisions: list[Decision] = []
    for plan, rules in reminding:
        groups: dict[tuple[Step, int, date], list[Item]] = defaultdict(list)
        for item in open_items(plan):
            for step in deadline_steps(item.due_on, rules, cal, today):
                if step.kind is Kind.ESCALATION:
                    # Phòng Nội vụ follows up lead units; supporting ones are urged directly.
                    lead = item.role == LEAD
                    recipients = who.of_locality(who.coordinators, plan.locality_id) if lead else []
                else:
                    recipients = who.by_unit.get(item.unit_id, [])
                for user_id in recipients:
                    groups[(step, user_id, item.due_on)].append(item)
        decisions += [
            Decision(
                group_key(step, plan.id, due_on, user_id), step, user_id, plan.id, tuple(items)
            )
            for (step, user_id, due_on), items in groups.items()
        ]
    decisions += _digests(plans, who, today, cal)
    decisions += _daily(today, cal)
    return decisions


def _daily(today: date, cal: WorkCalendar) -> list[Decision]:
    """Each working day, for each coordinator who chose the daily list instead of a
    notice per report: the reports submitted on the days since their last list (up to
    yesterday), on any plan of their locality, reminding or not — less those a notice
    of its own already told them of (they chose the list since). Nothing to list, no
    list; the next one starts where the last one written ended, so nothing is skipped."""
    if not cal.is_working_day(today):
        return []
    readers = db.session.execute(
        select(User.id, Unit.locality_id)
        .outerjoin(Unit, User.unit_id == Unit.id)
        .where(
            User.is_active.is_(True),
            User.role == COORDINATOR,
            User.submitted_notices == DAILY_DIGEST,
        )
        .order_by(User.id)
    ).all()
    step = Step(Kind.DAILY, 0, today)
    found = []
    for user_id, locality_id in readers:
        last = db.session.scalar(
            select(func.max(Notification.due_on)).where(
                Notification.user_id == user_id,
                Notification.kind == Kind.DAILY.value,
                Notification.due_on < today,
            )
        )
        events = submitted_between(last or cal.shift(today, -1), today, locality_id)
        keys = {event_key(Kind.SUBMITTED, e, user_id): e for e in events}
        taken = taken_keys(list(keys))
        listed = tuple(e for key, e in keys.items() if key not in taken)
        if listed:
            key = f"{Kind.DAILY}:{today}:u{user_id}"
            found.append(Decision(key, step, user_id, None, events=listed, locality_id=locality_id))
    return found


def submitted_between(start: date, end: date, locality_id: int | None) -> list[int]:
    """Ids of the report events "submitted" from the start of local day `start` to the
    start of `end`, on plans of `locality_id` (any plan for None: province staff)."""
    stmt = (
        select(ReportEvent.id)
        .join(Plan, ReportEvent.plan_id == Plan.id)
        .where(
            ReportEvent.state == SUBMITTED,
            ReportEvent.at >= datetime.combine(start, time(0), LOCAL_TZ),
            ReportEvent.at < datetime.combine(end, time(0), LOCAL_TZ),
        )
        .order_by(ReportEvent.id)
    )
    if locality_id is not None:
        stmt = stmt.where(Plan.locality_id == locality_id)
    return list(db.session.scalars(stmt))


def _digests(plans: list[Plan], who: People, today: date, cal: WorkCalendar) -> list[Decision]:
    """Weekly digests for each locality's coordinators, monthly ones for its leaders,
    when any of its plans still reminding asks for them."""
    found = []
    for locality_id in sorted({p.locality_id for p in plans}):
        wanted = [rules_for(p).rules for p in plans if p.locality_id == locality_id]
        merged = Rules(
            weekly_digest=any(r.weekly_digest for r in wanted),
            monthly_digest=any(r.monthly_digest for r in wanted),
        )
        for step in digest_steps(today, merged, cal):
            group = who.coordinators if step.kind is Kind.WEEKLY else who.leaders
            for u in who.of_locality(group, locality_id):
                key = f"{step.kind}:{step.on}:l{locality_id}:u{u}"
                found.append(Decision(key, step, u, None, locality_id=locality_id))
    return found


# ---- preview -----------------------------------------------------------------------------


def taken_keys(keys: list[str]) -> set[str]:
    """The keys among `keys` already in the outbox."""
    taken: set[str] = set()
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        taken.update(
            db.session.scalars(select(Notification.key).where(Notification.key.in_(chunk)))
        )
    return taken


def preview(day: date, today: date) -> list[Decision]:
    """What a tick on `day` would decide, the scheduler having run every day before it:
    the decisions whose rule fires that day, and on `today` also anything due earlier
    and not yet decided (a missed step)."""
    cal = work_calendar({day.year - 1, day.year, day.year + 1})
    found = decide(day)
    if day == today:
        taken = taken_keys([d.key for d in found])
        return [d for d in found if d.step.on == day or d.key not in taken]
    return [d for d in found if d.step.on == day and cal.is_working_day(day)]
