"""Working days (ngày làm việc) of Vietnamese state offices.

Monday to Friday, minus public holidays (Tết Dương lịch, Tết Nguyên Đán, Giỗ Tổ Hùng
Vương, 30/4, 1/5, Quốc khánh 2/9 and the days the government moves or adds around them —
from the `holidays` library, which follows the yearly decisions) and any extra days off
the coordinator enters; plus weekend days the government makes working days (ngày làm
bù), which the coordinator enters too since the library does not list them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

import holidays


def public_holidays(years: Iterable[int]) -> dict[date, str]:
    """Vietnamese public holidays of the given years, with their Vietnamese names."""
    found = holidays.country_holidays("VN", years=list(years), language="vi")
    return {day: str(name) for day, name in sorted(found.items())}


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
