"""Accounts: created by Phòng Nội vụ, attached to units; passwords; sign-in throttling.

Password hashing (scrypt) is slow on purpose: callers hash with `hash_password` and
check with `password_matches` before their write transaction begins, and hand the hash
to the function that writes, so the database's write lock is never held while it runs.

Throttling (issue 13) cannot be turned against a user: failures are counted per name,
address and browser; five lock that triple for 15 minutes. Looser caps per name (20)
and per address (50, a district office shares one) apply only to a browser and an
address the account never signed in from — so a stranger cannot lock the real user out,
and a colleague's mistakes do not lock the office. Phòng Nội vụ can unlock an account.
"""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from tracker.clock import now_utc
from tracker.extensions import db
from tracker.models import AuditEvent, LoginAttempt, Unit, User
from tracker.models.users import COORDINATOR, LEADER, OFFICER, ROLE_LABELS
from tracker.services import history, sessions, throttle

MIN_PASSWORD = 8
WINDOW = timedelta(minutes=15)
PAIR_FAILURES = 5  # one name, one address, one browser
NAME_FAILURES = 20  # one name from browsers and addresses it never signed in from
ADDRESS_FAILURES = 50  # one address, every name, from such browsers
KNOWN_ADDRESS_DAYS = 90
# Checked when no account has the name typed, so an unknown name takes as long to refuse
# as a wrong password (the time would tell which names exist).
_UNKNOWN = generate_password_hash("no account has this name", method="scrypt")
_USERNAME = re.compile(r"^[a-z0-9._-]{3,40}$")


class AccountError(ValueError):
    """The message is for the user."""


def hash_password(password: str) -> str:
    """The stored form of a new password (slow: before the write transaction)."""
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"Mật khẩu cần ít nhất {MIN_PASSWORD} ký tự.")
    return generate_password_hash(password, method="scrypt")


def password_matches(password_hash: str | None, password: str) -> bool:
    """Slow: outside the write transaction. An account that does not exist (None) takes
    as long as one that does."""
    if password_hash is None:
        check_password_hash(_UNKNOWN, password)
        return False
    return check_password_hash(password_hash, password)


def create_user(
    *,
    username: str,
    full_name: str,
    role: str,
    unit: Unit | None,
    password: str = "",
    password_hash: str | None = None,
    by: User | None,
) -> User:
    username = username.strip().lower()
    if not _USERNAME.match(username):
        raise AccountError(
            "Tên đăng nhập 3–40 ký tự, chỉ gồm chữ thường không dấu, số, dấu chấm, gạch."
        )
    if db.session.scalar(select(User).where(User.username == username)):
        raise AccountError(f"Tên đăng nhập «{username}» đã có.")
    if role not in ROLE_LABELS:
        raise AccountError("Vai trò không hợp lệ.")
    if role == OFFICER and unit is None:
        raise AccountError("Cán bộ đầu mối phải thuộc một đơn vị.")
    if not full_name.strip():
        raise AccountError("Nhập họ tên.")
    user = User(username=username, full_name=full_name.strip(), role=role, unit=unit)
    user.password_hash = password_hash or hash_password(password)
    user.must_change_password = True  # Phòng Nội vụ knows it: the person chooses their own
    db.session.add(user)
    db.session.flush()
    history.record(
        by,
        entity="user",
        action="create",
        entity_id=user.id,
        plan_id=None,
        after={
            "Tài khoản": username,
            "Vai trò": ROLE_LABELS[role],
            "Đơn vị": unit.name if unit else "",
        },
    )
    return user


def reset_password(user: User, password_hash: str, by: User) -> None:
    """A new password from Phòng Nội vụ; every session of the account ends, and the
    next sign-in asks for a password of the person's own."""
    if by.role != COORDINATOR:
        raise AccountError("Chỉ Phòng Nội vụ được đặt lại mật khẩu.")
    user.password_hash = password_hash
    user.must_change_password = True
    sessions.end_all(user)
    _record_change(by, user, "Đặt lại mật khẩu")


