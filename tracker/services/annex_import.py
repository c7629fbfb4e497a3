"""Importing an annex into a plan: read → parse → resolve → preview the difference → apply.

The preview writes nothing. `apply_import` writes the whole difference (and any unit
mappings chosen in the preview) and flushes; the caller commits once, so an import is
one transaction. Importing the same file twice changes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from tracker.domain.annex import ParsedAnnex, Problem, parse_annex
from tracker.domain.annex_diff import ActivityState, AnnexDiff, diff_annex
from tracker.domain.resolve import ResolvedActivity, ResolvedAnnex, resolve_annex
from tracker.domain.text import one_line
from tracker.domain.units import CatalogUnit, UnitCatalog, UnitKind
from tracker.extensions import db
from tracker.importers import BadFile, Document, read_once
from tracker.models import LEAD, SUPPORT, Activity, ContentGroup, Plan, Unit, User
from tracker.services import audit, history
from tracker.services import catalog as catalog_service
from tracker.services.activities import (
    delete_activity,
    reported_assignment_ids,
    set_assignments,
    stored_state,
    taken_in,
    update_search_text,
)

# A mapping chosen for an unknown name: existing unit ids, or a new unit of some kind.
NEW_PREFIX = "new:"


@dataclass(frozen=True)
class Mapping_:
    unit_ids: tuple[int, ...] = ()
    new_kind: UnitKind | None = None


def parse_mapping(value: str) -> Mapping_ | None:
    """Form/CLI value → mapping: "12" or "12,13" (unit ids) or "new:vague"."""
    value = (value or "").strip()
    if not value:
        return None
    if value.startswith(NEW_PREFIX):
        try:
            return Mapping_(new_kind=UnitKind(value[len(NEW_PREFIX) :]))
        except ValueError:
            return None
    try:
        ids = tuple(int(v) for v in value.split(",") if v.strip())
    except ValueError:
        return None
    return Mapping_(unit_ids=ids) if ids else None


@dataclass
class ImportPreview:
    plan: Plan
    filename: str
    format: str = ""
    parsed: ParsedAnnex | None = None
    resolved: ResolvedAnnex | None = None
    diff: AnnexDiff | None = None
    catalog: UnitCatalog | None = None
    problems: tuple[Problem, ...] = ()
    mappings: dict[str, Mapping_] = field(default_factory=dict)

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.level == "error")

    @property
    def can_apply(self) -> bool:
        return self.resolved is not None and not self.errors

    def unit_name(self, unit_id: int) -> str:
        assert self.catalog is not None
        return self.catalog.get(unit_id).name


def preview_import(
    plan: Plan,
    filename: str,
    data: bytes,
    mappings: Mapping[str, Mapping_] | None = None,
    read: Document | str | None = None,
    corrections: Mapping[int, str] | None = None,
) -> ImportPreview:
    """Everything the import would do, without writing anything. `read`: the file as
    staging read it (a Document, or why it could not be read); None reads `data` now.
    `corrections`: Phòng Nội vụ's readings of timeframes by row (domain.resolve)."""
    preview = ImportPreview(plan=plan, filename=filename, mappings=dict(mappings or {}))
    try:
        document = read_once(filename, data, read)
    except BadFile as exc:
        preview.problems = (Problem(None, exc.message, "error"),)
        return preview
    preview.format = document.format
    catalog = _catalog_with_mappings(plan, preview.mappings)
    parsed, parse_problems = parse_annex(document.tables, document.paragraphs, catalog)
    preview.parsed = parsed
    if parsed is None or parsed.activity_count == 0:
        empty = Problem(None, "Không tìm thấy hoạt động nào trong bảng phụ lục.", "error")
        preview.problems = tuple(parse_problems) or (empty,)
        return preview
    preview.catalog = catalog
    preview.resolved = resolve_annex(parsed, preview.catalog, plan.year, corrections)
    preview.problems = tuple(parse_problems) + preview.resolved.problems
    written = [u.text for u in preview.resolved.unknown] + list(preview.mappings)
    preview.problems += _too_long(preview.resolved, written)
    preview.diff = diff_annex(
        [stored_state(a) for a in plan.activities],
        [_incoming_state(item) for item in preview.resolved.activities],
    )
    preview.problems += _reports_that_would_be_lost(preview.diff)
    return preview


