"""The daily figures job: stable id, one run at a time, every run recorded."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from tracker import clock
from tracker.extensions import db
from tracker.models import FigureSnapshot, JobLease, JobRun
from tracker.scheduler import JOBS, build_scheduler, run_job


def test_jobs_are_declared_with_stable_ids(app):
    scheduler = build_scheduler(app)
    jobs = {j.id: j for j in scheduler.get_jobs()}
    assert set(jobs) == set(JOBS) == {"daily-figures", "reminders", "send-mail"}
    assert all(job.max_instances == 1 for job in jobs.values())


def test_a_run_stores_snapshots_and_is_recorded(demo_app, monkeypatch):
    for day in (10, 11, 12, 13, 14, 15):
        monkeypatch.setattr(clock, "frozen", datetime(2023, 12, day, 3, tzinfo=UTC))
        assert run_job(demo_app, "daily-figures").status == "ok"
    run_job(demo_app, "daily-figures")  # the same day again refreshes, never duplicates
    with demo_app.app_context():
        snaps = db.session.scalars(select(FigureSnapshot).order_by(FigureSnapshot.day)).all()
        assert [s.day.day for s in snaps] == [10, 11, 12, 13, 14, 15]
        assert snaps[-1].carried_out == 7 and snaps[-1].total == 23  # the demo's 23 activities
        assert snaps[0].carried_out < snaps[-1].carried_out  # reviews came in during the week
        assert db.session.scalar(select(func.count()).select_from(JobRun)) == 7
        assert db.session.scalar(select(func.count()).select_from(JobLease)) == 0


def test_never_twice_at_once(app, monkeypatch):
    monkeypatch.setattr(clock, "frozen", datetime(2023, 12, 15, 3, tzinfo=UTC))
    with app.app_context():
        db.session.add(
            JobLease(
                job_id="daily-figures",
                holder="other:1",
                expires_at=datetime(2023, 12, 15, 3, tzinfo=UTC) + timedelta(minutes=10),
            )
        )
        db.session.commit()
    assert run_job(app, "daily-figures").status == "skipped"
    monkeypatch.setattr(clock, "frozen", datetime(2023, 12, 15, 4, tzinfo=UTC))  # lease expired
    assert run_job(app, "daily-figures").status == "ok"


def test_concurrent_runs_one_wins(app, monkeypatch):
    monkeypatch.setattr(clock, "frozen", datetime(2023, 12, 15, 3, tzinfo=UTC))
    results = []
    threads = [
        threading.Thread(
            target=lambda i=i: results.append(run_job(app, "daily-figures", f"t{i}").status)
        )
        for i in range(4)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count("ok") >= 1
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(FigureSnapshot)) == 1


def test_dashboard_draws_progress_over_time(demo_app, monkeypatch):
    for day in (12, 13, 14, 15):
        monkeypatch.setattr(clock, "frozen", datetime(2023, 12, day, 3, tzinfo=UTC))
        run_job(demo_app, "daily-figures")
    client = demo_app.test_client()
    client.post("/login", data={"username": "noivu", "password": "noivu2023"})
    page = client.get("/plans/1/dashboard?as_of=2023-12-15").get_data(as_text=True)
    assert "<polyline" in page and "4 ngày, từ 12/12/2023 đến 15/12/2023" in page
    runs = page.split('id="job-runs"')[1]  # the coordinator sees the runs, named in Vietnamese
    assert "Lưu số liệu hằng ngày" in runs and "Xong" in runs and "daily-figures" not in runs


def test_run_job_command(app):
    result = app.test_cli_runner().invoke(args=["run-job", "daily-figures"])
    assert result.exit_code == 0 and "daily-figures: ok" in result.output
    result = app.test_cli_runner().invoke(args=["run-job", "nope"])
    assert result.exit_code == 1
