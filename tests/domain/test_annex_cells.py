"""Short rows placed by their content: seed 004's lost leading cells, a pasted annex whose
empty trailing cells were stripped, the two mixed, as text and as .csv."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.annex_files import seed_rows
from tests.domain.catalog_fixture import vinh_chau_catalog
from tests.domain.test_annex_rows import HEADER, OTHER, seed_table
from tracker.domain.annex import ParsedAnnex, parse_annex
from tracker.domain.annex_cells import Column, Reads, place_short_row, read_cell
from tracker.domain.resolve import resolve_annex
from tracker.importers import DEFAULT_LIMITS
from tracker.importers.text_reader import read_text

PASTED = Path(__file__).parent / "pasted"
CATALOGS = pytest.mark.parametrize(
    "catalog", [None, vinh_chau_catalog()], ids=["unit-words", "plan-units"]
)
UNCLEAR = "không rõ ô nào thuộc cột nào"

# The 2024 annex as its author wrote it: (group, STT as written, activity, lead units,
# supporting units, timeframe). The fixture files hold it with empty trailing cells cut.
# fmt: off
ANNEX_2024 = [
    ("1", "1.1.", "Tuyên truyền, phổ biến Luật Thực hiện dân chủ ở cơ sở năm 2022 đến cán bộ, đảng viên và Nhân dân.", "Phòng Tư pháp.", "- Ủy ban MTTQ Việt Nam thị xã. - UBND xã, phường.", "Thường xuyên"),  # noqa: E501
    ("1", "1.2.", "Hướng dẫn các xã, phường tổ chức bầu Trưởng ấp, Trưởng khóm đúng quy định, bảo đảm người dân được trực tiếp tham gia.", "Phòng Nội vụ.", "", "Quý II/2024"),  # noqa: E501
    ("1", "1.3.", "Công khai các khoản đóng góp của người dân cho xây dựng cơ sở hạ tầng ở ấp, khóm.", "UBND xã, phường.", "", ""),  # noqa: E501
    ("1", "", "Vận động Nhân dân tham gia giám sát các công trình ở cơ sở thông qua Ban Giám sát đầu tư của cộng đồng.", "Ủy ban MTTQ Việt Nam thị xã.", "UBND xã, phường.", "Hằng năm"),  # noqa: E501
    ("2", "2.1.", "Niêm yết công khai danh sách hộ nghèo, hộ cận nghèo tại trụ sở UBND xã, phường và nhà văn hóa ấp, khóm.", "UBND xã, phường.", "Phòng Lao động – Thương binh và Xã hội.", "Trước ngày 31/01/2024"),  # noqa: E501
    ("2", "2.2.", "Công khai quy hoạch, kế hoạch sử dụng đất và bảng giá đất trên địa bàn thị xã.", "Phòng Tài nguyên và Môi trường.", "- Chi nhánh Văn phòng Đăng ký đất đai. - UBND xã, phường.", ""),  # noqa: E501
    ("2", "2.3.", "Công khai dự toán, quyết toán thu, chi ngân sách xã theo quy định của Luật Ngân sách nhà nước.", "UBND xã, phường.", "Phòng Tài chính – Kế hoạch.", "6 tháng đầu năm 2024"),  # noqa: E501
    ("3", "3.1.", "Chủ tịch UBND xã, phường tiếp công dân định kỳ và đột xuất theo quy định.", "UBND xã, phường.", "Thanh tra thị xã.", "Thường xuyên"),  # noqa: E501
    ("3", "3.2.", "Tổ chức đối thoại giữa người đứng đầu cấp ủy, chính quyền với Nhân dân.", "Văn phòng HĐND và UBND thị xã.", "", "Hằng năm"),  # noqa: E501
    ("3", "3.3.", "Giải quyết kịp thời kiến nghị, phản ánh của người dân qua đường dây nóng và Cổng thông tin điện tử thị xã.", "Văn phòng HĐND và UBND thị xã.", "- Các cơ quan có liên quan. - UBND xã, phường.", "Thường xuyên"),  # noqa: E501
    ("4", "4.1.", "Kiểm tra việc thực hiện quy tắc ứng xử của cán bộ, công chức, viên chức trong thi hành công vụ.", "Phòng Nội vụ.", "", ""),  # noqa: E501
    ("4", "4.2.", "Công khai kết quả xử lý các vụ việc tiêu cực, nhũng nhiễu người dân.", "Thanh tra thị xã.", "", "Năm 2024"),  # noqa: E501
    ("4", "", "Phòng, chống tham nhũng, tiêu cực trong giải quyết thủ tục hành chính, nhất là lĩnh vực đất đai, xây dựng.", "Thanh tra thị xã.", "", ""),  # noqa: E501
    ("5", "5.1.", "Rà soát, đơn giản hóa thủ tục hành chính thuộc thẩm quyền giải quyết của thị xã.", "Văn phòng HĐND và UBND thị xã.", "Các cơ quan có liên quan.", "Quý III/2024"),  # noqa: E501
    ("5", "5.2.", "Niêm yết đầy đủ, đúng quy định thủ tục hành chính tại Bộ phận Một cửa thị xã và xã, phường.", "UBND xã, phường.", "", ""),  # noqa: E501
    ("5", "5,3,", "Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính.", "Văn phòng HĐND và UBND thị xã.", "Phòng Văn hóa và Thông tin.", "Từ tháng 3 đến tháng 10/2024"),  # noqa: E501
    ("5", "", "Khảo sát sự hài lòng của người dân, tổ chức tại Bộ phận Một cửa.", "Phòng Nội vụ.", "", ""),  # noqa: E501
    ("6", "", "Nâng cao chất lượng khám, chữa bệnh tại Trạm Y tế xã, phường; bảo đảm đủ thuốc thiết yếu.", "Trung tâm Y tế thị xã.", "UBND xã, phường.", "Thường xuyên"),  # noqa: E501
    ("7", "7.1.", "Thu gom, vận chuyển và xử lý rác thải sinh hoạt trên địa bàn.", "Phòng Tài nguyên và Môi trường.", "UBND xã, phường.", "Thường xuyên"),  # noqa: E501
    ("7", "7.2.", "Xây dựng tuyến đường “xanh - sạch - đẹp” ở các ấp, khóm.", "UBND xã, phường.", "Ủy ban MTTQ Việt Nam thị xã.", ""),  # noqa: E501
    ("7", "7.3.", "Kiểm tra các cơ sở sản xuất, kinh doanh có nguy cơ gây ô nhiễm môi trường.", "Phòng Tài nguyên và Môi trường.", "- Công an thị xã. - Phòng Kinh tế.", "Quý 4/2024"),  # noqa: E501
    ("8", "8.1.", "Nâng cấp Cổng thông tin điện tử thị xã, công khai thông tin theo quy định.", "Ban Biên tập Cổng thông tin điện tử thị xã.", "Phòng Văn hóa và Thông tin.", "Trước 30/6/2024"),  # noqa: E501
    ("8", "8.2.", "Hướng dẫn người dân sử dụng dịch vụ công trực tuyến và thanh toán không dùng tiền mặt.", "UBND xã, phường.", "- Công an thị xã. - Bưu điện thị xã.", "Thường xuyên"),  # noqa: E501
    ("8", "8.3.", "Tuyên truyền, hướng dẫn người dân cài đặt và sử dụng ứng dụng VNeID.", "Công an thị xã.", "", ""),  # noqa: E501
]
# fmt: on
GROUPS_2024 = [
    ("1", "Tham gia của người dân ở cấp cơ sở"),
    ("2", "Công khai, minh bạch trong việc ra quyết định ở địa phương"),
    ("3", "Trách nhiệm giải trình với người dân"),
    ("4", "Kiểm soát tham nhũng trong khu vực công"),
    ("5", "Thủ tục hành chính công"),
    ("6", "Cung ứng dịch vụ công"),
    ("7", "Quản trị môi trường"),
    ("8", "Quản trị điện tử"),
]


def activities(annex: ParsedAnnex | None) -> list[tuple[str, ...]]:
    assert annex is not None
    return [
        (g.label, a.number_raw, a.text, a.lead_text, a.support_text, a.timeframe_text)
        for g in annex.groups
        for a in g.activities
    ]


def extras(annex: ParsedAnnex | None) -> list[tuple[tuple[str, str], ...]]:
    assert annex is not None
    return [a.extra for g in annex.groups for a in g.activities]


def read(name: str, data: bytes | None = None) -> tuple[list[list[str]], list[str]]:
    """Rows and paragraphs as the importer reads a pasted .txt or .csv file."""
    data = (PASTED / name).read_bytes() if data is None else data
    return read_text(data, name, DEFAULT_LIMITS)


def parse_file(name: str, data: bytes | None = None, catalog=None):
    rows, paragraphs = read(name, data)
    return parse_annex([rows], paragraphs, catalog)


def stripped(row: list[str]) -> list[str]:
    """A row as a text editor saves it: empty cells at the end are gone."""
    cells = list(row)
    while cells and not cells[-1].strip():
        cells.pop()
    return cells


def unclear(problems) -> list[int | None]:
    return [p.row for p in problems if UNCLEAR in p.message]


# -- the pasted 2024 annex, every row's empty trailing cells stripped -----------------


def test_fixture_really_lost_its_trailing_cells():
    rows, _ = read("annex-2024-trailing-stripped.txt")
    assert all(not row or row[-1].strip() for row in rows)
    assert sum(1 < len(row) < len(HEADER) for row in rows) == 9


@CATALOGS
@pytest.mark.parametrize(
    "name", ["annex-2024-trailing-stripped.txt", "annex-2024-trailing-stripped.csv"]
)
def test_trailing_stripped_annex_reads_every_activity(name, catalog):
    annex, problems = parse_file(name, catalog=catalog)
    assert activities(annex) == ANNEX_2024
    assert [(g.label, g.title) for g in annex.groups] == GROUPS_2024
    assert annex.groups[2].intro.startswith("Tổ chức tiếp công dân, đối thoại")
    assert annex.title_lines[0] == "PHỤ LỤC"
    assert [p.message for p in problems] == ["Số thứ tự «5,3,» được đọc là 5.3."]


def test_trailing_stripped_annex_resolves_against_the_plan_units():
    annex, _ = parse_file("annex-2024-trailing-stripped.txt", catalog=vinh_chau_catalog())
    resolved = resolve_annex(annex, vinh_chau_catalog(), 2024)
    assert [u.text for u in resolved.unknown] == ["Bưu điện thị xã"]
    assert all(a.lead_units for a in resolved.activities)
    assert not [a.parsed.number for a in resolved.undated if a.parsed.timeframe_text]


def _lose_leading_cell(rows: list[list[str]], groups: set[str]) -> list[list[str]]:
    """Seed 004's conversion loss on the continuation rows of some groups: the first
    (merged, empty) cell is gone, on top of the stripped end."""
    out, group = [], ""
    for row in rows:
        if row and row[0].strip():
            group = row[0].strip()
        continuation = len(row) > 2 and not row[0].strip() and not row[1].strip()
        out.append(row[1:] if continuation and group in groups else row)
    return out


@CATALOGS
def test_mixed_lost_leading_cells_and_stripped_trailing_cells(catalog):
    rows, paragraphs = read("annex-2024-trailing-stripped.txt")
    mixed = _lose_leading_cell(rows, {"1", "4", "5", "7"})
    assert sum(len(a) != len(b) for a, b in zip(rows, mixed, strict=True)) == 10
    annex, problems = parse_annex([mixed], paragraphs, catalog)
    assert activities(annex) == ANNEX_2024
    assert unclear(problems) == []


def test_mixed_csv_with_semicolons():
    rows, paragraphs = read("annex-2024-trailing-stripped.txt")
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerows(
        _lose_leading_cell(rows, {"2", "3", "8"})
    )
    annex, problems = parse_file("phu-luc.csv", buffer.getvalue().encode("utf-8-sig"))
    assert activities(annex) == ANNEX_2024
    assert unclear(problems) == []


# -- seed 004: leading merged cells lost ------------------------------------------------

_PREFIX = re.compile(r"^(\d+[.,]\d+[.,])\s+")


def seed_expected() -> list[tuple[str, ...]]:
    """Every seed activity from the rows padded on the left by a reader that knows the
    width: (group, STT, text, lead, support, timeframe), cells as the parser cleans them."""
    expected, group = [], ""
    for row in seed_rows():
        group = row[0].strip() or group
        if row[2].startswith("<i>"):
            continue  # group 6's heading
        match = _PREFIX.match(row[2])
        number, text = (match.group(1), row[2][match.end() :]) if match else ("", row[2])
        lead, support = (_bare(cell) for cell in row[3:5])
        expected.append((group, number, text.strip(), lead, support, row[5].strip()))
    return expected


def _bare(cell: str) -> str:
    return cell.replace('<ul style="list-style-type: none">', "").strip()


@CATALOGS
def test_seed_004_reads_every_activity_exactly(catalog):
    annex, problems = parse_annex([seed_table()], catalog=catalog)
    assert activities(annex) == seed_expected()
    assert len(seed_expected()) == 23
    assert unclear(problems) == []


@CATALOGS
def test_seed_004_with_trailing_cells_stripped_too(catalog):
    table = [stripped(row) for row in seed_table()]
    assert len(table[18]) == 3  # group 6's heading row kept only its first three cells
    annex, problems = parse_annex([table], catalog=catalog)
    assert activities(annex) == seed_expected()
    assert annex.groups[5].intro.startswith("Xây dựng và triển khai")
    assert unclear(problems) == []


def test_other_wording_with_roman_groups_stripped():
    full, _ = parse_annex([OTHER])
    annex, problems = parse_annex([[stripped(row) for row in OTHER]])
    assert activities(annex) == activities(full)
    assert extras(annex) == extras(full)
    assert unclear(problems) == []


# -- rendering a parsed annex back as pasted text ---------------------------------------


def render(annex: ParsedAnnex) -> list[list[str]]:
    """The annex's rows, six cells each, as an author would type them."""
    rows = [list(HEADER)]
    for group in annex.groups:
        merged = [group.label, group.title]  # STT and Nội dung, on the group's first row
        if group.intro:
            rows.append([*merged, f"<i>{group.intro}</i>", "", "", ""])
            merged = ["", ""]
        for item in group.activities:
            text = f"{item.number_raw} {item.text}".strip()
            rows.append([*merged, text, item.lead_text, item.support_text, item.timeframe_text])
            merged = ["", ""]
    return rows


