"""The grammar of dated timeframe phrases: named parts of time joined into lists and ranges.

A phrase is read as a row of *items* — a day ("15/6", "ngày 15 tháng 9 năm 2025"), a
month, a quarter, the first or last n months of a year, a part of a period ("cuối năm",
"đầu tháng 9") or a year — each with the word before it that says how it counts
(`@by` "chậm nhất", `@before` "trước", `@from` "từ"), joined to the previous item as a
list ("và", ",") or a range ("đến", "-"). Markers say the work repeats (`@year` "hằng
năm", `@cont` "các năm tiếp theo") or hangs on an event (`@event` "sau khi", "dự kiến").

The rules that keep dates right:
- a year written on a later item of a list or range belongs to the earlier ones that have
  none ("quý II, III/2025"); an earlier item later in the calendar than its successor is
  in the year before ("từ tháng 11 đến tháng 2/2026" starts in November 2025);
- only when no item has a year does the plan's year (or the year of a repeating phrase)
  apply, and the note says so;
- a word the grammar does not know makes the phrase not understood — unless it describes
  the event a date hangs on — so a date is never read from half a phrase.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from tracker.domain.dates import screen_date
from tracker.domain.timeframe_words import FILLER, tokens

ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
LIST_MARKS = frozenset({",", ";", "va", "&", "+"})
IGNORED_MARKS = frozenset({":", ".", "(", ")", "[", "]", "/"})


class NotADate(Exception):
    """A phrase that names an impossible or contradictory date."""

    def __init__(self, note: str) -> None:
        self.note = note


@dataclass(frozen=True)
class Item:
    """A named part of time within one year: from (month, day) to (month, day), the last
    day None for the month's end; `year` None until the phrase or the plan gives it."""

    unit: str  # day, month, quarter, months, part, year
    first: tuple[int, int]
    last: tuple[int, int | None]
    year: int | None = None
    mod: str = ""  # by, before, from — the word before it
    link: str = ""  # list or range — how it joins the item before
    vague: str = ""  # how a vague part ("đầu năm") was read, for the note

    def start(self) -> date:
        assert self.year is not None
        return _day(self.year, *self.first)

    def end(self) -> date:
        assert self.year is not None
        month, day = self.last
        return _day(self.year, month, day or calendar.monthrange(self.year, month)[1])


