"""A plan's figures on a date, computed once from plain facts (tracker.domain.figures
states the rules): every activity's outcome, the counts lũy kế and for the round itself,
the splits by content group, PAPI dimension and unit, "07/10 xã, phường", what is
overdue and what waits for Phòng Nội vụ to name a unit. Every page and document reads
one `PlanFigures`; nothing else counts."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from tracker.domain.figures import (
    CARRIED_OUT,
    DONE,
    LATE,
    AcceptedReport,
    ActivityFacts,
    CountRule,
    Figure,
    Outcome,
    PeriodSpan,
    PlanFacts,
    Tally,
    combine,
    task_outcome,
)
from tracker.domain.periods import report_rounds, round_as_of, round_to_date


class TaskFigure(NamedTuple):  # one per lead unit: thousands in a province plan
    """One lead task: its outcome (cumulative), whether it was carried out in the round
    itself, and the reports that count for it (cumulative, in the order of their rounds)."""

    assignment_id: int
    unit_id: int
    via_group_id: int | None
    outcome: Outcome
    in_round: bool
    report_ids: tuple[int, ...]


@dataclass(frozen=True)
class GroupProgress:
    """How many of the units that came through one group carried the activity out."""

    group_id: int | None  # None: several lead units named one by one
    carried_unit_ids: tuple[int, ...]
    unit_ids: tuple[int, ...]

    @property
    def figure(self) -> Figure:
        return Figure(len(self.carried_unit_ids), len(self.unit_ids))


@dataclass(frozen=True)
class ActivityFigure:
    activity_id: int
    group_id: int
    dimension_ids: tuple[int, ...]
    outcome: Outcome | None  # under the plan's rule; None when no lead unit is named
    in_round: bool  # carried out in the round itself, under the plan's rule
    tasks: tuple[TaskFigure, ...]  # named lead units only
    progress: tuple[GroupProgress, ...]  # groups of communes; several named units
    unresolved: tuple[int, ...]  # unit ids of vague lead units


@dataclass(frozen=True)
class OverdueTask:
    activity_id: int
    assignment_id: int
    unit_id: int
    due_on: date
    days_late: int
    outcome: Outcome  # OVERDUE or LATE_IN_PROGRESS


@dataclass(frozen=True)
class PlanFigures:
    """Every figure of a plan on a date. Items are activities (or lead tasks under EACH)."""

    as_of: date
    rule: CountRule
    noun: str
    round_ids: tuple[int, ...]  # the round's periods, the shorter first; () without periods
    cutoff: date | None  # the round's cut-off
    earlier_round_ids: tuple[tuple[int, ...], ...]  # rounds of the year before it
    activities: tuple[ActivityFigure, ...]
    cumulative: Tally  # lũy kế: the year up to the round
    in_round: Figure  # items carried out in the round itself ("trong kỳ")
    by_group: tuple[tuple[int, Tally], ...]  # content group id → tally
    by_dimension: tuple[tuple[int, Tally], ...]  # an item counts under every dimension
    by_unit: tuple[tuple[int, Tally], ...]  # lead unit id → its tasks' tally
    overdue: tuple[OverdueTask, ...]  # most days late first
    support: Figure  # supporting assignments with a report accepted in the round
    counted_reports: frozenset[int]  # ids of the reports counted (lũy kế), every role
    round_reports: frozenset[int]  # ids of the reports of the round itself

    def activity(self, activity_id: int) -> ActivityFigure | None:
        return next((a for a in self.activities if a.activity_id == activity_id), None)

    @property
    def counted(self) -> tuple[ActivityFigure, ...]:
        """Activities in the denominator: those with a named lead unit."""
        return tuple(a for a in self.activities if a.outcome is not None)

    @property
    def unresolved(self) -> tuple[tuple[int, int], ...]:
        """(activity id, unit id) of every vague lead unit: chưa xác định đơn vị."""
        return tuple((a.activity_id, x) for a in self.activities for x in a.unresolved)

    @property
    def form(self) -> ProvincialForm:
        t = self.cumulative
        return ProvincialForm(
            in_plan=t.total,
            done=t.n(*DONE),
            carried_out=t.n(*CARRIED_OUT),
            done_on_time=t.n(Outcome.DONE_ON_TIME),
            done_late=t.n(Outcome.DONE_LATE),
            late=t.n(*LATE),
        )


@dataclass(frozen=True)
class ProvincialForm:
    """What "Biểu mẫu 1" (seed 001) can take from the plan, in one unit of count."""

    in_plan: int  # 2.1 số nhiệm vụ đề ra trong kế hoạch
    done: int  # 2.2 số nhiệm vụ đã hoàn thành
    carried_out: int  # ghi chú: đã và đang triển khai
    done_on_time: int
    done_late: int
    late: int  # quá hạn, chưa hoàn thành


def group_progress(tasks: Sequence[TaskFigure]) -> tuple[GroupProgress, ...]:
    """ "07/10 xã, phường": per group the activity came through, the members that carried
    it out; and "02/03" over the lead units named one by one, when there are several."""
    by_group: dict[int | None, list[TaskFigure]] = defaultdict(list)
    for task in tasks:
        by_group[task.via_group_id].append(task)
    found = []
    for group_id, members in by_group.items():
        if group_id is None and len(members) < 2:
            continue
        carried = tuple(t.unit_id for t in members if t.outcome in CARRIED_OUT)
        found.append(GroupProgress(group_id, carried, tuple(t.unit_id for t in members)))
    return tuple(found)


# ---- the computation ----------------------------------------------------------------------


def compute(
    facts: PlanFacts,
    previous: PlanFigures | None = None,
    changed: Collection[int] = (),
) -> PlanFigures:
    """Every figure of the plan on `facts.as_of`.

    With `previous`, the figures of the same plan on the same date and round from facts
    that differ from these only in the activities `changed` (their facts, or the reports
    of their assignments), each other activity's figure is taken from `previous` as it
    is — it is computed from nothing else; the totals are summed again."""
    rounds = report_rounds(facts.periods)
    chosen = _chosen_round(facts, rounds)
    index_of = {p.id: i for i, r in enumerate(rounds) for p in r}
    k = index_of[chosen[0].id] if chosen else None
    earlier = (
        []
        if k is None
        else [r for r in rounds[:k] if r[0].ends_on.year == rounds[k][0].ends_on.year]
    )
    kept = _reusable(previous, facts, chosen, changed)
    fresh, counted_ids, round_ids = _reports_to_count(facts, kept, previous)
    counted, in_round = _counted_reports(fresh, rounds, index_of, k)
    counted_ids.update(r.id for found in counted.values() for r in found)
    round_ids.update(in_round)
    activities = tuple(
        kept[a.id]
        if a.id in kept
        else _activity_figure(a, counted, in_round, facts.rule, facts.as_of)
        for a in facts.activities
    )
    items = _items(activities, facts.rule)
    cumulative = Tally.of(outcome for _, outcome, _ in items)
    support_ids = {x for a in facts.activities for x in a.supports}
    supported = {
        r.assignment_id
        for r in (facts.reports if kept else in_round.values())
        if r.assignment_id in support_ids and r.id in round_ids
    }
    return PlanFigures(
        as_of=facts.as_of,
        rule=facts.rule,
        noun=facts.noun,
        round_ids=tuple(p.id for p in chosen) if chosen else (),
        cutoff=chosen[0].ends_on if chosen else None,
        earlier_round_ids=tuple(tuple(p.id for p in r) for r in earlier),
        activities=activities,
        cumulative=cumulative,
        in_round=Figure(sum(1 for _, _, worked in items if worked), len(items)),
        by_group=_split(items, lambda a: (a.group_id,)),
        by_dimension=_split(items, lambda a: a.dimension_ids),
        by_unit=_by_unit(activities),
        overdue=_overdue(facts, activities),
        support=Figure(len(supported), len(support_ids)),
        counted_reports=frozenset(counted_ids),
        round_reports=frozenset(round_ids),
    )


def _reusable(
    previous: PlanFigures | None,
    facts: PlanFacts,
    chosen: tuple[PeriodSpan, ...] | None,
    changed: Collection[int],
) -> dict[int, ActivityFigure]:
    """Activity id → its figure in `previous`, for the activities not `changed`; none
    when `previous` speaks of another date, rule or round."""
    if previous is None:
        return {}
    same = (
        previous.as_of == facts.as_of
        and previous.rule is facts.rule
        and previous.round_ids == (tuple(p.id for p in chosen) if chosen else ())
        and previous.cutoff == (chosen[0].ends_on if chosen else None)
    )
    if not same:
        return {}
    return {a.activity_id: a for a in previous.activities if a.activity_id not in changed}


def _reports_to_count(
    facts: PlanFacts, kept: dict[int, ActivityFigure], previous: PlanFigures | None
) -> tuple[Sequence[AcceptedReport], set[int], set[int]]:
    """(the reports to count, and of the others those counted lũy kế and in the round):
    a report of an activity whose figure is kept counts as it did in `previous`."""
    if not kept or previous is None:
        return facts.reports, set(), set()
    known = {
        x
        for a in facts.activities
        if a.id in kept
        for x in (*(lead.assignment_id for lead in a.leads), *a.supports)
    }
    fresh, counted, in_round = [], set(), set()
    for report in facts.reports:
        if report.assignment_id not in known:
            fresh.append(report)
        elif report.id in previous.counted_reports:
            counted.add(report.id)
            if report.id in previous.round_reports:
                in_round.add(report.id)
    return fresh, counted, in_round


def _chosen_round(
    facts: PlanFacts, rounds: list[tuple[PeriodSpan, ...]]
) -> tuple[PeriodSpan, ...] | None:
    if facts.round_ids is not None:
        wanted = set(facts.round_ids)
        return next((r for r in rounds if wanted & {p.id for p in r}), None)
    if facts.to_date:
        return round_to_date(facts.periods, facts.as_of)
    return round_as_of(facts.periods, facts.as_of)


def _work_round(report: AcceptedReport, own: int, cutoffs: list[date]) -> int:
    """The round a report's work belongs to: its period's (`own`), or an earlier round of
    the same year when the work was completed by that round's cut-off."""
    done = report.completed_on
    if done is None:
        return own
    year = cutoffs[own].year
    for i in range(own):
        if cutoffs[i].year == year and done <= cutoffs[i]:
            return i
    return own


