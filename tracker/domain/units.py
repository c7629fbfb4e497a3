"""Unit names (đơn vị) as annexes write them, matched against a locality's catalogue.

Names are not keys: one unit is written many ways (abbreviations, dashes, tone marks,
aliases), one cell holds several units (bullets, HTML lists, "và"), and some names are
groups ("UBND xã, phường" = every commune) or vague ("Các ngành có liên quan"). The
splitter never drops text: every piece of a cell ends up in some mention, in order.
"""

from __future__ import annotations

import difflib
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from typing import NamedTuple

from tracker.domain.text import clean, fold, name_key
from tracker.domain.unit_short_names import Fit, ShortNameIndex


class UnitKind(StrEnum):
    OFFICE = "office"  # cơ quan chuyên môn
    PUBLIC_SERVICE = "public_service"  # đơn vị sự nghiệp
    COMMUNE = "commune"  # UBND xã, phường
    HAMLET = "hamlet"  # ấp, khóm, tổ dân phố: a commune's "các ấp, khóm" is their group
    MASS_ORG = "mass_org"  # Mặt trận, đoàn thể
    OTHER = "other"  # Công an, BHXH, Ban biên tập…
    GROUP = "group"  # named group with members: "UBND xã, phường"
    VAGUE = "vague"  # "Các ngành có liên quan": kept visible, resolved by Phòng Nội vụ


@dataclass(frozen=True)
class CatalogUnit:
    id: int
    name: str
    kind: UnitKind
    aliases: tuple[str, ...] = ()
    member_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class UnitMention:
    text: str
    unit_ids: tuple[int, ...]
    suggestions: tuple[int, ...] = ()
    looks_vague: bool = False

    @property
    def is_known(self) -> bool:
        return bool(self.unit_ids)


_VAGUE = re.compile(r"^(cac|nhung|mot so)\b.*(lien quan|ban nganh|co quan|don vi|nganh|khac)")


class UnitCatalog:
    """A locality's units with every name they go by."""

    def __init__(
        self, units: Iterable[CatalogUnit], extra_aliases: Mapping[str, Sequence[int]] | None = None
    ) -> None:
        self._units = {u.id: u for u in units}
        self._by_key: dict[str, tuple[int, ...]] = {}
        self._by_fold: dict[str, set[tuple[int, ...]]] = {}
        for unit in self._units.values():
            for written in (unit.name, *unit.aliases):
                self._add(written, (unit.id,))
        for written, ids in (extra_aliases or {}).items():
            self._add(written, tuple(ids), override=True)
        self._word_counts: dict[str, int] | None = None
        self._short_names = ShortNameIndex(
            (u.id, written) for u in self._units.values() for written in (u.name, *u.aliases)
        )

    def _add(self, written: str, ids: tuple[int, ...], override: bool = False) -> None:
        key = name_key(written)
        if not key:
            return
        if override or key not in self._by_key:
            self._by_key[key] = ids
        self._by_fold.setdefault(fold(key), set()).add(ids)

    def get(self, unit_id: int) -> CatalogUnit:
        return self._units[unit_id]

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self._units.values())

    def lookup(self, written: str) -> tuple[int, ...]:
        """Unit ids a whole name stands for, or () — by name key; then by folded key
        when that is unambiguous ("Phong Noi vu" finds Phòng Nội vụ); then read as a short
        name ("P.TC-KH", "TNMT", "CA thị xã": see ``unit_short_names``) when exactly one
        unit fits and no other unit fits even in part. Anything less certain is left to
        :meth:`suggest` and the coordinator."""
        key = name_key(written)
        if not key:
            return ()
        if key in self._by_key:
            return self._by_key[key]
        candidates = self._by_fold.get(fold(key), set())
        if candidates:
            return next(iter(candidates)) if len(candidates) == 1 else ()
        fits = self._short_names.fits(written)
        if len(fits) == 1 and Fit.WHOLE in fits.values():
            return tuple(fits)
        return ()

    def suggest(self, written: str, limit: int = 5) -> tuple[int, ...]:
        """The closest units to an unknown name, best first.

        First the units the name fits as a short name (wholly, then in part: "TT" puts
        Thanh tra, then every Trung tâm), then by similarity: character similarity mixed
        with shared words weighted by how rare they are in the catalogue, so "tư pháp"
        counts for more than "phòng" or "thị xã". Similarity under 0.4 is no suggestion."""
        fits = self._short_names.fits(written)
        similar = self._similarity(written)
        ranked = set(fits) | {uid for uid, score in similar.items() if score >= 0.4}
        order = sorted(
            ranked, key=lambda uid: (-fits.get(uid, Fit.NONE), -similar.get(uid, 0.0), uid)
        )
        return tuple(order[:limit])

    def _similarity(self, written: str) -> dict[int, float]:
        target = fold(written)
        if not target:
            return {}
        words = set(target.split())
        weight = {w: self._rarity(w) for w in words}
        total = sum(weight.values()) or 1.0
        scores: dict[int, float] = {}
        for unit in self._units.values():
            best = 0.0
            for name in (unit.name, *unit.aliases):
                candidate = fold(name)
                ratio = difflib.SequenceMatcher(None, target, candidate).ratio()
                shared = sum(weight[w] for w in words & set(candidate.split())) / total
                best = max(best, 0.5 * ratio + 0.5 * shared)
            scores[unit.id] = best
        return scores

    def _rarity(self, word: str) -> float:
        if self._word_counts is None:
            counts: dict[str, int] = {}
            for unit in self._units.values():
                for w in set(fold(" ".join((unit.name, *unit.aliases))).split()):
                    counts[w] = counts.get(w, 0) + 1
            self._word_counts = counts
        return math.log(1 + len(self._units) / (1 + self._word_counts.get(word, 0)))

    def members(self, unit_id: int) -> tuple[int, ...]:
        unit = self._units[unit_id]
        if unit.kind is UnitKind.GROUP and unit.member_ids:
            return unit.member_ids
        return (unit_id,)


