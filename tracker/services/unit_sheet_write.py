"""Writing a checked unit catalogue sheet: new units and groups, then each listed unit's
kind, short name, other names, parent and groups, each change in the history
(services.unit_sheet)."""

from __future__ import annotations

from sqlalchemy import select

from tracker.domain.text import name_key, one_line
from tracker.domain.unit_sheet import SheetUnit
from tracker.domain.units import UnitKind
from tracker.extensions import db
from tracker.models import Locality, Unit, UnitAlias, UnitGroupMember, User
from tracker.services import catalog as catalog_service
from tracker.services import history
from tracker.services.unit_sheet_lines import (
    ADD,
    CHANGE,
    Ref,
    UnitLine,
    UnitSheetPreview,
    own_aliases,
    shared_keys,
)


def _snapshot(unit: Unit, shared: dict[str, set[int]]) -> dict[str, object]:
    groups = db.session.scalars(
        select(Unit)
        .join(UnitGroupMember, UnitGroupMember.group_id == Unit.id)
        .where(UnitGroupMember.member_id == unit.id)
        .order_by(Unit.position)
    )
    return {
        "Tên": unit.name,
        "Loại": unit.kind_label,
        "Tên viết tắt": unit.short_name,
        "Tên gọi khác": own_aliases(unit, shared),
        "Thuộc": unit.parent.name if unit.parent else "",
        "Nhóm": [g.name for g in groups],
    }


class Write:
    def __init__(self, locality: Locality, preview: UnitSheetPreview, by: User) -> None:
        self.locality, self.preview, self.by = locality, preview, by
        self.note = f"Nhập danh mục đơn vị từ tệp {preview.filename}"
        self.units: dict[Ref, Unit] = {}
        self.shared = shared_keys(catalog_service.units_of(locality.id))

    def run(self) -> None:
        before: dict[int, dict[str, object]] = {}
        for line in self.preview.lines:
            if line.unit is not None:
                self.units[("u", line.unit.id)] = line.unit
                if line.status == CHANGE:
                    before[line.unit.id] = _snapshot(line.unit, self.shared)
            else:
                assert line.kind is not None
                unit = catalog_service.create_unit(self.locality, line.written.name, line.kind)
                self.units[("r", line.row)] = unit
        for key, name in self._new_groups():
            group = catalog_service.create_unit(self.locality, name, UnitKind.GROUP)
            self.units[("g", key)] = group
        for line in self.preview.lines:
            if line.status in (ADD, CHANGE):
                self._set(line)
        db.session.flush()
        for line in self.preview.lines:
            self._record(line, before)
        for key, _ in self._new_groups():
            self._record_group(self.units[("g", key)])

    def _new_groups(self) -> list[tuple[str, str]]:
        return [(name_key(name), name) for name in self.preview.new_groups]

    def _unit(self, ref: Ref) -> Unit:
        if ref not in self.units:
            self.units[ref] = db.session.get_one(Unit, int(ref[1]))
        return self.units[ref]

    def _set(self, line: UnitLine) -> None:
        unit = self.units[("u", line.unit.id) if line.unit is not None else ("r", line.row)]
        written = line.written
        assert line.kind is not None
        unit.kind = line.kind.value
        unit.short_name = written.short_name
        unit.parent = self._unit(line.parent) if line.parent is not None else None
        self._set_aliases(unit, written)
        wanted = [self._unit(ref) for ref in line.groups]
        for group in db.session.scalars(
            select(Unit)
            .join(UnitGroupMember, UnitGroupMember.group_id == Unit.id)
            .where(UnitGroupMember.member_id == unit.id)
        ).all():
            if group not in wanted:
                group.members.remove(unit)
        for group in wanted:
            if unit not in group.members:
                group.members.append(unit)

    def _set_aliases(self, unit: Unit, written: SheetUnit) -> None:
        keep = {name_key(unit.name)} | set(self.shared)
        wanted: dict[str, str] = {}
        for name in (written.short_name, *written.aliases):
            if name and name_key(name) not in keep:
                wanted.setdefault(name_key(name), one_line(name))
        for alias in list(unit.aliases):
            if alias.key not in keep and alias.key not in wanted:
                unit.aliases.remove(alias)
        have = {a.key for a in unit.aliases}
        unit.aliases.extend(
            UnitAlias(alias=alias, key=key) for key, alias in wanted.items() if key not in have
        )
        catalog_service.refresh_search_text(unit)

    def _record(self, line: UnitLine, before: dict[int, dict[str, object]]) -> None:
        if line.status == ADD:
            unit = self.units[("r", line.row)]
            history.record(
                self.by,
                entity="unit",
                action="create",
                entity_id=unit.id,
                plan_id=None,
                after=_snapshot(unit, self.shared),
                note=self.note,
            )
        elif line.status == CHANGE and line.unit is not None:
            history.record(
                self.by,
                entity="unit",
                action="update",
                entity_id=line.unit.id,
                plan_id=None,
                before=before[line.unit.id],
                after=_snapshot(line.unit, self.shared),
                note=self.note,
            )

    def _record_group(self, group: Unit) -> None:
        history.record(
            self.by,
            entity="unit",
            action="create",
            entity_id=group.id,
            plan_id=None,
            after=_snapshot(group, self.shared) | {"Gồm": [m.name for m in group.members]},
            note=self.note,
        )