@pytest.mark.parametrize("source", ["seed 004", "annex 2024"])
def test_rendered_with_trailing_cells_stripped_reads_the_same(source):
    if source == "seed 004":
        annex, _ = parse_annex([seed_table()])
    else:
        annex, _ = parse_file("annex-2024-trailing-stripped.txt")
    rows = render(annex)
    assert not any("\n" in cell or "\t" in cell for row in rows for cell in row)
    text = "\n".join("\t".join(stripped(row)) for row in rows)
    again, problems = parse_file("phu-luc.txt", text.encode())
    assert activities(again) == activities(annex)
    assert unclear(problems) == []


TITLES = [
    "Công tác thông tin tuyên truyền",
    "Thực hiện quy chế dân chủ cơ sở",
    "Hoạt động kiểm tra, giám sát",
    "Quản trị điện tử",
]
TEXTS = [row[2] for row in ANNEX_2024] + [
    "Đối thoại với Nhân dân",
    "Hội nghị triển khai nhiệm vụ, giải pháp cải thiện chỉ số PAPI",
    "Ban hành quy chế phối hợp tiếp nhận, xử lý phản ánh, kiến nghị",
]
UNITS = sorted({cell for row in ANNEX_2024 for cell in row[3:5] if cell}) + [
    "Các ngành có liên quan.",
    "Phòng Tài chính-Kế hoạch.",
    "Đoàn kiểm tra và các cơ quan, đơn vị có liên quan.",
]
TIMES = sorted({row[5] for row in ANNEX_2024 if row[5]}) + [
    "Năm 2023",
    "Theo Kế hoạch đã được Ủy ban nhân dân thị xã phê duyệt",
    "Từ tháng 8 đến tháng 11/2023",
    "Trước 15/12",
]
ROMAN = ["I", "II", "III", "IV", "V", "VI"]
# Header layouts seen in real annexes, each as (header, what each column holds).
LAYOUTS = {
    "seed 004": (
        HEADER,
        ("number", "group", "activity", "lead", "support", "time"),
    ),
    "extra columns": (
        ["TT", "Nhiệm vụ", "Cơ quan chủ trì", "Cơ quan, đơn vị phối hợp", "Thời hạn"]
        + ["Sản phẩm", "Ghi chú"],
        ("number", "activity", "lead", "support", "time", "product", "note"),
    ),
    "time before units": (
        ["STT", "Nội dung công việc", "Thời gian hoàn thành", "Đơn vị chủ trì", "Đơn vị phối hợp"],
        ("number", "activity", "time", "lead", "support"),
    ),
}


