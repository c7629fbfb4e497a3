"""A locality's unit catalogue from an Excel sheet: the template pre-filled with its
units, the preview of what an uploaded sheet would add and change, and the import.

The sheet says, for each unit it lists, everything about it: kind, short name, other
names, the unit it belongs to, the groups it is in — those are set from the sheet.
Units it does not list are left as they are; nothing is ever deleted. Groups named in
«Nhóm» are created when missing; a group whose name says "every commune" ("UBND các
xã, phường") or "every hamlet" ("Các ấp, khóm") and that no row names holds the
sheet's units of that kind (domain.unit_sheet.all_of_kind).

A sheet with any bad row changes nothing. Names are checked against each other and
against the catalogue: a name, short name or other name that another unit already
goes by is an error, never a silent re-pointing of what annexes match.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select

from tracker.domain.text import name_key, one_line
from tracker.domain.unit_sheet import SEPARATOR, SheetUnit, all_of_kind, kind_of, read_unit_sheet
from tracker.domain.units import UnitKind
from tracker.exporters.units_xlsx import generate_units_template
from tracker.extensions import db
from tracker.importers import BadFile, Document, read_once
from tracker.models import Locality, Unit, UnitAlias, UnitGroupMember, User
from tracker.models.units import UNIT_KIND_LABELS
from tracker.services import audit, history
from tracker.services import catalog as catalog_service

MAX_UNITS = 500
MAX_SHORT = Unit.short_name.type.length
MAX_ALIAS = UnitAlias.alias.type.length
MAX_NAME = Unit.name.type.length
KIND_CHOICES = tuple(UNIT_KIND_LABELS.values())
_GROUPS = (UnitKind.GROUP, UnitKind.VAGUE)

# A unit as the sheet refers to it: ("u", id) a stored unit, ("r", row) a new row's,
# ("g", key) a group named in «Nhóm» that is neither stored nor a row.
Ref = tuple[str, int | str]


# ---- the template ----------------------------------------------------------------


def template(locality: Locality) -> bytes:
    units = catalog_service.units_of(locality.id)
    shared = _shared_keys(units)
    groups_of = _groups_of(units)
    rows = [
        (
            unit.name,
            unit.kind_label,
            unit.short_name,
            SEPARATOR.join(_own_aliases(unit, shared)),
            unit.parent.name if unit.parent else "",
            SEPARATOR.join(g.name for g in groups_of.get(unit.id, [])),
        )
        for unit in units
    ]
    return generate_units_template(locality=locality.name, rows=rows, kinds=KIND_CHOICES)


def _shared_keys(units: list[Unit]) -> dict[str, set[int]]:
    """Alias keys that name several units at once ("MTTQ thị xã và xã, phường"): kept as
    they are, never written in the sheet (each row is one unit)."""
    owners: dict[str, set[int]] = defaultdict(set)
    for unit in units:
        for alias in unit.aliases:
            owners[alias.key].add(unit.id)
    return {key: ids for key, ids in owners.items() if len(ids) > 1}


def _own_aliases(unit: Unit, shared: dict[str, set[int]]) -> list[str]:
    """The unit's other names as the sheet shows them: not its name, its short name, nor
    a name it shares with other units."""
    skip = {name_key(unit.name), name_key(unit.short_name)}
    return [a.alias for a in unit.aliases if a.key not in skip and a.key not in shared]


def _groups_of(units: list[Unit]) -> dict[int, list[Unit]]:
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


def preview_sheet(
    locality: Locality, filename: str, data: bytes, read: Document | str | None
) -> UnitSheetPreview:
    """What the sheet would add and change, row by row, with every problem; writes
    nothing. `read`: the file as staging read it (None reads `data` now)."""
    preview = UnitSheetPreview(filename, locality)
    try:
        document = read_once(filename, data, read)
    except BadFile as exc:
        preview.errors.append(exc.message)
        return preview
    rows, problems = read_unit_sheet(document.tables)
    preview.errors.extend(problems)
    if not problems and not rows:
        preview.errors.append("Bảng chưa có đơn vị nào: điền mỗi đơn vị một dòng dưới tiêu đề.")
    if len(rows) > MAX_UNITS:
        preview.errors.append(
            f"Bảng có {len(rows)} đơn vị, quá {MAX_UNITS} đơn vị một lần; hãy tách thành nhiều tệp."
        )
    if preview.errors:
        return preview
    _Check(locality, rows, preview).run()
    return preview


class _Check:
    """Checking the rows against each other and against the stored catalogue."""

    def __init__(self, locality: Locality, rows: list[SheetUnit], preview: UnitSheetPreview):
        self.preview = preview
        self.stored = catalog_service.units_of(locality.id)
        self.by_id = {u.id: u for u in self.stored}
        self.shared = _shared_keys(self.stored)
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
            for member, groups in _groups_of(self.stored).items()
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
        if unit is not None and (kind in _GROUPS) != (unit.unit_kind in _GROUPS):
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
            elif self._kind_of(parent) in _GROUPS:
                line.errors.append(f"«{written.parent}» là nhóm; cột Thuộc ghi một đơn vị cụ thể.")
            else:
                line.parent = parent
        if written.groups and line.kind in _GROUPS:
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
        before = {name_key(a): a for a in _own_aliases(unit, self.shared)}
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


# ---- the import ------------------------------------------------------------------


class UnitSheetError(ValueError):
    """The sheet cannot be imported; the message is for the user."""


@dataclass(frozen=True)
class SheetResult:
    added: int
    changed: int
    unchanged: int
    new_groups: int


def import_sheet(
    locality: Locality, filename: str, data: bytes, read: Document | str | None, by: User
) -> SheetResult:
    """Check the sheet again (the catalogue may have changed since the preview) and write
    it: every row or none. Records each unit's change in the history and the import in
    the audit log. Raises UnitSheetError when the sheet has errors or changes nothing."""
    preview = preview_sheet(locality, filename, data, read)
    if not preview.can_apply:
        if preview.errors or preview.bad_lines:
            raise UnitSheetError("Bảng còn lỗi (xem bên dưới); danh mục chưa thay đổi.")
        raise UnitSheetError("Bảng không thay đổi gì trong danh mục.")
    _Write(locality, preview, by).run()
    result = SheetResult(
        len(preview.added), len(preview.changed), len(preview.unchanged), len(preview.new_groups)
    )
    audit.record(
        "import.units",
        target=filename,
        detail={
            "Địa phương": locality.name,
            "Thêm": result.added,
            "Sửa": result.changed,
            "Giữ nguyên": result.unchanged,
            "Nhóm mới": result.new_groups,
        },
        user=by,
    )
    return result


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
        "Tên gọi khác": _own_aliases(unit, shared),
        "Thuộc": unit.parent.name if unit.parent else "",
        "Nhóm": [g.name for g in groups],
    }


class _Write:
    def __init__(self, locality: Locality, preview: UnitSheetPreview, by: User) -> None:
        self.locality, self.preview, self.by = locality, preview, by
        self.note = f"Nhập danh mục đơn vị từ tệp {preview.filename}"
        self.units: dict[Ref, Unit] = {}
        self.shared = _shared_keys(catalog_service.units_of(locality.id))

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