def _too_long(resolved: ResolvedAnnex, unit_names: list[str]) -> tuple[Problem, ...]:
    """A cell longer than its column holds is a misread cell: refused with its row, never
    cut (and never left to the database, which refuses it on PostgreSQL only). Unit names
    written in the file become a new unit's name or an alias of the unit chosen."""
    label_max = ContentGroup.label.type.length
    number_max = Activity.number_raw.type.length
    name_max = Unit.name.type.length
    problems = [
        Problem(g.row, f"Số thứ tự nhóm «{g.label[:60]}…» dài quá {label_max} ký tự.", "error")
        for g in resolved.parsed.groups
        if len(g.label) > label_max
    ]
    problems += [
        Problem(a.row, f"Số thứ tự «{a.number_raw[:60]}…» dài quá {number_max} ký tự.", "error")
        for g in resolved.parsed.groups
        for a in g.activities
        if len(a.number_raw) > number_max
    ]
    problems += [
        Problem(None, f"Tên đơn vị «{name[:60]}…» dài quá {name_max} ký tự.", "error")
        for name in dict.fromkeys(unit_names)
        if len(one_line(name)) > name_max
    ]
    return tuple(problems)


def _reports_that_would_be_lost(diff: AnnexDiff) -> tuple[Problem, ...]:
    """An import never deletes progress reports: removing an activity, or a unit from an
    activity, that already has reports is an error the coordinator must resolve first."""
    problems = []
    for state in diff.removed:
        activity = db.session.get(Activity, state.ref)
        if reported_assignment_ids(a.id for a in activity.assignments):
            message = (
                f"Hoạt động «{_short(activity)}» đã có báo cáo tiến độ; tệp mới bỏ hoạt động "
                "này nên không nhập được. Hãy giữ hoạt động trong tệp."
            )
            problems.append(Problem(None, message, "error"))
        if n := taken_in(activity):
            message = (
                f"Hoạt động «{_short(activity)}» đã được {n:02d} xã, phường đưa vào kế hoạch "
                "của mình; tệp mới bỏ hoạt động này nên không nhập được. Hãy giữ hoạt động "
                "trong tệp."
            )
            problems.append(Problem(None, message, "error"))
    for change in diff.changed:
        activity = db.session.get(Activity, change.current.ref)
        kept = {(u, LEAD) for u in change.incoming.lead}
        kept |= {(u, SUPPORT) for u in change.incoming.support}
        dropped = [a for a in activity.assignments if (a.unit_id, a.role) not in kept]
        reported = reported_assignment_ids(a.id for a in dropped)
        for a in dropped:
            if a.id in reported:
                message = (
                    f"«{a.unit.name}» đã báo cáo cho hoạt động «{_short(activity)}»; tệp mới bỏ "
                    "đơn vị này nên không nhập được. Dùng «Giao lại» trên trang hoạt động."
                )
                problems.append(Problem(None, message, "error"))
    return tuple(problems)


def _short(activity: Activity) -> str:
    return (f"{activity.number} " if activity.number else "") + activity.text[:60]


def _catalog_with_mappings(plan: Plan, mappings: Mapping[str, Mapping_]) -> UnitCatalog:
    new_units = []
    chosen: dict[str, tuple[int, ...]] = {}
    for index, (written, mapping) in enumerate(mappings.items(), start=1):
        if mapping.new_kind is not None:
            new_units.append(CatalogUnit(id=-index, name=one_line(written), kind=mapping.new_kind))
            chosen[written] = (-index,)
        elif mapping.unit_ids:
            chosen[written] = mapping.unit_ids
    return catalog_service.load_catalog(plan.locality_id, new_units, chosen)


