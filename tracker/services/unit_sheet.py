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

from dataclasses import dataclass

from tracker.domain.unit_sheet import SEPARATOR, read_unit_sheet
from tracker.exporters.units_xlsx import generate_units_template
from tracker.importers import Document, sheet_rows
from tracker.models import Locality, User
from tracker.models.units import PROVINCE
from tracker.services import audit, cascade
from tracker.services import catalog as catalog_service
from tracker.services.unit_sheet_check import Check
from tracker.services.unit_sheet_lines import (
    KIND_CHOICES,
    MAX_UNITS,
    UnitSheetPreview,
    groups_of,
    own_aliases,
    shared_keys,
)
from tracker.services.unit_sheet_write import Write

__all__ = ["KIND_CHOICES", "MAX_UNITS", "UnitSheetPreview", "import_sheet", "preview_sheet"]

# ---- the template ----------------------------------------------------------------


def template(locality: Locality) -> bytes:
    units = catalog_service.units_of(locality.id)
    shared = shared_keys(units)
    groups = groups_of(units)
    rows = [
        (
            unit.name,
            unit.kind_label,
            unit.short_name,
            SEPARATOR.join(own_aliases(unit, shared)),
            unit.parent.name if unit.parent else "",
            SEPARATOR.join(g.name for g in groups.get(unit.id, [])),
        )
        for unit in units
    ]
    return generate_units_template(locality=locality.name, rows=rows, kinds=KIND_CHOICES)


def preview_sheet(
    locality: Locality, filename: str, data: bytes, read: Document | str | None
) -> UnitSheetPreview:
    """What the sheet would add and change, row by row, with every problem; writes
    nothing. `read`: the file as staging read it (None reads `data` now)."""
    preview = UnitSheetPreview(filename, locality)
    rows = sheet_rows(filename, data, read, read_unit_sheet, "đơn vị", MAX_UNITS, preview.errors)
    if preview.errors:
        return preview
    Check(locality, rows, preview).run()
    return preview


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
    Write(locality, preview, by).run()
    if locality.level == PROVINCE:  # a new «UBND xã …» row may name a commune already made
        cascade.link_communes(locality)
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
