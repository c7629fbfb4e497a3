"""The write gate (tracker.database.WriteGate, issue 17): writers on one SQLite file queue
at an flock next to it before BEGIN IMMEDIATE, and give it back however their transaction
ends — commit, rollback, a BEGIN that failed, the connection closed. A writer that cannot
have it within the busy timeout answers 503 and writes nothing; threads of one process
queue as processes do, and none of their reports is lost."""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import exc, func, select

from tests.conftest import _make_app, sqlite_only
from tracker import database
from tracker.extensions import db
from tracker.models import Assignment, Change, ProgressReport, ReportEvent, Unit
from tracker.models.reporting import ReportingPeriod

pytestmark = sqlite_only("the write gate stands in front of SQLite's write lock")

REPORT = {"status": "in_progress", "result": "Đang thực hiện", "action": "submit"}


@pytest.fixture
def impatient_app(fresh_database, seeded_db):
    """The seeded app whose writers give up after 0.3 s."""
    yield from _make_app(fresh_database, seeded_db, SQLITE_BUSY_TIMEOUT=0.3)


def gate_path(app) -> Path:
    return Path(app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///") + "-write-lock")


def gate_is_free(app) -> bool:
    """Whether another open file can take the gate now (it gives it back at once)."""
    fd = os.open(gate_path(app), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(fd)  # closing gives the lock back
    return True


@contextmanager
def writer_holding_the_gate(app) -> Iterator[None]:
    """Another writer of this process: a connection in a write transaction (outside a
    request every transaction begins IMMEDIATE), rolled back at the end."""
    with app.app_context():
        connection = db.engine.connect()
        connection.begin()
        try:
            yield
        finally:
            connection.rollback()
            connection.close()


def report_paths(app, count: int) -> list[str]:
    with app.app_context():
        assignments = db.session.scalars(
            select(Assignment.id)
            .join(Unit, Assignment.unit_id == Unit.id)
            .where(Unit.kind.not_in(("vague", "group")))
            .order_by(Assignment.id)
            .limit(count)
        ).all()
        period_id = db.session.scalar(select(ReportingPeriod.id).order_by(ReportingPeriod.id))
    assert len(assignments) == count
    return [f"/assignments/{a}/periods/{period_id}/report" for a in assignments]


def counts(app) -> tuple[int, int, int]:
    """(reports, their events, history rows)."""
    with app.app_context():
        return tuple(  # type: ignore[return-value]
            db.session.scalar(select(func.count()).select_from(model))
            for model in (ProgressReport, ReportEvent, Change)
        )


def signed_in(app):
    client = app.test_client()
    assert (
        client.post("/login", data={"username": "noivu", "password": "noivu2023"}).status_code
        == 302
    )
    return client


def test_a_writer_holds_the_gate_until_its_transaction_ends(impatient_app):
    app = impatient_app
    assert gate_is_free(app)
    with writer_holding_the_gate(app):
        assert not gate_is_free(app)
    assert gate_is_free(app)  # given back at the rollback
    with app.app_context():
        with db.engine.begin() as connection:
            connection.exec_driver_sql("UPDATE locality SET name = name")
            assert not gate_is_free(app)
        assert gate_is_free(app)  # and at the commit
        connection = db.engine.connect()
        connection.begin()
        connection.connection.dbapi_connection.close()  # as the pool closes a bad one
        assert gate_is_free(app)
        connection.invalidate()
        connection.close()


def test_a_writer_waiting_past_the_busy_timeout_answers_503_and_writes_nothing(impatient_app):
    app = impatient_app
    client = signed_in(app)
    path, before = report_paths(app, 1)[0], counts(app)
    with writer_holding_the_gate(app):
        refused = client.post(path, data=REPORT)
    assert refused.status_code == 503
    assert refused.headers["Retry-After"] == "5"
    assert "chưa ghi gì" in refused.get_data(as_text=True)
    assert counts(app) == before
    assert gate_is_free(app)
    # The same post once the other writer is done: stored, with its event and history.
    assert client.post(path, data=REPORT).status_code == 302
    assert counts(app) == (before[0] + 1, before[1] + 1, before[2] + 1)


def test_a_begin_that_fails_gives_the_gate_back(impatient_app):
    """Another program (not behind the gate) holds SQLite's lock: the writer took the gate,
    met the busy timeout in BEGIN IMMEDIATE, and leaves the gate free."""
    app = impatient_app
    database_file = app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")
    blocker = sqlite3.connect(database_file, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        with (
            app.app_context(),
            pytest.raises(exc.OperationalError) as raised,
            db.engine.begin() as connection,
        ):
            connection.exec_driver_sql("UPDATE locality SET name = name")
        assert database.is_busy(raised.value.orig)
        assert gate_is_free(app)
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()


def test_without_a_gate_file_the_writes_go_on(app):
    """A gate that cannot be opened (here a folder stands at its path) stops nothing:
    SQLite's lock alone orders the writers."""
    gate_path(app).mkdir()
    client = signed_in(app)
    before = counts(app)
    assert client.post(report_paths(app, 1)[0], data=REPORT).status_code == 302
    assert counts(app) == (before[0] + 1, before[1] + 1, before[2] + 1)


def test_threads_of_one_process_queue_at_the_gate_and_lose_nothing(app):
    """Four browsers in four threads of one process, twelve reports each, one after
    another: every post is answered 302, and each report is stored once, submitted, with
    one event and one history row."""
    paths = report_paths(app, 48)
    before = counts(app)
    clients = [signed_in(app) for _ in range(4)]
    statuses: list[int] = []
    lock = threading.Lock()

    def write(client, mine: list[str]) -> None:
        for path in mine:
            status = client.post(path, data=REPORT).status_code
            with lock:
                statuses.append(status)

    threads = [
        threading.Thread(target=write, args=(client, paths[i::4]))
        for i, client in enumerate(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert statuses == [302] * 48
    assert counts(app) == (before[0] + 48, before[1] + 48, before[2] + 48)
    with app.app_context():
        submitted = db.session.execute(
            select(ProgressReport.assignment_id, ProgressReport.period_id).where(
                ProgressReport.state == "submitted"
            )
        ).all()
    assert {f"/assignments/{a}/periods/{p}/report" for a, p in submitted} >= set(paths)
    assert gate_is_free(app)
