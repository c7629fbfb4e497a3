"""Checking a unit catalogue sheet row by row, against itself and the stored catalogue:
names, kinds, parents, groups, names another unit goes by, parents in a ring. Reads
only (services.unit_sheet)."""

from __future__ import annotations

from collections import defaultdict

from tracker.domain.text import name_key, one_line
from tracker.domain.unit_sheet import SEPARATOR, SheetUnit, all_of_kind, kind_of
from tracker.domain.units import UnitKind
from tracker.models import Locality, Unit
from tracker.models.units import UNIT_KIND_LABELS
from tracker.services import catalog as catalog_service
from tracker.services.unit_sheet_lines import (
    GROUP_KINDS,
    KIND_CHOICES,
    MAX_ALIAS,
    MAX_NAME,
    MAX_SHORT,
    Ref,
    UnitLine,
    UnitSheetPreview,
    groups_of,
    own_aliases,
    shared_keys,
)


class Check:
    """Checking the rows against each other and against the stored catalogue."""

    def __init__(self, locality: Locality, rows: list[SheetUnit], preview: UnitSheetPreview):
        self.preview = preview
        self.stored = catalog_service.units_of(locality.id)
        self.by_id = {u.id: u for u in self.stored}
        self.shared = shared_keys(self.stored)
        self.by_name = {name_key(u.name): u for u in self.stored}
        self.by_alias: dict[str, Unit] = {}
        for unit in self.stored:
            for alias in unit.aliases:
                if alias.key not in self.shared:
                    self.by_alias.setdefault(alias.key, unit)
        self.lines = [UnitLine(row) for row in rows]
        self.row_of: dict[str, UnitLine] = {}  # name key → the row that lists it
        self.line_of: dict[Ref, UnitLine] = {}
        self.new_groups: dict[str, str] = {}  # key → name as first written
        self.groups_of = {
            member: [("u", g.id) for g in groups]
            for member, groups in groups_of(self.stored).items()
        }

    def run(self) -> None:
        for line in self.lines:
            self._basics(line)
        self.line_of = {self._ref(line): line for line in self.row_of.values()}
        for line in self.row_of.values():
            self._relations(line)
        self._implicit_members()
        self._clashes()
        self._cycles()
        for line in self.lines:
            if not line.errors and line.unit is not None:
                line.changes = self._changes(line)
        listed = {line.unit.id for line in self.lines if line.unit is not None}
        self.preview.lines = self.lines
        self.preview.new_groups = list(self.new_groups.values())
        self.preview.untouched = [u.name for u in self.stored if u.id not in listed]

    # -- one row on its own

    def _basics(self, line: UnitLine) -> None:
        written = line.written
        if not written.name:
            line.errors.append("Thiếu tên đơn vị.")
            return
        if len(written.name) > MAX_NAME:
            line.errors.append(f"Tên đơn vị dài quá {MAX_NAME} ký tự.")
        key = name_key(written.name)
        if key in self.row_of:
            line.errors.append(f"Trùng tên với dòng {self.row_of[key].row}.")
            line.duplicate = True
            return
        self.row_of[key] = line
        line.unit = self.by_name.get(key)
        if line.unit is None and key in self.by_alias:
            other = self.by_alias[key]
            line.errors.append(
                f"«{written.name}» đã là tên gọi khác của «{other.name}» trong danh mục. Ghi "
                f"đúng tên «{other.name}» để sửa đơn vị đó, hoặc bỏ tên gọi khác ấy ở dòng của nó."
            )
        line.kind = self._kind(line)
        if len(written.short_name) > MAX_SHORT:
            line.errors.append(f"Tên viết tắt dài quá {MAX_SHORT} ký tự.")
        for alias in written.aliases:
            if len(alias) > MAX_ALIAS:
                line.errors.append(f"Tên gọi khác «{alias[:40]}…» dài quá {MAX_ALIAS} ký tự.")

    def _kind(self, line: UnitLine) -> UnitKind | None:
        written, unit = line.written, line.unit
        kind = kind_of(written.kind, UNIT_KIND_LABELS)
        if kind is None and written.kind:
            line.errors.append(
                f"Loại «{written.kind}» không có; chọn một trong: {'; '.join(KIND_CHOICES)}."
            )
            return None
        if kind is None:
            if unit is None:
                line.errors.append(
                    f"Chưa ghi loại đơn vị; chọn một trong: {'; '.join(KIND_CHOICES)}."
                )
                return None
            return unit.unit_kind
        if unit is not None and (kind in GROUP_KINDS) != (unit.unit_kind in GROUP_KINDS):
            line.errors.append(
                f"Không đổi được loại từ «{unit.kind_label}» sang «{UNIT_KIND_LABELS[kind]}»: "
                "một nhóm không thành một đơn vị và ngược lại. Hãy thêm đơn vị mới với tên khác."
            )
        return kind

    # -- the row's parent and groups

    def _ref(self, line: UnitLine) -> Ref:
        return ("u", line.unit.id) if line.unit is not None else ("r", line.row)

    def _find(self, written: str) -> Ref | None:
        """The unit a «Thuộc» or «Nhóm» cell names: a row of the sheet, else a stored
        unit by its name, else by one of its other names."""
        key = name_key(written)
        line = self.row_of.get(key)
        if line is not None:
            return self._ref(line)
        unit = self.by_name.get(key) or self.by_alias.get(key)
        return ("u", unit.id) if unit is not None else None

    def _kind_of(self, ref: Ref) -> UnitKind | None:
        if ref in self.line_of:
            return self.line_of[ref].kind
        if ref[0] == "g":
            return UnitKind.GROUP
        return self.by_id[int(ref[1])].unit_kind

    def _relations(self, line: UnitLine) -> None:
        written = line.written
        if written.parent:
            parent = self._find(written.parent)
            if parent is None:
                line.errors.append(
                    f"Không tìm thấy đơn vị «{written.parent}» (cột Thuộc) trong bảng hay "
                    "trong danh mục."
                )
            elif parent == self._ref(line):
                line.errors.append("Một đơn vị không thuộc chính nó (cột Thuộc).")
            elif self._kind_of(parent) in GROUP_KINDS:
                line.errors.append(f"«{written.parent}» là nhóm; cột Thuộc ghi một đơn vị cụ thể.")
            else:
                line.parent = parent
        if written.groups and line.kind in GROUP_KINDS:
            line.errors.append("Một nhóm không thuộc nhóm khác: để trống cột Nhóm ở dòng này.")
            return
        for name in written.groups:
            ref = self._find(name)
            if ref is None:
                key = name_key(name)
                self.new_groups.setdefault(key, one_line(name))
                ref = ("g", key)
            if ref == self._ref(line):
                line.errors.append(f"«{name}» là chính đơn vị này, không phải nhóm của nó.")
            elif self._kind_of(ref) != UnitKind.GROUP:
                line.errors.append(
                    f"«{name}» (cột Nhóm) là một đơn vị, không phải nhóm. Nhóm là đơn vị loại "
                    f"«{UNIT_KIND_LABELS[UnitKind.GROUP]}», vd «UBND các xã, phường»."
                )
            elif ref not in line.groups:
                line.groups.append(ref)

    def _implicit_members(self) -> None:
        """A listed group named "every commune" / "every hamlet" that no row names in
        «Nhóm» holds the sheet's units of that kind."""
        named = {ref for line in self.lines for ref in line.groups}
        for group in self.lines:
            if group.kind != UnitKind.GROUP or group.errors:
                continue
            ref = self._ref(group)
            kind = all_of_kind(group.written.name)
            if kind is None or ref in named:
                continue
            for line in self.lines:
                if line.kind == kind and not line.errors:
                    line.groups.append(ref)
        for group in self.lines:
            if group.kind == UnitKind.GROUP and not group.errors:
                ref = self._ref(group)
                count = sum(ref in line.groups for line in self.lines)
                kept = self._members_kept(group)
                group.note = f"Nhóm gồm {count + kept} đơn vị"

    def _members_kept(self, group: UnitLine) -> int:
        """Members the sheet does not list (they keep their groups)."""
        if group.unit is None:
            return 0
        listed = {line.unit.id for line in self.lines if line.unit is not None}
        return sum(m.id not in listed for m in group.unit.members)

    # -- the sheet as a whole

    def _clashes(self) -> None:
        """Every name a unit goes by must name that unit only, after the import."""
        owners: dict[str, set[Ref]] = defaultdict(set)
        listed = {line.unit.id for line in self.lines if line.unit is not None}
        for unit in self.stored:
            if unit.id in listed:
                continue
            for key in {name_key(unit.name), *(a.key for a in unit.aliases)}:
                if key not in self.shared:
                    owners[key].add(("u", unit.id))
        for key in self.new_groups:
            owners[key].add(("g", key))
        written: list[tuple[UnitLine, str, str]] = []
        for line in self.row_of.values():
            names = (line.written.name, line.written.short_name, *line.written.aliases)
            for name in dict.fromkeys(n for n in names if n):
                key = name_key(name)
                if key:
                    owners[key].add(self._ref(line))
                    written.append((line, name, key))
        for line, name, key in written:
            mine = self._ref(line)
            others = owners[key] - {mine}
            if name == line.written.name and line.unit is None and key in self.by_alias:
                continue  # said already: the name is a stored unit's other name
            if key in self.shared and (mine[0] != "u" or mine[1] not in self.shared[key]):
                units = "; ".join(self.by_id[i].name for i in sorted(self.shared[key]))
                line.errors.append(f"«{name}» đang là tên gọi chung của: {units}.")
            elif others:
                line.errors.append(f"«{name}» đã là tên của {self._describe(others)}.")

    def _describe(self, refs: set[Ref]) -> str:
        names = []
        for ref in sorted(refs, key=str):
            if ref[0] == "u":
                names.append(f"«{self.by_id[int(ref[1])].name}» trong danh mục")
            elif ref[0] == "g":
                names.append(f"nhóm «{self.new_groups[str(ref[1])]}» (cột Nhóm)")
            else:
                line = self.line_of[ref]
                names.append(f"«{line.written.name}» ở dòng {line.row}")
        return ", ".join(names)

    def _cycles(self) -> None:
        parent_of: dict[Ref, Ref] = {}
        for unit in self.stored:
            if unit.parent_id is not None:
                parent_of[("u", unit.id)] = ("u", unit.parent_id)
        for line in self.row_of.values():
            if not line.errors:
                ref = self._ref(line)
                parent_of.pop(ref, None)
                if line.parent is not None:
                    parent_of[ref] = line.parent
        for line in self.lines:
            if line.parent is None or line.errors:
                continue
            seen, at = {self._ref(line)}, line.parent
            while at in parent_of and at not in seen:
                seen.add(at)
                at = parent_of[at]
            if at == self._ref(line):
                line.errors.append(
                    "Cột Thuộc tạo thành vòng: đơn vị này thuộc chính nó qua đơn vị khác."
                )

    # -- what would change

    def name_of(self, ref: Ref | None) -> str:
        if ref is None:
            return ""
        if ref[0] == "u":
            return self.by_id[int(ref[1])].name
        if ref[0] == "g":
            return self.new_groups[str(ref[1])]
        return self.line_of[ref].written.name

    def _changes(self, line: UnitLine) -> list[str]:
        unit, written = line.unit, line.written
        assert unit is not None
        changes = []
        if line.kind != unit.unit_kind:
            changes.append(f"Loại: {unit.kind_label} → {line.kind_label}")
        if written.short_name != unit.short_name:
            changes.append(f"Tên viết tắt: {unit.short_name or '—'} → {written.short_name or '—'}")
        before = {name_key(a): a for a in own_aliases(unit, self.shared)}
        skip = {name_key(unit.name), name_key(written.short_name)} | set(self.shared)
        after = {name_key(a): a for a in written.aliases if name_key(a) not in skip}
        if added := [a for k, a in after.items() if k not in before]:
            changes.append(f"Thêm tên gọi khác: {SEPARATOR.join(added)}")
        if removed := [a for k, a in before.items() if k not in after and k not in skip]:
            changes.append(f"Bỏ tên gọi khác: {SEPARATOR.join(removed)}")
        parent_before = ("u", unit.parent_id) if unit.parent_id else None
        if line.parent != parent_before:
            old, new = self.name_of(parent_before), self.name_of(line.parent)
            changes.append(f"Thuộc: {old or '—'} → {new or '—'}")
        current = self.groups_of.get(unit.id, [])
        if joined := [self.name_of(g) for g in line.groups if g not in current]:
            changes.append(f"Vào nhóm: {SEPARATOR.join(joined)}")
        if left := [self.name_of(g) for g in current if g not in line.groups]:
            changes.append(f"Ra khỏi nhóm: {SEPARATOR.join(left)}")
        return changes
