"""The annex parser on seed 004 as pasted, and on annexes worded and laid out otherwise."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import SEED_ANNEX
from tracker.domain.annex import Column, normalise_number, parse_annex

HEADER = [
    "STT",
    "Nội dung",
    "Hoạt động",
    "Đơn vị chủ trì",
    "Đơn vị phối hợp",
    "Thời gian thực hiện",
]


def seed_table() -> list[list[str]]:
    """Seed 004 from its PHỤ LỤC line, split as users paste it: lines, then tabs."""
    lines = SEED_ANNEX.read_text(encoding="utf-8").split("\n")
    return [line.split("\t") for line in lines if "\t" in line or not line.strip()]


def test_seed_groups_and_activities():
    annex, problems = parse_annex([seed_table()])
    assert annex is not None
    assert [g.label for g in annex.groups] == ["1", "2", "3", "4", "5", "6", "7"]
    assert [len(g.activities) for g in annex.groups] == [5, 1, 2, 2, 3, 9, 1]
    assert annex.activity_count == 23
    assert [c for c, _ in annex.columns] == [
        Column.NUMBER,
        Column.GROUP,
        Column.ACTIVITY,
        Column.LEAD,
        Column.SUPPORT,
        Column.TIMEFRAME,
    ]
    assert not [p for p in problems if p.level == "error"]


def test_seed_numbers_and_quirks():
    annex, problems = parse_annex([seed_table()])
    g = {group.label: group for group in annex.groups}
    assert [a.number for a in g["1"].activities] == ["1.1", "1.2", "1.3", "1.4", "1.5"]
    five = g["5"].activities
    assert (five[1].number_raw, five[1].number) == ("5,2,", "5.2")
    assert five[1].text.startswith("Công khai đúng, đủ")
    assert five[2].number is None and five[2].text.startswith("Đối thoại với Nhân dân")
    assert any("5,2," in p.message and p.level == "info" for p in problems)
    assert g["2"].activities[0].number is None
    assert g["7"].activities[0].number is None


def test_seed_group_six_heading_and_shifted_rows():
    annex, _ = parse_annex([seed_table()])
    six = annex.groups[5]
    assert six.intro.startswith("Xây dựng và triển khai kế hoạch thanh tra")
    assert [a.number for a in six.activities] == [f"6.{i}" for i in range(1, 10)]
    six_three = six.activities[2]
    assert six_three.lead_text == "Phòng Nội vụ."
    assert six_three.timeframe_text == "Năm 2023"
    assert six.activities[3].lead_text == "Phòng Tài chính-Kế hoạch."
    assert any("tiêu đề trong nhóm" in reason for _, reason in annex.skipped)


def test_seed_one_four():
    annex, _ = parse_annex([seed_table()])
    one_four = annex.groups[0].activities[3]
    assert (
        "Phòng Nội vụ" in one_four.lead_text and "Phòng Văn hóa và Thông tin" in one_four.lead_text
    )
    assert one_four.timeframe_text.startswith("Theo Kế hoạch")


OTHER = [
    [
        "TT",
        "Nhiệm vụ",
        "Cơ quan chủ trì",
        "Cơ quan, đơn vị phối hợp",
        "Thời hạn",
        "Sản phẩm",
        "Ghi chú",
    ],
    ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)"],
    ["I", "CÔNG KHAI, MINH BẠCH", "", "", "", "", ""],
    [
        "1",
        "Niêm yết danh sách hộ nghèo",
        "UBND xã, phường",
        "Phòng LĐ-TB&XH",
        "Quý II/2024",
        "Biên bản",
        "",
    ],
    ["2", "Công khai ngân sách xã", "UBND xã, phường", "", "Trước 31/01/2024", "", "Theo Luật"],
    [
        "TT",
        "Nhiệm vụ",
        "Cơ quan chủ trì",
        "Cơ quan, đơn vị phối hợp",
        "Thời hạn",
        "Sản phẩm",
        "Ghi chú",
    ],
    ["II", "THỦ TỤC HÀNH CHÍNH", "", "", "", "", ""],
    [
        "3",
        "Khảo sát sự hài lòng",
        "Văn phòng HĐND và UBND",
        "Phòng Nội vụ",
        "Năm 2024",
        "Báo cáo",
        "",
    ],
]


def test_other_wording_roman_groups_repeated_header_and_extra_columns():
    annex, problems = parse_annex([OTHER])
    assert [c for c, _ in annex.columns][:5] == [
        Column.NUMBER,
        Column.ACTIVITY,
        Column.LEAD,
        Column.SUPPORT,
        Column.TIMEFRAME,
    ]
    assert [(g.label, g.title) for g in annex.groups] == [
        ("I", "CÔNG KHAI, MINH BẠCH"),
        ("II", "THỦ TỤC HÀNH CHÍNH"),
    ]
    assert [a.number for g in annex.groups for a in g.activities] == ["1", "2", "3"]
    first = annex.groups[0].activities[0]
    assert dict(first.extra) == {"Sản phẩm": "Biên bản", "Ghi chú": ""}
    assert dict(annex.groups[0].activities[1].extra)["Ghi chú"] == "Theo Luật"
    reasons = [reason for _, reason in annex.skipped]
    assert any("lặp lại" in r for r in reasons) and any("(1), (2)" in r for r in reasons)
    assert not [p for p in problems if p.level == "error"]


def test_annex_split_across_two_tables():
    first, second = seed_table()[:12], seed_table()[12:]
    annex, _ = parse_annex([first, second])
    assert annex.activity_count == 23


def test_title_lines_from_paragraphs():
    annex, _ = parse_annex(
        [seed_table()], ["PHỤ LỤC", "(Kèm theo Kế hoạch số 63/KH-UBND)", "Lời văn"]
    )
    assert annex.title_lines == ("PHỤ LỤC", "(Kèm theo Kế hoạch số 63/KH-UBND)")


def test_header_keywords_ignore_case_and_diacritics():
    header = [
        "stt",
        "NOI DUNG",
        "Hoat dong",
        "Don vi chu tri",
        "Don vi phoi hop",
        "Thoi gian hoan thanh",
    ]
    annex, _ = parse_annex([[header, ["1", "Nhóm", "1.1. Việc", "Phòng Nội vụ", "", "Năm 2023"]]])
    assert annex.groups[0].activities[0].number == "1.1"


def test_activity_before_any_group_is_kept():
    rows = [HEADER, ["", "", "Việc không nhóm", "Phòng Nội vụ", "", "Năm 2023"]]
    annex, problems = parse_annex([rows])
    assert annex.activity_count == 1
    assert any("không tên" in p.message for p in problems)


def test_number_that_disagrees_with_its_group_is_flagged():
    rows = [HEADER, ["4", "Nhóm 4", "3.1. Việc lạc chỗ", "Phòng Nội vụ", "", "Năm 2023"]]
    _, problems = parse_annex([rows])
    assert any("không khớp" in p.message for p in problems)


def test_no_header_is_an_error():
    annex, problems = parse_annex([[["a", "b"], ["c", "d"]]])
    assert annex is None
    assert problems[0].level == "error" and "tiêu đề" in problems[0].message


def test_empty_input():
    assert parse_annex([])[0] is None
    assert parse_annex([[]])[0] is None


def test_normalise_number():
    assert normalise_number("1.1.") == "1.1"
    assert normalise_number("5,2,") == "5.2"
    assert normalise_number(" 03 ") == "3"
    assert normalise_number("1.2.3") == "1.2.3"
    assert normalise_number("a)") is None
    assert normalise_number("") is None


cells = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        ["", "1", "I", "1.1.", "5,2,", "<i>Tiêu đề:</i>", "Phòng Nội vụ", "Năm 2023", "---"]
    ),
)


@settings(max_examples=200)
@given(st.lists(st.lists(cells, max_size=8), max_size=15))
def test_never_raises(rows):
    parse_annex([[HEADER, *rows]])
    parse_annex([rows])
