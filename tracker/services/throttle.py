"""Counting failures per address (and name) in the database, so every web worker sees
the same count: wrong passwords at sign-in, wrong calendar links."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import ColumnElement, delete, func, select

from tracker.clock import now_utc
from tracker.extensions import db
from tracker.models import LoginAttempt

LOGIN, FEED = "login", "feed"


def recent_failures(
    kind: str,
    window: timedelta,
    *,
    address: str | None = None,
    username: str | None = None,
    device: str | None = None,
) -> int:
    """Failures of `kind` within `window` matching every filter given."""
    found: list[ColumnElement[bool]] = [
        LoginAttempt.kind == kind,
        LoginAttempt.at >= now_utc() - window,
    ]
    if address is not None:
        found.append(LoginAttempt.address == address[:64])
    if username is not None:
        found.append(LoginAttempt.username == username[:80])
    if device is not None:
        found.append(LoginAttempt.device == device[:32])
    stmt = select(func.count()).select_from(LoginAttempt).where(*found)
    return db.session.scalar(stmt) or 0


def record_failure(
    kind: str, window: timedelta, address: str, username: str = "", device: str = ""
) -> None:
    """Note one failure and forget those of `kind` too old to count any more."""
    db.session.add(
        LoginAttempt(kind=kind, username=username[:80], address=address[:64], device=device[:32])
    )
    db.session.execute(
        delete(LoginAttempt).where(
            LoginAttempt.kind == kind, LoginAttempt.at < now_utc() - 2 * window
        )
    )


def clear_failures(kind: str, username: str, address: str | None = None) -> None:
    """Forget the name's failures — only those from `address` when given."""
    found = [LoginAttempt.kind == kind, LoginAttempt.username == username[:80]]
    if address is not None:
        found.append(LoginAttempt.address == address[:64])
    db.session.execute(delete(LoginAttempt).where(*found))