def optional(values: list[str]) -> st.SearchStrategy[str]:
    return st.one_of(st.just(""), st.sampled_from(values))


activity_rows = st.fixed_dictionaries(
    {
        "numbered": st.booleans(),
        "activity": st.sampled_from(TEXTS),
        "lead": optional(UNITS),
        "support": optional(UNITS),
        "time": optional(TIMES),
        "product": optional(["Báo cáo", "Kế hoạch", "Biên bản niêm yết"]),
        "note": optional(["Theo Luật", "Lồng ghép"]),
        "loses_cell": st.booleans(),  # loses its leading merged cell in conversion
    }
)
groups = st.tuples(
    st.sampled_from(TITLES), st.booleans(), st.lists(activity_rows, min_size=1, max_size=4)
)


def generated(layout: str, annex: list) -> tuple[list[list[str]], list[list[str]]]:
    """(full rows, rows as pasted: trailing empties stripped and, where STT and Nội dung
    are merged down a group, some rows' first merged cell lost)."""
    header, keys = LAYOUTS[layout]
    full, pasted = [list(header)], [list(header)]

    def add(cells: dict[str, str], lost: bool = False) -> None:
        full.append([cells.get(key, "") for key in keys])
        pasted.append(stripped(full[-1])[1 if lost else 0 :])

    merged = "group" in keys
    for g, (title, has_intro, items) in enumerate(annex, start=1):
        first = {"number": str(g), "group": title} if merged else {}
        if not merged:
            add({"number": ROMAN[g - 1], "activity": title.upper()})
        elif has_intro:
            add({**first, "activity": "<i>Gồm các hoạt động sau đây:</i>"})
            first = {}
        for i, item in enumerate(items, start=1):
            cells = {**item, **first}
            if item["numbered"]:
                if merged:
                    cells["activity"] = f"{g}.{i}. {item['activity']}"
                else:
                    cells["number"] = str(i)
            add(cells, lost=merged and not first and item["loses_cell"])
            first = {}
    return full, pasted


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(sorted(LAYOUTS)), st.lists(groups, min_size=1, max_size=5))
def test_generated_annexes_read_the_same_however_pasted(layout, annex):
    full, pasted = generated(layout, annex)
    expected, _ = parse_annex([full])
    only_stripped, problems = parse_annex([[stripped(row) for row in full]])
    assert activities(only_stripped) == activities(expected)
    assert extras(only_stripped) == extras(expected)
    assert unclear(problems) == []
    mixed, _ = parse_annex([pasted])
    assert activities(mixed) == activities(expected)


