"""Load and faults with real processes (issue 8; quality.md "Load", "Faults survived",
"Nothing lost"): gunicorn with 4 workers on a copy of the seeded database (SQLite or
PostgreSQL, as the run), 200 progress reports posted at once, workers killed mid-load,
calendar feeds read during the writes, a writer blocked past SQLite's busy timeout, an
exception after a flush."""

from __future__ import annotations

import os
import signal
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Blueprint, Flask
from sqlalchemy import create_engine, func, make_url, select
from sqlalchemy.pool import NullPool

from bench.load import (
    Client,
    Gunicorn,
    post_reports_at_once,
    report_paths,
    report_targets,
    writers,
)
from tests.conftest import ON_POSTGRES, _config, sqlite_only
from tracker import create_app
from tracker.extensions import db
from tracker.models import Activity, Assignment, Change, ProgressReport, Unit
from tracker.models.reporting import ReportingPeriod
from tracker.services.calendar import links as calendar_links

pytestmark = pytest.mark.slow  # real gunicorn workers under load, killed and restarted


@dataclass(frozen=True)
class Instance:
    """An instance folder and its own copy of the seeded database."""

    folder: Path
    url: str

    def app(self, **settings) -> Flask:
        return create_app({**_config(self.folder, self.url), **settings})

    def gunicorn(self, workers: int) -> Gunicorn:
        return Gunicorn(self.folder, workers=workers, DATABASE_URL=self.url)

    @property
    def sqlite_file(self) -> str | None:
        return make_url(self.url).database if self.url.startswith("sqlite") else None


@pytest.fixture
def instance(fresh_database, seeded_db) -> Instance:
    return Instance(*fresh_database(seeded_db))


def targets(instance: Instance, count: int) -> list[tuple[int, int]]:
    return report_targets(instance.app(), count)


def stored(instance: Instance) -> set[str]:
    """Report paths with a submitted report in the database, read by a fresh connection."""
    engine = create_engine(instance.url, poolclass=NullPool)
    with engine.connect() as connection:
        rows = connection.execute(
            select(ProgressReport.assignment_id, ProgressReport.period_id).where(
                ProgressReport.state == "submitted"
            )
        ).all()
    engine.dispose()
    return set(report_paths([tuple(r) for r in rows]))


def intact(instance: Instance) -> bool:
    """SQLite's integrity_check on the file; a PostgreSQL server keeps its own."""
    if instance.sqlite_file is None:
        return True
    con = sqlite3.connect(instance.sqlite_file)
    result = con.execute("pragma integrity_check").fetchone()
    con.close()
    return result == ("ok",)


def test_two_hundred_reports_at_once_on_four_workers(instance):
    paths = report_paths(targets(instance, 200))
    with instance.gunicorn(4) as server:
        client = Client(server.base, "noivu", "noivu2023")
        outcomes = post_reports_at_once(client, paths)
    assert sorted(o.status for o in outcomes) == [302] * 200  # 0 errors
    assert stored(instance) == set(paths)  # 200/200 rows, every acknowledgement durable
    assert intact(instance)


def test_four_writers_posting_one_report_after_another_lose_nothing(instance):
    """The benchmark's writers (issue 17): four browsers each post their reports one
    after another on four workers, queueing at the write gate; every post is
    acknowledged, and exactly the acknowledged reports are stored."""
    paths = report_paths(targets(instance, 100))
    with instance.gunicorn(4) as server:
        clients = [Client(server.base, "noivu", "noivu2023") for _ in range(4)]
        outcomes, _ = writers(clients, paths)
    assert sorted(o.status for o in outcomes) == [302] * 100
    assert stored(instance) == set(paths)
    assert intact(instance)


def test_workers_killed_mid_load_lose_no_acknowledged_write(instance):
    paths = report_paths(targets(instance, 200))
    with instance.gunicorn(4) as server:
        client = Client(server.base, "noivu", "noivu2023")

        def kill_two_workers() -> None:
            time.sleep(0.3)
            for pid in server.worker_pids()[:2]:
                os.kill(pid, signal.SIGKILL)

        outcomes = post_reports_at_once(client, paths, during=kill_two_workers)
    acknowledged = {o.path for o in outcomes if o.acknowledged}
    assert acknowledged  # the load went on while workers died
    # Restarted on the same files: every acknowledged write is there.
    with instance.gunicorn(2) as again:
        client = Client(again.base, "noivu", "noivu2023")
        assert client.get("/plans/1/dashboard") == 200
    assert acknowledged <= stored(instance)
    assert intact(instance)


