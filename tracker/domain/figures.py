"""Completion figures: what each lead assignment's state is on a date, and the counts,
shares and sentences the district reports upward.

A *task* is one lead assignment (đơn vị chủ trì × hoạt động) as it stood on the "as of"
date: only reports Phòng Nội vụ accepted by then count. Supporting units are counted
apart and never in the plan's figures.

Outcomes of a task on a date:
- DONE_ON_TIME / DONE_LATE: a dated task accepted as done; late when it was completed
  after its *first* deadline (an extension does not make late work on time);
- ONGOING_REPORTED: an ongoing ("Thường xuyên") task with an accepted report for the
  current period that says it is being carried out or done;
- ONGOING_NOT_REPORTED: an ongoing task without such a report yet;
- IN_PROGRESS: a dated task in progress within its deadline;
- OVERDUE: a dated task past its deadline in force and not done;
- NOT_STARTED: a dated task within its deadline with nothing done, or undated;
- NOT_CARRIED_OUT: accepted as "không thực hiện" (with a reason).

Counting rule when an activity has several lead assignments (or a group of communes):
- EACH: every lead assignment is one task (10 communes = 10 tasks);
- ALL: an activity is one task, done only when every lead assignment is done.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from tracker.domain.numbers import count, fraction, percent


class Outcome(StrEnum):
    DONE_ON_TIME = "done_on_time"
    DONE_LATE = "done_late"
    ONGOING_REPORTED = "ongoing_reported"
    ONGOING_NOT_REPORTED = "ongoing_not_reported"
    IN_PROGRESS = "in_progress"
    OVERDUE = "overdue"
    NOT_STARTED = "not_started"
    NOT_CARRIED_OUT = "not_carried_out"


OUTCOME_LABELS = {
    Outcome.DONE_ON_TIME: "Hoàn thành đúng hạn",
    Outcome.DONE_LATE: "Hoàn thành trễ hạn",
    Outcome.ONGOING_REPORTED: "Thường xuyên — đã báo cáo kỳ này",
    Outcome.ONGOING_NOT_REPORTED: "Thường xuyên — chưa báo cáo kỳ này",
    Outcome.IN_PROGRESS: "Đang thực hiện, trong hạn",
    Outcome.OVERDUE: "Quá hạn, chưa hoàn thành",
    Outcome.NOT_STARTED: "Chưa triển khai",
    Outcome.NOT_CARRIED_OUT: "Không thực hiện",
}
DONE = frozenset({Outcome.DONE_ON_TIME, Outcome.DONE_LATE})
CARRIED_OUT = DONE | {Outcome.ONGOING_REPORTED, Outcome.IN_PROGRESS}


class CountRule(StrEnum):
    EACH = "each"
    ALL = "all"


RULE_LABELS = {
    CountRule.EACH: "mỗi đơn vị chủ trì (mỗi xã, phường) tính là một phần việc",
    CountRule.ALL: "một hoạt động chỉ tính hoàn thành khi mọi đơn vị chủ trì hoàn thành",
}


@dataclass(frozen=True)
class Task:
    """One lead assignment as of a date. `status` is the accepted report's status
    ("done", "not_done", "in_progress", "not_started") or None when none is accepted."""

    activity_id: int
    unit_id: int
    ongoing: bool
    due_on: date | None = None
    original_due_on: date | None = None
    status: str | None = None
    done_on: date | None = None
    reported_this_period: bool = False


def outcome(task: Task, as_of: date) -> Outcome:
    """The task's outcome on `as_of` (the end of that day)."""
    if task.status == "not_done":
        return Outcome.NOT_CARRIED_OUT
    if task.ongoing:
        if task.reported_this_period and task.status in ("done", "in_progress"):
            return Outcome.ONGOING_REPORTED
        return Outcome.ONGOING_NOT_REPORTED
    if task.status == "done":
        first = task.original_due_on or task.due_on
        late = first is not None and task.done_on is not None and task.done_on > first
        return Outcome.DONE_LATE if late else Outcome.DONE_ON_TIME
    if task.due_on is not None and task.due_on < as_of:
        return Outcome.OVERDUE
    if task.status == "in_progress":
        return Outcome.IN_PROGRESS
    return Outcome.NOT_STARTED


def combine(outcomes: Sequence[Outcome]) -> Outcome:
    """One activity's outcome under the ALL rule, from its lead assignments' outcomes."""
    kinds = set(outcomes)
    if kinds <= DONE:
        return Outcome.DONE_LATE if Outcome.DONE_LATE in kinds else Outcome.DONE_ON_TIME
    if kinds == {Outcome.NOT_CARRIED_OUT}:
        return Outcome.NOT_CARRIED_OUT
    for worst in (Outcome.OVERDUE, Outcome.ONGOING_NOT_REPORTED):
        if worst in kinds:
            return worst
    if kinds <= {Outcome.ONGOING_REPORTED} | DONE:
        return Outcome.ONGOING_REPORTED
    if kinds & (CARRIED_OUT | {Outcome.IN_PROGRESS}):
        return Outcome.IN_PROGRESS
    return Outcome.NOT_STARTED