def _incoming_state(item: ResolvedActivity) -> ActivityState:
    return ActivityState(
        group_label=item.group.label,
        group_title=item.group.title,
        number=item.parsed.number,
        number_raw=item.parsed.number_raw,
        text=item.parsed.text,
        lead=tuple(unit_id for unit_id, _ in item.lead_units),
        support=tuple(unit_id for unit_id, _ in item.support_units),
        timeframe_text=item.timeframe.text,
        extra=item.parsed.extra,
        ref=item,
        timeframe_reading=item.timeframe.reading() if item.corrected else "",
    )


@dataclass(frozen=True)
class ImportResult:
    added: int
    changed: int
    removed: int
    unchanged: int
    new_units: int


def apply_import(preview: ImportPreview, user: User | None) -> ImportResult:
    """Write the previewed difference. Raises ValueError if the preview has errors."""
    if not preview.can_apply or preview.diff is None or preview.resolved is None:
        raise ValueError("Bản xem trước còn lỗi, chưa thể nhập.")
    plan = preview.plan
    note = f"Nhập phụ lục từ tệp {preview.filename}"
    real_ids = _store_mappings(preview, user)
    groups = _sync_groups(plan, preview.resolved, user, note)
    diff = preview.diff
    positions = {id(item): n for n, item in enumerate(preview.resolved.activities, start=1)}
    units = {u.id: u for u in catalog_service.units_of(plan.locality_id)}
    new_activities = []
    for state in diff.added:
        activity = Activity(plan=plan, position=positions[id(state.ref)])
        _fill(activity, state.ref, groups[id(state.ref.group)])
        set_assignments(activity, _unit_rows(state.ref, real_ids), units)
        update_search_text(activity)
        new_activities.append((activity, history.activity_snapshot(activity)))
    db.session.add_all(a for a, _ in new_activities)
    db.session.flush()  # once for all new rows: per-row flushes made 2,000 rows take 13 s
    for activity, snapshot in new_activities:
        history.record(
            user,
            entity="activity",
            action="create",
            entity_id=activity.id,
            plan_id=plan.id,
            activity_id=activity.id,
            after=snapshot,
            note=note,
        )
    for change in diff.changed:
        activity = db.session.get(Activity, change.current.ref)
        _update_activity(activity, change.incoming.ref, groups, real_ids, units, user, note)
    for current, incoming in diff.unchanged:
        activity = db.session.get(Activity, current.ref)
        activity.position = positions[id(incoming.ref)]
    for change in diff.changed:
        db.session.get(Activity, change.current.ref).position = positions[id(change.incoming.ref)]
    for state in diff.removed:
        delete_activity(db.session.get(Activity, state.ref), user, note)
    _drop_empty_groups(plan, groups, user, note)
    if diff.added or diff.changed or diff.removed:
        plan.source_filename = preview.filename
    db.session.flush()
    new_units = sum(1 for m in preview.mappings.values() if m.new_kind is not None)
    result = ImportResult(
        len(diff.added), len(diff.changed), len(diff.removed), len(diff.unchanged), new_units
    )
    audit.record(
        "import.annex",
        target=f"{plan.reference}: {preview.filename}",
        plan_id=plan.id,
        detail={
            "Thêm": result.added,
            "Sửa": result.changed,
            "Xóa": result.removed,
            "Giữ nguyên": result.unchanged,
            "Đơn vị mới": result.new_units,
        },
        user=user,
    )
    return result