def test_calendar_feeds_are_read_while_reports_are_written(instance):
    app = instance.app()
    with app.app_context():
        unit = db.session.scalar(select(Unit).where(Unit.name == "Phòng Nội vụ"))
        _, token = calendar_links.cli_link(unit, None, new=True)
        db.session.commit()
        db.engine.dispose()
    paths = report_paths(targets(instance, 100))
    reads: list[int] = []
    with instance.gunicorn(4) as server:
        client = Client(server.base, "noivu", "noivu2023")
        reader = Client(server.base, "noivu", "noivu2023")

        def read_feeds() -> None:
            threads = [
                threading.Thread(target=lambda: reads.append(reader.get(f"/cal/{token}.ics")))
                for _ in range(40)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(60)

        outcomes = post_reports_at_once(client, paths, during=read_feeds)
    assert reads == [200] * 40
    assert all(o.acknowledged for o in outcomes)


# ---- in one process -----------------------------------------------------------------------


def _one_report_path(app) -> str:
    with app.app_context():
        assignment_id = db.session.scalar(
            select(Assignment.id)
            .join(Activity)
            .join(Unit, Assignment.unit_id == Unit.id)
            .where(Activity.number == "1.1", Unit.name == "Phòng Nội vụ")
        )
        period_id = db.session.scalar(select(ReportingPeriod.id).order_by(ReportingPeriod.id))
    return f"/assignments/{assignment_id}/periods/{period_id}/report"


def counts(app) -> tuple[int, int]:
    with app.app_context():
        return (
            db.session.scalar(select(func.count()).select_from(ProgressReport)),
            db.session.scalar(select(func.count()).select_from(Change)),
        )


@sqlite_only("another writer holds SQLite's write lock past the busy timeout")
def test_a_writer_blocked_past_the_busy_timeout_answers_503_and_writes_nothing(instance):
    app = instance.app(SQLITE_BUSY_TIMEOUT=0.3)
    client = app.test_client()
    client.post("/login", data={"username": "noivu", "password": "noivu2023"})
    path, before = _one_report_path(app), counts(app)
    blocker = sqlite3.connect(instance.sqlite_file, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")  # another writer holds the lock
    try:
        response = client.post(
            path, data={"status": "in_progress", "result": "x", "action": "submit"}
        )
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert "chưa ghi gì" in response.get_data(as_text=True)
    assert counts(app) == before
    with app.app_context():
        db.engine.dispose()


@pytest.mark.skipif(not ON_POSTGRES, reason="PostgreSQL only: its lock_timeout")
def test_a_writer_blocked_on_postgres_answers_503_and_writes_nothing(instance):
    """The same on PostgreSQL: another transaction holds the reports' table; the
    request gives up after the lock timeout (lock_timeout) and says so."""
    app = instance.app(SQLITE_BUSY_TIMEOUT=0.3)
    client = app.test_client()
    client.post("/login", data={"username": "noivu", "password": "noivu2023"})
    path, before = _one_report_path(app), counts(app)
    blocker = create_engine(app.config["SQLALCHEMY_DATABASE_URI"]).connect()
    transaction = blocker.begin()
    blocker.exec_driver_sql("LOCK TABLE progress_report IN EXCLUSIVE MODE")
    try:
        response = client.post(
            path, data={"status": "in_progress", "result": "x", "action": "submit"}
        )
    finally:
        transaction.rollback()
        blocker.close()
        blocker.engine.dispose()
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert counts(app) == before
    with app.app_context():
        db.engine.dispose()


def test_an_exception_after_a_flush_commits_nothing(instance):
    """A request that has flushed a change and then fails leaves no trace of it."""
    app = instance.app(TESTING=False)
    failing = Blueprint("failing", __name__)

    @failing.route("/test/flush-then-fail", methods=["POST"])
    def flush_then_fail():
        db.session.add(Change(actor="thử", entity="plan", action="update", entity_id=1, plan_id=1))
        db.session.flush()
        raise RuntimeError("after the flush")

    app.register_blueprint(failing)
    before = counts(app)
    response = app.test_client().post("/test/flush-then-fail")
    assert response.status_code == 500
    assert counts(app) == before
    with app.app_context():
        db.engine.dispose()
