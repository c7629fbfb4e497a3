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

import secrets
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from tracker.clock import now_utc
from tracker.domain.accounts import MAX_NAME, USERNAME, USERNAME_RULE, phone_number
from tracker.domain.text import email_address, one_line, sort_key
from tracker.domain.units import UnitKind
from tracker.extensions import db
from tracker.models import AuditEvent, Locality, LoginAttempt, SignInLink, Unit, User
from tracker.models.users import COORDINATOR, LEADER, OFFICER, ROLE_LABELS, role_label
from tracker.services import history, sessions, throttle, wording

MIN_PASSWORD = 8
WINDOW = timedelta(minutes=15)
PAIR_FAILURES = 5  # one name, one address, one browser
NAME_FAILURES = 20  # one name from browsers and addresses it never signed in from
ADDRESS_FAILURES = 50  # one address, every name, from such browsers
KNOWN_ADDRESS_DAYS = 90
# Checked when no account has the name typed, so an unknown name takes as long to refuse
# as a wrong password (the time would tell which names exist).
_UNKNOWN = generate_password_hash("no account has this name", method="scrypt")
# Initial passwords: no 0/o, 1/l/i to misread when copied by hand; 12 letters ≈ 60 bits.
_PASSWORD_LETTERS = "abcdefghjkmnpqrstuvwxyz23456789"


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


def new_password() -> str:
    """A generated initial password, shown once to Phòng Nội vụ: "k7mp-x4qr-9tzb"."""
    letters = [secrets.choice(_PASSWORD_LETTERS) for _ in range(12)]
    return "-".join("".join(letters[i : i + 4]) for i in range(0, 12, 4))


def checked_email(text: str) -> str:
    """ "" or one valid address (domain.text.email_address); AccountError otherwise."""
    return _checked(email_address, text) if text.strip() else ""


def checked_phone(text: str) -> str:
    """ "" or a Vietnamese number, normalised (domain.accounts.phone_number)."""
    return _checked(phone_number, text) if one_line(text) else ""


def _checked(parse: Callable[[str], str], text: str) -> str:
    """`parse(text)`, its ValueError (a message for people) raised as an AccountError."""
    try:
        return parse(text)
    except ValueError as exc:
        raise AccountError(str(exc)) from None


def username_taken(username: str) -> bool:
    return db.session.scalar(select(User.id).where(User.username == username)) is not None


def checked_username(text: str) -> str:
    username = text.strip().lower()
    if not USERNAME.match(username):
        raise AccountError(USERNAME_RULE)
    if username_taken(username):
        raise AccountError(f"Tên đăng nhập «{username}» đã có.")
    return username


def checked_name(text: str) -> str:
    full_name = one_line(text)
    if not full_name:
        raise AccountError("Nhập họ tên.")
    if len(full_name) > MAX_NAME:
        raise AccountError(f"Họ tên dài quá {MAX_NAME} ký tự.")
    return full_name


def find_unit(unit_id: int | None) -> Unit | None:
    """The unit chosen in a form (0 or None: no unit)."""
    if not unit_id:
        return None
    unit = db.session.get(Unit, unit_id)
    if unit is None:
        raise AccountError("Đơn vị đã chọn không có trong danh mục.")
    return unit


def check_attachment(role: str, unit: Unit | None, by: User | None) -> None:
    """A valid role, and a unit `by` may attach accounts to (None: the command line)."""
    if role not in ROLE_LABELS:
        raise AccountError("Vai trò không hợp lệ.")
    if role == OFFICER and unit is None:
        raise AccountError("Cán bộ đầu mối phải thuộc một đơn vị.")
    if unit is not None and unit.kind in (UnitKind.GROUP, UnitKind.VAGUE):
        raise AccountError(f"«{unit.name}» là nhóm đơn vị; chọn một đơn vị cụ thể.")
    if by is not None and not may_attach(by, unit):
        if unit is None:
            raise AccountError(
                "Tài khoản không thuộc đơn vị nào dùng chung cho mọi địa phương; "
                "chọn một đơn vị của địa phương mình."
            )
        raise AccountError(f"«{unit.name}» thuộc địa phương khác; chọn đơn vị của địa phương mình.")


def create_user(
    *,
    username: str,
    full_name: str,
    role: str,
    unit: Unit | None,
    password: str = "",
    password_hash: str | None = None,
    email: str = "",
    phone: str = "",
    by: User | None,
) -> User:
    username = checked_username(username)
    check_attachment(role, unit, by)
    user = User(
        username=username,
        full_name=checked_name(full_name),
        role=role,
        unit=unit,
        email=checked_email(email),
        phone=checked_phone(phone),
    )
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
        after={"Tài khoản": username, **_shown(user)},
    )
    return user


def _shown(user: User) -> dict[str, str]:
    """What the history shows of an account (never a password)."""
    return {
        "Họ tên": user.full_name,
        "Vai trò": role_label(user.role, wording.office(user=user)),
        "Đơn vị": user.unit.name if user.unit else "",
        "E-mail": user.email,
        "Điện thoại": user.phone,
    }