@dataclass(frozen=True)
class Figure:
    numerator: int
    denominator: int

    @property
    def percent(self) -> str:
        return percent(self.numerator, self.denominator)

    @property
    def fraction(self) -> str:
        return fraction(self.numerator, self.denominator)


@dataclass(frozen=True)
class Summary:
    """Counts by outcome over a set of tasks, with the rule used to count them."""

    counts: dict[Outcome, int]
    rule: CountRule
    noun: str

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def n(self, *outcomes: Outcome) -> int:
        return sum(self.counts.get(o, 0) for o in outcomes)

    @property
    def done(self) -> Figure:
        return Figure(self.n(*DONE), self.total)

    @property
    def carried_out(self) -> Figure:
        return Figure(self.n(*CARRIED_OUT), self.total)

    @property
    def not_carried_out(self) -> Figure:
        return Figure(self.n(Outcome.NOT_CARRIED_OUT), self.total)

    def headline(self) -> str:
        """Seed 002: "Đã triển khai thực hiện hoàn thành 07/19 chỉ tiêu, đạt 36,84% kế hoạch"."""
        done = self.done
        return (
            f"Đã triển khai thực hiện hoàn thành {done.fraction} {self.noun}, "
            f"đạt {done.percent} kế hoạch"
        )

    def breakdown(self) -> str:
        """Seed 000: "… thực hiện được 27 nhiệm vụ, đạt 96,43%; trong đó có 05 nhiệm vụ,
        chiếm 18,52% đã hoàn thành 100%; 22 nhiệm vụ … thường xuyên, chiếm 81,48%; có 01
        nhiệm vụ … không tổ chức thực hiện, chiếm 3,57%". Shares of the carried-out tasks
        use their count as denominator; the not-carried-out share uses the total."""
        carried = self.carried_out
        done = self.n(*DONE)
        ongoing = self.n(Outcome.ONGOING_REPORTED)
        parts = [
            f"Tổng số {count(self.total)} {self.noun}, đã tổ chức thực hiện được "
            f"{count(carried.numerator)} {self.noun}, đạt {carried.percent}"
        ]
        details = []
        if done:
            details.append(
                f"có {count(done)} {self.noun}, chiếm {percent(done, carried.numerator)} "
                "đã hoàn thành 100%"
            )
        if ongoing:
            details.append(
                f"{count(ongoing)} {self.noun} đã thực hiện hoàn thành và thực hiện thường "
                f"xuyên, chiếm {percent(ongoing, carried.numerator)}"
            )
        if details:
            parts[0] += "; trong đó " + "; ".join(details)
        missing = self.n(Outcome.NOT_CARRIED_OUT)
        if missing:
            parts.append(
                f"có {count(missing)} {self.noun} đơn vị không tổ chức thực hiện, "
                f"chiếm {percent(missing, self.total)}"
            )
        return "; ".join(parts) + "."


def summarise(
    tasks: Iterable[Task], as_of: date, rule: CountRule = CountRule.EACH, noun: str = "nhiệm vụ"
) -> Summary:
    """Count tasks by outcome on `as_of` under `rule`."""
    return tally(((t.activity_id, outcome(t, as_of)) for t in tasks), rule, noun)


def tally(
    outcomes: Iterable[tuple[int, Outcome]],
    rule: CountRule = CountRule.EACH,
    noun: str = "nhiệm vụ",
) -> Summary:
    """Count (activity id, outcome) pairs under `rule` — for callers that split one set of
    tasks many ways and compute each task's outcome once."""
    if rule is CountRule.EACH:
        counts = Counter(o for _, o in outcomes)
    else:
        by_activity: dict[int, list[Outcome]] = {}
        for activity_id, o in outcomes:
            by_activity.setdefault(activity_id, []).append(o)
        counts = Counter(combine(o) for o in by_activity.values())
    return Summary(dict(counts), rule, noun)


@dataclass(frozen=True)
class ProvincialForm:
    """The task rows of the provincial statistics form "Biểu mẫu 1" (seed 001)."""

    in_plan: int  # nhiệm vụ trong kế hoạch
    done: int  # đã hoàn thành
    assigned: int  # nhiệm vụ được giao (có đơn vị chủ trì)
    done_on_time: int
    done_late: int
    overdue: int  # quá hạn chưa hoàn thành


def provincial_form(summary: Summary, assigned: int) -> ProvincialForm:
    return ProvincialForm(
        in_plan=summary.total,
        done=summary.n(*DONE),
        assigned=assigned,
        done_on_time=summary.n(Outcome.DONE_ON_TIME),
        done_late=summary.n(Outcome.DONE_LATE),
        overdue=summary.n(Outcome.OVERDUE),
    )
