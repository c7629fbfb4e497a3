"""How documents write their fixed parts (NĐ 30/2020; the seeds)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.domain.documents import (
    PlanRef,
    annex_note,
    body_lines,
    cited_date,
    dated_line,
    form_count,
    number_line,
    report_subject,
)


@pytest.mark.parametrize(
    ("day", "line"),
    [
        (date(2023, 12, 15), "Vĩnh Châu, ngày 15 tháng 12 năm 2023"),
        (date(2024, 2, 5), "Vĩnh Châu, ngày 05 tháng 02 năm 2024"),
        (date(2023, 3, 3), "Vĩnh Châu, ngày 03 tháng 3 năm 2023"),  # seed 001: "ngày 03 tháng 3"
        (date(2023, 1, 12), "Vĩnh Châu, ngày 12 tháng 01 năm 2023"),
        (date(2023, 10, 9), "Vĩnh Châu, ngày 09 tháng 10 năm 2023"),
    ],
)
def test_dated_line(day, line):
    assert dated_line("Vĩnh Châu", day) == line


@pytest.mark.parametrize(
    ("day", "text"),
    [
        (date(2023, 4, 11), "11/4/2023"),  # seed 000: "Kế hoạch 63/KH-UBND ngày 11/4/2023"
        (date(2023, 1, 12), "12/01/2023"),  # seed 000: "ngày 12/01/2023"
        (date(2023, 3, 8), "08/3/2023"),  # seed 000: "ngày 08/3/2023"
        (date(2023, 2, 28), "28/02/2023"),
    ],
)
def test_cited_date(day, text):
    assert cited_date(day) == text


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31)))
def test_dates_pad_days_under_ten_and_the_first_two_months(day):
    text = cited_date(day)
    d, m, y = text.split("/")
    assert int(d) == day.day and int(m) == day.month and int(y) == day.year
    assert len(d) == 2
    assert len(m) == (2 if day.month <= 2 or day.month >= 10 else 1)
    assert dated_line("X", day).endswith(f"ngày {d} tháng {m} năm {y}")


def test_header_parts():
    assert body_lines("Ủy ban nhân dân thị xã Vĩnh Châu") == ("ỦY BAN NHÂN DÂN", "THỊ XÃ VĨNH CHÂU")
    assert body_lines("Uỷ ban nhân dân huyện Cù Lao Dung") == (
        "UỶ BAN NHÂN DÂN",
        "HUYỆN CÙ LAO DUNG",
    )
    assert body_lines("Sở Nội vụ") == ("SỞ NỘI VỤ",)
    assert number_line("") == "Số: …/BC-UBND"
    assert number_line("412") == "Số: 412/BC-UBND"
    assert number_line("412/BC-UBND") == "Số: 412/BC-UBND"
    assert annex_note("", date(2023, 12, 15), "Ủy ban nhân dân thị xã Vĩnh Châu") == (
        "(Kèm theo Báo cáo số …/BC-UBND ngày 15/12/2023 của Ủy ban nhân dân thị xã Vĩnh Châu)"
    )
    assert [form_count(n) for n in (0, 7, 36, 2212)] == ["0", "07", "36", "2.212"]


def test_subject_cites_plan_and_date():
    plan = PlanRef(
        "63/KH-UBND", date(2023, 4, 11), "Ủy ban nhân dân thị xã Vĩnh Châu", "Triển khai X"
    )
    assert report_subject(plan, date(2023, 12, 15)) == (
        "Kết quả thực hiện Kế hoạch số 63/KH-UBND ngày 11/4/2023 của Ủy ban nhân dân thị xã "
        "Vĩnh Châu về triển khai X (tính đến ngày 15/12/2023)"
    )
