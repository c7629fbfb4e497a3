"""Working days: weekends, Vietnamese public holidays, extra days off and make-up days,
and the swaps whose make-up day nobody recorded."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.domain.workdays import (
    WorkCalendar,
    missing_make_up_text,
    public_holidays,
    swapped_days,
    unmatched_swaps,
)

CAL = WorkCalendar.for_years([2023, 2024, 2025])


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2023, 6, 15), True),  # Thursday
        (date(2023, 6, 17), False),  # Saturday
        (date(2023, 9, 1), False),  # Quốc khánh (2023: 1/9 and 2/9)
        (date(2023, 9, 4), False),  # 2/9 fell on Saturday: Monday off in lieu
        (date(2023, 9, 5), True),
        (date(2024, 2, 8), False),  # Tết Giáp Thìn: 8–14/2/2024
        (date(2024, 2, 14), False),
        (date(2024, 2, 15), True),
        (date(2024, 4, 18), False),  # Giỗ Tổ Hùng Vương
        (date(2024, 4, 29), False),  # moved from Saturday 4/5/2024
        (date(2024, 4, 30), False),
        (date(2024, 5, 1), False),
        (date(2025, 1, 27), False),  # Tết Ất Tỵ
        (date(2025, 9, 2), False),
    ],
)
def test_working_days(day, working):
    assert CAL.is_working_day(day) is working


def test_holiday_names_are_vietnamese():
    names = public_holidays([2024])
    assert names[date(2024, 2, 10)] == "Tết Nguyên Đán"
    assert names[date(2024, 9, 2)] == "Quốc khánh"


def test_extra_days_off_and_make_up_days():
    cal = WorkCalendar.for_years(
        [2024], days_off=[date(2024, 6, 3)], extra_working_days=[date(2024, 5, 4)]
    )
    assert not cal.is_working_day(date(2024, 6, 3))
    assert cal.is_working_day(date(2024, 5, 4))  # Saturday made a working day


@pytest.mark.parametrize(
    ("start", "count", "expected"),
    [
        (date(2023, 6, 15), -1, date(2023, 6, 14)),
        (date(2023, 6, 15), -3, date(2023, 6, 12)),
        (date(2023, 6, 15), -7, date(2023, 6, 6)),
        (date(2023, 9, 6), -3, date(2023, 8, 30)),  # over 1/9, 2/9 and 4/9
        (date(2024, 2, 16), -3, date(2024, 2, 6)),  # over the Tết week
        (date(2023, 12, 31), 1, date(2024, 1, 2)),  # Sunday, then 1/1 off
        (date(2023, 6, 15), 0, date(2023, 6, 15)),
    ],
)
def test_shift(start, count, expected):
    assert CAL.shift(start, count) == expected


def test_working_days_after_skips_tet():
    assert CAL.working_days_after(date(2024, 2, 7), date(2024, 2, 15)) == 1
    assert CAL.working_days_after(date(2024, 2, 15), date(2024, 2, 7)) == 0


@given(st.dates(date(2023, 1, 1), date(2025, 12, 1)), st.integers(0, 30))
def test_shift_and_count_agree(day, n):
    later = CAL.shift(day, n)
    assert CAL.working_days_after(day, later) == n
    assert n == 0 or CAL.is_working_day(later)
    assert later - day <= timedelta(days=n * 3 + 12)


# ---- swaps (hoán đổi) and their make-up days ------------------------------------------------


def test_the_library_lists_swapped_days_off_but_not_their_make_up_days():
    """holidays 0.109: 29/4/2024 off for Saturday 4/5/2024, which stays a day off unless
    recorded (seeds/working_days.json records it)."""
    swaps = {s.day: s.made_up_on for s in swapped_days(range(2023, 2027))}
    assert swaps == {
        date(2024, 4, 29): date(2024, 5, 4),
        date(2025, 5, 2): date(2025, 4, 26),
        date(2026, 8, 31): date(2026, 8, 22),
    }
    assert not CAL.is_working_day(date(2024, 5, 4))


def test_nghi_bu_is_not_a_swap():
    """2/5/2023 (Giỗ Tổ on Saturday 29/4) and 4/9/2023 are nghỉ bù: nothing is made up."""
    names = public_holidays([2023])
    assert "nghỉ bù" in names[date(2023, 5, 2)] and "nghỉ bù" in names[date(2023, 9, 4)]
    assert swapped_days([2023]) == []


def test_a_recorded_make_up_saturday_is_a_working_day():
    cal = WorkCalendar.for_years([2024], extra_working_days=[date(2024, 5, 4)])
    assert cal.shift(date(2024, 4, 26), 1) == date(2024, 5, 2)  # over the 27/4–1/5 break
    assert cal.shift(date(2024, 5, 3), 1) == date(2024, 5, 4)
    assert cal.working_days_after(date(2024, 4, 26), date(2024, 5, 6)) == 4  # 2, 3, 4, 6/5
    assert CAL.working_days_after(date(2024, 4, 26), date(2024, 5, 6)) == 3


SWAP_2024 = swapped_days([2024])


@pytest.mark.parametrize(
    ("recorded", "missing"),
    [
        ([], SWAP_2024),
        ([date(2024, 5, 4)], []),  # its own Saturday
        ([date(2024, 5, 11)], []),  # another Saturday of the same break, 12 days on
        ([date(2024, 4, 29)], []),  # the day off marked worked: there was no swap
        ([date(2024, 6, 1)], SWAP_2024),  # a month on: some other swap's
    ],
)
def test_unmatched_swaps(recorded, missing):
    cal = WorkCalendar.for_years([2024], extra_working_days=recorded)
    assert unmatched_swaps(SWAP_2024, cal) == missing


def test_the_warning_names_the_day_and_what_to_do():
    text = missing_make_up_text(SWAP_2024[0])
    assert text.startswith("Thứ Hai 29/04/2024 là ngày nghỉ hoán đổi")
    assert "thêm ngày làm bù thứ Bảy 04/05/2024 kèm số văn bản" in text
    assert "thêm 29/04/2024 là ngày làm việc" in text