# -- what a cell reads as, and rows that stay unclear -----------------------------------


LONG_ACTIVITY_WITH_TIME_WORDS = (
    "Tuyên truyền thường xuyên, liên tục về cải cách hành chính trên hệ thống loa truyền "
    "thanh của xã, phường và ấp, khóm"
)


@pytest.mark.parametrize(
    ("text", "reads"),
    [
        ("", Reads.EMPTY),
        ("1", Reads.NUMBER),
        ("5,2,", Reads.NUMBER),
        ("II", Reads.NUMBER),
        ("a)", Reads.NUMBER),
        ("1.1. Chuyển giao tài liệu tuyên truyền.", Reads.NUMBERED_TEXT),
        ("Thường xuyên", Reads.TIMEFRAME),
        ("Năm 2023", Reads.TIMEFRAME),
        ("Trước 15/12", Reads.TIMEFRAME),  # no year: still a time
        ("Theo Kế hoạch đã được Ủy ban nhân dân thị xã phê duyệt", Reads.TIMEFRAME),
        ("UBND xã, phường.", Reads.UNITS),
        ("- Phòng Nội vụ. - Các cơ quan có liên quan.", Reads.UNITS),
        ('<ul style="list-style-type: none"> - Phòng Y tế. - Trung tâm Y tế. ', Reads.UNITS),
        ("Bưu điện thị xã", Reads.UNITS),
        ("Ủy ban MTTQ Việt Nam thị xã, xã, phường.", Reads.UNITS),
        ("Phòng, chống tham nhũng trong giải quyết thủ tục hành chính", Reads.TEXT),
        ("Ban hành quy chế phối hợp giữa các cơ quan", Reads.TEXT),
        ("Số hóa hồ sơ thủ tục hành chính", Reads.TEXT),
        ("Xã hội hóa công tác thu gom rác thải", Reads.TEXT),
        (LONG_ACTIVITY_WITH_TIME_WORDS, Reads.TEXT),
        ("CÔNG KHAI, MINH BẠCH", Reads.HEADING),
        ("Biên bản", Reads.OTHER),
    ],
)
def test_what_a_cell_reads_as(text, reads):
    assert read_cell(text) is reads