# Separators between bullet items: line breaks, ". - ", "; ", leading "- ", "+ ", "•".
_ITEM_SPLIT = re.compile(r"\n|(?<=[.;])\s*[-+•]\s+|;\s+|\s+•\s*")
_STRIP = " .;,:-+•*\t"


def _items(cell: str) -> list[str]:
    text = clean(cell)
    pieces = [p.strip(_STRIP) for p in _ITEM_SPLIT.split(text)]
    return [p for p in pieces if p]


def split_units(cell: str, catalog: UnitCatalog) -> tuple[UnitMention, ...]:
    """The units a cell names, in order; unknown pieces come back with suggestions."""
    whole = clean(cell).strip(_STRIP)
    if not whole:
        return ()
    ids = catalog.lookup(whole)
    if ids:
        return (UnitMention(whole, ids),)
    mentions: list[UnitMention] = []
    for item in _items(whole):
        mentions.extend(_split_item(item, catalog))
    return tuple(mentions)


def _split_item(item: str, catalog: UnitCatalog) -> list[UnitMention]:
    ids = catalog.lookup(item)
    if ids:
        return [UnitMention(item, ids)]
    for separator in (r",\s+|\s+và\s+", r"\s+-\s+"):
        segments = _segment(item, separator, catalog)
        if segments is not None:
            return [UnitMention(text, catalog.lookup(text)) for text in segments]
    return [_unknown(item, catalog)]


def _unknown(text: str, catalog: UnitCatalog) -> UnitMention:
    folded = fold(text)
    return UnitMention(text, (), catalog.suggest(text), looks_vague=bool(_VAGUE.search(folded)))


def _segment(item: str, separator: str, catalog: UnitCatalog) -> list[str] | None:
    """Split `item` at separator positions into the fewest pieces that all match."""
    parts = re.split(f"({separator})", item)
    words = parts[0::2]
    glue = parts[1::2]
    if len(words) < 2 or len(words) > 12:
        return None

    @cache
    def best(start: int) -> tuple[str, ...] | None:
        if start == len(words):
            return ()
        found: tuple[str, ...] | None = None
        for end in range(start + 1, len(words) + 1):
            piece = words[start]
            for i in range(start + 1, end):
                piece += glue[i - 1] + words[i]
            piece = piece.strip(_STRIP)
            if not catalog.lookup(piece):
                continue
            rest = best(end)
            if rest is not None and (found is None or len(rest) + 1 < len(found)):
                found = (piece, *rest)
        return found

    result = best(0)
    return list(result) if result else None