def change_password(user: User, password_hash: str) -> None:
    """The account's own new password (the current one checked by the caller, before);
    every other session of the account ends — the caller begins its own anew."""
    user.password_hash = password_hash
    user.must_change_password = False
    sessions.end_all(user)


def set_active(user: User, active: bool, by: User) -> bool:
    """Deactivate (every session ends, sign-in refused) or reactivate an account."""
    if by.role != COORDINATOR:
        raise AccountError("Chỉ Phòng Nội vụ được khóa, mở tài khoản.")
    if user.id == by.id and not active:
        raise AccountError("Không tự khóa tài khoản của chính mình.")
    if user.is_active == active:
        return False
    user.is_active = active
    sessions.end_all(user)
    state = {True: "Đang dùng", False: "Đã khóa"}
    _record_change(
        by,
        user,
        "Mở lại tài khoản" if active else "Khóa tài khoản",
        before={"Trạng thái": state[not active]},
        after={"Trạng thái": state[active]},
    )
    return True


def unlock(user: User, by: User) -> None:
    """Forget the account's failed sign-ins, from everywhere."""
    if by.role != COORDINATOR:
        raise AccountError("Chỉ Phòng Nội vụ được mở khóa đăng nhập.")
    throttle.clear_failures(throttle.LOGIN, user.username)
    _record_change(by, user, "Mở khóa đăng nhập (xóa các lần nhập sai)")


def names_with_failures() -> set[str]:
    """Names with failed sign-ins still counted: Phòng Nội vụ may unlock them."""
    since = now_utc() - WINDOW
    stmt = select(LoginAttempt.username).where(
        LoginAttempt.kind == throttle.LOGIN, LoginAttempt.at >= since
    )
    return set(db.session.scalars(stmt))


def signed_in_from(username: str, address: str) -> bool:
    """Whether the account signed in from this address in the last KNOWN_ADDRESS_DAYS."""
    since = now_utc() - timedelta(days=KNOWN_ADDRESS_DAYS)
    stmt = (
        select(AuditEvent.id)
        .where(
            AuditEvent.username == username,
            AuditEvent.action == "auth.sign_in",
            AuditEvent.address == address,
            AuditEvent.at >= since,
        )
        .limit(1)
    )
    return db.session.scalar(stmt) is not None


def is_throttled(username: str, address: str, device: str, known: bool) -> bool:
    """Locked for this name, address and browser; `known`: the account signed in before
    from this browser or this address, so the looser caps do not apply."""
    count = throttle.recent_failures
    if count(throttle.LOGIN, WINDOW, address=address, username=username, device=device) >= (
        PAIR_FAILURES
    ):
        return True
    if known:
        return False
    return (
        count(throttle.LOGIN, WINDOW, username=username) >= NAME_FAILURES
        or count(throttle.LOGIN, WINDOW, address=address) >= ADDRESS_FAILURES
    )


def record_failure(username: str, address: str, device: str) -> None:
    throttle.record_failure(throttle.LOGIN, WINDOW, address, username, device)


def clear_failures(username: str, address: str) -> None:
    """After a sign-in: the failures from this address are forgiven, not a stranger's
    elsewhere (those still count against browsers the account never used)."""
    throttle.clear_failures(throttle.LOGIN, username, address)


def users() -> list[User]:
    """By role, then name in code-point order: sorted here, since ORDER BY on text follows
    the database's collation and PostgreSQL's differs from server to server."""
    return sorted(db.session.scalars(select(User)), key=lambda u: (u.role, u.username))


ROLES = (COORDINATOR, OFFICER, LEADER)


def _record_change(
    by: User,
    user: User,
    note: str,
    before: dict[str, str] | None = None,
    after: dict[str, str] | None = None,
) -> None:
    """An account changed by Phòng Nội vụ, in the history (never a password)."""
    history.record(
        by,
        entity="user",
        action="update",
        entity_id=user.id,
        plan_id=None,
        before=before,
        after={"Tài khoản": user.username, **(after or {})},
        note=note,
    )
