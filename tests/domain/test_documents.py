"""How documents write their fixed parts (NĐ 30/2020; the seeds)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.domain.documents import (
    PlanRef,
    activity_label,
    activity_list,
    activity_reference,
    annex_note,
    blank_dated_line,
    body_lines,
    cited_date,
    dated_line,
    level_word,
    number_line,
    report_subject,
    upper_first,
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
    assert annex_note("", date(2023, 12, 15), "UBND", blank_day=True) == (
        "(Kèm theo Báo cáo số …/BC-UBND ngày \u00a0\u00a0\u00a0\u00a0\u00a0\u00a0/12/2023 của UBND)"
    )


def test_a_draft_leaves_the_signing_day_blank():
    """Seeds 000–002: "Vĩnh Châu, ngày tháng 12 năm 2023", the day for the clerk."""
    line = blank_dated_line("Vĩnh Châu", date(2023, 12, 20))
    assert line == "Vĩnh Châu, ngày " + "\u00a0" * 6 + " tháng 12 năm 2023"
    assert blank_dated_line("Cù Lao Dung", date(2024, 2, 1)).endswith("tháng 02 năm 2024")


TITLE = (
    "Triển khai thực hiện nhiệm vụ, giải pháp cải thiện, nâng cao Chỉ số hiệu quả quản trị "
    "và hành chính công (PAPI) thị xã Vĩnh Châu năm 2023"
)
PLAN = PlanRef("63/KH-UBND", date(2023, 4, 11), "Ủy ban nhân dân thị xã Vĩnh Châu", TITLE)


@pytest.mark.parametrize(
    ("period", "ending"),
    [
        ("6 tháng đầu năm 2023", "thị xã Vĩnh Châu 6 tháng đầu năm 2023"),
        ("năm 2023", "thị xã Vĩnh Châu năm 2023"),
        ("quý i/2024", "thị xã Vĩnh Châu quý i/2024"),
        ("9 tháng năm 2023", "thị xã Vĩnh Châu 9 tháng năm 2023"),
    ],
)
def test_the_subject_names_the_period(period, ending):
    """The trích yếu names the period, as seeds 000–002 do ("… năm 2023", "… quý I năm
    2024"), in place of the plan title's own year."""
    subject = report_subject(PLAN, period, date(2023, 12, 20))
    assert subject.startswith("Kết quả triển khai thực hiện nhiệm vụ, giải pháp cải thiện")
    assert subject.endswith(ending)
    assert subject.count("năm 2023") <= 1


def test_a_subject_without_title_or_period():
    plan = PlanRef("63/KH-UBND", date(2023, 4, 11), "Ủy ban nhân dân thị xã Vĩnh Châu", "")
    assert report_subject(plan, "năm 2023", date(2023, 12, 15)) == (
        "Kết quả thực hiện Kế hoạch số 63/KH-UBND ngày 11/4/2023 của Ủy ban nhân dân thị xã "
        "Vĩnh Châu năm 2023"
    )
    assert report_subject(PLAN, "", date(2023, 12, 15)).endswith(
        "thị xã Vĩnh Châu (tính đến ngày 15/12/2023)"
    )


@pytest.mark.parametrize(
    ("number", "text", "reference"),
    [
        ("1.5", "Thông tin tuyên truyền…", "hoạt động 1.5"),
        (
            "",
            "Đối thoại với Nhân dân. Xây dựng Kế hoạch và tổ chức đối thoại.",
            "hoạt động “Đối thoại với Nhân dân”",
        ),  # fmt: skip
        (
            "",
            "Hội nghị triển khai nhiệm vụ, giải pháp cải thiện chỉ số PAPI",
            "hoạt động “Hội nghị triển khai nhiệm vụ, giải pháp cải thiện chỉ số PAPI”",
        ),  # fmt: skip
        (
            "",
            "Đo lường chất lượng; y tế; giáo dục.",
            "hoạt động “Đo lường chất lượng; y tế; giáo dục”",
        ),
    ],
)
def test_activity_reference_never_cuts_a_word(number, text, reference):
    assert activity_reference(number, text) == reference


@pytest.mark.parametrize(
    ("number", "text", "label"),
    [
        ("1.5", "Thông tin tuyên truyền.", "1.5"),
        ("", "Đối thoại với Nhân dân.", "(không số) «Đối thoại với Nhân dân»"),
        (
            "",
            "Đối thoại với Nhân dân. Xây dựng Kế hoạch và tổ chức đối thoại trực tiếp giữa người",
            "(không số) «Đối thoại với Nhân dân. Xây dựng Kế hoạch và tổ…»",
        ),
        (
            "",
            "Hội nghị triển khai nhiệm vụ,\n giải pháp",
            "(không số) «Hội nghị triển khai nhiệm vụ, giải pháp»",
        ),
    ],
)
def test_activity_label_is_a_number_or_a_short_text_never_an_id(number, text, label):
    assert activity_label(number, text) == label
    assert len(activity_label(number, text)) <= len("(không số) «»") + 50


def test_activity_list():
    assert activity_list([("3.1", "a"), ("3.2", "b")]) == "các hoạt động 3.1, 3.2"
    assert activity_list([("1.4", "a")]) == "hoạt động 1.4"
    assert activity_list([("5.1", "a"), ("", "Đối thoại với Nhân dân. Tổ chức.")]) == (
        "hoạt động 5.1; hoạt động “Đối thoại với Nhân dân”"
    )


def test_level_and_capitals():
    assert level_word("thị xã Vĩnh Châu") == "thị xã"
    assert level_word("huyện Cù Lao Dung") == "huyện"
    assert level_word("thành phố Cần Thơ") == "thành phố"
    assert level_word("phường Sài Gòn") == "phường"
    assert upper_first("xã Hòa Đông: …") == "Xã Hòa Đông: …"
    assert upper_first("") == ""
