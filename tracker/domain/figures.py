"""Completion figures: what each activity of a plan has come to on a date, and the counts
the district reports upward — one computation that every page and document reads.

The question a report answers (seeds 000–002; domain.md "Completion figures"): how many
of the plan's items have been **carried out** ("đã và đang triển khai thực hiện được
30/31 phần việc, đạt 96,77%"), with its parts — done ("đã hoàn thành 100%") and under way
("đang thực hiện, thực hiện thường xuyên") — and, apart, what has no result yet and what
will not be carried out ("không thực hiện", with a reason).

Inputs are plain facts (`PlanFacts`): the plan's activities with their lead units and
the deadline in force on the "as of" date, the plan's reporting periods, and the reports
Phòng Nội vụ had accepted by the end of that day. Nothing else counts: drafts, reports
waiting for review and returned ones are the unit's business.

**Cumulative (lũy kế).** Figures speak for one report round (`periods.round_as_of`) and
count everything accepted for that round and the earlier rounds of its year: the year's
report keeps what was done in the first half. Work counts for the round in which it was
done: a report's round is its period's, or an earlier round of the same year when its
completion date falls there (a December report of a conference held on 10/5 counts for
the first half too). The round's own figure ("trong kỳ") is kept beside it.

**A lead task** is one lead assignment (đơn vị chủ trì × hoạt động). Its outcome:
- DONE_ON_TIME / DONE_LATE: a counted report says done; late when completed after the
  *first* deadline (an extension does not make late work on time). An ongoing activity
  has no deadline, so its done work is on time;
- ONGOING: an ongoing activity ("Thường xuyên", "Hằng năm") reported carried out
  (in progress) in a counted round;
- IN_PROGRESS / LATE_IN_PROGRESS: a dated activity reported in progress, within or past
  the deadline in force;
- OVERDUE: a dated activity past its deadline with nothing carried out;
- NOT_STARTED: the unit reported it not started;
- NOT_REPORTED: no counted report (and not overdue);
- NOT_CARRIED_OUT: the latest counted report says "không thực hiện".
Supporting units are never in these counts; they are tallied apart.

**Unit of count** (`CountRule`, chosen per plan): by default the plan's activities, each
once. An activity led by several units or a group of communes counts under the plan's
rule — ALL: carried out (done) when every lead unit carried it out (finished); short of
that it is PARTIAL, "triển khai một phần" — ANY: as its best lead unit — EACH: every lead
unit is an item of its own (a "phần việc": 10 communes are 10 items). Whatever the rule,
the detail "07/10 xã, phường" is kept per activity.

**Vague units** ("Các ngành có liên quan") can never report: they are in no denominator
and no list; `PlanFigures.unresolved` shows them to Phòng Nội vụ until it names a unit.
An activity led only by vague units is counted nowhere until then.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from functools import cached_property
from typing import NamedTuple

from tracker.domain.numbers import fraction, percent

DONE_STATUS, IN_PROGRESS_STATUS, NOT_STARTED_STATUS, NOT_DONE_STATUS = (
    "done",
    "in_progress",
    "not_started",
    "not_done",
)


class Outcome(StrEnum):
    DONE_ON_TIME = "done_on_time"
    DONE_LATE = "done_late"
    ONGOING = "ongoing"
    IN_PROGRESS = "in_progress"
    LATE_IN_PROGRESS = "late_in_progress"
    PARTIAL = "partial"
    OVERDUE = "overdue"
    NOT_STARTED = "not_started"
    NOT_REPORTED = "not_reported"
    NOT_CARRIED_OUT = "not_carried_out"


OUTCOME_LABELS = {
    Outcome.DONE_ON_TIME: "Đã hoàn thành",
    Outcome.DONE_LATE: "Hoàn thành trễ hạn",
    Outcome.ONGOING: "Thực hiện thường xuyên",
    Outcome.IN_PROGRESS: "Đang thực hiện, trong hạn",
    Outcome.LATE_IN_PROGRESS: "Đang thực hiện, đã quá hạn",
    Outcome.PARTIAL: "Triển khai một phần",
    Outcome.OVERDUE: "Quá hạn, chưa triển khai",
    Outcome.NOT_STARTED: "Chưa triển khai",
    Outcome.NOT_REPORTED: "Chưa có báo cáo",
    Outcome.NOT_CARRIED_OUT: "Không thực hiện",
}
# In the report upward, whether a unit has reported stays internal: "no result yet".
REPORT_LABELS = OUTCOME_LABELS | {Outcome.NOT_REPORTED: "Chưa có kết quả"}
DONE = frozenset({Outcome.DONE_ON_TIME, Outcome.DONE_LATE})
UNDER_WAY = frozenset({Outcome.ONGOING, Outcome.IN_PROGRESS, Outcome.LATE_IN_PROGRESS})
CARRIED_OUT = DONE | UNDER_WAY  # "đã và đang triển khai thực hiện"
NO_RESULT = frozenset({Outcome.PARTIAL, Outcome.OVERDUE, Outcome.NOT_STARTED, Outcome.NOT_REPORTED})
LATE = frozenset({Outcome.LATE_IN_PROGRESS, Outcome.OVERDUE})  # quá hạn, chưa hoàn thành
# "Quá hạn" means one thing on every page: LATE, the figures' rule. A period report not
# sent by its due date is another thing with another name (services.reporting.unit_work).
WORDS = {
    "late": "Quá hạn, chưa hoàn thành",
    "late_meaning": (
        "Hoạt động có thời hạn đã qua thời hạn (đang có hiệu lực) mà đơn vị chủ trì chưa "
        "hoàn thành: đang thực hiện hoặc chưa triển khai. Việc thường xuyên không có thời "
        "hạn nên không tính ở đây."
    ),
    "report_late": "Chưa nộp, đã quá hạn nộp",
    "report_late_meaning": (
        "Báo cáo của kỳ chưa được gửi khi đã qua hạn nộp (việc thường xuyên: hạn nộp của "
        "kỳ; việc có thời hạn: thời hạn của việc)."
    ),
}
# Best first: the ANY rule takes the first of these its lead units reached.
RANK = (
    Outcome.DONE_ON_TIME,
    Outcome.DONE_LATE,
    Outcome.ONGOING,
    Outcome.IN_PROGRESS,
    Outcome.LATE_IN_PROGRESS,
    Outcome.PARTIAL,
    Outcome.NOT_STARTED,
    Outcome.NOT_REPORTED,
    Outcome.OVERDUE,
    Outcome.NOT_CARRIED_OUT,
)


class CountRule(StrEnum):
    ALL = "all"
    ANY = "any"
    EACH = "each"


RULE_LABELS = {
    CountRule.ALL: (
        "mỗi hoạt động tính một lần; hoạt động có nhiều đơn vị chủ trì (hoặc giao các xã, "
        "phường) được tính là đã triển khai khi mọi đơn vị chủ trì đã triển khai"
    ),
    CountRule.ANY: (
        "mỗi hoạt động tính một lần; hoạt động có nhiều đơn vị chủ trì (hoặc giao các xã, "
        "phường) được tính theo đơn vị có kết quả tốt nhất"
    ),
    CountRule.EACH: "mỗi đơn vị chủ trì của một hoạt động (mỗi xã, phường) tính là một phần việc",
}


# ---- inputs -------------------------------------------------------------------------------


class Lead(NamedTuple):  # thousands a plan: a tuple is made several times faster
    """A lead assignment; `via_group_id` when it came from a group ("UBND xã, phường")."""

    assignment_id: int
    unit_id: int
    via_group_id: int | None = None
    vague: bool = False  # "Các ngành có liên quan": never counted


@dataclass(frozen=True)
class ActivityFacts:
    id: int
    group_id: int
    ongoing: bool
    due_on: date | None = None  # the deadline in force on the "as of" date
    original_due_on: date | None = None  # the first deadline, when it was moved
    dimension_ids: tuple[int, ...] = ()
    leads: tuple[Lead, ...] = ()
    supports: tuple[int, ...] = ()  # supporting assignments of named units


@dataclass(frozen=True)
class PeriodSpan:
    id: int
    starts_on: date
    ends_on: date  # cut-off, inclusive
    due_on: date


class AcceptedReport(NamedTuple):  # tens of thousands in a province: a plain tuple
    """A report whose state was "accepted" at the end of the "as of" day."""

    id: int
    assignment_id: int
    period_id: int
    status: str  # done / in_progress / not_started / not_done
    completed_on: date | None = None


@dataclass(frozen=True)
class PlanFacts:
    as_of: date
    activities: tuple[ActivityFacts, ...]  # in plan order
    periods: tuple[PeriodSpan, ...]
    reports: tuple[AcceptedReport, ...]
    rule: CountRule = CountRule.ALL
    noun: str = "nhiệm vụ"
    # The round to speak for: a period of it; None: the last closed round (round_as_of),
    # or with `to_date` the round under way (round_to_date: everything so far).
    round_ids: tuple[int, ...] | None = None
    to_date: bool = False


# ---- outputs ------------------------------------------------------------------------------


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
class Tally:
    """Items counted by outcome. `counts` holds every Outcome, zeros included."""

    counts: tuple[tuple[Outcome, int], ...]

    @classmethod
    def of(cls, outcomes: Iterable[Outcome]) -> Tally:
        return cls.from_counts(Counter(outcomes))

    @classmethod
    def from_counts(cls, counts: Mapping[Outcome, int]) -> Tally:
        return cls(tuple((o, counts.get(o, 0)) for o in Outcome))

    @cached_property
    def _by_outcome(self) -> dict[Outcome, int]:
        return dict(self.counts)

    @cached_property
    def total(self) -> int:
        return sum(n for _, n in self.counts)

    def n(self, *outcomes: Outcome) -> int:
        by = self._by_outcome
        return sum(by[o] for o in outcomes)

    def figure(self, outcomes: Iterable[Outcome]) -> Figure:
        return Figure(self.n(*outcomes), self.total)

    @property
    def carried_out(self) -> Figure:
        return self.figure(CARRIED_OUT)

    @property
    def done(self) -> Figure:
        return self.figure(DONE)

    @property
    def under_way(self) -> Figure:
        return self.figure(UNDER_WAY)

    @property
    def no_result(self) -> Figure:
        return self.figure(NO_RESULT)

    @property
    def not_carried_out(self) -> Figure:
        return self.figure({Outcome.NOT_CARRIED_OUT})

    @property
    def late(self) -> Figure:
        return self.figure(LATE)


# ---- the rules ----------------------------------------------------------------------------


def deadline_in_force(
    current: date | None, moved_after: Sequence[tuple[datetime, date | None]]
) -> date | None:
    """The deadline in force at a moment, from the deadline now and the moves made after
    that moment as (when, deadline before the move): the first such move's "before", or
    the current deadline when nothing moved since."""
    if not moved_after:
        return current
    return min(moved_after, key=lambda move: move[0])[1]


def task_outcome(
    activity: ActivityFacts, reports: Sequence[AcceptedReport], as_of: date
) -> Outcome:
    """A lead task's outcome from the reports that count for it, oldest round first."""
    statuses = [r.status for r in reports]
    if DONE_STATUS in statuses:
        first_deadline = activity.original_due_on or activity.due_on
        finished = reports[statuses.index(DONE_STATUS)].completed_on
        late = (
            not activity.ongoing
            and first_deadline is not None
            and finished is not None
            and finished > first_deadline
        )
        return Outcome.DONE_LATE if late else Outcome.DONE_ON_TIME
    latest = statuses[-1] if statuses else None
    if activity.ongoing:
        if IN_PROGRESS_STATUS in statuses:
            return Outcome.ONGOING
        if latest is None:
            return Outcome.NOT_REPORTED
        return Outcome.NOT_CARRIED_OUT if latest == NOT_DONE_STATUS else Outcome.NOT_STARTED
    if latest == NOT_DONE_STATUS:
        return Outcome.NOT_CARRIED_OUT
    past_due = activity.due_on is not None and activity.due_on < as_of
    if latest == IN_PROGRESS_STATUS:
        return Outcome.LATE_IN_PROGRESS if past_due else Outcome.IN_PROGRESS
    if past_due:
        return Outcome.OVERDUE
    return Outcome.NOT_STARTED if latest is not None else Outcome.NOT_REPORTED


def combine(outcomes: Sequence[Outcome], rule: CountRule, ongoing: bool) -> Outcome:
    """One activity's outcome from its named lead units' outcomes (rule ALL or ANY)."""
    kinds = set(outcomes)
    if rule is CountRule.ANY:
        return next(o for o in RANK if o in kinds)
    if kinds <= DONE:
        return Outcome.DONE_LATE if Outcome.DONE_LATE in kinds else Outcome.DONE_ON_TIME
    if kinds <= CARRIED_OUT:
        if ongoing:
            return Outcome.ONGOING
        return Outcome.LATE_IN_PROGRESS if LATE & kinds else Outcome.IN_PROGRESS
    if kinds & CARRIED_OUT:
        return Outcome.PARTIAL
    if kinds == {Outcome.NOT_CARRIED_OUT}:
        return Outcome.NOT_CARRIED_OUT
    for worst in (Outcome.OVERDUE, Outcome.NOT_STARTED, Outcome.NOT_REPORTED):
        if worst in kinds:
            return worst
    return Outcome.NOT_CARRIED_OUT  # unreachable: every outcome is in a set above
