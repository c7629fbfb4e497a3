"""A plan's figures kept between requests and brought up to date after a change by
reading again only the activities the change logs name (issue 17: the first view after
a change is what people wait for); what reads no report (names) kept while only reports
change; counts by activity (the dashboard's table of reports) kept as their sum.

For each plan, date and round asked, the facts last read (services.figures.facts), the
figures computed from them and the version of the data they reflect
(services.change_log) are kept. At a newer version:
  - when every change since names its activities (a report saved, submitted, accepted
    or returned, evidence added, an activity's text, units or deadline changed, an
    activity added or deleted), those activities' facts and their own reports are read
    again and put in place of the kept ones, and the domain computes their figures
    again, the others' taken as they were (domain.plan_figures.compute) — or none at
    all when their facts came out the same (a draft saved, a report sent);
  - anything else (periods, plan settings, units, groups, frameworks, the annex
    reordered, logs that went backwards, long runs of changes), and every plan that has
    communes (their plans' reports count in it: services.figures.facts), is read and
    computed from nothing, as when nothing is kept (after a restart).
The result is the same PlanFigures as computed from nothing
(tests/web/test_kept_figures.py). Values are plain frozen data, never ORM objects;
per process, bounded.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date
from typing import Any, TypeVar

from tracker.domain.figures import PlanFacts
from tracker.domain.plan_figures import PlanFigures, compute
from tracker.extensions import db
from tracker.models import Plan
from tracker.models.reporting import ReportingPeriod
from tracker.services import change_log
from tracker.services.change_log import Version
from tracker.services.figures.facts import (
    activity_order,
    has_communes,
    read_activities,
    read_facts,
)

T = TypeVar("T")
Counts = dict[Any, int]  # what is counted → how many
KEPT = 16  # a 2,000-activity plan's facts and figures: a few MB


@dataclass(frozen=True)
class _Figures:
    version: Version
    facts: PlanFacts
    activity_of: dict[int, int]  # assignment id → activity id, every assignment of the plan
    figures: PlanFigures


@dataclass(frozen=True)
class _Counted:
    version: Version
    parts: dict[int, Counts]  # activity id → its counts
    total: Counts


_KEPT = change_log.Kept(KEPT)


def forget() -> None:
    """As after a restart: the next figures and names of every plan are built whole."""
    _KEPT.clear()


def plan_figures(
    plan: Plan, as_of: date, period: ReportingPeriod | None = None, to_date: bool = False
) -> PlanFigures:
    """facts.plan_figures(), brought up to date from the last ones kept."""
    version = change_log.current()  # before the data: a later write is read again later
    arguments = (as_of, period.id if period else None, to_date, plan.count_rule, plan.noun)
    key = (str(db.engine.url), plan.id, "figures", arguments)
    kept = _KEPT.get(key)
    found = _brought_up_to_date(plan, kept, version) if isinstance(kept, _Figures) else None
    if found is None:
        read = read_facts(plan, as_of, period, to_date)
        found = _Figures(version, read.facts, read.activity_of, compute(read.facts))
    _KEPT.put(key, found)
    return found.figures


def unless_annex_changed(plan: Plan, what: str, build: Callable[[], T]) -> T:
    """build(), kept while only reports change (change_log.Kept.unless_annex_changed)."""
    return _KEPT.unless_annex_changed(plan.id, what, build)


def counted_by_activity(
    plan: Plan, what: str, read: Callable[[list[int] | None], dict[int, Counts]]
) -> Counts:
    """The sum of each activity's counts (`read(None)`: every activity's, `read(ids)`:
    those of `ids` still in the plan), kept and brought up to date: after a change that
    names its activities (change_log.changed_activities) theirs are taken out of the sum
    and read again. Nothing counted zero times is in it."""
    version = change_log.current()
    key = (str(db.engine.url), plan.id, what)
    kept = _KEPT.get(key)
    found: _Counted | None = None
    if isinstance(kept, _Counted):
        if kept.version == version:
            found = kept
        elif (changed := change_log.changed_activities(kept.version, version)) is not None:
            parts = {i: part for i, part in kept.parts.items() if i not in changed}
            total = dict(kept.total)
            for i in changed & kept.parts.keys():
                _add(total, kept.parts[i], -1)
            fresh = read(sorted(changed)) if changed else {}
            for part in fresh.values():
                _add(total, part, 1)
            found = _Counted(version, parts | fresh, total)
    if found is None:
        parts = read(None)
        found = _Counted(version, parts, summed(parts.values()))
    _KEPT.put(key, found)
    return found.total


def summed(parts: Iterable[Counts]) -> Counts:
    total: Counts = {}
    for part in parts:
        _add(total, part, 1)
    return total


def _add(total: Counts, part: Counts, sign: int) -> None:
    for what, n in part.items():
        left = total.get(what, 0) + sign * n
        if left:
            total[what] = left
        else:
            del total[what]


def _brought_up_to_date(plan: Plan, kept: _Figures, version: Version) -> _Figures | None:
    """The kept figures at `version`, or None when they must be built whole."""
    if kept.version == version:
        return kept
    if has_communes(plan):
        return None
    changed = change_log.changed_activities(kept.version, version)
    if changed is None:
        return None
    order = activity_order(plan)
    known = {a.id: a for a in kept.facts.activities}
    mine = sorted(changed & (known.keys() | set(order)))
    if not mine:  # changes to other plans only
        return replace(kept, version=version)
    read = read_activities(plan, kept.facts, mine)
    by_id = {i: a for i, a in known.items() if i not in changed}
    by_id.update((a.id, a) for a in read.facts.activities)
    if by_id.keys() != set(order):
        return None  # an activity neither kept nor named by a change: build whole
    old = {x for x, activity_id in kept.activity_of.items() if activity_id in changed}
    activity_of = {x: a for x, a in kept.activity_of.items() if a not in changed}
    activity_of.update(read.activity_of)
    reports, dropped = [], []
    for report in kept.facts.reports:
        if report.assignment_id in old or report.assignment_id in read.activity_of:
            dropped.append(report)
        else:
            reports.append(report)
    activities = tuple(by_id[i] for i in order)
    if activities == kept.facts.activities and set(dropped) == set(read.facts.reports):
        # The same facts (a draft saved, a report sent or returned, evidence): the same
        # figures.
        return _Figures(version, kept.facts, activity_of, kept.figures)
    facts = replace(kept.facts, activities=activities, reports=(*reports, *read.facts.reports))
    return _Figures(version, facts, activity_of, compute(facts, kept.figures, mine))