def _counted_reports(
    reports: Iterable[AcceptedReport],
    rounds: list[tuple[PeriodSpan, ...]],
    index_of: dict[int, int],
    k: int | None,
) -> tuple[dict[int, list[AcceptedReport]], dict[int, AcceptedReport]]:
    """(assignment id → reports counting cumulatively, oldest round first;
    report id → the reports of the round itself). Tens of thousands of reports in a
    province: the loop does no more than it must."""
    counted: dict[int, list[tuple[int, int, AcceptedReport]]] = defaultdict(list)
    in_round: dict[int, AcceptedReport] = {}
    cutoffs = [r[0].ends_on for r in rounds]
    year = cutoffs[k].year if k is not None else 0
    for report in reports:
        own = index_of.get(report.period_id)
        if own is None:
            continue
        if k is None:  # a plan without periods: everything accepted counts
            counted[report.assignment_id].append((0, report.id, report))
            continue
        # Most reports' work is their own round's: no date said, or the year's first round.
        work = own if report.completed_on is None or own == 0 else _work_round(report, own, cutoffs)
        if work > k or cutoffs[work].year != year:
            continue
        counted[report.assignment_id].append((work, report.id, report))
        if work == k:
            in_round[report.id] = report
    ordered = {
        a: [r for _, _, r in (sorted(found) if len(found) > 1 else found)]
        for a, found in counted.items()
    }
    return ordered, in_round


