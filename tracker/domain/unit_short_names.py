"""Unit names written short: initials, office abbreviations, "P." for Phòng or Phường.

People write "P.TC-KH", "Phòng TCKH", "LĐTBXH", "TT Y tế", "CA thị xã", "P. 1" for units
whose names no alias spells that way. The rule, read from each unit's own names (there is
no table of known abbreviations, so a new unit's initials work the day it is added):

- A name is read as tokens: runs of letters, runs of digits. Case, diacritics ("Đ" is
  "D"), spaces, ".", "-", "–", "&", "," and the word "và" do not count.
- A unit *fits* a written name when the tokens, in order, stand for all the words of one
  of its names, each token being one of:
  - the word itself ("Nội", "noi");
  - the initials of as many consecutive words as it has letters ("TCKH" = Tài chính –
    Kế hoạch, "QL" = Quản lý, "TT" = Trung tâm or Thanh tra, "P" = Phòng or Phường);
  - "UB", which people write for Ủy ban nhân dân as well as for Ủy ban.
- A name may be written without its leading "Phòng" ("TNMT") and without its trailing
  locality ("Công an thị xã" → "CA"; see :func:`split_locality`).
- A unit fits *in part* when the tokens run out before its words do ("TC", "VP", "TT"
  for any Trung tâm …): the writer may have meant it and stopped short.

The catalogue decides what a fit means (see ``UnitCatalog.lookup``): a silent match only
when exactly one unit fits and no other fits even in part.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from enum import IntEnum
from functools import cache

from tracker.domain.text import fold, name_key, nfc

_TOKEN = re.compile(r"[a-z]+|[0-9]+")
# name_key puts tone marks after each syllable, where \w alone would cut the word.
_WORD = re.compile(r"[\w\u0300-\u036f]+")
_VOWEL = re.compile(r"[aeiouy]")
_CONNECTORS = frozenset({"va"})
# Short forms that are not plain initials: "UB xã Vĩnh Hải" is UBND xã Vĩnh Hải.
_SHORT_FORMS = {"ub": ("uy", "ban", "nhan", "dan")}
_OPTIONAL_HEAD = "phong"
# Longer names are prose, not abbreviations; the bound also caps the work per lookup.
_MAX_TOKENS = 24


def _keyed_words(*phrases: str) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(name_key(p).split()) for p in phrases)


# The level above the catalogue's units, with an optional place name after it.
_UPPER_LEVELS = _keyed_words("thị xã", "huyện", "thành phố", "quận", "tỉnh")
# Commune level (two-tier government since 1/7/2025): only bare, at the very end.
_COMMUNE_LEVELS = _keyed_words("xã", "phường", "đặc khu")
_NOT_BEFORE_COMMUNE = frozenset(w for level in _COMMUNE_LEVELS for w in level) | {name_key("cấp")}


class Fit(IntEnum):
    NONE = 0
    PART = 1  # the written tokens cover a beginning of the unit's words
    WHOLE = 2  # the written tokens cover all of them


def tokens(text: str) -> tuple[str, ...]:
    """Folded letter and digit runs of a name, connectors dropped ("P.1" → p, 1).

    Written abbreviations are not expanded here ("TX" may be thị xã or thường xuyên):
    the initials rule reads "UBND", "HĐND", "TX" against the units' expanded words."""
    return tuple(t for t in _TOKEN.findall(fold(text)) if t not in _CONNECTORS)


def split_locality(words: list[str]) -> tuple[list[str], list[str]]:
    """Split name-key words into (name, trailing locality) — the locality may be left out.

    The locality is the first "thị xã", "huyện", "thành phố", "quận" or "tỉnh" that is not
    the first word, with at most three words (a place name) after it; or else a bare final
    "xã", "phường" or "đặc khu" (a commune's own offices: "Công an xã"). Not a locality:
    "xã, phường" (a group of communes), "cấp xã", "xã Hòa Đông" (a commune's name).
    """
    for start in range(1, len(words)):
        for level in _UPPER_LEVELS:
            end = start + len(level)
            if tuple(words[start:end]) == level and len(words) - end <= 3:
                return words[:start], words[start:]
    for level in _COMMUNE_LEVELS:
        start = len(words) - len(level)
        before = words[start - 1] if start >= 2 else ""
        if tuple(words[start:]) == level and before and before not in _NOT_BEFORE_COMMUNE:
            return words[:start], words[start:]
    return words, []


