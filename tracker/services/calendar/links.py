"""Calendar links: secret tokens, who may have which feed, and the throttle on wrong links.

A token is `secrets.token_urlsafe(32)` (256 bits) shown once; only its SHA-256 is kept.
It opens its one feed and nothing else: the feed route creates no session and the
token is no credential anywhere else. Links are personal (see models.calendar).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy import select, update

from tracker.clock import now_utc
from tracker.extensions import db
from tracker.models import CalendarToken, Plan, Unit, User
from tracker.models.calendar import FEED_KINDS, PLAN_FEED, UNIT_FEED, USER_FEED
from tracker.models.users import COORDINATOR, LEADER, OFFICER
from tracker.services import history, tenancy, throttle

TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{43}$")  # token_urlsafe(32)
# Wrong links from one address: 20 within 10 minutes, then 429 until they age out.
WRONG_TOKEN_LIMIT = 20
WRONG_TOKEN_WINDOW = timedelta(minutes=10)
# "Last used" is kept to the hour: a feed read every few minutes writes once an hour.
USE_RESOLUTION = timedelta(hours=1)


class CalendarError(ValueError):
    """The message is for the user."""


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


# ---- who may have what ------------------------------------------------------------------


def may_subscribe(user: User | None, scope: str, scope_id: int) -> bool:
    """Officers: their unit and themselves; leaders: plans and themselves; Phòng Nội vụ:
    every feed. None is the command line, run by whoever operates the server."""
    if user is None:
        return True
    if not user.is_active:
        return False
    if scope == USER_FEED:
        return scope_id == user.id and user.unit_id is not None
    if user.role == COORDINATOR:
        return True
    if scope == UNIT_FEED:
        return user.role == OFFICER and user.unit_id == scope_id
    return scope == PLAN_FEED and user.role == LEADER


def may_manage(user: User, token: CalendarToken) -> bool:
    return user.role == COORDINATOR or token.owner_id == user.id


# ---- tokens -------------------------------------------------------------------------------


def issue_token(
    owner: User | None,
    scope: str,
    scope_id: int,
    plan_id: int | None,
    include_done: bool,
    by: User | None,
) -> tuple[CalendarToken, str]:
    """A new link for `owner`; the owner's previous link to the same feed stops working."""
    if scope not in FEED_KINDS:
        raise CalendarError("Loại lịch không hợp lệ.")
    title = feed_title(scope, scope_id, plan_id)
    if title is None:
        raise CalendarError("Không tìm thấy đơn vị, người dùng hoặc kế hoạch của lịch này.")
    if not may_subscribe(owner, scope, scope_id):
        raise CalendarError("Tài khoản này không được đăng ký lịch này.")
    for old in _live(owner, scope, scope_id, plan_id):
        old.revoked_at = now_utc()
    token = secrets.token_urlsafe(32)
    row = CalendarToken(
        token_hash=hash_token(token),
        scope=scope,
        scope_id=scope_id,
        plan_id=plan_id,
        include_done=include_done,
        owner=owner,
        created_by_id=by.id if by else None,
    )
    db.session.add(row)
    db.session.flush()
    _record(by, row, "create", f"Tạo liên kết lịch: {title}")
    return row, token


def _live(
    owner: User | None, scope: str, scope_id: int, plan_id: int | None
) -> Sequence[CalendarToken]:
    stmt = select(CalendarToken).where(
        CalendarToken.scope == scope,
        CalendarToken.scope_id == scope_id,
        CalendarToken.plan_id.is_(None) if plan_id is None else CalendarToken.plan_id == plan_id,
        CalendarToken.owner_id.is_(None) if owner is None else CalendarToken.owner_id == owner.id,
        CalendarToken.revoked_at.is_(None),
    )
    return db.session.scalars(stmt).all()


def regenerate(row: CalendarToken, by: User | None) -> tuple[CalendarToken, str]:
    if not row.is_live:
        raise CalendarError("Liên kết này đã bị thu hồi; hãy tạo liên kết mới.")
    return issue_token(row.owner, row.scope, row.scope_id, row.plan_id, row.include_done, by)


def revoke(row: CalendarToken, by: User | None) -> None:
    if not row.is_live:
        raise CalendarError("Liên kết này đã bị thu hồi trước đó.")
    row.revoked_at = now_utc()
    _record(by, row, "delete", f"Thu hồi liên kết lịch: {feed_title_of(row)}")
    db.session.flush()


