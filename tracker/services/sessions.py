"""Sessions that end when they should (issue 13). Flask keeps a session in a signed
cookie, which would stay valid for as long as it lives wherever it was copied; so each
carries what the server checks on every request:

- `v`, the account's session version: a password change, a reset by Phòng Nội vụ or a
  deactivation raises it, ending every session signed in before;
- `sid`, a random id: signing out records it as revoked, ending that session only;
- `started` and `seen` (seconds): a session ends after SESSION_IDLE_MINUTES without a
  request, and SESSION_MAX_HOURS after signing in, whatever happens.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import MutableMapping
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import delete, select

from tracker.clock import now_utc
from tracker.extensions import db
from tracker.models import RevokedSession, User

Cookie = MutableMapping[str, Any]
TOUCH_EVERY = 60  # seconds: `seen` is rewritten at most this often


def _limits() -> tuple[int, int]:
    config = current_app.config
    return config["SESSION_IDLE_MINUTES"] * 60, config["SESSION_MAX_HOURS"] * 3600


def begin(cookie: Cookie, user: User) -> None:
    """A new session for `user` (after signing in, or to go on after a password change)."""
    now = int(now_utc().timestamp())
    cookie.clear()
    cookie.update(user_id=user.id, v=user.session_version, sid=secrets.token_urlsafe(16))
    cookie.update(started=now, seen=now)


def _hash(sid: str) -> str:
    return hashlib.sha256(sid.encode()).hexdigest()


def valid(cookie: Cookie, user: User) -> bool:
    """Whether the session still stands; it is kept alive when it does."""
    now = int(now_utc().timestamp())
    idle, lifetime = _limits()
    started, seen, sid = cookie.get("started"), cookie.get("seen"), cookie.get("sid")
    if not (isinstance(started, int) and isinstance(seen, int) and isinstance(sid, str)):
        return False  # a cookie from before sessions carried these: sign in again
    if (
        not user.is_active
        or cookie.get("v") != user.session_version
        or now - seen > idle
        or now - started > lifetime
    ):
        return False
    revoked = select(RevokedSession.id).where(RevokedSession.sid_hash == _hash(sid))
    if db.session.scalar(revoked) is not None:
        return False
    if now - seen >= TOUCH_EVERY:
        cookie["seen"] = now
    return True


def end(cookie: Cookie) -> None:
    """Sign out: this session's id is refused from now on, a copy of its cookie too."""
    sid, started = cookie.get("sid"), cookie.get("started")
    if isinstance(sid, str) and isinstance(started, int):
        _, lifetime = _limits()
        expires = datetime.fromtimestamp(started, UTC) + timedelta(seconds=lifetime)
        db.session.execute(delete(RevokedSession).where(RevokedSession.expires_at < now_utc()))
        known = select(RevokedSession.id).where(RevokedSession.sid_hash == _hash(sid))
        if db.session.scalar(known) is None:
            db.session.add(RevokedSession(sid_hash=_hash(sid), expires_at=expires))
    cookie.clear()


def end_all(user: User) -> None:
    """End every session of the account (the caller may begin one anew for itself)."""
    user.session_version += 1
