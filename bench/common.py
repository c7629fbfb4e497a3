"""What every benchmark shares: a row of the table, timing interleaved with the
calibration (bench/calibration.py), an app on a fresh instance, a signed-in client —
the Flask test client, or over HTTP with `--http` (bench/http_mode.py)."""

from __future__ import annotations

import gc
import os
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import select

from bench import http_mode
from bench.calibration import REFERENCE_MS, calibration
from bench.verdict import ratio, ratio_limit, verdict
from tracker import clock, create_app, settle_worker
from tracker.extensions import db
from tracker.models import LEAD, Activity, Assignment, ReportingPeriod, User
from tracker.services import activities, periods, reporting
from tracker.services.figures import kept as figures_kept
from tracker.services.figures import remembered
from tracker.services.seeding import load_seeds
from tracker.web.plans import matrix as annex_pages

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "noivu2023"  # the seeded accounts' (and the bench's own)
HTTP = False  # `--http`: signed_in() gives a browser over a real gunicorn


@dataclass
class Row:
    name: str
    median_ms: float
    p95_ms: float
    size: int | None  # bytes of the response or file
    threshold: str
    ok: bool | None  # conditions other than the time (size, errors); None: none
    note: str = ""
    limit_ms: float | None = None  # p95 ≤ this, or its ratio ≤ this ÷ the reference
    calibration_ms: float | None = None  # median of the calibration run beside it

    @property
    def verdict(self) -> str:
        """The table's word: "ok", "ok by ratio", "MISSED", or none (bench/verdict.py)."""
        return verdict(self.ok, self.p95_ms, self.limit_ms, self.calibration_ms, REFERENCE_MS)


@dataclass
class Timing:
    median_ms: float
    p95_ms: float
    calibration_ms: float  # median of the calibration runs interleaved with the calls
    result: Any


def settle() -> None:
    """Collect what building the data left, then settle as a web worker does once
    started (wsgi.py: tracker.settle_worker), so timings are a worker's."""
    gc.collect()
    settle_worker()


