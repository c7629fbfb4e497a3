"""Counting failures per address (and name) in the database, so every web worker sees
the same count: wrong passwords at sign-in, wrong calendar links."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import ColumnElement, delete, func, or_, select

from tracker.clock import now_utc
from tracker.extensions import db
from tracker.models import LoginAttempt

LOGIN, FEED = "login", "feed"


def recent_failures(kind: str, window: timedelta, address: str, username: str = "") -> int:
    """Failures of `kind` within `window` from `address` — or, when given, for `username`."""
    who: ColumnElement[bool] = LoginAttempt.address == address
    if username:
        who = or_(who, LoginAttempt.username == username)
    stmt = (
        select(func.count())
        .select_from(LoginAttempt)
        .where(LoginAttempt.kind == kind, LoginAttempt.at >= now_utc() - window, who)
    )
    return db.session.scalar(stmt) or 0


def record_failure(kind: str, window: timedelta, address: str, username: str = "") -> None:
    """Note one failure and forget those of `kind` too old to count any more."""
    db.session.add(LoginAttempt(kind=kind, username=username[:80], address=address[:64]))
    db.session.execute(
        delete(LoginAttempt).where(
            LoginAttempt.kind == kind, LoginAttempt.at < now_utc() - 2 * window
        )
    )


def clear_failures(kind: str, username: str) -> None:
    db.session.execute(
        delete(LoginAttempt).where(LoginAttempt.kind == kind, LoginAttempt.username == username)
    )