def set_include_done(row: CalendarToken, include_done: bool, by: User | None) -> bool:
    if not row.is_live:
        raise CalendarError("Liên kết này đã bị thu hồi.")
    if row.include_done == include_done:
        return False
    row.include_done = include_done
    row.updated_at = now_utc()
    _record(by, row, "update", "Hiện việc đã xong" if include_done else "Ẩn việc đã xong")
    db.session.flush()
    return True


def _record(by: User | None, row: CalendarToken, action: str, note: str) -> None:
    """Kept in the history with who did it; never the token, only which feed and whose."""
    owner = row.owner.username if row.owner else "(dòng lệnh)"
    history.record(
        by,
        entity="calendar",
        action=action,
        entity_id=row.id,
        plan_id=None,
        after={"Lịch": feed_title_of(row), "Người dùng": owner},
        note=note,
    )


def find_live_token(token: str) -> CalendarToken | None:
    """The live token whose owner may still have its feed (an officer moved to another
    unit or a disabled account loses it), or None."""
    if not TOKEN_PATTERN.match(token):
        return None
    stmt = select(CalendarToken).where(
        CalendarToken.token_hash == hash_token(token), CalendarToken.revoked_at.is_(None)
    )
    row = db.session.scalar(stmt)
    if row is None or (
        row.owner_id is not None and not may_subscribe(row.owner, row.scope, row.scope_id)
    ):
        return None
    return row


def is_throttled(address: str) -> bool:
    failures = throttle.recent_failures(throttle.FEED, WRONG_TOKEN_WINDOW, address=address)
    return failures >= WRONG_TOKEN_LIMIT


def record_wrong_token(address: str) -> None:
    throttle.record_failure(throttle.FEED, WRONG_TOKEN_WINDOW, address)


def needs_use_stamp(row: CalendarToken) -> bool:
    return row.last_used_at is None or now_utc() - row.last_used_at >= USE_RESOLUTION


def stamp_use(token_id: int) -> None:
    db.session.execute(
        update(CalendarToken).where(CalendarToken.id == token_id).values(last_used_at=now_utc())
    )


def live_tokens(owner: User | None = None, reader: User | None = None) -> list[CalendarToken]:
    """Live links, newest first: one person's, or everyone's when `owner` is None (only
    the accounts' of the localities a `reader` may read: services.tenancy)."""
    stmt = select(CalendarToken).where(CalendarToken.revoked_at.is_(None))
    if owner is not None:
        stmt = stmt.where(CalendarToken.owner_id == owner.id)
    people = tenancy.people_of(reader) if reader is not None else None
    if people is not None:
        stmt = stmt.where(CalendarToken.owner_id.in_(people))
    return list(db.session.scalars(stmt.order_by(CalendarToken.id.desc())))


def cli_link(unit: Unit, plan: Plan | None, new: bool) -> tuple[CalendarToken, str | None]:
    """The command line's link for a unit: made when missing, remade with `new`; an
    existing one cannot be shown again (token None)."""
    plan_id = plan.id if plan else None
    existing = _live(None, UNIT_FEED, unit.id, plan_id)
    if existing and not new:
        return existing[0], None
    return issue_token(None, UNIT_FEED, unit.id, plan_id, True, None)


# ---- names ------------------------------------------------------------------------


def feed_title_of(row: CalendarToken) -> str | None:
    return feed_title(row.scope, row.scope_id, row.plan_id)


def feed_title(scope: str, scope_id: int, plan_id: int | None) -> str | None:
    """What people call the feed, or None when what it is about no longer exists."""
    plan = db.session.get(Plan, plan_id) if plan_id else None
    if plan_id and plan is None:
        return None
    suffix = f" ({plan.number or plan.year})" if plan else ""
    if scope == PLAN_FEED:
        found = db.session.get(Plan, scope_id)
        return found.reference if found else None
    if scope == UNIT_FEED:
        unit = db.session.get(Unit, scope_id)
        return unit.name + suffix if unit else None
    user = db.session.get(User, scope_id)
    if user is None or not user.is_active:
        return None
    return f"Việc của tôi – {user.unit.name if user.unit else user.username}{suffix}"