def p95(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def timed(call: Callable[[], Any], runs: int, before: Callable[[], None] | None = None) -> Timing:
    """`runs` calls after one warm-up call, each followed by a run of the calibration
    (A, B, A, B); `before` runs before each call, outside the time (e.g. a change)."""
    settle()
    yardstick = calibration()
    result = call()
    yardstick.run()
    times, calibrations = [], []
    for _ in range(runs):
        if before:
            before()
        start = time.perf_counter()
        result = call()
        times.append((time.perf_counter() - start) * 1000)
        calibrations.append(yardstick.time_ms())
    return Timing(statistics.median(times), p95(times), statistics.median(calibrations), result)


def config(instance: Path, database_url: str | None = None) -> dict[str, Any]:
    return {
        "INSTANCE_DIR": instance,
        "SQLALCHEMY_DATABASE_URI": database_url or f"sqlite:///{instance / 'tracker.sqlite3'}",
        "SECRET_KEY": "bench",
        "WTF_CSRF_ENABLED": False,
        "ATTACHMENTS_DIR": instance / "attachments",
    }


def make_app(instance: Path, demo: bool = True, database_url: str | None = None) -> Flask:
    """An app on a new database in `instance` (or the empty one at `database_url`),
    migrated and seeded."""
    instance.mkdir(parents=True, exist_ok=True)
    app = create_app(config(instance, database_url))
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        load_seeds(demo=demo)
        # The bench signs in as `noivu` and reads and writes every district it makes: an
        # account of the whole instance (no unit: services.tenancy), in daily use.
        noivu = db.session.scalar(select(User).where(User.username == "noivu"))
        noivu.unit, noivu.must_change_password = None, False
        db.session.commit()
    return app


def signed_in(app: Flask, username: str = "noivu", password: str = PASSWORD):  # type: ignore[no-untyped-def]
    """A signed-in browser: the Flask test client, or over HTTP with `--http`."""
    if HTTP:
        return http_mode.signed_in(app, username, password)
    client = app.test_client()
    client.post("/login", data={"username": username, "password": password})
    return client


def after_change(client, plan_id: int) -> Callable[[], None]:  # type: ignore[no-untyped-def]
    """What makes the next view of the plan uncached: in this process the figures'
    caches emptied, the kept ones too (services.figures.kept); over HTTP a change of the
    whole plan written (http_mode.record_change), after which nothing kept is reused."""
    if isinstance(client, http_mode.HttpPages):
        return lambda: http_mode.record_change(client.app, plan_id)

    def forget() -> None:
        remembered._CACHE.clear()
        figures_kept.forget()
        annex_pages.KEPT.clear()

    return forget


def after_report(app: Flask, plan_id: int, on: date) -> Callable[[], None]:
    """What makes the next view of the plan a first view after a change as people make
    them, one that moves the figures: a lead unit of the plan sends its report of the last
    period (done) and Phòng Nội vụ accepts it — another unit's each time —, in this
    process or beside the servers over HTTP (the same database either way). Written and
    committed outside the timing, on the day `on` (the clock set to it meanwhile): the
    figures as of that day count it, as today's count what was accepted today."""
    whose = (Activity.plan_id == plan_id) & (Assignment.role == LEAD)
    with app.app_context():
        stmt = select(Assignment).join(Activity).where(whose).order_by(Assignment.id)
        waiting = []
        for assignment in db.session.scalars(stmt):
            period = periods.plan_periods(assignment.activity.plan)[-1]
            if reporting.find_report(assignment, period) is None:
                waiting.append((assignment.id, period.id))
        db.session.remove()
    count = iter(range(len(waiting)))

    def accept() -> None:
        n = next(count)
        assignment_id, period_id = waiting[n]
        clock.frozen = datetime(on.year, on.month, on.day, 3, tzinfo=UTC) + timedelta(seconds=n)
        try:
            with app.app_context():
                period = db.session.get(ReportingPeriod, period_id)
                words = reporting.ReportInput(
                    status="done", result="Đã hoàn thành", completed_on=period.ends_on
                )
                assignment = db.session.get(Assignment, assignment_id)
                report = reporting.save_report(assignment, period, words, None, submit=True)
                office = db.session.scalar(select(User).where(User.username == "noivu"))
                reporting.review_report(report, True, "", office)
                db.session.commit()
                db.session.remove()
        finally:
            clock.frozen = None

    return accept


def after_edit(app: Flask, plan_id: int) -> Callable[[], None]:
    """What makes the next view of the annex a first view after a change to it: Phòng Nội
    vụ edits an activity's wording (services.activities.edit_activity, with its history
    row), another activity each time, written and committed outside the timing — in
    this process or beside the servers over HTTP (the same database either way)."""
    with app.app_context():
        ids = list(db.session.scalars(select(Activity.id).where(Activity.plan_id == plan_id)))
        db.session.remove()
    count = iter(range(1_000_000))

    def edit() -> None:
        n = next(count)
        with app.app_context():
            activity = db.session.get(Activity, ids[n % len(ids)])
            activities.edit_activity(
                activity,
                group=activity.group,
                number=activity.number_raw,
                text=f"{activity.text.split(' (sửa lần')[0]} (sửa lần {n + 1})",
                timeframe_text=activity.timeframe_text,
                dimension_ids=[d.id for d in activity.dimensions],
                user=None,
            )
            db.session.commit()
            db.session.remove()

    return edit


def draft_saver(app: Flask, whose: Any) -> Callable[[], None]:
    """A change as people make them: a unit saves its report of the plan's last period as
    a draft (services.reporting), each time in other words — one of the assignments
    `whose` (an SQL condition on Assignment and Activity) picks in turn. Written and
    committed outside the timing."""
    with app.app_context():
        stmt = select(Assignment).join(Activity).where(whose).order_by(Assignment.id)
        drafts = []
        for assignment in db.session.scalars(stmt):
            period = periods.plan_periods(assignment.activity.plan)[-1]
            report = reporting.find_report(assignment, period)
            if report is None or report.is_editable:
                drafts.append((assignment.id, period.id))
        db.session.remove()
    assert drafts, "no report to save"
    count = iter(range(1_000_000))

    def save() -> None:
        n = next(count)
        assignment_id, period_id = drafts[n % len(drafts)]
        with app.app_context():
            words = reporting.ReportInput(status="in_progress", result=f"Đang làm, lần {n}")
            reporting.save_report(
                db.session.get(Assignment, assignment_id),
                db.session.get(ReportingPeriod, period_id),
                words,
                None,
                submit=False,
            )
            db.session.commit()
            db.session.remove()

    return save


def page_row(
    client,  # type: ignore[no-untyped-def]
    name: str,
    url: str,
    limit_ms: float | None,
    limit_bytes: int | None,
    runs: int,
    before: Callable[[], None] | None = None,
) -> Row:
    """Time GET `url`; `before` runs before each request, outside the time (e.g.
    after_change)."""

    def call():  # type: ignore[no-untyped-def]
        response = client.get(url)
        assert response.status_code in (200, 304), (url, response.status_code)
        response.get_data()  # a streamed page is timed to its last byte
        return response

    timing = timed(call, runs, before)
    size = len(timing.result.data)
    row = Row(name, timing.median_ms, timing.p95_ms, size, "", None)
    row.calibration_ms = timing.calibration_ms
    if limit_ms is not None:
        row.limit_ms, row.threshold = limit_ms, f"p95 ≤ {limit_ms:g} ms"
        if limit_bytes is not None:
            row.ok = size <= limit_bytes
            row.threshold += f", ≤ {limit_bytes // 1024} KB"
    return row


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def print_table(rows: list[Row]) -> None:
    """Median, p95 and size; the calibration beside each row and the ratio p95 ÷
    calibration; the threshold (a time's with its ratio) and the verdict."""
    print(
        f"\n{'Benchmark':62} {'median':>9} {'p95':>9} {'size':>8} {'calib':>7} {'ratio':>6}"
        "  threshold"
    )
    for row in rows:
        size = f"{row.size / 1024:.0f} KB" if row.size is not None else ""
        calib = f"{row.calibration_ms:5.2f}ms" if row.calibration_ms else ""
        times = row.median_ms or row.p95_ms  # rows that are counts print no ratio
        shown = f"{ratio(row.p95_ms, row.calibration_ms):6.1f}" if calib and times else ""
        threshold = row.threshold
        if row.limit_ms is not None:
            threshold += f"; ratio ≤ {ratio_limit(row.limit_ms, REFERENCE_MS):.1f}"
        line = f"{row.name:62} {row.median_ms:7.1f}ms {row.p95_ms:7.1f}ms {size:>8} "
        line += f"{calib:>7} {shown:>6}  "
        print(line + f"{threshold} {row.verdict} {row.note}".rstrip())
