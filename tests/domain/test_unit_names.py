"""Unit cells of the real annex, and the spelling noise around unit names."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.domain.catalog_fixture import vinh_chau_catalog
from tracker.domain.text import clean, fold
from tracker.domain.units import UnitCatalog, expand_assignments, split_units

CATALOG = vinh_chau_catalog()
COMMUNES = "UBND xã, phường"
MTTQ = "Ủy ban MTTQ Việt Nam thị xã"
MTTQ_COMMUNES = "Ủy ban MTTQ Việt Nam xã, phường"
TTVH = "Trung tâm Văn hóa – Thể thao – Truyền thanh"
VHTT = "Phòng Văn hóa và Thông tin"
VP = "Văn phòng HĐND và UBND thị xã"
RELATED = "Các ngành có liên quan"


def names(cell: str, catalog: UnitCatalog = CATALOG) -> list[str]:
    found = []
    for mention in split_units(cell, catalog):
        assert mention.is_known, f"unknown: {mention.text!r} in {cell!r}"
        found.extend(catalog.get(i).name for i in mention.unit_ids)
    return found


# Every distinct lead and support cell of seed 004's annex, verbatim.
SEED_CELLS = [
    ("Phòng Nội vụ.", ["Phòng Nội vụ"]),
    ("Ủy ban MTTQ Việt Nam thị xã.", [MTTQ]),
    (
        "- Ủy ban MTTQ Việt Nam thị xã. - Phòng Văn hóa và Thông tin. - Trung tâm Văn hóa - Thể thao - Truyền thanh.",
        [MTTQ, VHTT, TTVH],
    ),
    ("Phòng Tư pháp.", ["Phòng Tư pháp"]),
    ("Ban Biên tập Cổng thông tin điện tử thị xã.", ["Ban Biên tập Cổng thông tin điện tử thị xã"]),
    ("- Phòng Nội vụ. - Phòng Văn hóa và Thông tin.", ["Phòng Nội vụ", VHTT]),
    (
        "- Trung tâm Văn hóa - Thể thao - Truyền thanh. - Ban Biên tập Cổng thông tin điện tử thị xã.",
        [TTVH, "Ban Biên tập Cổng thông tin điện tử thị xã"],
    ),
    ("UBND xã, phường.", [COMMUNES]),
    ("Trung tâm Văn hóa - Thể thao - Truyền thanh.", [TTVH]),
    ("- Các ban ngành thị xã. - UBND xã, phường.", ["Các ban ngành thị xã", COMMUNES]),
    ("- Phòng Nội vụ. - Ủy ban MTTQ Việt Nam thị xã.", ["Phòng Nội vụ", MTTQ]),
    ("Trung tâm Chính trị thị xã.", ["Trung tâm Chính trị thị xã"]),
    ("- Thanh tra thị xã. - Các ngành có liên quan.", ["Thanh tra thị xã", RELATED]),
    ("- Văn phòng HĐND và UBND thị xã. - UBND xã, phường.", [VP, COMMUNES]),
    (
        "- Phòng Nội vụ. - Phòng Văn hóa và Thông tin. - Các ngành khác có liên quan. - Ban Biên tập Cổng thông tin điện tử thị xã.",
        ["Phòng Nội vụ", VHTT, RELATED, "Ban Biên tập Cổng thông tin điện tử thị xã"],
    ),
    ("Phòng Văn hóa và Thông tin.", [VHTT]),
    ("- Các cơ quan đơn vị có liên quan. - UBND xã, phường.", [RELATED, COMMUNES]),
    ("Ủy ban MTTQ Việt Nam thị xã và xã, phường.", [MTTQ, MTTQ_COMMUNES]),
    (
        "- Ủy ban MTTQ Việt Nam thị xã và xã, phường. - Văn phòng HĐND và UBND thị xã. - Các cơ quan có liên quan.",
        [MTTQ, MTTQ_COMMUNES, VP, RELATED],
    ),
    (
        "- UBND xã, phường. - Văn phòng HĐND và UBND thị xã. - Thanh tra thị xã.",
        [COMMUNES, VP, "Thanh tra thị xã"],
    ),
    (
        "- Ủy ban MTTQ Việt Nam thị xã, xã, phường. - Các cơ quan có liên quan.",
        [MTTQ, MTTQ_COMMUNES, RELATED],
    ),
    ("- Ủy ban MTTQ Việt Nam thị xã. - Các cơ quan có liên quan.", [MTTQ, RELATED]),
    (
        "- Phòng Nội vụ. - Các cơ quan khác thực hiện tự kiểm tra.",
        ["Phòng Nội vụ", "Các cơ quan khác thực hiện tự kiểm tra"],
    ),
    ("Đoàn kiểm tra và các cơ quan, đơn vị có liên quan.", ["Đoàn kiểm tra", RELATED]),
    ("- Phòng Văn hóa và Thông tin. - Các cơ quan có liên quan.", [VHTT, RELATED]),
    ("Phòng Tài chính-Kế hoạch.", ["Phòng Tài chính – Kế hoạch"]),
    ("Các ban ngành có liên quan và UBND xã, phường.", [RELATED, COMMUNES]),
    ("Các ngành có liên quan.", [RELATED]),
    ("Văn phòng HĐND và UBND thị xã.", [VP]),
    ("Phòng Lao động-Thương binh và Xã hội.", ["Phòng Lao động – Thương binh và Xã hội"]),
    ("- Các ngành có liên quan. - Ủy ban nhân dân xã, phường.", [RELATED, COMMUNES]),
    ("Phòng Giáo dục và Đào tạo.", ["Phòng Giáo dục và Đào tạo"]),
    (
        "- Các ngành có liên quan. - UBND xã, phường. - Các Trường Tiểu học, Trung học cơ sở công lập.",
        [RELATED, COMMUNES, "Các trường Tiểu học, Trung học cơ sở công lập"],
    ),
    ("Phòng Tài nguyên và Môi trường.", ["Phòng Tài nguyên và Môi trường"]),
    (
        '<ul style="list-style-type: none"> - Phòng Tài nguyên và Môi trường. - Trung tâm Y tế. - Phòng Giáo dục và Đào tạo. </ul>',
        ["Phòng Tài nguyên và Môi trường", "Trung tâm Y tế thị xã", "Phòng Giáo dục và Đào tạo"],
    ),
    (
        '<ul style="list-style-type: none"> - Các ngành có liên quan. - UBND xã, phường. </ul>',
        [RELATED, COMMUNES],
    ),
]


@pytest.mark.parametrize("cell,expected", SEED_CELLS)
def test_seed_annex_cells(cell, expected):
    assert names(cell) == expected


@pytest.mark.parametrize(
    "written,expected",
    [
        (unicodedata.normalize("NFD", "Phòng Nội vụ"), "Phòng Nội vụ"),
        ("Phường Khánh Hoà", "Phường Khánh Hòa"),
        ("Trung tâm Văn hoá–Thể thao–Truyền thanh", TTVH),
        ("Trung tâm Văn hóa - Thể thao - Truyền thanh thị xã", TTVH),
        ("Văn phòng Hội đồng nhân dân và Ủy ban nhân dân thị xã", VP),
        ("Ủy ban Mặt trận Tổ quốc Việt Nam thị xã", MTTQ),
        ("UBMTTQ thị xã", MTTQ),
        ("UBND các xã, phường", COMMUNES),
        ("phong noi vu", "Phòng Nội vụ"),
        (
            "Trung tâm Giáo dục nghề nghiệp–Giáo dục thường xuyên",
            "Trung tâm Giáo dục nghề nghiệp – Giáo dục thường xuyên",
        ),
        ("UBND xã Hòa Đông", "xã Hòa Đông"),
        ("Phòng Nội Vu", "Phòng Nội vụ"),  # typed without tone marks: unambiguous when folded
    ],
)
def test_spelling_variants(written, expected):
    assert names(written) == [expected]


def test_group_expands_to_its_ten_communes():
    mentions = split_units("- UBND xã, phường. - Phòng Nội vụ.", CATALOG)
    rows = expand_assignments(mentions, CATALOG)
    group_id = CATALOG.lookup(COMMUNES)[0]
    communes = [unit for unit, via in rows if via == group_id]
    assert len(communes) == 10
    assert {CATALOG.get(u).kind.value for u in communes} == {"commune"}
    assert CATALOG.get(rows[-1][0]).name == "Phòng Nội vụ" and rows[-1][1] is None


def test_duplicates_are_dropped():
    mentions = split_units("- Phòng Nội vụ. - Phòng Nội vụ thị xã.", CATALOG)
    assert len(expand_assignments(mentions, CATALOG)) == 1


@pytest.mark.parametrize(
    "written,first_suggestion",
    [
        ("Phong Noi Vuu", "Phòng Nội vụ"),
        ("Phòng Văn hóa - Thông tin và Truyền thông", VHTT),
        ("Trung tâm Y tế huyện", "Trung tâm Y tế thị xã"),
        ("Phòng Tư phap thi xa Vinh Chau", "Phòng Tư pháp"),
    ],
)
def test_unknown_names_come_with_suggestions(written, first_suggestion):
    (mention,) = split_units(written, CATALOG)
    assert not mention.is_known
    assert CATALOG.get(mention.suggestions[0]).name == first_suggestion


def test_unknown_vague_wording_is_flagged():
    (mention,) = split_units("Các đơn vị sự nghiệp khác", CATALOG)
    assert not mention.is_known and mention.looks_vague


def test_unknown_piece_does_not_swallow_known_ones():
    mentions = split_units("- Phòng Nội vụ. - Hội Nông dân thị xã.", CATALOG)
    assert [m.is_known for m in mentions] == [True, False]
    assert mentions[1].text == "Hội Nông dân thị xã"


@given(st.text(max_size=120))
def test_never_raises_and_never_loses_words(cell):
    mentions = split_units(cell, CATALOG)
    kept = fold(" ".join(m.text for m in mentions))
    for word in fold(clean(cell)).split():  # HTML and entities are cleaned away by design
        letters = "".join(ch for ch in word if ch.isalnum())
        if letters:
            assert letters in "".join(ch for ch in kept if ch.isalnum())