def _activity_figure(
    activity: ActivityFacts,
    counted: dict[int, list[AcceptedReport]],
    in_round: dict[int, AcceptedReport],
    rule: CountRule,
    as_of: date,
) -> ActivityFigure:
    tasks = []
    for lead in activity.leads:
        if lead.vague:
            continue
        reports = counted.get(lead.assignment_id, ())
        outcome_ = task_outcome(activity, reports, as_of)
        # carried out in the round itself: what the round's reports alone say (most
        # often they are all its reports: the same outcome)
        own = [r for r in reports if r.id in in_round] if reports else ()
        if len(own) == len(reports):
            worked = bool(own) and outcome_ in CARRIED_OUT
        else:
            worked = bool(own) and task_outcome(activity, own, as_of) in CARRIED_OUT
        ids = tuple(r.id for r in reports)
        tasks.append(
            TaskFigure(lead.assignment_id, lead.unit_id, lead.via_group_id, outcome_, worked, ids)
        )
    outcome = None
    worked_in_round = False
    if tasks:
        if rule is CountRule.EACH:  # items are the tasks; the activity shows the ALL view
            outcome = combine([t.outcome for t in tasks], CountRule.ALL, activity.ongoing)
        else:
            outcome = combine([t.outcome for t in tasks], rule, activity.ongoing)
        flags = [t.in_round for t in tasks]
        worked_in_round = any(flags) if rule is CountRule.ANY else all(flags)
    return ActivityFigure(
        activity_id=activity.id,
        group_id=activity.group_id,
        dimension_ids=activity.dimension_ids,
        outcome=outcome,
        in_round=worked_in_round,
        tasks=tuple(tasks),
        progress=group_progress(tasks),
        unresolved=tuple(x.unit_id for x in activity.leads if x.vague),
    )


