"""Timeframe phrases (thời gian thực hiện) read into dates — or flagged, never guessed.

Every result keeps the phrase as written. Dates are inclusive: a range "Quý II/2024"
runs from 01/04/2024 to 30/06/2024 and is due on its last day. A phrase may name several
deadlines ("15/6 và 15/12 hằng năm", "Quý II, III/2025"): `due_on` is the last and
`earlier_due_dates` the others; each gets its reminders, feed event and report. A phrase
with no year ("Trước 15/12") takes the plan's year and says so in `note`; without a plan
year it is undated. A reading that interprets ("đầu năm", a date tied to an event) is
flagged `needs_review` for Phòng Nội vụ. The grammar is in `timeframe_grammar`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from tracker.domain.dates import screen_date
from tracker.domain.text import fold, one_line
from tracker.domain.timeframe_grammar import (
    Item,
    NotADate,
    Parsed,
    Span,
    parse,
    resolve_years,
    spans,
)


class TimeframeKind(StrEnum):
    DEADLINE = "deadline"  # one due date
    RANGE = "range"  # a span with a first and a last day
    ONGOING = "ongoing"  # no single deadline; reported every period
    OTHER_PLAN = "other_plan"  # dated by another plan; Phòng Nội vụ sets the date
    UNDATED = "undated"  # not understood; kept verbatim and flagged


class Cadence(StrEnum):
    PERIOD = "period"  # every reporting period the plan collects ("Thường xuyên")
    MONTH = "month"
    QUARTER = "quarter"
    HALF_YEAR = "half_year"
    YEAR = "year"


CADENCE_LABELS = {
    Cadence.PERIOD: "báo cáo mỗi kỳ",
    Cadence.MONTH: "hằng tháng",
    Cadence.QUARTER: "hằng quý",
    Cadence.HALF_YEAR: "định kỳ 6 tháng",
    Cadence.YEAR: "hằng năm",
}


@dataclass(frozen=True)
class Timeframe:
    text: str
    kind: TimeframeKind
    starts_on: date | None = None
    due_on: date | None = None
    cadence: Cadence | None = None
    note: str = ""
    earlier_due_dates: tuple[date, ...] = ()  # deadlines before due_on, in order
    needs_review: bool = False

    @property
    def is_dated(self) -> bool:
        return self.due_on is not None

    @property
    def due_dates(self) -> tuple[date, ...]:
        """Every deadline in order, the last being `due_on`; () when undated."""
        return (*self.earlier_due_dates, self.due_on) if self.due_on else ()

    def label(self) -> str:
        """Short Vietnamese description for pages: "Từ 01/07/2025 đến 31/12/2025"."""
        if self.kind is TimeframeKind.DEADLINE and self.due_on:
            return self._repeating(f"hạn {dates_text(self.due_dates)}")
        if self.kind is TimeframeKind.RANGE and self.starts_on and self.due_on:
            span = f"từ {_d(self.starts_on)} đến {_d(self.due_on)}"
            if self.earlier_due_dates:
                span += f", hạn {dates_text(self.due_dates)}"
            return self._repeating(span)
        if self.kind is TimeframeKind.ONGOING:
            since = f", từ {_d(self.starts_on)}" if self.starts_on else ""
            return f"Thường xuyên ({CADENCE_LABELS[self.cadence or Cadence.PERIOD]}){since}"
        if self.kind is TimeframeKind.OTHER_PLAN:
            return "Theo kế hoạch khác — chờ ấn định thời hạn"
        return "Chưa xác định được thời hạn"

    def reading(self) -> str:
        """The label, and whether it waits for Phòng Nội vụ: what an import compares."""
        return self.label() + (" (cần kiểm tra)" if self.needs_review else "")

    def _repeating(self, dated: str) -> str:
        return upper_first(REPEAT_PREFIX[self.cadence] + dated if self.cadence else dated)


REPEAT_PREFIX = {
    Cadence.PERIOD: "thường xuyên; ",
    Cadence.MONTH: "hằng tháng, ",
    Cadence.QUARTER: "hằng quý, ",
    Cadence.HALF_YEAR: "định kỳ 6 tháng, ",
    Cadence.YEAR: "hằng năm, ",
}


def _d(day: date) -> str:
    return screen_date(day)


def dates_text(days: tuple[date, ...] | list[date]) -> str:
    """ "15/06/2025, 15/09/2025 và 15/12/2025"."""
    written = [_d(day) for day in days]
    if len(written) < 2:
        return "".join(written)
    return f"{', '.join(written[:-1])} và {written[-1]}"


def _read_other_plan(t: str) -> Timeframe | None:
    if re.match(
        r"^(theo|thuc hien theo)\s+(ke hoach|lo trinh|chuong trinh|de an|van ban|quyet dinh)", t
    ):
        return Timeframe("", TimeframeKind.OTHER_PLAN, note="Thời hạn do kế hoạch khác quy định.")
    return None


_CADENCES = [
    (r"hang thang|moi thang|dinh ky thang|^thang\s*/\s*lan|1 lan\s*/\s*thang", Cadence.MONTH),
    (r"hang quy|moi quy|dinh ky (hang )?quy|quy\s*/\s*lan|1 lan\s*/\s*quy", Cadence.QUARTER),
    (r"6 thang|nua nam|2 lan\s*(/|moi|hang|trong)\s*nam|(moi|hang) nam 2 lan", Cadence.HALF_YEAR),
    (r"hang nam|moi nam|dinh ky (hang )?nam|nam\s*/\s*lan|1 lan\s*/\s*nam", Cadence.YEAR),
    (r"thuong xuyen|lien tuc|dinh ky|ca nam|quanh nam", Cadence.PERIOD),
]
_ONGOING_WORDS = (
    r"(thuong xuyen|lien tuc|hang (nam|quy|thang)|moi (nam|quy|thang)|dinh ky|ca nam|quanh nam"
    r"|lan\s*/\s*(nam|quy|thang)|(nam|quy|thang)\s*/\s*lan)"
)


def _read_ongoing(t: str) -> Timeframe | None:
    """Work with no deadline of its own, reported every period; a phrase that writes a
    date is never read as ongoing (its date would be lost)."""
    if not re.search(_ONGOING_WORDS, t) or re.search(r"\d{1,2}\s*/\s*\d{1,2}|\d{4}", t):
        return None
    for pattern, cadence in _CADENCES:
        if re.search(pattern, t):
            if cadence is Cadence.HALF_YEAR and not re.search(r"dinh ky|\blan\b", t):
                continue
            return Timeframe("", TimeframeKind.ONGOING, cadence=cadence)
    return Timeframe("", TimeframeKind.ONGOING, cadence=Cadence.PERIOD)


_REPEAT_MARKERS = {
    "@year": Cadence.YEAR,
    "@half": Cadence.HALF_YEAR,
    "@quarter": Cadence.QUARTER,
    "@month": Cadence.MONTH,
    "@period": Cadence.PERIOD,
}
_EVENT_UNITS = frozenset({"day", "month", "part"})
_BRACKETS_WITHOUT_DIGITS = re.compile(r"[(\[]([^)\]\d]*)[)\]]")


def _cadence(parsed: Parsed) -> Cadence | None:
    return next((c for m, c in _REPEAT_MARKERS.items() if m in parsed.markers), None)


def _read_dated(parsed: Parsed, plan_year: int | None, written: str) -> Timeframe | None:
    """The phrase's items as dates (timeframe_grammar), or None when it has none or has
    words the grammar does not know."""
    event = "@event" in parsed.markers
    if not parsed.items or (parsed.unknown and not event):
        return None
    cadence = _cadence(parsed)
    notes: list[str] = []
    if all(item.year is None for item in parsed.items) and plan_year is not None:
        if cadence is None:
            notes.append(f"Năm lấy theo năm của kế hoạch ({plan_year}).")
        else:
            notes.append(f"Lặp lại: lấy các hạn trong năm {plan_year} của kế hoạch.")
    items = resolve_years(parsed.items, plan_year)
    if "@onward" in parsed.markers:  # "từ tháng 9/2025 trở đi": a start, no deadline
        items = [replace(item, mod="from", link="") for item in items[:1]]
    if "@cont" in parsed.markers:
        first = min(item.start() for item in items)
        note = f"Lặp lại hằng năm, bắt đầu từ {_d(first)}."
        return Timeframe("", TimeframeKind.ONGOING, cadence=Cadence.YEAR, note=note)
    if parsed.aside:
        aside = "; ".join(_BRACKETS_WITHOUT_DIGITS.findall(written)) or " ".join(parsed.aside)
        notes.append(f"Không đọc phần trong ngoặc «{aside}»; cần kiểm tra lại.")
    if event:
        return _tied_to_event(items, notes)
    reading = _combine(spans(items), cadence, notes)
    return replace(reading, needs_review=True) if parsed.aside else reading


def _tied_to_event(items: list[Item], notes: list[str]) -> Timeframe:
    """The month (or day) written beside an event; a year alone names the event
    ("kết quả PAPI năm 2024") more often than it dates it."""
    items = [item for item in items if item.unit != "year"]
    if not items or any(item.unit not in _EVENT_UNITS for item in items):
        raise NotADate(
            "Thời hạn gắn với một sự kiện và không ghi tháng cụ thể; cần ấn định thời hạn."
        )
    dues = sorted({item.end() for item in items})
    note = (
        f"Thời hạn gắn với một sự kiện; tạm lấy {dates_text(dues)} theo tháng ghi trong "
        "phụ lục — cần kiểm tra lại."
    )
    return _deadlines(None, dues, None, [note, *notes], review=True)


def _combine(parts: list[Span], cadence: Cadence | None, notes: list[str]) -> Timeframe:
    """Periods, deadlines and open starts of one phrase as one reading. A deadline that
    falls inside a period is that period's due date ("Quý III/2025 (trước 15/9)")."""
    deadlines = {p.due for p in parts if p.due is not None and not p.is_period}
    periods = [(p.start, p.due) for p in parts if p.start is not None and p.due is not None]
    dues = set(deadlines)
    for first, last in periods:
        if not any(first <= day <= last for day in deadlines):
            dues.add(last)
    starts = [p.start for p in parts if p.start is not None]
    reviews = [p.review for p in parts if p.review]
    notes += [upper_first(r) + "; cần kiểm tra lại." for r in dict.fromkeys(reviews)]
    if not dues:
        since = min(starts)
        return Timeframe(
            "",
            TimeframeKind.ONGOING,
            starts_on=since,
            cadence=cadence or Cadence.PERIOD,
            note=" ".join([f"Bắt đầu từ {_d(since)}, chưa ghi thời hạn.", *notes]),
            needs_review=bool(reviews),
        )
    ordered = sorted(dues)
    start = min(starts) if starts else None
    if start is not None and start > ordered[0]:
        raise NotADate("Ngày bắt đầu sau thời hạn.")
    return _deadlines(start, ordered, cadence, notes, review=bool(reviews))


