"""Many accounts from one Excel sheet: the blank template, and the preview of what an
uploaded sheet would create. The preview writes nothing; a sheet with any bad row
creates nothing (services.new_accounts writes them all or none).

Units are matched like the annex import matches them (the locality's catalogue with
its aliases, domain.units): a name that is unknown, a group or ambiguous is an error on
its row, with the closest units as suggestions.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from tracker.domain.accounts import SheetAccount, read_account_sheet
from tracker.domain.text import fold
from tracker.domain.units import UnitCatalog, UnitKind
from tracker.exporters.accounts_xlsx import generate_accounts_template
from tracker.importers import Document, sheet_rows
from tracker.models import Locality, Unit, User
from tracker.models.users import COORDINATOR, LEADER, OFFICER, ROLE_LABELS, role_label
from tracker.services import catalog as catalog_service
from tracker.services import wording
from tracker.services.accounts import (
    ROLES,
    AccountError,
    assignable_units,
    check_attachment,
    checked_email,
    checked_name,
    checked_phone,
    checked_username,
)
from tracker.services.new_accounts import NewAccount, make_username, same_person

MAX_ACCOUNTS = 200  # each costs a slow password hash when confirmed


def role_choices(locality: Locality) -> tuple[str, ...]:
    """The roles the sheet offers, the coordinator named as `locality` names its office."""
    office = wording.office_of(locality)
    return tuple(role_label(r, office) for r in (OFFICER, LEADER, COORDINATOR))


def template(locality: Locality, by: User) -> bytes:
    units = [u.name for u in assignable_units(by) if u.locality_id == locality.id]
    return generate_accounts_template(
        locality=locality.name,
        units=units,
        roles=role_choices(locality),
        default_role=ROLE_LABELS[OFFICER],
    )


def role_of(text: str) -> str | None:
    """The role a cell names (empty: a unit's focal officer); None when it names none."""
    folded = fold(text)
    if folded in ROLES:
        return folded
    if not folded or "dau moi" in folded or folded == "can bo":
        return OFFICER
    if "lanh dao" in folded:
        return LEADER
    if "noi vu" in folded or "dieu phoi" in folded:
        return COORDINATOR
    return None


@dataclass
class AccountLine:
    written: SheetAccount
    account: NewAccount | None = None
    errors: list[str] = field(default_factory=list)

    @property
    def row(self) -> int:
        return self.written.row


@dataclass
class SheetPreview:
    filename: str
    locality: Locality
    lines: list[AccountLine] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # the whole sheet's

    @property
    def bad_lines(self) -> list[AccountLine]:
        return [line for line in self.lines if line.errors]

    @property
    def can_apply(self) -> bool:
        return not self.errors and not self.bad_lines and bool(self.lines)

    @property
    def accounts(self) -> list[NewAccount]:
        return [line.account for line in self.lines if line.account is not None]


def preview_sheet(
    locality: Locality, filename: str, data: bytes, read: Document | str | None, by: User
) -> SheetPreview:
    """What the sheet would create, row by row, with every problem; writes nothing.
    `read`: the file as staging read it (None reads `data` now)."""
    preview = SheetPreview(filename, locality)
    rows = sheet_rows(
        filename, data, read, read_account_sheet, "người", MAX_ACCOUNTS, preview.errors
    )
    if preview.errors:
        return preview
    context = _Context(locality, rows, by)
    preview.lines = [context.line(row) for row in rows]
    return preview


class _Context:
    """What checking one row needs to know of the others and of the database."""

    def __init__(self, locality: Locality, rows: list[SheetAccount], by: User) -> None:
        self.by = by
        self.roles = role_choices(locality)
        self.catalog: UnitCatalog = catalog_service.load_catalog(locality.id)
        self.units = {u.id: u for u in catalog_service.units_of(locality.id)}
        self.written = Counter(r.username.strip().lower() for r in rows if r.username.strip())
        self.rows_of = {
            name: [r.row for r in rows if r.username.strip().lower() == name]
            for name, count in self.written.items()
            if count > 1
        }
        self.given: set[str] = set(self.written)  # user names taken by this sheet
        self.people: dict[tuple[int | None, str], int] = {}  # (unit, name) → first row

    def line(self, row: SheetAccount) -> AccountLine:
        line = AccountLine(row)
        name = self._checked(line, checked_name, row.full_name)
        unit = self._unit(line, row.unit)
        role = role_of(row.role)
        if role is None:
            line.errors.append(
                f"Vai trò «{row.role}» không hợp lệ; ghi một trong: {', '.join(self.roles)}."
            )
        elif unit is not False:
            self._checked(line, check_attachment, role, unit, self.by)
        email = self._checked(line, checked_email, row.email)
        phone = self._checked(line, checked_phone, row.phone)
        username = self._username(line, name, unit)
        if line.errors or role is None or unit is False:
            return line
        assert username is not None and name is not None and email is not None
        line.account = NewAccount(
            username=username,
            full_name=name,
            role=role,
            unit_id=unit.id if unit else None,
            unit_name=unit.name if unit else "",
            email=email,
            phone=phone or "",
            username_made=not row.username.strip(),
        )
        return line

    @staticmethod
    def _checked(line: AccountLine, check, *args):  # type: ignore[no-untyped-def]
        try:
            return check(*args)
        except AccountError as exc:
            line.errors.append(str(exc))
            return None

    def _unit(self, line: AccountLine, written: str) -> Unit | None | bool:
        """The unit the cell names; None for an empty cell; False when it names none."""
        if not written:
            return None
        ids = self.catalog.lookup(written)
        units = [self.units[i] for i in ids if i in self.units]
        if len(units) == 1 and units[0].kind not in (UnitKind.GROUP, UnitKind.VAGUE):
            return units[0]
        if units:
            line.errors.append(
                f"«{written}» là nhóm gồm nhiều đơn vị; ghi một đơn vị cụ thể cho mỗi người."
            )
            return False
        close = [self.units[i].name for i in self.catalog.suggest(written, limit=3)]
        hint = f" Có phải: {'; '.join(close)}?" if close else ""
        line.errors.append(f"Không nhận ra đơn vị «{written}» trong danh mục.{hint}")
        return False

    def _username(
        self, line: AccountLine, name: str | None, unit: Unit | None | bool
    ) -> str | None:
        written = line.written.username.strip().lower()
        if written:
            if written in self.rows_of:
                rows = ", ".join(str(r) for r in self.rows_of[written])
                line.errors.append(f"Tên đăng nhập «{written}» ghi nhiều lần (dòng {rows}).")
                return None
            return self._checked(line, checked_username, written)
        if name is None or unit is False or line.errors:
            return None
        assert unit is None or isinstance(unit, Unit)
        key = (unit.id if unit else None, name.casefold())
        if key in self.people:
            line.errors.append(
                f"Trùng người với dòng {self.people[key]} (cùng họ tên, cùng đơn vị). "
                "Nếu là hai người, hãy ghi tên đăng nhập riêng."
            )
            return None
        self.people[key] = line.row
        clash = same_person(name, unit)
        if clash is not None:
            line.errors.append(clash)
            return None
        username = make_username(name, unit, self.given)
        self.given.add(username)
        return username
