"""The Vĩnh Châu catalogue from seeds/ as a domain UnitCatalog (no database)."""

from __future__ import annotations

import csv
from pathlib import Path

from tracker.domain.units import CatalogUnit, UnitCatalog, UnitKind

SEEDS = Path(__file__).resolve().parents[2] / "seeds" / "vinh-chau"


def _split(value: str) -> tuple[str, ...]:
    return tuple(v.strip() for v in value.split("|") if v.strip())


def vinh_chau_catalog() -> UnitCatalog:
    with (SEEDS / "units.csv").open(encoding="utf-8") as fp:
        rows = list(csv.DictReader(fp))
    ids = {row["name"]: i for i, row in enumerate(rows, start=1)}
    units = [
        CatalogUnit(
            id=ids[row["name"]],
            name=row["name"],
            kind=UnitKind(row["kind"]),
            aliases=_split(row["aliases"]),
            member_ids=tuple(ids[m] for m in _split(row["members"])),
        )
        for row in rows
    ]
    with (SEEDS / "unit_aliases.csv").open(encoding="utf-8") as fp:
        extra = {row["alias"]: [ids[n] for n in _split(row["units"])] for row in csv.DictReader(fp)}
    return UnitCatalog(units, extra)