def _day(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise NotADate(f"Ngày {day}/{month}/{year} không có thật.") from None


@dataclass
class Parsed:
    items: list[Item] = field(default_factory=list)
    markers: set[str] = field(default_factory=set)
    unknown: list[str] = field(default_factory=list)
    # Words in brackets that hold no date ("(nếu có điều kiện)"): not read, but flagged.
    aside: list[str] = field(default_factory=list)


def parse(text: str) -> Parsed:
    return _Parser(tokens(text)).run()


def _year(tok: str) -> int | None:
    return int(tok) if tok.isdigit() and len(tok) == 4 and 1900 <= int(tok) <= 2100 else None


def _small(tok: str, top: int) -> int | None:
    return int(tok) if tok.isdigit() and len(tok) <= 2 and 1 <= int(tok) <= top else None


class _Parser:
    def __init__(self, toks: list[str]) -> None:
        self.toks = toks
        self.i = 0
        self.out = Parsed()
        self.mod = ""
        self.link = ""
        self.bracket: tuple[int, int] | None = None  # (items, unknown words) when it opened

    def peek(self, ahead: int = 0) -> str:
        at = self.i + ahead
        return self.toks[at] if at < len(self.toks) else ""

    def run(self) -> Parsed:
        while self.i < len(self.toks):
            if not self._item():
                self._other(self.toks[self.i])
                self.i += 1
        return self.out

    def _other(self, tok: str) -> None:
        if tok in ("(", "["):
            self.bracket = (len(self.out.items), len(self.out.unknown))
        elif tok in (")", "]") and self.bracket is not None:
            self._close_bracket(*self.bracket)
        if tok in ("@by", "@before", "@from"):
            self.mod = tok[1:]
        elif tok == "@or":
            self.link = "or"
        elif tok == "@to" or (tok == "-" and self.out.items):
            if self.out.items:
                self.link = "range"
            else:
                self.mod = "by"
        elif tok in LIST_MARKS:
            self.link = self.link or "list"
        elif tok.startswith("@"):
            self.out.markers.add(tok)
        elif tok not in FILLER and tok not in IGNORED_MARKS and tok != "-":
            self.out.unknown.append(tok)

    def _close_bracket(self, items: int, unknown: int) -> None:
        """Words in a bracket with no date in it are an aside, not a misread date."""
        if len(self.out.items) == items:
            self.out.aside += self.out.unknown[unknown:]
            del self.out.unknown[unknown:]
        self.bracket = None

    def _add(self, item: Item) -> None:
        link = self.link if self.out.items else ""
        self.out.items.append(replace(item, mod=self.mod, link=link))
        self.mod = ""
        self.link = ""

    # ---- items ---------------------------------------------------------------------

    def _item(self) -> bool:
        for read in (self._numeric_day, self._worded_day, self._month, self._quarter):
            if read():
                return True
        return self._months_of_year() or self._part() or self._year_item()

    def _numeric_day(self) -> bool:
        """15/6, 15/6/2025, 15-6-2025, 15.6.2025, optionally after "ngày"."""
        at = 1 if self.peek() == "ngay" else 0
        day, sep, month = _small(self.peek(at), 31), self.peek(at + 1), self.peek(at + 2)
        if day is None or sep not in ("/", "-", ".") or _small(month, 12) is None:
            return False
        if self.peek(at + 3) == sep and _year(self.peek(at + 4)):
            year, self.i = _year(self.peek(at + 4)), self.i + at + 5
        else:
            self.i += at + 3
            year = self._attached_year()
        self._add(Item("day", (int(month), day), (int(month), day), year))
        return True

    def _worded_day(self) -> bool:
        """[ngày] 15 tháng 9 [năm 2025] ("ngày" is gone after "trước ngày")."""
        at = 1 if self.peek() == "ngay" else 0
        if self.peek(at + 1) != "thang":
            return False
        day, month = _small(self.peek(at), 31), _small(self.peek(at + 2), 12)
        if day is None or month is None:
            return False
        self.i += at + 3
        self._add(Item("day", (month, day), (month, day), self._attached_year()))
        return True

    def _month(self) -> bool:
        """tháng 9[/2025], with more months after it: "tháng 3, 6 và 9", "tháng 8-11"."""
        month = _small(self.peek(1), 12) if self.peek() == "thang" else None
        if month is None:
            return False
        self.i += 2
        self._add(Item("month", (month, 1), (month, None), self._attached_year()))
        self._more(lambda tok: _small(tok, 12), lambda m: Item("month", (m, 1), (m, None)))
        return True

    def _quarter(self) -> bool:
        """quý II[/2025], quý 4 năm 2025, with more quarters after it: "quý II, III"."""
        quarter = _quarter_number(self.peek(1)) if self.peek() == "quy" else None
        if quarter is None:
            return False
        self.i += 2
        self._add(_quarter_item(quarter, self._attached_year()))
        self._more(_quarter_number, lambda q: _quarter_item(q, None))
        return True

    def _more(self, number, make) -> None:  # type: ignore[no-untyped-def]
        """Items of the same kind written without their head word, after a list or range
        mark; each may carry its own year."""
        while self.peek() in LIST_MARKS | {"-", "@to", "@or"}:
            value = number(self.peek(1))
            day_next = self.peek(2) in ("/", "-", ".") and _small(self.peek(3), 12)
            if value is None or day_next or self.peek(2) == "thang":
                return  # not a bare number, or the start of a day ("15/12", "2 tháng 1")
            self._other(self.peek())
            self.i += 2
            self._add(replace(make(value), year=self._attached_year()))

    def _months_of_year(self) -> bool:
        """6 tháng đầu năm [2025], 9 tháng cuối năm."""
        count, part = _small(self.peek(), 12), self.peek(2)
        if count is None or self.peek(1) != "thang" or part not in ("dau", "cuoi"):
            return False
        self.i += 4 if self.peek(3) == "nam" else 3
        year = self._attached_year()
        if part == "dau":
            self._add(Item("months", (1, 1), (count, None), year))
        else:
            self._add(Item("months", (13 - count, 1), (12, 31), year))
        return True

    def _part(self) -> bool:
        """đầu / giữa / cuối of a year, a quarter or a month."""
        part, head = self.peek(), self.peek(1)
        if part not in ("dau", "giua", "cuoi") or head not in ("nam", "quy", "thang"):
            return False
        if head == "nam":
            return self._part_of_year(part)
        number = _quarter_number(self.peek(2)) if head == "quy" else _small(self.peek(2), 12)
        if number is None:
            return False
        self.i += 3
        year = self._attached_year()
        first = 3 * number - 2 if head == "quy" else number
        item = _PART_OF[head][part](first)
        self._add(replace(item, year=year))
        return True

    def _part_of_year(self, part: str) -> bool:
        if part == "giua":
            return False
        self.i += 3 if self.peek(2) == "nay" else 2
        year = self._attached_year()
        if part == "dau":
            item = Item("part", (1, 1), (3, None), year, vague="«đầu năm» hiểu là quý I")
        else:
            item = Item("part", (10, 1), (12, 31), year)
        self._add(item)
        return True

    def _year_item(self) -> bool:
        """năm 2025, 2025, năm nay (the plan's year)."""
        at = 1 if self.peek() == "nam" else 0
        year = _year(self.peek(at))
        if year is None and not (at and self.peek(1) == "nay"):
            return False
        self.i += at + 1
        self._add(Item("year", (1, 1), (12, 31), year))
        return True

    def _attached_year(self) -> int | None:
        """A year right after an item: /2025, -2025, .2025, năm 2025, 2025, (năm 2025);
        None after "năm nay" (the plan's year) or nothing."""
        if (self.peek(), self.peek(1)) == ("nam", "nay"):
            self.i += 2
            return None
        for shape in _YEAR_SHAPES:
            ahead = len(shape)
            if tuple(self.peek(k) for k in range(ahead)) != shape:
                continue
            year = _year(self.peek(ahead))
            if year is None:
                continue
            closing = shape[:1] == ("(",)
            if closing and self.peek(ahead + 1) != ")":
                continue
            self.i += ahead + 1 + closing
            return year
        return None


_YEAR_SHAPES = [("(", "nam"), ("/",), ("-",), (".",), ("nam",), ("(",), ()]


def _quarter_number(tok: str) -> int | None:
    return ROMAN.get(tok) or _small(tok, 4)


def _quarter_item(quarter: int, year: int | None) -> Item:
    return Item("quarter", (3 * quarter - 2, 1), (3 * quarter, None), year)


_PART_OF = {
    "quy": {
        "dau": lambda m: Item("part", (m, 1), (m, None), vague="«đầu quý» hiểu là tháng đầu quý"),
        "giua": lambda m: Item(
            "part", (m + 1, 1), (m + 1, None), vague="«giữa quý» hiểu là tháng giữa quý"
        ),
        "cuoi": lambda m: Item("part", (m + 2, 1), (m + 2, None)),
    },
    "thang": {
        "dau": lambda m: Item("part", (m, 1), (m, 10), vague="«đầu tháng» hiểu là đến ngày 10"),
        "giua": lambda m: Item("part", (m, 11), (m, 20), vague="«giữa tháng» hiểu là đến ngày 20"),
        "cuoi": lambda m: Item("part", (m, 21), (m, None)),
    },
}


# ---- from items to dates ---------------------------------------------------------------


def resolve_years(items: list[Item], fallback: int | None) -> list[Item]:
    """Give every item a year (module docstring); raise NotADate when none can be had."""
    years: list[int | None] = [item.year for item in items]
    for i in range(len(items) - 2, -1, -1):
        if years[i] is None and years[i + 1] is not None:
            later = items[i + 1]
            earlier_year = later.unit != "year" and items[i].first > later.first
            years[i] = years[i + 1] - earlier_year  # type: ignore[operator]
    for i in range(1, len(items)):
        if years[i] is None and years[i - 1] is not None:
            crosses = items[i].link == "range" and items[i].first < items[i - 1].first
            years[i] = years[i - 1] + crosses  # type: ignore[operator]
    if any(year is None for year in years):
        if fallback is None:
            raise NotADate("Không ghi năm và kế hoạch chưa có năm.")
        years = [fallback if year is None else year for year in years]
    return [replace(item, year=year) for item, year in zip(items, years, strict=True)]


@dataclass(frozen=True)
class Span:
    """What one list entry says: a span of days (start None when open at the start),
    a deadline (start None) or a start only (due None)."""

    start: date | None
    due: date | None
    is_period: bool
    review: str = ""


def spans(items: list[Item]) -> list[Span]:
    """List entries from items with years: a range ("đến", "-") or a choice ("hoặc") runs
    from its first item's first day to its last item's last day; a lone item counts by
    the word before it; periods listed back to back ("quý II, III") are one span, while
    a list with gaps ("tháng 6 và tháng 12") keeps an entry, and a due date, each."""
    out: list[Span] = []
    for item in items:
        if item.link in ("range", "or") and out:
            first = out.pop()
            start = first.start if first.start is not None else first.due
            out.append(Span(start, item.end(), True, first.review))
            continue
        span = _lone(item)
        last = out[-1] if out else None
        if last and _adjoin(last, span) and item.link == "list":
            out[-1] = Span(last.start, span.due, True, last.review or span.review)
        else:
            out.append(span)
    return out


def _adjoin(earlier: Span, later: Span) -> bool:
    periods = earlier.is_period and later.is_period and earlier.due and later.start
    return bool(periods) and earlier.due + timedelta(days=1) == later.start  # type: ignore[operator]


def _lone(item: Item) -> Span:
    if item.mod == "from":
        return Span(item.start(), None, True, item.vague)
    if item.unit == "day" or item.mod == "by":
        return Span(None, item.end(), False, item.vague)
    if item.mod == "before":
        review = f"«trước» một khoảng thời gian hiểu là trước ngày {screen_date(item.start())}"
        return Span(None, item.start() - timedelta(days=1), False, review)
    return Span(item.start(), item.end(), True, item.vague)