def _items(
    activities: Sequence[ActivityFigure], rule: CountRule
) -> list[tuple[ActivityFigure, Outcome, bool]]:
    """The items counted: (activity, outcome, carried out in the round) — one per
    activity, or one per lead task under EACH."""
    if rule is CountRule.EACH:
        return [(a, t.outcome, t.in_round) for a in activities for t in a.tasks]
    return [(a, a.outcome, a.in_round) for a in activities if a.outcome is not None]


def _split(items, keys) -> tuple[tuple[int, Tally], ...]:  # type: ignore[no-untyped-def]
    buckets: dict[int, list[Outcome]] = defaultdict(list)
    for activity, outcome, _ in items:
        for key in keys(activity):
            buckets[key].append(outcome)
    return tuple((key, Tally.of(found)) for key, found in buckets.items())


def _by_unit(activities: Sequence[ActivityFigure]) -> tuple[tuple[int, Tally], ...]:
    buckets: dict[int, list[Outcome]] = defaultdict(list)
    for activity in activities:
        for task in activity.tasks:
            buckets[task.unit_id].append(task.outcome)
    return tuple((unit_id, Tally.of(found)) for unit_id, found in buckets.items())


def _overdue(facts: PlanFacts, activities: Sequence[ActivityFigure]) -> tuple[OverdueTask, ...]:
    due = {a.id: a.due_on for a in facts.activities}
    found = []
    for activity in activities:
        due_on = due[activity.activity_id]
        for task in activity.tasks:
            if task.outcome in LATE and due_on is not None:
                found.append(
                    OverdueTask(
                        activity.activity_id,
                        task.assignment_id,
                        task.unit_id,
                        due_on,
                        (facts.as_of - due_on).days,
                        task.outcome,
                    )
                )
    return tuple(sorted(found, key=lambda o: -o.days_late))
