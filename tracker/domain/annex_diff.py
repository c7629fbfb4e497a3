"""What an import would add, change and remove in a stored annex.

Both sides are described as `ActivityState`s. An incoming activity is matched to a
stored one by (group label, number); unnumbered ones, and renumbered ones left over
after that pass, are matched by their folded text within the same group. Importing the
same annex twice therefore yields no change at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from tracker.domain.text import fold

COMPARED = (
    "group_title",
    "number",
    "number_raw",
    "text",
    "lead",
    "support",
    "timeframe_text",
    "extra",
)
FIELD_LABELS = {
    "group_title": "Nội dung",
    "number": "Số thứ tự",
    "number_raw": "Số thứ tự (như trong tệp)",
    "text": "Hoạt động",
    "lead": "Đơn vị chủ trì",
    "support": "Đơn vị phối hợp",
    "timeframe_text": "Thời gian thực hiện",
    "timeframe_reading": "Cách đọc thời hạn",
    "extra": "Cột khác",
}


@dataclass(frozen=True)
class ActivityState:
    group_label: str
    group_title: str
    number: str | None
    number_raw: str
    text: str
    lead: tuple[int, ...]  # unit ids in order
    support: tuple[int, ...]
    timeframe_text: str
    extra: tuple[tuple[str, str], ...] = ()
    ref: Any = None  # the stored activity's id, or the incoming item; not compared
    # How the timeframe reads: compared only when the incoming one is a correction by
    # Phòng Nội vụ ("" otherwise), so a re-import keeps a stored correction or a moved
    # deadline while its phrase stays the same.
    timeframe_reading: str = ""

    @property
    def key(self) -> tuple[str, str]:
        return fold(self.group_label), self.number or ""


@dataclass(frozen=True)
class Changed:
    current: ActivityState
    incoming: ActivityState
    fields: tuple[str, ...]


@dataclass(frozen=True)
class AnnexDiff:
    added: tuple[ActivityState, ...]
    changed: tuple[Changed, ...]
    removed: tuple[ActivityState, ...]
    unchanged: tuple[tuple[ActivityState, ActivityState], ...]

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.changed or self.removed)


def diff_annex(current: Sequence[ActivityState], incoming: Sequence[ActivityState]) -> AnnexDiff:
    pairs, added, left = _match(current, incoming)
    changed: list[Changed] = []
    unchanged: list[tuple[ActivityState, ActivityState]] = []
    for cur, new in pairs:
        differing = tuple(f for f in COMPARED if getattr(cur, f) != getattr(new, f))
        if new.timeframe_reading and new.timeframe_reading != cur.timeframe_reading:
            differing += ("timeframe_reading",)
        if differing:
            changed.append(Changed(cur, new, differing))
        else:
            unchanged.append((cur, new))
    return AnnexDiff(tuple(added), tuple(changed), tuple(left), tuple(unchanged))


def _match(
    current: Sequence[ActivityState], incoming: Sequence[ActivityState]
) -> tuple[list[tuple[ActivityState, ActivityState]], list[ActivityState], list[ActivityState]]:
    left = list(current)
    by_key = {c.key: c for c in left if c.number}
    pairs: list[tuple[ActivityState, ActivityState]] = []
    pending: list[ActivityState] = []
    for new in incoming:
        match = by_key.pop(new.key, None) if new.number else None
        if match is not None:
            left.remove(match)
            pairs.append((match, new))
        else:
            pending.append(new)
    added: list[ActivityState] = []
    for new in pending:
        same_text = [
            c
            for c in left
            if fold(c.group_label) == fold(new.group_label) and fold(c.text) == fold(new.text)
        ]
        if same_text:
            left.remove(same_text[0])
            pairs.append((same_text[0], new))
        else:
            added.append(new)
    return pairs, added, left
