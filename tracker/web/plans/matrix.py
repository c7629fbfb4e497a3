"""The annex page's cells, made once in Python from the plain rows of services.matrix:
a unit chip or a dimension chip is built once per page however many rows show it, and
links are made by pattern rather than by a url_for per row. The markup is the one of
templates/_macros.html (`units`, `timeframe`), which other pages still use; the
annex page test (tests/web/test_annex_matrix.py) holds the two to the same bytes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from flask import url_for
from markupsafe import Markup, escape

from tracker.services.matrix import Chip, MatrixGroup, MatrixRow
from tracker.services.plans import UnitLabel

WAITING = ("undated", "other_plan")  # timeframes shown with their kind's tag


class ShownGroup(NamedTuple):
    label: str
    title: str
    intro: str
    new_url: str  # adding an activity to the group (Phòng Nội vụ only)


class ShownRow(NamedTuple):
    id: int
    number: str | None
    text: str
    url: str
    dimensions: Markup
    lead: Markup
    support: Markup
    timeframe: Markup


def id_url(endpoint: str, name: str, **values: Any) -> Callable[[int | str], str]:
    """url_for(endpoint, name=value, **values) for any value of `name` that needs no
    quoting (an id, a page number): the rule is built once."""
    sample = "918273645"
    head, tail = url_for(endpoint, **{name: sample}, **values).split(sample, 1)
    return lambda value: f"{head}{value}{tail}"


class Cells:
    """Cell markup for one page; chips are kept as they are made."""

    def __init__(self, office: str) -> None:
        self.vague_title = escape(f"Đơn vị chưa cụ thể — chờ {office} xác định")
        self.unit_url = id_url("units.detail", "unit_id")
        self.activity_url = id_url("activities.detail", "activity_id")
        self.new_url = id_url("activities.new", "group_id")
        self.units: dict[UnitLabel, str] = {}
        self.chips: dict[Chip, str] = {}

    def groups(self, groups: list[MatrixGroup]) -> list[tuple[ShownGroup, list[ShownRow]]]:
        """The groups and their rows, every value ready to print; needs no request (the
        links' patterns were made with this object)."""
        return [
            (
                ShownGroup(group.label, group.title, group.intro, self.new_url(group.id)),
                [self.row(r) for r in group.rows],
            )
            for group in groups
        ]

    def row(self, row: MatrixRow) -> ShownRow:
        """One activity's cells."""
        return ShownRow(
            row.id,
            row.number,
            row.text,
            self.activity_url(row.id),
            Markup("".join(self._chip(c) for c in row.dimensions)),
            Markup("".join(self._unit(u) for u in row.lead)),
            Markup("".join(self._unit(u) for u in row.support)),
            timeframe(row),
        )

    def _unit(self, label: UnitLabel) -> str:
        made = self.units.get(label)
        if made is None:
            vague = ' vague"' if label.is_vague else '"'
            title = f'title="{self.vague_title}"' if label.is_vague else ""
            count = f" ({label.count})" if label.count > 1 else ""
            made = self.units[label] = (
                f'<a class="chip{vague} href="{self.unit_url(label.unit_id)}"\n'
                f"    {title}>{escape(label.name)}{count}</a>"
            )
        return made

    def _chip(self, chip: Chip) -> str:
        made = self.chips.get(chip)
        if made is None:
            made = self.chips[chip] = (
                f'<span class="chip dim" title="{escape(chip.name)}">{escape(chip.label)}</span>'
            )
        return made


def timeframe(row: MatrixRow) -> Markup:
    """The timeframe cell: as written, what it is read as, and whether it waits."""
    tag = ""
    if row.timeframe_kind in WAITING:
        tag = f'<br><span class="tag {row.timeframe_kind}">{escape(row.reading)}</span>\n  '
    elif row.has_due:
        tag = f'<br><span class="tag">{escape(row.reading)}</span>'
    review = ""
    if row.needs_review:
        review = (
            f' <span class="tag warning" title="{escape(row.note)}">Cần kiểm tra thời hạn</span>'
        )
    return Markup(f"{escape(row.timeframe_text or '—')}\n  {tag}\n  {review}")