def expand_assignments(
    mentions: Iterable[UnitMention], catalog: UnitCatalog
) -> tuple[tuple[int, int | None], ...]:
    """(unit_id, via_group_id) rows: a group becomes its members; duplicates dropped."""
    rows: dict[int, int | None] = {}
    for mention in mentions:
        for unit_id in mention.unit_ids:
            members = catalog.members(unit_id)
            via = unit_id if members != (unit_id,) else None
            for member in members:
                rows.setdefault(member, via)
    return tuple(rows.items())


class Placed(NamedTuple):
    """One unit of an activity in one role, as assigned: by itself (`via_group_id` None)
    or as a member of a group the annex named ("UBND xã, phường")."""

    unit_id: int
    name: str
    via_group_id: int | None


class Shown(NamedTuple):
    """A name in an activity's unit list: one unit, or a group shown once for its members."""

    name: str
    unit_id: int | None  # None for a group
    group_id: int | None  # None for a unit
    members: int  # 1 for a unit


def shown_units(placed: Iterable[Placed], groups: Mapping[int, tuple[str, int]]) -> list[Shown]:
    """The names an activity's units are shown by, in one role, in order: a group of two
    or more whose every member is assigned through it shows once, by its name, where its
    first member stands ("UBND xã, phường" for its 10 communes); any other unit by its own
    name — also the members of a group some of whose members were taken off, so the list
    never names a group that no longer holds. `groups` is group id → (name, members).
    The annex page, the Word and Excel annexes and the plan's calendar feed all show
    units by this rule."""
    rows = list(placed)
    through = Counter(p.via_group_id for p in rows if p.via_group_id is not None)
    result: list[Shown] = []
    shown: set[int] = set()
    for unit_id, name, group_id in rows:
        if group_id is not None:
            group_name, members = groups[group_id]
            if members > 1 and through[group_id] == members:
                if group_id not in shown:
                    shown.add(group_id)
                    result.append(Shown(group_name, None, group_id, members))
                continue
        result.append(Shown(name, unit_id, None, 1))
    return result


# How unit names open in annexes (folded). Activities open with some of the same words:
# "Phòng, chống tham nhũng", "Ban hành", "Bàn giao", "Hội nghị", "Số hóa", "Áp dụng",
# "Xã hội hóa", "Phương án", "Thanh tra việc…" — those are not names.
_UNIT_OPENING = re.compile(
    r"^(phong (?!chong|ngua)|uy ban|ubnd|ubmttq|mttq|mat tran|hdnd|van phong|trung tam"
    r"|cong an|thanh tra (thi xa|huyen|tinh|thanh pho|so|xa|phuong)\b|thanh tra$"
    r"|ban (?!hanh|giao)|bo chi huy|chi nhanh|chi cuc|cuc |so (?!hoa|lieu|ket|sanh|luong)"
    r"|kho bac|bao hiem|bhxh|doan (thanh nien|the|kiem tra|giam sat|cong tac)"
    r"|hoi (nong dan|lien hiep|cuu chien binh|chu thap do|nguoi cao tuoi|khuyen hoc|luat gia)"
    r"|lien doan|(dang|thi|huyen|tinh|thanh) uy|toa an|vien kiem sat|dai (truyen|phat) thanh"
    r"|buu dien|ngan hang|benh vien|tram y te|cong chuc|truong (thpt|thcs|tieu hoc|mam non)"
    r"|(cac |moi )?(xa|phuong|thi tran|dac khu|khom|to dan pho)\b(?! (hoi|an|phap|thuc|cham|tien))"
    r"|(cac )?ap\b(?! dung)"
    r"|(cac|nhung|mot so) (co quan|nganh|ban nganh|don vi|phong|so|truong|to chuc|doan the|hoi)"
    r"|co quan|to cong tac)"
)
_NAME_WORDS = 15  # the longest names ("Ủy ban Mặt trận Tổ quốc Việt Nam thị xã, xã, phường")


def reads_as_units(cell: str, catalog: UnitCatalog | None = None) -> bool:
    """Whether a cell reads as a list of unit names rather than other text: at least half
    of its items are names the catalogue knows, or short pieces that open like a name."""
    items = _items(cell)
    if not items:
        return False
    named = sum(_reads_as_name(item, catalog) for item in items)
    return 2 * named >= len(items)


def _reads_as_name(item: str, catalog: UnitCatalog | None) -> bool:
    if catalog is not None and catalog.lookup(item):
        return True
    folded = fold(item)
    return len(folded.split()) <= _NAME_WORDS and bool(_UNIT_OPENING.match(folded))
