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
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from flask import current_app, has_request_context, request
from sqlalchemy import event
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


def configure_engine(engine: Engine, busy_timeout_s: float) -> None:
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_conn.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_s * 1000)}")
        cursor.execute("PRAGMA foreign_keys = ON")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if _wants_write() else "BEGIN")
