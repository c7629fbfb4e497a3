"""One search across plans, activities, progress reports, evidence files and units,
limited to what the user may read.

Who reads what (as services.reporting.can_read and the annex pages): Phòng Nội vụ and the
leaders read everything of their locality — of every locality when their account is
attached to no unit (province staff, as services.reminders.decisions counts them); a unit's focal
officer reads the whole annex of the unit's locality but only the unit's own reports and
evidence files.

Every kind is filtered by the database with LIKE on folded columns (activity, unit,
report and attachment `search_text`), one condition per word, inside the scope; only the
page shown is loaded. Plans are few (a locality issues one or two a year) and are matched
in Python.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, select
from sqlalchemy.orm import selectinload

from tracker.domain.search import (
    MAX_QUERY,
    excerpt,
    has_match,
    is_too_short,
    matches_all,
    query_words,
)
from tracker.domain.text import fold
from tracker.extensions import db
from tracker.models import (
    Activity,
    Assignment,
    Attachment,
    Locality,
    Plan,
    ProgressReport,
    ReportingPeriod,
    Unit,
    User,
)
from tracker.models.users import OFFICER
from tracker.services import tenancy

PAGE_SIZE = 20
COUNT_CAP = 1000  # results counted exactly up to this; past it "hơn 1.000"
MAX_PAGE = 500  # "xem thêm" goes as far as the 10.000th result of a kind
PLAN, ACTIVITY, REPORT, FILE, UNIT = "plan", "activity", "report", "file", "unit"
KIND_LABELS = {
    PLAN: "Kế hoạch",
    ACTIVITY: "Hoạt động",
    REPORT: "Báo cáo tiến độ",
    FILE: "Tệp minh chứng",
    UNIT: "Đơn vị",
}
# The report fields a result shows when a word occurs in them, in this order.
REPORT_FIELDS = (
    ("result", "Kết quả"),
    ("evidence_text", "Văn bản, minh chứng"),
    ("review_comment", "Ý kiến khi duyệt"),
    ("difficulties", "Khó khăn"),
    ("proposals", "Đề xuất"),
    ("reason", "Lý do không thực hiện"),
)


@dataclass(frozen=True)
class Scope:
    """What a user may find. `localities` None: every locality (services.tenancy: a
    province's reader also finds its communes'). `report_unit_id`: only this unit's
    reports and files (officers). `reads_reports` False: none at all. `several`: results
    come from more than one locality, so each says which."""

    localities: frozenset[int] | None
    report_unit_id: int | None
    reads_reports: bool
    unit_name: str = ""  # the officer's unit, for the page to say whose reports
    several: bool = False


def scope_of(user: User) -> Scope:
    unit = user.unit
    readable = tenancy.readable(user)
    localities = frozenset(readable) if readable is not None else None
    if localities is None:
        several = (db.session.scalar(select(func.count()).select_from(Locality)) or 0) > 1
    else:
        several = len(localities) > 1
    if user.role == OFFICER:
        return Scope(
            localities,
            unit.id if unit else None,
            unit is not None,
            unit.name if unit else "",
            several,
        )
    return Scope(localities, None, True, several=several)


@dataclass
class Section:
    kind: str
    total: int
    page: int
    items: list[Any] = field(default_factory=list)
    capped: bool = False  # more than `total` match; they were not counted

    @property
    def label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))

    @property
    def first_number(self) -> int:
        return (self.page - 1) * PAGE_SIZE + 1

    @property
    def has_more(self) -> bool:
        return self.page < self.pages or self.capped


@dataclass
class Results:
    query: str  # as searched (cut to MAX_QUERY)
    words: tuple[str, ...]
    scope: Scope
    cut: bool = False  # the query was longer than MAX_QUERY
    hint: str = ""  # why nothing was searched
    sections: list[Section] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(s.total for s in self.sections)


def search(user: User, query: str, kind: str | None = None, page: int = 1) -> Results:
    """Every kind's first page, or one `kind`'s `page` ("xem thêm")."""
    cut = len(query) > MAX_QUERY
    query = query[:MAX_QUERY]
    results = Results(query, query_words(query), scope_of(user), cut)
    if is_too_short(query):
        results.hint = "Nhập ít nhất 2 ký tự để tìm."
        return results
    if not results.words:
        results.hint = "Nhập chữ hoặc số để tìm."
        return results
    kinds = [kind] if kind in KIND_LABELS else list(KIND_LABELS)
    page = min(max(page, 1), MAX_PAGE)
    plan_ids = _plan_ids(results.scope)
    for each in kinds:
        results.sections.append(_SEARCHES[each](results.scope, plan_ids, results.words, page))
    return results


# ---- scope and paging ----------------------------------------------------------------


def _plan_ids(scope: Scope) -> list[int]:
    stmt = select(Plan.id)
    if scope.localities is not None:
        stmt = stmt.where(Plan.locality_id.in_(scope.localities))
    return list(db.session.scalars(stmt))


def _like_all(column: Any, words: Sequence[str]) -> ColumnElement[bool]:
    conditions = []
    for word in words:
        escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        conditions.append(column.like(f"%{escaped}%", escape="\\"))
    return and_(*conditions)


def _page_ids(
    ids: Select[Any], order: Sequence[Any], page: int
) -> tuple[int, bool, int, list[int]]:
    """(total, capped, page, ids of that page) of a select of ids. One pass: the ids up to
    COUNT_CAP (or up to the page asked, if further) come back in order, so the count stops
    there — a word most reports hold is counted as "hơn 1.000", not read to the end. A
    page past the end is the last."""
    limit = max(COUNT_CAP, page * PAGE_SIZE) + 1
    found = list(db.session.scalars(ids.order_by(*order).limit(limit)))
    capped = len(found) == limit
    total = len(found) - capped
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 1), pages)
    start = (page - 1) * PAGE_SIZE
    return total, capped, page, found[start : start + PAGE_SIZE]


def _in_order(rows: Sequence[Any], ids: list[int]) -> list[Any]:
    by_id = {row.id: row for row in rows}
    return [by_id[i] for i in ids if i in by_id]


def _readable_reports(scope: Scope, plan_ids: list[int]) -> ColumnElement[bool] | None:
    """The condition on ProgressReport of the reports `scope` reads; None: none."""
    if not scope.reads_reports:
        return None
    if scope.report_unit_id is not None:
        return ProgressReport.assignment_id.in_(
            select(Assignment.id).where(Assignment.unit_id == scope.report_unit_id)
        )
    if scope.localities is None:
        return ProgressReport.id.is_not(None)
    # Through the period: the figures index starts with period_id.
    return ProgressReport.period_id.in_(
        select(ReportingPeriod.id).where(ReportingPeriod.plan_id.in_(plan_ids))
    )


# ---- each kind -----------------------------------------------------------------------


def _plans(scope: Scope, plan_ids: list[int], words: Sequence[str], page: int) -> Section:
    plans = db.session.scalars(
        select(Plan).where(Plan.id.in_(plan_ids)).order_by(Plan.year.desc(), Plan.id.desc())
    ).all()
    found = [p for p in plans if matches_all(f"{p.reference} {p.title}", words)]
    section = Section(PLAN, len(found), 1)
    section.page = min(max(page, 1), section.pages)
    start = (section.page - 1) * PAGE_SIZE
    section.items = found[start : start + PAGE_SIZE]
    return section


def _activities(scope: Scope, plan_ids: list[int], words: Sequence[str], page: int) -> Section:
    ids = select(Activity.id).where(
        Activity.plan_id.in_(plan_ids), _like_all(Activity.search_text, words)
    )
    order = (Activity.plan_id.desc(), Activity.position)
    total, capped, page, page_ids = _page_ids(ids, order, page)
    rows = db.session.scalars(
        select(Activity)
        .where(Activity.id.in_(page_ids))
        .options(
            selectinload(Activity.plan),
            selectinload(Activity.assignments).selectinload(Assignment.unit),
        )
    ).all()
    return Section(ACTIVITY, total, page, _in_order(rows, page_ids), capped)


def _reports(scope: Scope, plan_ids: list[int], words: Sequence[str], page: int) -> Section:
    readable = _readable_reports(scope, plan_ids)
    if readable is None:
        return Section(REPORT, 0, 1)
    ids = select(ProgressReport.id).where(readable, _like_all(ProgressReport.search_text, words))
    total, capped, page, page_ids = _page_ids(ids, (ProgressReport.id.desc(),), page)
    rows = db.session.scalars(
        select(ProgressReport)
        .where(ProgressReport.id.in_(page_ids))
        .options(
            selectinload(ProgressReport.period),
            selectinload(ProgressReport.assignment).selectinload(Assignment.unit),
            selectinload(ProgressReport.assignment).selectinload(Assignment.activity),
        )
    ).all()
    return Section(REPORT, total, page, _in_order(rows, page_ids), capped)


def _files(scope: Scope, plan_ids: list[int], words: Sequence[str], page: int) -> Section:
    readable = _readable_reports(scope, plan_ids)
    if readable is None:
        return Section(FILE, 0, 1)
    ids = (
        select(Attachment.id)
        .join(ProgressReport, Attachment.report_id == ProgressReport.id)
        .where(readable, _like_all(Attachment.search_text, words))
    )
    total, capped, page, page_ids = _page_ids(ids, (Attachment.id.desc(),), page)
    rows = db.session.scalars(
        select(Attachment)
        .where(Attachment.id.in_(page_ids))
        .options(
            selectinload(Attachment.report).selectinload(ProgressReport.period),
            selectinload(Attachment.report)
            .selectinload(ProgressReport.assignment)
            .selectinload(Assignment.unit),
            selectinload(Attachment.report)
            .selectinload(ProgressReport.assignment)
            .selectinload(Assignment.activity),
        )
    ).all()
    return Section(FILE, total, page, _in_order(rows, page_ids), capped)


def _units(scope: Scope, plan_ids: list[int], words: Sequence[str], page: int) -> Section:
    ids = select(Unit.id).where(_like_all(Unit.search_text, words))
    if scope.localities is not None:
        ids = ids.where(Unit.locality_id.in_(scope.localities))
    order = (Unit.locality_id, Unit.position, Unit.id)
    total, capped, page, page_ids = _page_ids(ids, order, page)
    rows = db.session.scalars(
        select(Unit).where(Unit.id.in_(page_ids)).options(selectinload(Unit.aliases))
    ).all()
    return Section(UNIT, total, page, _in_order(rows, page_ids), capped)


_SEARCHES = {
    PLAN: _plans,
    ACTIVITY: _activities,
    REPORT: _reports,
    FILE: _files,
    UNIT: _units,
}


# ---- what a result shows ---------------------------------------------------------------


def report_matches(report: ProgressReport, words: Sequence[str]) -> list[tuple[str, Any]]:
    """(label, highlighted excerpt) of each field of `report` a word occurs in."""
    shown = []
    for name, label in REPORT_FIELDS:
        text = getattr(report, name) or ""
        if has_match(text, words):
            shown.append((label, excerpt(text, words)))
    return shown


def unit_aliases(unit: Unit, words: Sequence[str]) -> list[Any]:
    """Highlighted aliases of `unit` that a word occurs in (its name is shown anyway)."""
    return [
        excerpt(a.alias, words)
        for a in unit.aliases
        if a.alias != unit.name and has_match(a.alias, words)
    ]


def _missing(words: Sequence[str], *texts: str) -> list[str]:
    shown = fold(" ".join(texts))
    return [w for w in words if w not in shown]


def activity_units(activity: Activity, words: Sequence[str]) -> list[Any]:
    """Highlighted names of the activity's units that hold a word its number and text do
    not: they say why it was found. None when the text says it already."""
    missing = _missing(words, activity.number or "", activity.text)
    names = dict.fromkeys(a.unit.name for a in activity.assignments)
    return [excerpt(name, words) for name in names if missing and has_match(name, missing)]


def activity_timeframe(activity: Activity, words: Sequence[str]) -> list[Any]:
    """The highlighted timeframe, when it holds a word the number and text do not."""
    missing = _missing(words, activity.number or "", activity.text)
    if missing and has_match(activity.timeframe_text, missing):
        return excerpt(activity.timeframe_text, words)
    return []