def name_forms(name: str) -> set[tuple[str, ...]]:
    """The word sequences a name may be written as: with or without its locality, with or
    without a leading "Phòng"; folded, connectors dropped. Words the name itself writes
    as abbreviations ("GD", "ĐT" in "Phòng GD&ĐT"; "tckh", which has no vowel so is no
    Vietnamese syllable) are kept in capitals: their initials are all their letters."""
    words = _WORD.findall(name_key(name))
    core, locality = split_locality(words)
    forms = {tokens(" ".join(words))}
    if locality:
        forms.add(tokens(" ".join(core)))
    forms |= {form[1:] for form in forms if len(form) > 1 and form[0] == _OPTIONAL_HEAD}
    capitals = _abbreviations(name)
    return {
        tuple(w.upper() if w in capitals or not _VOWEL.search(w) else w for w in form)
        for form in forms
        if form
    }


def _abbreviations(name: str) -> set[str]:
    """Folded words written in capitals, unless the whole name is ("PHÒNG NỘI VỤ")."""
    written = _WORD.findall(nfc(name))
    if all(w.isupper() or not w.isalpha() for w in written):
        return set()
    return {fold(w) for w in written if len(w) > 1 and w.isalpha() and w.isupper()}


def _spans(token: str, words: tuple[str, ...], start: int) -> Iterator[int]:
    """How many of ``words[start:]`` one written token can stand for."""
    if token == words[start].lower():
        yield 1
    count = _initials_span(token, words, start)
    if count:
        yield count
    expansion = _SHORT_FORMS.get(token)
    if expansion and words[start : start + len(expansion)] == expansion:
        yield len(expansion)


def _initials_span(token: str, words: tuple[str, ...], start: int) -> int | None:
    """How many words ``token`` gives the initials of, from ``start``: a full word gives its
    first letter, an abbreviation word ("GD") all its letters, a number none."""
    done = 0
    for count, word in enumerate(words[start:], start=1):
        piece = word.lower() if word.isupper() else word[0]
        if not word.isalpha() or not token.startswith(piece, done):
            return None
        done += len(piece)
        if done == len(token):
            return count
    return None


def fit(written: tuple[str, ...], words: tuple[str, ...]) -> Fit:
    """How well written tokens stand for a name's words (see the module docstring)."""

    @cache
    def step(i: int, j: int) -> Fit:
        if i == len(written):
            return Fit.WHOLE if j == len(words) else Fit.PART
        if j == len(words):
            return Fit.NONE
        best = Fit.NONE
        for taken in _spans(written[i], words, j):
            best = max(best, step(i + 1, j + taken))
            if best is Fit.WHOLE:
                break
        return best

    return step(0, 0) if written else Fit.NONE


class ShortNameIndex:
    """Every unit's name forms, indexed by first letter, for :func:`fit` lookups."""

    def __init__(self, names: Iterable[tuple[int, str]]) -> None:
        self._by_initial: dict[str, set[tuple[int, tuple[str, ...]]]] = {}
        for unit_id, name in names:
            for form in name_forms(name):
                self._by_initial.setdefault(form[0][0].lower(), set()).add((unit_id, form))
        self._seen: dict[tuple[str, ...], dict[int, Fit]] = {}

    def fits(self, written: str) -> dict[int, Fit]:
        """Units that fit a written name, wholly or in part, with the best fit of each."""
        key = tokens(written)
        if not key or len(key) > _MAX_TOKENS:
            return {}
        if key not in self._seen:
            found: dict[int, Fit] = {}
            for unit_id, form in self._by_initial.get(key[0][0], ()):
                how = fit(key, form)
                if how > found.get(unit_id, Fit.NONE):
                    found[unit_id] = how
            self._seen[key] = found
        return self._seen[key]