def _store_mappings(preview: ImportPreview, user: User | None) -> dict[int, int]:
    """Create the new units chosen in the mapping step and remember every mapping as an
    alias. Returns placeholder id → real id."""
    real_ids: dict[int, int] = {}
    plan = preview.plan
    for index, (written, mapping) in enumerate(preview.mappings.items(), start=1):
        if mapping.new_kind is not None:
            unit = catalog_service.create_unit(plan.locality, written, mapping.new_kind)
            real_ids[-index] = unit.id
            history.record(
                user,
                entity="unit",
                action="create",
                entity_id=unit.id,
                plan_id=plan.id,
                after={"Tên": unit.name, "Loại": unit.kind_label},
                note=f"Tạo khi nhập phụ lục từ tệp {preview.filename}",
            )
        elif mapping.unit_ids:
            catalog_service.remember_alias(written, mapping.unit_ids)
    return real_ids


def _sync_groups(
    plan: Plan, resolved: ResolvedAnnex, user: User | None, note: str
) -> dict[int, ContentGroup]:
    """Find or create each incoming content group; returns id(parsed group) → model."""
    existing = {(g.label, g.title): g for g in plan.groups}
    by_label = {g.label: g for g in plan.groups if g.label}
    result: dict[int, ContentGroup] = {}
    for position, parsed in enumerate(dict.fromkeys(a.group for a in resolved.activities), 1):
        group = existing.get((parsed.label, parsed.title)) or by_label.get(parsed.label)
        if group is None:
            group = ContentGroup(
                plan=plan,
                label=parsed.label,
                title=parsed.title,
                intro=parsed.intro,
                position=position,
            )
            db.session.add(group)
            db.session.flush()
            history.record(
                user,
                entity="group",
                action="create",
                entity_id=group.id,
                plan_id=plan.id,
                after={"Nội dung": f"{parsed.label}. {parsed.title}"},
                note=note,
            )
        elif (group.title, group.intro) != (parsed.title, parsed.intro):
            history.record(
                user,
                entity="group",
                action="update",
                entity_id=group.id,
                plan_id=plan.id,
                before={"Nội dung": group.title, "Đoạn mở đầu": group.intro},
                after={"Nội dung": parsed.title, "Đoạn mở đầu": parsed.intro},
                note=note,
            )
        group.title, group.intro, group.position = parsed.title, parsed.intro, position
        result[id(parsed)] = group
    return result


def _unit_rows(
    item: ResolvedActivity, real_ids: dict[int, int]
) -> list[tuple[int, str, int | None]]:
    rows = [(real_ids.get(u, u), "lead", g) for u, g in item.lead_units]
    rows += [(real_ids.get(u, u), "support", g) for u, g in item.support_units]
    return rows


def _fill(activity: Activity, item: ResolvedActivity, group: ContentGroup) -> None:
    activity.group = group
    activity.number_raw = item.parsed.number_raw
    activity.number = item.parsed.number
    activity.text = item.parsed.text
    activity.lead_text = item.parsed.lead_text
    activity.support_text = item.parsed.support_text
    # The same phrase keeps its stored reading: a moved deadline or an earlier correction.
    if item.corrected or activity.timeframe_text != item.timeframe.text or activity.id is None:
        activity.timeframe = item.timeframe
    activity.extra = dict(item.parsed.extra)


def _update_activity(activity, item, groups, real_ids, units, user, note) -> None:
    before = history.activity_snapshot(activity)
    _fill(activity, item, groups[id(item.group)])
    set_assignments(activity, _unit_rows(item, real_ids), units)
    db.session.flush()
    update_search_text(activity)
    history.record_activity_update(activity, before, user, note)


def _drop_empty_groups(plan: Plan, kept: dict[int, ContentGroup], user, note: str) -> None:
    keep = {g.id for g in kept.values()}
    db.session.flush()
    for group in list(plan.groups):
        if group.id not in keep and not group.activities:
            history.record(
                user,
                entity="group",
                action="delete",
                entity_id=group.id,
                plan_id=plan.id,
                before={"Nội dung": f"{group.label}. {group.title}"},
                note=note,
            )
            audit.record(
                "delete.group",
                target=f"{group.label}. {group.title}"[:300],
                plan_id=plan.id,
                detail={"Ghi chú": note},
                user=user,
            )
            plan.groups.remove(group)
