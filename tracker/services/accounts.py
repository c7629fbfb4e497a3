"""Accounts: created by Phòng Nội vụ, attached to units; passwords; sign-in throttling."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from tracker.extensions import db
from tracker.models import Unit, User
from tracker.models.users import COORDINATOR, LEADER, OFFICER, ROLE_LABELS
from tracker.services import history, throttle

MIN_PASSWORD = 8
# Five failures for one name or from one address within 15 minutes lock that door.
MAX_FAILURES = 5
WINDOW = timedelta(minutes=15)
_USERNAME = re.compile(r"^[a-z0-9._-]{3,40}$")


class AccountError(ValueError):
    """The message is for the user."""


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"Mật khẩu cần ít nhất {MIN_PASSWORD} ký tự.")


def create_user(
    *, username: str, full_name: str, role: str, unit: Unit | None, password: str, by: User | None
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
    _check_password(password)
    user = User(username=username, full_name=full_name.strip(), role=role, unit=unit)
    user.set_password(password)
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


def reset_password(user: User, password: str, by: User) -> None:
    if by.role != COORDINATOR:
        raise AccountError("Chỉ Phòng Nội vụ được đặt lại mật khẩu.")
    _check_password(password)
    user.set_password(password)
    history.record(
        by,
        entity="user",
        action="update",
        entity_id=user.id,
        plan_id=None,
        after={"Tài khoản": user.username},
        note="Đặt lại mật khẩu",
    )


def change_password(user: User, current: str, new: str) -> None:
    if not user.check_password(current):
        raise AccountError("Mật khẩu hiện tại không đúng.")
    _check_password(new)
    user.set_password(new)


def is_throttled(username: str, address: str) -> bool:
    return throttle.recent_failures(throttle.LOGIN, WINDOW, address, username) >= MAX_FAILURES


def record_failure(username: str, address: str) -> None:
    throttle.record_failure(throttle.LOGIN, WINDOW, address, username)


def clear_failures(username: str) -> None:
    throttle.clear_failures(throttle.LOGIN, username)


def users() -> list[User]:
    """By role, then name in code-point order: sorted here, since ORDER BY on text follows
    the database's collation and PostgreSQL's differs from server to server."""
    return sorted(db.session.scalars(select(User)), key=lambda u: (u.role, u.username))


ROLES = (COORDINATOR, OFFICER, LEADER)
