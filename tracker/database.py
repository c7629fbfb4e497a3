"""Engine set-up: SQLite pragmas and write transactions that take the lock up front.

A deferred SQLite transaction that reads and then writes can fail with "database is
locked" although it waited (quality.md: Kanboard's 36–52 spurious errors in 200 writes).
So every transaction that may write starts with BEGIN IMMEDIATE: in a web request that
is any method but GET/HEAD/OPTIONS; outside requests (CLI, scheduler) it is always —
except inside `read_only()`, where an export reads one snapshot without holding the
write lock (a deferred BEGIN in WAL mode sees the database as of its first read).
`writing()` is the opposite, for the few writes a GET request makes (an audit row, a
calendar feed noting its last use or a wrong token): upgrading a deferred read to a write
fails at once ("database is locked") when another writer committed since it began, busy
timeout or not, so those writes end the read transaction and begin a writing one.

A view that does slow work before it writes — hashing a password, reading an upload —
is marked `@reads_first`: its request begins with a read transaction (no lock held while
scrypt or a parser runs), and it makes its writes inside `writing()`, which takes the
write lock only for them.

Writers on one SQLite file queue at a write gate (`WriteGate`, an flock on a file next to
the database) before BEGIN IMMEDIATE. SQLite's own busy handler sleeps 1, 2, 5, 10 … 100 ms
between tries, so a writer that finds the lock taken often sleeps long after it was
freed: with four workers writing, that made the slow tail of report submissions. The
gate hands over within a millisecond. It only orders our own writers; SQLite's lock
still decides (a writer that holds the gate still meets the busy timeout if another
program writes), so nothing depends on the gate for correctness.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from flask import current_app, has_request_context, request
from sqlalchemy import event, exc
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, scoped_session

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_READ_ONLY: ContextVar[bool] = ContextVar("read_only", default=False)
_WRITING: ContextVar[bool] = ContextVar("writing", default=False)


@contextmanager
def read_only() -> Iterator[None]:
    """Transactions begun inside only read: BEGIN, never BEGIN IMMEDIATE."""
    token = _READ_ONLY.set(True)
    try:
        yield
    finally:
        _READ_ONLY.reset(token)


@contextmanager
def writing(session: Session | scoped_session[Session]) -> Iterator[None]:
    """A write apart from the request's work: the session's transaction is rolled back,
    the block runs in one that takes the write lock up front (whatever the method), and
    it is committed when the block ends."""
    session.rollback()
    token = _WRITING.set(True)
    try:
        yield
        session.commit()
    finally:
        _WRITING.reset(token)


def reads_first(view: Any) -> Any:
    """Mark a view whose request begins reading (see the module's docstring); put it
    right under the route decorator, on the function the route registers."""
    view.reads_first = True
    return view


def _wants_write() -> bool:
    if _WRITING.get():
        return True
    if _READ_ONLY.get():
        return False
    if not has_request_context():
        return True
    if request.method in READ_METHODS:
        return False
    view = current_app.view_functions.get(request.endpoint or "")
    return not getattr(view, "reads_first", False)


# PostgreSQL errors that mean "another writer is in the way": lock_timeout passed,
# deadlock, serialization failure. Answered like SQLite's "database is locked".
BUSY_SQLSTATES = frozenset({"55P03", "40P01", "40001"})


def engine_options(url: str, busy_timeout_s: float) -> dict[str, Any]:
    """Engine options for the database kind. SQL errors never carry their parameters
    (a password hash or a token hash would reach the error log). On PostgreSQL a blocked
    writer gives up after the same timeout as on SQLite (lock_timeout), and pooled
    connections are checked before use, so a restarted server costs no failed request."""
    options: dict[str, Any] = {"hide_parameters": True}
    if url.startswith("sqlite"):
        options["connect_args"] = {"factory": GatedConnection}
    if url.startswith("postgresql"):
        timeout_ms = int(busy_timeout_s * 1000)
        options["pool_pre_ping"] = True
        options["connect_args"] = {"options": f"-c lock_timeout={timeout_ms}"}
    return options


def is_busy(error: BaseException) -> bool:
    """Whether a database error means the database was busy (nothing was written)."""
    if getattr(error, "sqlstate", None) in BUSY_SQLSTATES:
        return True
    text = str(error).lower()
    return "locked" in text or "busy" in text


class WriteGate:
    """An exclusive flock on `<database>-write-lock`, taken before BEGIN IMMEDIATE and
    given back at COMMIT or ROLLBACK. Every connection opens its own, so threads of one
    process queue as processes do. flock cannot wait with a timeout, so a waiter tries
    again after 0.1 ms, doubling up to 1 ms: the gate changes hands within a millisecond,
    and a writer gives up after `timeout_s` as SQLite's busy timeout would."""

    def __init__(self, database: str) -> None:
        self.path = f"{database}-write-lock"
        self._fd: int | None = None
        self.held = False

    def take(self, timeout_s: float) -> bool:
        """Whether the writer may go on within `timeout_s` seconds: the gate is its, or
        there is no gate to take (its file cannot be opened; SQLite's lock alone orders
        the writers then)."""
        if self.held:
            return True
        if self._fd is None:
            try:
                # flock needs no write access: any account that reads the database (the
                # web server's, an operator's) shares the file, whoever made it.
                self._fd = os.open(self.path, os.O_RDONLY | os.O_CREAT, 0o644)
            except OSError:
                return True
        deadline, pause = time.monotonic() + timeout_s, 0.0001
        while True:
            try:
                fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    return False
                time.sleep(pause)
                pause = min(pause * 2, 0.001)
            else:
                self.held = True
                return True

    def give_back(self) -> None:
        if self.held and self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
        self.held = False

    def close(self) -> None:
        self.give_back()
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


class GatedConnection(sqlite3.Connection):
    """sqlite3's connection that gives its write gate back once SQLite has ended the
    transaction (commit, rollback or close, whoever calls them)."""

    write_gate: WriteGate | None = None

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            if self.write_gate is not None:
                self.write_gate.give_back()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            if self.write_gate is not None:
                self.write_gate.give_back()

    def close(self) -> None:
        try:
            super().close()
        finally:
            if self.write_gate is not None:
                self.write_gate.close()


def configure_engine(engine: Engine, busy_timeout_s: float) -> None:
    if engine.dialect.name != "sqlite":
        return
    on_file = engine.url.database not in (None, "", ":memory:")

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_conn.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_s * 1000)}")
        cursor.execute("PRAGMA foreign_keys = ON")
        if on_file:
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
            if isinstance(dbapi_conn, GatedConnection):
                dbapi_conn.write_gate = WriteGate(str(engine.url.database))
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn) -> None:
        if not _wants_write():
            conn.exec_driver_sql("BEGIN")
            return
        gate = getattr(conn.connection.dbapi_connection, "write_gate", None)
        if gate is not None and not gate.take(busy_timeout_s):
            # As SQLite says it when its busy timeout passes: answered 503, nothing written.
            locked = sqlite3.OperationalError("database is locked")
            raise exc.OperationalError("BEGIN IMMEDIATE", None, locked)
        try:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            if gate is not None:
                gate.give_back()
            raise