def test_plan_units_recognise_names_the_words_do_not():
    assert read_cell("Cổng thông tin điện tử thị xã") is Reads.TEXT
    assert read_cell("Cổng thông tin điện tử thị xã", vinh_chau_catalog()) is Reads.UNITS


COLUMNS = [Column(c) for c in ("number", "group", "activity", "lead", "support", "timeframe")]


@pytest.mark.parametrize(
    ("cells", "shift", "tie"),
    [
        (["1", "Công tác tuyên truyền"], 0, False),  # group title, trailing cells stripped
        (["", "", "Đối thoại"], 0, False),  # a short activity, nothing else
        (["", "6.3. Kiểm tra năng lực.", "Phòng Nội vụ.", "- Các ngành.", "Năm 2023"], 1, False),
        (["", "6.3. Kiểm tra năng lực.", "Phòng Nội vụ."], 1, False),  # short at both ends
        (["Thường xuyên"], 2, True),  # a lone cell is never sure: kept as text, reported
        (["", "Đối thoại với Nhân dân"], 1, False),  # prose without a group number
        (["", "CÔNG TÁC TUYÊN TRUYỀN"], 0, False),  # a title in capitals
        (["", "", "", "Phòng Nội vụ."], 1, True),  # lead or supporting unit?
        (["Biên bản"], 2, True),  # a word or two: text, of a group or an activity
    ],
)
def test_placing_short_rows(cells, shift, tie):
    placed, ambiguous = place_short_row(cells, COLUMNS)
    assert placed == [""] * shift + cells + [""] * (len(COLUMNS) - len(cells) - shift)
    assert ambiguous is tie


def test_an_unclear_row_is_read_as_before_and_reported():
    rows = [HEADER, ["1", "Tuyên truyền", "1.1. Việc", "Phòng Nội vụ."], ["Tiếp dân"]]
    annex, problems = parse_annex([rows])
    assert [a.text for a in annex.groups[0].activities] == ["Việc", "Tiếp dân"]
    (problem,) = [p for p in problems if UNCLEAR in p.message]
    assert problem.row == 3 and "«Tiếp dân» vào cột «Hoạt động»" in problem.message
