"""Timeframe phrases (thời gian thực hiện) read into dates — or flagged, never guessed.

Every result keeps the phrase as written. Dates are inclusive: a range "Quý II/2024"
runs from 01/04/2024 to 30/06/2024 and is due on its last day. A phrase with no year
("Trước 15/12") takes the plan's year and says so in `note`; without a plan year it is
undated.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from tracker.domain.text import fold, one_line


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

    @property
    def is_dated(self) -> bool:
        return self.due_on is not None

    def label(self) -> str:
        """Short Vietnamese description for pages."""
        if self.kind is TimeframeKind.DEADLINE and self.due_on:
            return f"Hạn {_d(self.due_on)}"
        if self.kind is TimeframeKind.RANGE and self.starts_on and self.due_on:
            return f"Từ {_d(self.starts_on)} đến {_d(self.due_on)}"
        if self.kind is TimeframeKind.ONGOING:
            return f"Thường xuyên ({CADENCE_LABELS[self.cadence or Cadence.PERIOD]})"
        if self.kind is TimeframeKind.OTHER_PLAN:
            return "Theo kế hoạch khác — chờ Phòng Nội vụ ấn định"
        return "Chưa xác định được thời hạn"


def _d(day: date) -> str:
    return day.strftime("%d/%m/%Y")


_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_YEAR = r"(?:nam\s*)?(\d{4})"
_NUM_DATE = r"(\d{1,2})\s*[/.-]\s*(\d{1,2})(?:\s*[/.-]\s*(\d{4}))?"


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


class _Undated(Exception):
    """Raised inside the reader when a phrase names an impossible date."""

    def __init__(self, note: str) -> None:
        self.note = note


def _date(day: str, month: str, year: str | None, plan_year: int | None) -> tuple[date, str]:
    note = ""
    if year is None:
        if plan_year is None:
            raise _Undated("Không ghi năm và kế hoạch chưa có năm.")
        year_value = plan_year
        note = f"Năm lấy theo năm của kế hoạch ({plan_year})."
    else:
        year_value = int(year)
    try:
        return date(year_value, int(month), int(day)), note
    except ValueError:
        raise _Undated(f"Ngày {day}/{month}/{year_value} không có thật.") from None


def _year_of(text: str | None, plan_year: int | None) -> tuple[int, str]:
    if text:
        return int(text), ""
    if plan_year is None:
        raise _Undated("Không ghi năm và kế hoạch chưa có năm.")
    return plan_year, f"Năm lấy theo năm của kế hoạch ({plan_year})."


def _quarter(q: str) -> int:
    return _ROMAN[q] if q in _ROMAN else int(q)


# Each reader takes the folded phrase and the plan year, and returns a Timeframe-to-be
# (kind, starts_on, due_on, cadence, note) or None when its pattern does not match.
Reading = tuple[TimeframeKind, date | None, date | None, Cadence | None, str]


def _read_other_plan(t: str, plan_year: int | None) -> Reading | None:
    if re.match(
        r"^(theo|thuc hien theo)\s+(ke hoach|lo trinh|chuong trinh|de an|van ban|quyet dinh)", t
    ):
        return TimeframeKind.OTHER_PLAN, None, None, None, "Thời hạn do kế hoạch khác quy định."
    return None


_CADENCES = [
    (r"hang thang|moi thang|dinh ky thang", Cadence.MONTH),
    (r"hang quy|moi quy|dinh ky quy|dinh ky hang quy", Cadence.QUARTER),
    (r"6 thang|sau thang|nua nam", Cadence.HALF_YEAR),
    (r"hang nam|moi nam|dinh ky nam|dinh ky hang nam", Cadence.YEAR),
    (r"thuong xuyen|lien tuc|dinh ky|ca nam|quanh nam", Cadence.PERIOD),
]


def _read_ongoing(t: str, plan_year: int | None) -> Reading | None:
    ongoing_words = (
        r"(thuong xuyen|lien tuc|hang (nam|quy|thang)|moi (nam|quy|thang)|dinh ky|ca nam|quanh nam)"
    )
    if not re.search(ongoing_words, t) or re.search(r"\d{1,2}\s*/\s*\d{1,2}", t):
        return None
    if re.match(r"^(trong |trong ca )?nam \d{4}$", t):
        return None
    for pattern, cadence in _CADENCES:
        if re.search(pattern, t):
            if cadence is Cadence.HALF_YEAR and not t.startswith("dinh ky"):
                continue
            return TimeframeKind.ONGOING, None, None, cadence, ""
    return TimeframeKind.ONGOING, None, None, Cadence.PERIOD, ""


def _read_deadline(t: str, plan_year: int | None) -> Reading | None:
    m = re.search(
        rf"^(?:hoan thanh\s+)?(?:truoc|cham nhat|han chot|han|den|xong truoc|truoc het)"
        rf"\s*(?:ngay\s*)?[:,]?\s*{_NUM_DATE}\b",
        t,
    )
    if m is None:
        m = re.fullmatch(rf"(?:ngay\s*)?{_NUM_DATE}", t)
    if m is None:
        return None
    due, note = _date(m.group(1), m.group(2), m.group(3), plan_year)
    return TimeframeKind.DEADLINE, None, due, None, note


def _read_date_range(t: str, plan_year: int | None) -> Reading | None:
    m = re.search(rf"tu\s*(?:ngay\s*)?{_NUM_DATE}\s*(?:den|-)\s*(?:ngay\s*)?{_NUM_DATE}", t)
    if m is None:
        return None
    end, note = _date(m.group(4), m.group(5), m.group(6), plan_year)
    start, _ = _date(m.group(1), m.group(2), m.group(3) or str(end.year), plan_year)
    return _range(start, end, note)


def _range(start: date, end: date, note: str) -> Reading:
    if start > end:
        raise _Undated("Ngày bắt đầu sau ngày kết thúc.")
    return TimeframeKind.RANGE, start, end, None, note


def _read_month_range(t: str, plan_year: int | None) -> Reading | None:
    m = re.search(
        r"(?:tu\s*)?thang\s*(\d{1,2})(?:\s*/\s*(\d{4}))?\s*(?:den|-)\s*(?:thang\s*)?(\d{1,2})\s*(?:/|nam)?\s*(\d{4})?",
        t,
    )
    if m is None:
        return None
    end_year, note = _year_of(m.group(4) or m.group(2), plan_year)
    start_year = int(m.group(2)) if m.group(2) else end_year
    first, last = int(m.group(1)), int(m.group(3))
    if not (1 <= first <= 12 and 1 <= last <= 12):
        raise _Undated("Tháng không hợp lệ.")
    return _range(date(start_year, first, 1), _month_end(end_year, last), note)


def _read_month(t: str, plan_year: int | None) -> Reading | None:
    m = re.search(r"(?:^|trong |truoc het )thang\s*(\d{1,2})(?:\s*(?:/|nam)\s*(\d{4}))?$", t)
    if m is None:
        return None
    year, note = _year_of(m.group(2), plan_year)
    month = int(m.group(1))
    if not 1 <= month <= 12:
        raise _Undated(f"Tháng {month} không có thật.")
    return _range(date(year, month, 1), _month_end(year, month), note)


def _read_quarter(t: str, plan_year: int | None) -> Reading | None:
    m = re.search(r"quy\s*(iv|iii|ii|i|[1-4])\b(?:\s*(?:/|nam|-)\s*(\d{4}))?", t)
    if m is None:
        return None
    year, note = _year_of(m.group(2), plan_year)
    q = _quarter(m.group(1))
    start = date(year, 3 * q - 2, 1)
    if re.search(r"cac nam (tiep theo|sau)|hang nam", t):
        return (
            TimeframeKind.ONGOING,
            None,
            None,
            Cadence.YEAR,
            "Lặp lại hằng năm; kỳ đầu " + f"quý {q}/{year}.",
        )
    return _range(start, _month_end(year, 3 * q), note)


def _read_half(t: str, plan_year: int | None) -> Reading | None:
    m = re.search(r"(6|9|sau|chin) thang (dau|cuoi)(?: nam)?\s*(\d{4})?", t)
    if m is None:
        return None
    year, note = _year_of(m.group(3), plan_year)
    months = 9 if m.group(1) in ("9", "chin") else 6
    if m.group(2) == "dau":
        return _range(date(year, 1, 1), _month_end(year, months), note)
    return _range(date(year, 13 - months, 1), date(year, 12, 31), note)


def _read_years(t: str, plan_year: int | None) -> Reading | None:
    m = re.search(r"(?:giai doan|tu nam|nam)?\s*(\d{4})\s*(?:-|den|–)\s*(?:nam\s*)?(\d{4})$", t)
    if m is not None:
        return _range(date(int(m.group(1)), 1, 1), date(int(m.group(2)), 12, 31), "")
    m = re.fullmatch(r"(?:trong |ca |hoan thanh trong |truoc het )?(?:nam|trong nam)\s*(\d{4})", t)
    if m is None:
        m = re.fullmatch(r"(\d{4})", t)
    if m is None:
        return None
    year = int(m.group(1))
    return _range(date(year, 1, 1), date(year, 12, 31), "")


_READERS = (
    _read_other_plan,
    _read_date_range,
    _read_deadline,
    _read_month_range,
    _read_quarter,
    _read_half,
    _read_month,
    _read_years,
    _read_ongoing,
)


def read_timeframe(text: str | None, plan_year: int | None = None) -> Timeframe:
    """Read a timeframe phrase. Never raises; what it cannot date is UNDATED with a note."""
    written = one_line(text)
    t = fold(written).strip(" .;,:")
    if not t:
        return Timeframe(written, TimeframeKind.UNDATED, note="Chưa có thời gian thực hiện.")
    for reader in _READERS:
        try:
            reading = reader(t, plan_year)
        except _Undated as exc:
            return Timeframe(written, TimeframeKind.UNDATED, note=exc.note)
        if reading is not None:
            kind, start, due, cadence, note = reading
            return Timeframe(written, kind, start, due, cadence, note)
    return Timeframe(
        written,
        TimeframeKind.UNDATED,
        note="Không hiểu được cụm từ thời gian; Phòng Nội vụ cần ấn định thời hạn.",
    )