def update_user(
    user: User,
    *,
    full_name: str,
    role: str,
    unit: Unit | None,
    email: str,
    phone: str,
    by: User,
) -> bool:
    """Phòng Nội vụ corrects an account (the user name stays); the change is recorded
    with what it was before. False when nothing changed."""
    _check_manages(by, user)
    if user.id == by.id and role != COORDINATOR:
        raise AccountError(f"Không tự bỏ vai trò {wording.office(user=by)} của chính mình.")
    check_attachment(role, unit, by)
    before = _shown(user)
    user.full_name = checked_name(full_name)
    user.email = checked_email(email)
    user.phone = checked_phone(phone)
    user.role, user.unit = role, unit
    after = _shown(user)
    changed = {k: v for k, v in after.items() if before[k] != v}
    if not changed:
        return False
    _record_change(
        by, user, "Sửa thông tin tài khoản", before={k: before[k] for k in changed}, after=changed
    )
    return True


def reset_password(user: User, password_hash: str, by: User) -> None:
    """A new password from Phòng Nội vụ; every session of the account ends, and the
    next sign-in asks for a password of the person's own."""
    if by.role != COORDINATOR:
        raise AccountError(f"Chỉ {wording.office(user=by)} được đặt lại mật khẩu.")
    _check_manages(by, user)
    user.password_hash = password_hash
    user.must_change_password = True
    sessions.end_all(user)
    drop_unused_links(user)  # an e-mailed link must not undo the new password
    _record_change(by, user, "Đặt lại mật khẩu")


def change_password(user: User, password_hash: str) -> None:
    """The account's own new password (the current one checked by the caller, before);
    every other session of the account ends — the caller begins its own anew."""
    user.password_hash = password_hash
    user.must_change_password = False
    sessions.end_all(user)


def set_password_by_link(user: User, password_hash: str) -> None:
    """The account's own first password, set through its one-time link (the link was
    checked by services.account_links); every session of the account ends. It is the
    person's own, so the next sign-in does not ask for another."""
    user.password_hash = password_hash
    user.must_change_password = False
    sessions.end_all(user)
    drop_unused_links(user)
    _record_change(user, user, "Đặt mật khẩu qua liên kết một lần")


def set_active(user: User, active: bool, by: User) -> bool:
    """Deactivate (every session ends, sign-in refused) or reactivate an account."""
    if by.role != COORDINATOR:
        raise AccountError(f"Chỉ {wording.office(user=by)} được khóa, mở tài khoản.")
    _check_manages(by, user)
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
        raise AccountError(f"Chỉ {wording.office(user=by)} được mở khóa đăng nhập.")
    _check_manages(by, user)
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


def users(by: User | None = None) -> list[User]:
    """By role, then name in code-point order: sorted here, since ORDER BY on text follows
    the database's collation and PostgreSQL's differs from server to server. With `by`:
    only the accounts `by` manages."""
    found = sorted(db.session.scalars(select(User)), key=lambda u: (u.role, u.username))
    return found if by is None else [u for u in found if manages(by, u)]


ROLES = (COORDINATOR, OFFICER, LEADER)


def drop_unused_links(user: User) -> None:
    """Forget the account's one-time links not used yet (services.account_links)."""
    for link in db.session.scalars(
        select(SignInLink).where(SignInLink.user_id == user.id, SignInLink.used_at.is_(None))
    ):
        db.session.delete(link)


# ---- who manages whom (see the module's docstring) ------------------------------------


def locality_id_of(user: User) -> int | None:
    return user.unit.locality_id if user.unit is not None else None


def _single_locality() -> bool:
    return (db.session.scalar(select(func.count(Locality.id))) or 0) <= 1


def manages(by: User, user: User) -> bool:
    if by.role != COORDINATOR:
        return False
    mine = locality_id_of(by)
    if mine is None:
        return True
    theirs = locality_id_of(user)
    return _single_locality() if theirs is None else theirs == mine


def may_attach(by: User, unit: Unit | None) -> bool:
    """Whether `by` may give an account this unit (None: no unit)."""
    mine = locality_id_of(by)
    if mine is None:
        return True
    return _single_locality() if unit is None else unit.locality_id == mine


def _check_manages(by: User, user: User) -> None:
    if not manages(by, user):
        raise AccountError(
            f"Tài khoản này thuộc địa phương khác; {wording.office(user=user)} ở đó quản lý."
        )


def localities_for(by: User) -> list[Locality]:
    """The localities whose accounts `by` manages."""
    mine = locality_id_of(by)
    stmt = select(Locality).order_by(Locality.id)
    if mine is not None:
        stmt = stmt.where(Locality.id == mine)
    return list(db.session.scalars(stmt))


def assignable_units(by: User) -> list[Unit]:
    """Units an account may belong to (not groups), of `by`'s localities, in Vietnamese
    alphabetical order."""
    ids = [loc.id for loc in localities_for(by)]
    stmt = select(Unit).where(
        Unit.locality_id.in_(ids), Unit.kind.not_in((UnitKind.GROUP, UnitKind.VAGUE))
    )
    return sorted(db.session.scalars(stmt), key=lambda u: sort_key(u.name))


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
        before=None if before is None else {"Tài khoản": user.username, **before},
        after={"Tài khoản": user.username, **(after or {})},
        note=note,
    )
