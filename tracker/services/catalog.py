"""The unit catalogue of a locality, as the domain matcher sees it, and its upkeep."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

from sqlalchemy import select

from tracker.domain.text import fold, name_key, one_line, sort_key
from tracker.domain.units import CatalogUnit, UnitCatalog, UnitKind
from tracker.extensions import db
from tracker.models import Locality, Unit, UnitAlias


class UnitError(ValueError):
    """A unit could not be created or changed; the message is for the user."""


def units_of(locality_id: int) -> list[Unit]:
    return list(
        db.session.scalars(
            select(Unit).where(Unit.locality_id == locality_id).order_by(Unit.position, Unit.id)
        )
    )


def load_catalog(
    locality_id: int,
    extra_units: Iterable[CatalogUnit] = (),
    mappings: Mapping[str, Sequence[int]] | None = None,
) -> UnitCatalog:
    """The locality's units with their aliases; aliases naming several units are kept
    as multi-unit mappings ("MTTQ thị xã và xã, phường" → two units).

    `extra_units` and `mappings` add what an import's mapping step chose but has not
    stored yet (new units carry negative placeholder ids)."""
    units = units_of(locality_id)
    by_key: dict[str, list[int]] = defaultdict(list)
    written: dict[str, str] = {}
    for unit in units:
        for alias in unit.aliases:
            by_key[alias.key].append(unit.id)
            written.setdefault(alias.key, alias.alias)
    single = {k: ids[0] for k, ids in by_key.items() if len(ids) == 1}
    catalog_units = [
        CatalogUnit(
            id=u.id,
            name=u.name,
            kind=UnitKind(u.kind),
            aliases=tuple(a.alias for a in u.aliases if single.get(a.key) == u.id),
            member_ids=tuple(m.id for m in u.members),
        )
        for u in units
    ]
    multi = {written[k]: tuple(ids) for k, ids in by_key.items() if len(ids) > 1}
    multi.update({name: tuple(ids) for name, ids in (mappings or {}).items()})
    return UnitCatalog([*catalog_units, *extra_units], multi)


def remember_alias(written: str, unit_ids: Sequence[int]) -> None:
    """Remember that `written` means these units, so the next import matches it."""
    key = name_key(written)
    for unit_id in unit_ids:
        unit = db.session.get(Unit, unit_id)
        if unit is None:
            continue
        exists = db.session.scalar(
            select(UnitAlias).where(UnitAlias.key == key, UnitAlias.unit_id == unit_id)
        )
        if exists is None:
            unit.aliases.append(UnitAlias(alias=one_line(written), key=key))
        refresh_search_text(unit)


def create_unit(
    locality: Locality,
    name: str,
    kind: UnitKind,
    aliases: Iterable[str] = (),
    members: Iterable[Unit] = (),
    parent: Unit | None = None,
) -> Unit:
    name = one_line(name)
    if not name:
        raise UnitError("Tên đơn vị không được để trống.")
    if len(name) > Unit.name.type.length:
        raise UnitError(f"Tên đơn vị dài quá {Unit.name.type.length} ký tự.")
    clash = db.session.scalar(
        select(Unit).where(Unit.locality_id == locality.id, Unit.name == name)
    )
    if clash is not None:
        raise UnitError(f"Đã có đơn vị «{name}» trong danh mục.")
    last = db.session.scalar(
        select(Unit.position)
        .where(Unit.locality_id == locality.id)
        .order_by(Unit.position.desc())
        .limit(1)
    )
    unit = Unit(locality=locality, name=name, kind=kind.value, parent=parent)
    unit.position = (last or 0) + 1
    keys: dict[str, str] = {}
    for written in (name, *aliases):  # one alias row per distinct key
        if one_line(written):
            keys.setdefault(name_key(written), one_line(written))
    unit.aliases.extend(UnitAlias(alias=alias, key=key) for key, alias in keys.items())
    unit.members.extend(members)
    refresh_search_text(unit)
    db.session.add(unit)
    db.session.flush()
    return unit


def refresh_search_text(unit: Unit) -> None:
    names = [unit.name, *(a.alias for a in unit.aliases)]
    unit.search_text = fold(" | ".join(dict.fromkeys(names)))[:1000]


def sorted_units(units: Iterable[Unit]) -> list[Unit]:
    """Units in Vietnamese alphabetical order."""
    return sorted(units, key=lambda u: sort_key(u.name))
