"""The annex page below the plan's tabs, and its cells.

The cells are made once in Python from the plain rows of services.matrix: a unit chip or
a dimension chip is built once per page however many rows show it, and links are made
by pattern rather than by a url_for per row. The markup is the one of
templates/_macros.html (`units`, `timeframe`), which other pages still use; the annex
page test (tests/web/test_annex_matrix.py) holds the two to the same bytes.

A page of the matrix, filters and pager included, is kept rendered (`KEPT`) while only
reports change — the annex page shows none — and built again after any other change
(the annex, its units, groups or periods: change_log.Kept.unless_annex_changed);
tests/web/test_kept_annex.py holds a kept page to the page built from nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from flask import current_app, render_template, request, url_for
from markupsafe import Markup, escape

from tracker.domain.timeframes import TimeframeKind
from tracker.models import Plan
from tracker.services import change_log
from tracker.services import matrix as matrix_service
from tracker.services import plans as plan_service
from tracker.services.matrix import Chip, MatrixGroup, MatrixRow
from tracker.services.plans import MatrixFilter, UnitLabel

WAITING = ("undated", "other_plan")  # timeframes shown with their kind's tag
PAGE_SIZE = 100  # activities per page of the annex matrix
TIMEFRAME_LABELS = {
    TimeframeKind.ONGOING.value: "Thường xuyên / định kỳ",
    TimeframeKind.DEADLINE.value: "Có hạn hoàn thành",
    TimeframeKind.RANGE.value: "Trong khoảng thời gian",
    TimeframeKind.OTHER_PLAN.value: "Theo kế hoạch khác",
    TimeframeKind.UNDATED.value: "Chưa xác định",
}
KEPT = change_log.Kept(64)  # pages of the matrix, every plan's: about 100 KB a page


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


def kept_annex_body(
    plan: Plan, flt: MatrixFilter, cells: Cells, can_edit: bool, wanted: int
) -> Markup:
    """`annex_body` of page `wanted`, kept (`KEPT`)."""
    # What the markup depends on besides the data and the page: the role, the words for
    # the office, the links' root.
    key = ("page", flt, wanted, can_edit, cells.vague_title, request.script_root)
    build = lambda: annex_body(plan, flt, cells, can_edit, wanted)  # noqa: E731
    return KEPT.unless_annex_changed(plan.id, key, build)


def annex_body(
    plan: Plan,
    flt: MatrixFilter,
    cells: Cells,
    can_edit: bool,
    wanted: int | None,
    stream_mark: Markup | None = None,
) -> Markup:
    """The annex page below the plan's tabs — filters, count, pagers and rows — rendered
    (templates/plans/_annex_body.html): page `wanted` of the activities passing `flt`,
    or (None) all of them, whose rows are left for the caller to stream in place of
    `stream_mark` (views.whole_plan) — when any passes."""
    count = plan_service.matrix_count(plan, flt)
    pages = max(1, -(-count // PAGE_SIZE))
    page: int | str = "all" if wanted is None else min(wanted, pages)
    rows = ""
    if isinstance(page, int):
        groups = matrix_service.annex_rows(plan.id, flt, PAGE_SIZE, (page - 1) * PAGE_SIZE)
        template = current_app.jinja_env.get_template("plans/_annex_rows.html")
        rows = template.render(groups=cells.groups(groups), can_edit=can_edit) if groups else ""
    html = render_template(
        "plans/_annex_body.html",
        plan=plan,
        flt=flt,
        units=plan_service.unit_choices(plan),
        timeframe_labels=TIMEFRAME_LABELS,
        can_edit=can_edit,
        count=count,
        pages=pages,
        page=page,
        rows=Markup(rows),
        stream_mark=stream_mark if count else None,
        page_url=id_url(
            "plans.annex",
            "page",
            plan_id=plan.id,
            q=flt.query or None,
            unit=flt.unit_id,
            dimension=flt.dimension_id,
            timeframe=flt.timeframe_kind,
        ),
    )
    return Markup(html)
