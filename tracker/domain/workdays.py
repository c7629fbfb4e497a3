"""Working days (ngày làm việc) of Vietnamese state offices.

Monday to Friday, minus public holidays (Tết Dương lịch, Tết Nguyên Đán, Giỗ Tổ Hùng
Vương, 30/4, 1/5, Quốc khánh 2/9 and the days the government moves or adds around them —
from the `holidays` library, which follows the yearly decisions) and any extra days off
the coordinator enters; plus weekend days the government makes working days (ngày làm
bù), which the coordinator enters too (seeds/working_days.json brings those announced).

Two kinds of extra day off, which the library names differently:
- nghỉ bù: a holiday on a Saturday or Sunday gives the next working day off (Bộ luật Lao
  động 2019, Điều 112.3); nothing is made up. "Tết Dương lịch (nghỉ bù)".
- hoán đổi: the government moves a working day next to a holiday onto a Saturday to make
  one long break; that Saturday is worked (làm bù). "Ngày nghỉ (thay cho ngày 04/05/2024)".
The library lists the day off of a swap but the calendar does not count its Saturday as
worked unless it is recorded: `unmatched_swaps` finds the swaps nobody recorded.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

import holidays

from tracker.domain.dates import screen_date

# How the library (language "vi") names the day off of a swap; the date is the Saturday
# (or Sunday) worked instead.
_SWAP_NAME = re.compile(r"thay cho ngày (\d{1,2})/(\d{1,2})/(\d{4})")
# A make-up day recorded this close to a swapped day off is taken to be its make-up day
# (the Saturday is usually the one before or after the break; 2026: 2/1 and 10/1).
SWAP_WINDOW = timedelta(days=21)
WEEKDAYS = ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật")


def public_holidays(years: Iterable[int]) -> dict[date, str]:
    """Vietnamese public holidays of the given years, with their Vietnamese names."""
    found = holidays.country_holidays("VN", years=list(years), language="vi")
    return {day: str(name) for day, name in sorted(found.items())}


def weekday_name(day: date) -> str:
    """ "thứ Bảy", "Chủ nhật": as a sentence names the day, lower-case "thứ"."""
    return WEEKDAYS[day.weekday()]


@dataclass(frozen=True)
class SwappedDay:
    """A working day the government moved (hoán đổi) to make a longer break: `day` is off,
    `made_up_on` is worked instead, as the library has it."""

    day: date
    name: str
    made_up_on: date


def swapped_days(years: Iterable[int]) -> list[SwappedDay]:
    """The swaps the `holidays` library lists for the given years, by day off. Not the
    nghỉ bù days: nothing is made up for those."""
    found = []
    for day, name in public_holidays(years).items():
        match = _SWAP_NAME.search(name)
        if match is None:
            continue
        made_up = date(int(match[3]), int(match[2]), int(match[1]))
        found.append(SwappedDay(day, name, made_up))
    return found


@dataclass(frozen=True)
class WorkCalendar:
    days_off: frozenset[date] = field(default_factory=frozenset)
    extra_working_days: frozenset[date] = field(default_factory=frozenset)

    @classmethod
    def for_years(
        cls,
        years: Iterable[int],
        days_off: Iterable[date] = (),
        extra_working_days: Iterable[date] = (),
    ) -> WorkCalendar:
        return cls(
            frozenset(public_holidays(years)) | frozenset(days_off),
            frozenset(extra_working_days),
        )

    def is_working_day(self, day: date) -> bool:
        if day in self.extra_working_days:
            return True
        return day.weekday() < 5 and day not in self.days_off

    def on_or_before(self, day: date) -> date:
        """The last working day not after `day`."""
        while not self.is_working_day(day):
            day -= timedelta(days=1)
        return day

    def on_or_after(self, day: date) -> date:
        """The first working day not before `day`."""
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def shift(self, day: date, count: int) -> date:
        """The `count`-th working day after `day` (before it when `count` < 0); `day`
        itself when `count` is 0. `day` need not be a working day."""
        step = 1 if count > 0 else -1
        for _ in range(abs(count)):
            day += timedelta(days=step)
            while not self.is_working_day(day):
                day += timedelta(days=step)
        return day

    def working_days_after(self, start: date, end: date) -> int:
        """How many working days fall in (start, end]; 0 when end ≤ start."""
        count, day = 0, start
        while day < end:
            day += timedelta(days=1)
            count += self.is_working_day(day)
        return count


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def missing_make_up_text(swap: SwappedDay) -> str:
    """What the working-days page tells Phòng Nội vụ about a swap with no make-up day."""
    day, made_up = swap.day, swap.made_up_on
    worked = f"{weekday_name(made_up)} {screen_date(made_up)}"
    return (
        f"{_capitalised(weekday_name(day))} {screen_date(day)} là ngày nghỉ hoán đổi theo thư viện "
        f"ngày lễ («{swap.name}») nhưng chưa có ngày làm bù nào được ghi gần đó, nên nhắc "
        f"việc đang tính {worked} là ngày nghỉ. Đối chiếu thông báo nghỉ lễ của Bộ Nội vụ "
        f"(trước đây Bộ Lao động – Thương binh và Xã hội) rồi thêm ngày làm bù {worked} "
        f"kèm số văn bản; nếu năm đó không hoán đổi, thêm {screen_date(day)} là ngày làm việc."
    )


def unmatched_swaps(swaps: Iterable[SwappedDay], cal: WorkCalendar) -> list[SwappedDay]:
    """The swaps with no make-up day in `cal`: neither their own Saturday nor any other
    extra working day within SWAP_WINDOW of the day off is recorded, and the day off
    itself is not recorded as a working day (the coordinator's way of saying the library
    is wrong and there was no swap)."""
    missing = []
    for swap in swaps:
        if swap.day in cal.extra_working_days or swap.made_up_on in cal.extra_working_days:
            continue
        if any(abs(day - swap.day) <= SWAP_WINDOW for day in cal.extra_working_days):
            continue
        missing.append(swap)
    return missing