def _deadlines(
    start: date | None, dues: list[date], cadence: Cadence | None, notes: list[str], review: bool
) -> Timeframe:
    kind = TimeframeKind.RANGE if start is not None else TimeframeKind.DEADLINE
    return Timeframe(
        "",
        kind,
        starts_on=start,
        due_on=dues[-1],
        cadence=cadence,
        note=" ".join(notes),
        earlier_due_dates=tuple(dues[:-1]),
        needs_review=review,
    )


def encode_dates(days: tuple[date, ...]) -> str:
    """Dates as stored: ISO, separated by spaces ("" for none)."""
    return " ".join(day.isoformat() for day in days)


def decode_dates(text: str | None) -> tuple[date, ...]:
    return tuple(date.fromisoformat(part) for part in (text or "").split())


def answers(period_due: date, deadline: date) -> bool:
    """Whether a unit's report for a period due on `period_due` answers an earlier deadline
    of several ("15/6 và 15/12"): only a period due on or after it does — a report of a
    round that closed before the deadline speaks for work done before it. (A report saying
    done or not carried out answers every deadline.) Reminders, the work page, the
    calendar feeds and the reminder's link all ask this."""
    return period_due >= deadline


def unanswered(earlier: Iterable[date], due_on: date | None, said: Sequence[date]) -> list[date]:
    """The earlier deadlines (before the last, `due_on`) that no report answers; `said`:
    the due dates of the periods of a unit's sent or accepted reports."""
    if due_on is None:
        return []
    return [day for day in earlier if day < due_on and not any(answers(d, day) for d in said)]


def upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


NOT_UNDERSTOOD = "Không hiểu được cụm từ thời gian; cần ấn định thời hạn."


def read_timeframe(text: str | None, plan_year: int | None = None) -> Timeframe:
    """Read a timeframe phrase. Never raises; what it cannot date is UNDATED with a note."""
    written = one_line(text)
    t = fold(written).strip(" .;,:")
    if not t:
        note = "Chưa có thời gian thực hiện."
        return Timeframe(written, TimeframeKind.UNDATED, note=note, needs_review=True)
    try:
        parsed = parse(written)
        reading = _read_other_plan(t) or _read_dated(parsed, plan_year, written) or _read_ongoing(t)
    except NotADate as exc:
        return Timeframe(written, TimeframeKind.UNDATED, note=exc.note, needs_review=True)
    if reading is None:
        return Timeframe(written, TimeframeKind.UNDATED, note=_why_not(parsed), needs_review=True)
    return replace(reading, text=written)


def _why_not(parsed: Parsed) -> str:
    if "@event" in parsed.markers:
        return "Thời hạn gắn với một sự kiện, không ghi thời điểm; cần ấn định thời hạn."
    if parsed.items and parsed.unknown:
        return f"{NOT_UNDERSTOOD[:-1]} (không rõ «{' '.join(parsed.unknown[:6])}»)."
    return NOT_UNDERSTOOD


CORRECTED = "Cách đọc đã sửa"


def read_correction(original: Timeframe, phrase: str, plan_year: int | None) -> Timeframe:
    """Phòng Nội vụ's own reading of an annex phrase, written as a clearer phrase
    ("từ 01/7/2025 đến 31/12/2025"); the phrase as the annex wrote it is kept. Raises
    ValueError with a Vietnamese message when the correction itself is not understood."""
    reading = read_timeframe(phrase, plan_year)
    if reading.kind is TimeframeKind.UNDATED:
        raise ValueError(f"Không đọc được cách sửa «{one_line(phrase)}»: {reading.note}")
    note = f"{CORRECTED}: «{one_line(phrase)}»."
    return replace(reading, text=original.text, note=note, needs_review=False)
