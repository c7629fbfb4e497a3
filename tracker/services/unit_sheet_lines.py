"""The rows of a unit catalogue sheet as the preview shows them, and what the template,
the check and the write share about the stored catalogue (services.unit_sheet)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select

from tracker.domain.text import name_key
from tracker.domain.unit_sheet import SEPARATOR, SheetUnit
from tracker.domain.units import UnitKind
from tracker.extensions import db
from tracker.models import Locality, Unit, UnitAlias, UnitGroupMember
from tracker.models.units import UNIT_KIND_LABELS

MAX_UNITS = 500
MAX_SHORT = Unit.short_name.type.length
MAX_ALIAS = UnitAlias.alias.type.length
MAX_NAME = Unit.name.type.length
KIND_CHOICES = tuple(UNIT_KIND_LABELS.values())
GROUP_KINDS = (UnitKind.GROUP, UnitKind.VAGUE)

# A unit as the sheet refers to it: ("u", id) a stored unit, ("r", row) a new row's,
# ("g", key) a group named in «Nhóm» that is neither stored nor a row.
Ref = tuple[str, int | str]


def shared_keys(units: list[Unit]) -> dict[str, set[int]]:
    """Alias keys that name several units at once ("MTTQ thị xã và xã, phường"): kept as
    they are, never written in the sheet (each row is one unit)."""
    owners: dict[str, set[int]] = defaultdict(set)
    for unit in units:
        for alias in unit.aliases:
            owners[alias.key].add(unit.id)
    return {key: ids for key, ids in owners.items() if len(ids) > 1}


def own_aliases(unit: Unit, shared: dict[str, set[int]]) -> list[str]:
    """The unit's other names as the sheet shows them: not its name, its short name, nor
    a name it shares with other units."""
    skip = {name_key(unit.name), name_key(unit.short_name)}
    return [a.alias for a in unit.aliases if a.key not in skip and a.key not in shared]


def groups_of(units: list[Unit]) -> dict[int, list[Unit]]:
    by_id = {u.id: u for u in units}
    rows = db.session.execute(
        select(UnitGroupMember.member_id, UnitGroupMember.group_id).where(
            UnitGroupMember.member_id.in_(by_id)
        )
    )
    groups: dict[int, list[Unit]] = defaultdict(list)
    for member_id, group_id in rows:
        if group_id in by_id:
            groups[member_id].append(by_id[group_id])
    for listed in groups.values():
        listed.sort(key=lambda g: (g.position, g.id))
    return groups


# ---- the preview -----------------------------------------------------------------

ADD, CHANGE, SAME, BAD = "add", "change", "same", "bad"
STATUS_LABELS = {ADD: "Thêm mới", CHANGE: "Thay đổi", SAME: "Không thay đổi", BAD: "Lỗi"}


@dataclass
class UnitLine:
    written: SheetUnit
    unit: Unit | None = None  # the stored unit the row is about; None: a new one
    kind: UnitKind | None = None
    parent: Ref | None = None
    groups: list[Ref] = field(default_factory=list)  # set from the sheet
    changes: list[str] = field(default_factory=list)  # what would change, in Vietnamese
    note: str = ""  # "Nhóm gồm 100 đơn vị"
    errors: list[str] = field(default_factory=list)
    duplicate: bool = False  # its name is an earlier row's

    @property
    def row(self) -> int:
        return self.written.row

    @property
    def status(self) -> str:
        if self.errors:
            return BAD
        if self.unit is None:
            return ADD
        return CHANGE if self.changes else SAME

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def kind_label(self) -> str:
        return UNIT_KIND_LABELS[self.kind] if self.kind else self.written.kind

    @property
    def written_summary(self) -> str:
        """A new unit's other names, parent and groups, as the sheet writes them."""
        written, parts = self.written, []
        if written.aliases:
            parts.append(f"Tên gọi khác: {SEPARATOR.join(written.aliases)}")
        if written.parent:
            parts.append(f"Thuộc: {written.parent}")
        if written.groups:
            parts.append(f"Nhóm: {SEPARATOR.join(written.groups)}")
        return ". ".join(parts)


@dataclass
class UnitSheetPreview:
    filename: str
    locality: Locality
    lines: list[UnitLine] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # the whole sheet's
    new_groups: list[str] = field(default_factory=list)  # named in «Nhóm», created
    untouched: list[str] = field(default_factory=list)  # stored units the sheet leaves

    def _with(self, status: str) -> list[UnitLine]:
        return [line for line in self.lines if line.status == status]

    @property
    def added(self) -> list[UnitLine]:
        return self._with(ADD)

    @property
    def changed(self) -> list[UnitLine]:
        return self._with(CHANGE)

    @property
    def unchanged(self) -> list[UnitLine]:
        return self._with(SAME)

    @property
    def bad_lines(self) -> list[UnitLine]:
        return self._with(BAD)

    @property
    def has_changes(self) -> bool:
        return bool(self.added or self.changed or self.new_groups)

    @property
    def can_apply(self) -> bool:
        return not self.errors and not self.bad_lines and self.has_changes
