"""New accounts, one from the form or many from a sheet, in three steps:

1. `check_form` / services.account_sheet: the accounts as they will be written, checked
   against the database (reads only);
2. `issue`: each gets a generated initial password (unless Phòng Nội vụ typed one) and,
   when it has an e-mail and mail is configured, a one-time link — hashed here, before
   the write transaction, since scrypt is slow;
3. `create_all`, in the write transaction: every account or none.

What `create_all` returns carries the initial passwords and link tokens in clear: the
caller shows the passwords once and e-mails the links, and keeps neither.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select

from tracker.domain.accounts import suggest_username
from tracker.domain.units import UnitKind
from tracker.extensions import db
from tracker.models import Unit, User
from tracker.models.users import role_label
from tracker.services import account_links, wording
from tracker.services.accounts import (
    AccountError,
    check_attachment,
    checked_email,
    checked_name,
    checked_phone,
    checked_username,
    create_user,
    find_unit,
    hash_password,
    new_password,
    username_taken,
)


@dataclass(frozen=True)
class NewAccount:
    """An account checked and ready to write."""

    username: str
    full_name: str
    role: str
    unit_id: int | None
    unit_name: str = ""
    email: str = ""
    phone: str = ""
    username_made: bool = False  # generated, not written by Phòng Nội vụ

    @property
    def role_label(self) -> str:
        unit = db.session.get(Unit, self.unit_id) if self.unit_id else None
        locality = unit.locality if unit is not None else wording.locality_for()
        return role_label(self.role, wording.office_of(locality))


@dataclass(frozen=True)
class Issued:
    account: NewAccount
    password: str  # generated, shown once; "" when Phòng Nội vụ typed the password
    password_hash: str
    link_token: str = ""  # "" when no link is e-mailed


@dataclass(frozen=True)
class Created:
    """A new account as the result page shows it, once."""

    user_id: int
    account: NewAccount
    password: str
    link_token: str


def check_form(
    *,
    username: str,
    full_name: str,
    role: str,
    unit_id: int | None,
    email: str,
    phone: str,
    by: User,
) -> NewAccount:
    """One account from the form; the user name is made when left empty."""
    unit = find_unit(unit_id)
    check_attachment(role, unit, by)
    name = checked_name(full_name)
    made = not username.strip()
    if made:
        clash = same_person(name, unit)
        if clash is not None:
            raise AccountError(clash)
        username = make_username(name, unit)
    return NewAccount(
        username=checked_username(username),
        full_name=name,
        role=role,
        unit_id=unit.id if unit else None,
        unit_name=unit.name if unit else "",
        email=checked_email(email),
        phone=checked_phone(phone),
        username_made=made,
    )


def make_username(full_name: str, unit: Unit | None, also_taken: set[str] | None = None) -> str:
    """A free user name (domain.accounts); `also_taken`: names given to earlier rows of
    the same sheet."""
    extra = also_taken or set()
    return suggest_username(
        full_name,
        unit.name if unit else None,
        lambda name: name in extra or username_taken(name),
        commune=unit is not None and unit.kind == UnitKind.COMMUNE,
    )


def same_person(full_name: str, unit: Unit | None) -> str | None:
    """Why a made-up user name would give one person a second account: the unit has an
    account with this name already. Writing a user name says "another person"."""
    if unit is None:
        return None
    for user in db.session.scalars(select(User).where(User.unit_id == unit.id)):
        if user.full_name.casefold() == full_name.casefold():
            return (
                f"{unit.name} đã có tài khoản «{user.username}» của {user.full_name}. "
                "Nếu là người khác cùng tên, hãy ghi tên đăng nhập riêng."
            )
    return None


def issue(
    accounts: Sequence[NewAccount], typed_password: str = "", links: bool = False
) -> list[Issued]:
    """Passwords (generated unless typed) and, with `links`, a one-time link for each
    account with an e-mail. Slow (scrypt): call it before the write transaction."""
    issued = []
    for account in accounts:
        password = "" if typed_password else new_password()
        token = account_links.new_token() if links and account.email else ""
        issued.append(Issued(account, password, hash_password(typed_password or password), token))
    return issued


def create_all(issued: Sequence[Issued], by: User) -> list[Created]:
    """Write every account, or raise AccountError (the caller rolls back: none is
    written). Names and units are checked again: the database may have changed since
    the preview."""
    created = []
    for item in issued:
        account = item.account
        unit = db.session.get(Unit, account.unit_id) if account.unit_id else None
        user = create_user(
            username=account.username,
            full_name=account.full_name,
            role=account.role,
            unit=unit,
            password_hash=item.password_hash,
            email=account.email,
            phone=account.phone,
            by=by,
        )
        if item.link_token:
            account_links.store_link(user, item.link_token, by)
        created.append(Created(user.id, account, item.password, item.link_token))
    return created
