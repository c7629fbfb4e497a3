"""APScheduler 3 jobs, declared here with stable ids, run by one process
(`flask --app wsgi scheduler`), never inside web workers.

Each job body is thin: an app context, one service call, one commit, and a JobRun row.
A lease row in the database keeps a job from running twice at once, even when a second
scheduler is started by mistake or a run is triggered by hand during a scheduled one.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from flask import Flask
from sqlalchemy import delete, func, or_, select
from sqlalchemy.exc import IntegrityError

from tracker.clock import LOCAL_TZ, now_utc, today_local
from tracker.domain.dates import screen_date
from tracker.extensions import db
from tracker.models import JobLease, JobRun
from tracker.services.reminders import outbox
from tracker.services.snapshots import snapshot_plans

HOLDER = f"{socket.gethostname()}:{os.getpid()}"


def daily_figures() -> str:
    count = snapshot_plans(today_local())
    return f"Đã lưu số liệu ngày {screen_date(today_local())} của {count} kế hoạch."


def reminders() -> str:
    return outbox.tick(HOLDER).message


def send_mail() -> str:
    return outbox.send_queued(HOLDER).message


@dataclass(frozen=True)
class Job:
    body: Callable[[], str]
    trigger: BaseTrigger
    lease: timedelta  # longer than a run can take; a runner that died frees it after this
    # A job run every few seconds keeps its runs this long (failures stay), and the list
    # of recent runs shows only its last one, so it does not push the others off.
    keep_runs: timedelta | None = None


# Ids are stable: runs and leases refer to them.
JOBS: dict[str, Job] = {
    "daily-figures": Job(
        daily_figures, CronTrigger(hour=0, minute=30, timezone=LOCAL_TZ), timedelta(minutes=30)
    ),
    # Every 5 minutes: a returned report reaches its unit at once; a day's reminders go
    # out from TRACKER_REMINDER_HOUR on; a tick missed while down is caught up.
    "reminders": Job(
        reminders, CronTrigger(minute="*/5", timezone=LOCAL_TZ), timedelta(minutes=10)
    ),
    # Every 30 seconds: what waits in the outbox — a review's notice to its unit, a retry
    # come due — leaves within a minute of being written, not at the next tick.
    "send-mail": Job(
        send_mail,
        IntervalTrigger(seconds=30, timezone=LOCAL_TZ),
        timedelta(minutes=10),
        keep_runs=timedelta(days=1),
    ),
}


def _take_lease(job_id: str, holder: str) -> bool:
    now = now_utc()
    db.session.execute(delete(JobLease).where(JobLease.job_id == job_id, JobLease.expires_at < now))
    try:
        expires = now + JOBS[job_id].lease
        db.session.add(JobLease(job_id=job_id, holder=holder, expires_at=expires))
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return False
    return True


def _release(job_id: str, holder: str) -> None:
    db.session.execute(delete(JobLease).where(JobLease.job_id == job_id, JobLease.holder == holder))


@dataclass(frozen=True)
class RunResult:
    job_id: str
    status: str  # "ok", "failed", "skipped"
    message: str


def run_job(app: Flask, job_id: str, holder: str = HOLDER) -> RunResult:
    """Run one declared job now, unless another runner holds its lease."""
    body = JOBS[job_id].body
    with app.app_context():
        if not _take_lease(job_id, holder):
            run = JobRun(job_id=job_id, status="skipped", message="Đang chạy ở tiến trình khác.")
            run.finished_at = now_utc()
            db.session.add(run)
            db.session.commit()
            return RunResult(job_id, run.status, run.message)
        run = JobRun(job_id=job_id, status="ok")
        try:
            run.message = body()
        except Exception as exc:  # the run is recorded either way, then the error is shown
            db.session.rollback()
            run = JobRun(job_id=job_id, status="failed", message=f"{type(exc).__name__}: {exc}")
        run.finished_at = now_utc()
        db.session.add(run)
        _release(job_id, holder)
        _forget_old_runs(job_id)
        result = RunResult(job_id, run.status, run.message)
        db.session.commit()
        return result


def _forget_old_runs(job_id: str) -> None:
    keep = JOBS[job_id].keep_runs
    if keep is not None:
        db.session.execute(
            delete(JobRun).where(
                JobRun.job_id == job_id,
                JobRun.status != "failed",
                JobRun.started_at < now_utc() - keep,
            )
        )


def recent_runs(limit: int = 20) -> list[JobRun]:
    """The latest runs, newest first; of a frequent job (`keep_runs`), only its last."""
    frequent = [job_id for job_id, job in JOBS.items() if job.keep_runs is not None]
    last_frequent = (
        select(func.max(JobRun.id)).where(JobRun.job_id.in_(frequent)).group_by(JobRun.job_id)
    )
    stmt = (
        select(JobRun)
        .where(or_(JobRun.job_id.not_in(frequent), JobRun.id.in_(last_frequent)))
        .order_by(JobRun.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(stmt))


def build_scheduler(app: Flask) -> BlockingScheduler:
    scheduler = BlockingScheduler(timezone=LOCAL_TZ)
    for job_id, job in JOBS.items():
        scheduler.add_job(
            run_job,
            job.trigger,
            args=[app, job_id],
            id=job_id,
            replace_existing=True,
            max_instances=1,
            coalesce=True,
            misfire_grace_time=6 * 3600,
        )
    return scheduler
