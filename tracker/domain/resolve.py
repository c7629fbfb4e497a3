"""A parsed annex read against the unit catalogue and the calendar.

`parse_annex` knows only cells; this module adds what the cells mean: which units each
unit cell names (groups expanded to their members), and what each timeframe phrase
dates. Unknown unit names are collected once each, with suggestions, for the mapping
step of an import.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from tracker.domain.annex import ParsedActivity, ParsedAnnex, ParsedGroup, Problem
from tracker.domain.timeframes import (
    Timeframe,
    TimeframeKind,
    read_correction,
    read_timeframe,
)
from tracker.domain.units import UnitCatalog, UnitMention, expand_assignments, split_units

# (unit_id, via_group_id): via_group_id is the group a commune came from, or None.
Assigned = tuple[tuple[int, int | None], ...]


@dataclass(frozen=True)
class ResolvedActivity:
    group: ParsedGroup
    parsed: ParsedActivity
    timeframe: Timeframe
    lead: tuple[UnitMention, ...]
    support: tuple[UnitMention, ...]
    lead_units: Assigned
    support_units: Assigned
    corrected: bool = False  # Phòng Nội vụ rewrote how its timeframe reads

    @property
    def has_unknown_units(self) -> bool:
        return any(not m.is_known for m in self.lead + self.support)


@dataclass(frozen=True)
class UnknownName:
    text: str
    rows: tuple[int, ...]
    suggestions: tuple[int, ...]
    looks_vague: bool


@dataclass(frozen=True)
class ResolvedAnnex:
    parsed: ParsedAnnex
    activities: tuple[ResolvedActivity, ...]
    unknown: tuple[UnknownName, ...]
    problems: tuple[Problem, ...]

    @property
    def undated(self) -> tuple[ResolvedActivity, ...]:
        """Activities whose timeframe needs Phòng Nội vụ: not understood or set by another plan."""
        waiting = (TimeframeKind.UNDATED, TimeframeKind.OTHER_PLAN)
        return tuple(a for a in self.activities if a.timeframe.kind in waiting)


def resolve_annex(
    parsed: ParsedAnnex,
    catalog: UnitCatalog,
    plan_year: int | None,
    corrections: Mapping[int, str] | None = None,
) -> ResolvedAnnex:
    """Read every activity's unit cells and timeframe; never drops a row or a name.
    `corrections`: by row, a clearer phrase Phòng Nội vụ wrote for a timeframe that did
    not read right; the annex's own phrase is kept (timeframes.read_correction)."""
    corrections = corrections or {}
    activities: list[ResolvedActivity] = []
    unknown: dict[str, UnknownName] = {}
    problems: list[Problem] = []
    for group in parsed.groups:
        for item in group.activities:
            lead = split_units(item.lead_text, catalog)
            support = split_units(item.support_text, catalog)
            for mention in lead + support:
                if not mention.is_known:
                    _collect_unknown(unknown, mention, item.row)
            if not lead:
                problems.append(Problem(item.row, "Hoạt động chưa có đơn vị chủ trì."))
            timeframe = read_timeframe(item.timeframe_text, plan_year)
            fix, corrected = corrections.get(item.row, "").strip(), False
            if fix:
                try:
                    timeframe, corrected = read_correction(timeframe, fix, plan_year), True
                except ValueError as exc:
                    problems.append(Problem(item.row, str(exc), "error"))
            else:
                problems += _timeframe_problems(item.row, timeframe)
            activities.append(
                ResolvedActivity(
                    group=group,
                    parsed=item,
                    timeframe=timeframe,
                    lead=lead,
                    support=support,
                    lead_units=expand_assignments(lead, catalog),
                    support_units=expand_assignments(support, catalog),
                    corrected=corrected,
                )
            )
    for name in unknown.values():
        problems.append(
            Problem(
                name.rows[0],
                f"Không tìm thấy đơn vị «{name.text}» trong danh mục: cần chọn đơn vị tương ứng.",
                "error",
            )
        )
    return ResolvedAnnex(parsed, tuple(activities), tuple(unknown.values()), tuple(problems))


def _timeframe_problems(row: int, timeframe: Timeframe) -> list[Problem]:
    """What the preview says of a reading: not understood, or to be checked."""
    if timeframe.kind is TimeframeKind.UNDATED:
        message = (
            f"Chưa xác định được thời hạn «{timeframe.text}»: giữ nguyên văn, chờ ấn định "
            "thời hạn (có thể sửa cách đọc ngay trong bảng bên dưới)."
        )
        return [Problem(row, message, "info")]
    if timeframe.needs_review:
        message = f"Thời hạn «{timeframe.text}» đọc là: {timeframe.label()}. {timeframe.note}"
        return [Problem(row, message, "info")]
    return []


def _collect_unknown(found: dict[str, UnknownName], mention: UnitMention, row: int) -> None:
    seen = found.get(mention.text)
    if seen is None:
        found[mention.text] = UnknownName(
            mention.text, (row,), mention.suggestions, mention.looks_vague
        )
    elif row not in seen.rows:
        found[mention.text] = UnknownName(
            seen.text, seen.rows + (row,), seen.suggestions, seen.looks_vague
        )
