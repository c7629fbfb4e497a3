"""Load and faults with real processes (issue 8; quality.md "Load", "Faults survived",
"Nothing lost"): gunicorn with 4 workers on a copy of the seeded SQLite database,
200 progress reports posted at once, workers killed mid-load, calendar feeds read
during the writes, a writer blocked past the busy timeout, an exception after a flush."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import threading
import time
from pathlib import Path

import pytest
from flask import Blueprint
from sqlalchemy import func, select

from bench.load import Client, Gunicorn, post_reports_at_once, report_paths, report_targets
from tests.conftest import _config
from tracker import create_app
from tracker.extensions import db
from tracker.models import Activity, Assignment, Change, ProgressReport, Unit
from tracker.models.reporting import ReportingPeriod
from tracker.services import calendar_links

pytestmark = pytest.mark.skipif(
    os.environ.get("TRACKER_TEST_DATABASE_URL", "").startswith("postgres"),
    reason="SQLite only: these check SQLite's locking under gunicorn and its busy timeout",
)


@pytest.fixture
def instance(tmp_path, seeded_db) -> Path:
    folder = tmp_path / "instance"
    folder.mkdir()
    shutil.copyfile(seeded_db, folder / "tracker.sqlite3")
    return folder


def targets(instance: Path, count: int) -> list[tuple[int, int]]:
    return report_targets(create_app(_config(instance)), count)


def stored(instance: Path) -> set[str]:
    """Report paths with a submitted report in the database, read by a fresh connection."""
    con = sqlite3.connect(instance / "tracker.sqlite3")
    rows = con.execute(
        "select assignment_id, period_id from progress_report where state = 'submitted'"
    ).fetchall()
    con.close()
    return set(report_paths(rows))


def test_two_hundred_reports_at_once_on_four_workers(instance):
    paths = report_paths(targets(instance, 200))
    with Gunicorn(instance, workers=4) as server:
        client = Client(server.base, "noivu", "noivu2023")
        outcomes = post_reports_at_once(client, paths)
    assert sorted(o.status for o in outcomes) == [302] * 200  # 0 errors
    assert stored(instance) == set(paths)  # 200/200 rows, every acknowledgement durable
    con = sqlite3.connect(instance / "tracker.sqlite3")
    assert con.execute("pragma integrity_check").fetchone() == ("ok",)


def test_workers_killed_mid_load_lose_no_acknowledged_write(instance):
    paths = report_paths(targets(instance, 200))
    with Gunicorn(instance, workers=4) as server:
        client = Client(server.base, "noivu", "noivu2023")

        def kill_two_workers() -> None:
            time.sleep(0.3)
            for pid in server.worker_pids()[:2]:
                os.kill(pid, signal.SIGKILL)

        outcomes = post_reports_at_once(client, paths, during=kill_two_workers)
    acknowledged = {o.path for o in outcomes if o.acknowledged}
    assert acknowledged  # the load went on while workers died
    # Restarted on the same files: every acknowledged write is there.
    with Gunicorn(instance, workers=2) as again:
        client = Client(again.base, "noivu", "noivu2023")
        assert client.get("/plans/1/dashboard") == 200
    assert acknowledged <= stored(instance)
    con = sqlite3.connect(instance / "tracker.sqlite3")
    assert con.execute("pragma integrity_check").fetchone() == ("ok",)


def test_calendar_feeds_are_read_while_reports_are_written(instance):
    app = create_app(_config(instance))
    with app.app_context():
        unit = db.session.scalar(select(Unit).where(Unit.name == "Phòng Nội vụ"))
        _, token = calendar_links.cli_link(unit, None, new=True)
        db.session.commit()
        db.engine.dispose()
    paths = report_paths(targets(instance, 100))
    reads: list[int] = []
    with Gunicorn(instance, workers=4) as server:
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


def test_a_writer_blocked_past_the_busy_timeout_answers_503_and_writes_nothing(instance):
    app = create_app({**_config(instance), "SQLITE_BUSY_TIMEOUT": 0.3})
    client = app.test_client()
    client.post("/login", data={"username": "noivu", "password": "noivu2023"})
    path, before = _one_report_path(app), counts(app)
    blocker = sqlite3.connect(instance / "tracker.sqlite3", isolation_level=None)
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


def test_an_exception_after_a_flush_commits_nothing(instance):
    """A request that has flushed a change and then fails leaves no trace of it."""
    app = create_app({**_config(instance), "TESTING": False})
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
