"""Cascading plans (issue 16): a province's plan assigns activities to its communes, and
each commune carries them out through its own plan.

- **A linked activity.** A commune takes a province activity assigned to it into its own
  plan: the text and the timeframe are inherited, and the commune may tighten the
  deadline — never loosen it (`tightened_deadline_error`). Its own offices (Văn phòng,
  Phòng Kinh tế, an ấp…) lead it there.
- **No double entry.** The commune's accepted reports on the linked activity count for
  the commune's task in the province's plan, under the province's rule
  (`commune_reports`). Per report round of the commune's plan, the commune's result is
  that of its lead offices together, each by its latest accepted report so far:
  done when every one of them is done (on the last one's date); carried out (in
  progress) when any has done or started it; not carried out when every one says so;
  otherwise not started. An office that has not reported keeps the commune from "done".
- **Rounds.** A commune's report round is matched to the province plan's by its cut-off
  date: the shortest province period that holds that date, else the first one after it
  (`province_period`). A commune round after the province's last period is not counted.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date
from typing import NamedTuple

from tracker.domain.dates import screen_date
from tracker.domain.figures import (
    DONE_STATUS,
    IN_PROGRESS_STATUS,
    NOT_DONE_STATUS,
    NOT_STARTED_STATUS,
    AcceptedReport,
    PeriodSpan,
)


def tightened_deadline_error(province_due: date | None, commune_due: date | None) -> str | None:
    """Why a commune's deadline for a linked activity is refused (None: it is fine)."""
    if province_due is None or commune_due is None or commune_due <= province_due:
        return None
    return (
        f"Thời hạn của xã ({screen_date(commune_due)}) không được muộn hơn thời hạn của tỉnh "
        f"({screen_date(province_due)})."
    )


def province_period(cutoff: date, periods: Sequence[PeriodSpan]) -> int | None:
    """The province period a commune round with this cut-off counts in (None: none)."""
    later = [p for p in periods if p.ends_on >= cutoff]
    if not later:
        return None
    return min(later, key=lambda p: (p.starts_on > cutoff, p.ends_on)).id


class CommuneReport(NamedTuple):
    """An accepted report of a commune office on a linked activity."""

    id: int
    task_id: int  # the commune's lead assignment in the province's plan
    office_id: int  # the commune plan's lead assignment that reported
    cutoff: date  # the cut-off of the commune period it was sent for
    status: str
    completed_on: date | None


def commune_status(latest: Sequence[CommuneReport], offices: int) -> tuple[str, date | None]:
    """The commune's result from its offices' latest reports (`offices`: how many lead)."""
    statuses = [r.status for r in latest]
    if len(latest) == offices and all(s == DONE_STATUS for s in statuses):
        return DONE_STATUS, max((r.completed_on for r in latest if r.completed_on), default=None)
    if DONE_STATUS in statuses or IN_PROGRESS_STATUS in statuses:
        return IN_PROGRESS_STATUS, None
    if len(latest) == offices and all(s == NOT_DONE_STATUS for s in statuses):
        return NOT_DONE_STATUS, None
    return NOT_STARTED_STATUS, None


def commune_reports(
    reports: Iterable[CommuneReport],
    offices: dict[int, int],
    periods: Sequence[PeriodSpan],
) -> tuple[AcceptedReport, ...]:
    """The reports the province's plan counts for its communes' tasks: one per task and
    commune round (`offices`: task id → how many commune offices lead it)."""
    by_task: dict[int, list[CommuneReport]] = defaultdict(list)
    for report in reports:
        by_task[report.task_id].append(report)
    period_of: dict[date, int | None] = {}  # a few cut-offs for thousands of reports
    found = []
    for task_id, task_reports in by_task.items():
        task_reports.sort(key=lambda r: (r.cutoff, r.id))
        latest: dict[int, CommuneReport] = {}
        in_round: list[int] = []
        for i, report in enumerate(task_reports):
            latest[report.office_id] = report
            in_round.append(report.id)
            if i + 1 < len(task_reports) and task_reports[i + 1].cutoff == report.cutoff:
                continue  # the round's last report decides it
            if report.cutoff not in period_of:
                period_of[report.cutoff] = province_period(report.cutoff, periods)
            period_id = period_of[report.cutoff]
            if period_id is not None:
                status, completed_on = commune_status(list(latest.values()), offices[task_id])
                # The round's newest report stands for it: an id no other round uses.
                found.append(
                    AcceptedReport(max(in_round), task_id, period_id, status, completed_on)
                )
            in_round = []
    return tuple(found)
