"""Unit names written short: initials, office abbreviations, "P." for Phòng or Phường.

A match is silent only when exactly one unit fits; shared initials give suggestions.
"""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.domain.catalog_fixture import vinh_chau_catalog
from tracker.domain.text import fold, name_key, strip_marks
from tracker.domain.unit_short_names import Fit, fit, name_forms, split_locality, tokens
from tracker.domain.units import CatalogUnit, UnitCatalog, UnitKind, split_units

CATALOG = vinh_chau_catalog()
NV = "Phòng Nội vụ"
TP = "Phòng Tư pháp"
TCKH = "Phòng Tài chính – Kế hoạch"
TNMT = "Phòng Tài nguyên và Môi trường"
LDTBXH = "Phòng Lao động – Thương binh và Xã hội"
VHTT = "Phòng Văn hóa và Thông tin"
GDDT = "Phòng Giáo dục và Đào tạo"
QLDT = "Phòng Quản lý đô thị"
YT = "Phòng Y tế"
KT = "Phòng Kinh tế"
VP = "Văn phòng HĐND và UBND thị xã"
CA = "Công an thị xã"
TTYT = "Trung tâm Y tế thị xã"
TTVH = "Trung tâm Văn hóa – Thể thao – Truyền thanh"
TTGD = "Trung tâm Giáo dục nghề nghiệp – Giáo dục thường xuyên"
BAN_BT = "Ban Biên tập Cổng thông tin điện tử thị xã"
COMMUNES = "UBND xã, phường"


def catalog_of(*names: str) -> UnitCatalog:
    return UnitCatalog(CatalogUnit(i, n, UnitKind.OFFICE) for i, n in enumerate(names, start=1))


def matched(written: str, catalog: UnitCatalog = CATALOG) -> str | None:
    """The unit a whole cell is silently matched to, or None."""
    mentions = split_units(written, catalog)
    assert len(mentions) == 1, [m.text for m in mentions]
    ids = mentions[0].unit_ids
    return catalog.get(ids[0]).name if len(ids) == 1 else None


def suggested(written: str, catalog: UnitCatalog = CATALOG) -> list[str]:
    (mention,) = split_units(written, catalog)
    assert not mention.is_known, f"{written!r} matched {mention.unit_ids}"
    return [catalog.get(i).name for i in mention.suggestions]


MATCHED = [
    # "P." / "P" before an office is Phòng ...
    ("P. Nội vụ", NV),
    ("P.Nội vụ", NV),
    ("P Nội vụ", NV),
    ("Nội vụ", NV),
    ("P. Y tế", YT),
    ("P. Kinh tế", KT),
    # ... and before a number or a place name, Phường.
    ("P. 1", "Phường 1"),
    ("P.1", "Phường 1"),
    ("P1", "Phường 1"),
    ("UBND P.2", "Phường 2"),
    ("P.Vĩnh Phước", "Phường Vĩnh Phước"),
    ("P. Khánh Hoà", "Phường Khánh Hòa"),
    ("X. Lạc Hòa", "xã Lạc Hòa"),
    # UB, CA, TT, VP, QL.
    ("UB xã Vĩnh Hải", "xã Vĩnh Hải"),
    ("UB xã, phường", COMMUNES),
    ("UB các xã, phường", COMMUNES),
    ("UB MTTQ thị xã", "Ủy ban MTTQ Việt Nam thị xã"),
    ("CA", CA),
    ("CA thị xã", CA),
    ("CA TX", CA),
    ("TT Y tế", TTYT),
    ("TTYT", TTYT),
    ("TT Chính trị", "Trung tâm Chính trị thị xã"),
    ("TTCT", "Trung tâm Chính trị thị xã"),
    ("TT VHTTTT", TTVH),
    ("TT GDNN - GDTX thị xã", TTGD),
    ("VP HĐND-UBND", VP),
    ("VP. HĐND và UBND TX", VP),
    ("Văn phòng HĐND và UBND", VP),
    ("QL đô thị", QLDT),
    ("Phòng QL đô thị", QLDT),
    # Office initials, with or without P./Phòng; any separators, case and diacritics.
    ("NV", NV),
    ("nv", NV),
    ("P. NV", NV),
    ("P.NV", NV),
    ("Phòng NV", NV),
    ("TP", TP),
    ("P. TP", TP),
    ("Phòng TP", TP),
    ("P.TC-KH", TCKH),
    ("TC-KH", TCKH),
    ("TCKH", TCKH),
    ("phòng tc - kh", TCKH),
    ("Tài chính - KH", TCKH),
    ("P. Tài chính – KH", TCKH),
    ("TNMT", TNMT),
    ("TN-MT", TNMT),
    ("tn & mt", TNMT),
    ("P. TN&MT", TNMT),
    ("Phòng Tài nguyên - MT", TNMT),
    ("LĐTBXH", LDTBXH),
    ("LDTBXH", LDTBXH),
    ("LĐ-TB&XH", LDTBXH),
    ("ld-tb-xh", LDTBXH),
    ("Phòng LĐ, TB&XH", LDTBXH),
    ("P. Lao động - TB&XH", LDTBXH),
    ("VH-TT", VHTT),
    ("P.VHTT", VHTT),
    ("vh & tt", VHTT),
    ("P. Văn hóa - TT", VHTT),
    ("GD-ĐT", GDDT),
    ("GDĐT", GDDT),
    ("P. GD-DT", GDDT),
    ("gd dt", GDDT),
    ("QLĐT", QLDT),
    ("QLDT", QLDT),
    ("P.QLĐT", QLDT),
    ("YT", YT),
    ("Phòng YT", YT),
    ("P.YT", YT),
    ("KT", KT),
    ("Phòng KT", KT),
    ("BHXH", "Bảo hiểm xã hội thị xã"),
    ("BHXH TX", "Bảo hiểm xã hội thị xã"),
    ("Ban BT Cổng TTĐT", BAN_BT),
    ("PTCKH", TCKH),  # "P" for Phòng run into the initials
    ("CATX", CA),
]


@pytest.mark.parametrize("written,expected", MATCHED)
def test_short_names_match(written, expected):
    assert matched(written) == expected


SUGGESTED_FIRST = [
    ("TT", "Thanh tra thị xã"),  # also the initials of "Trung tâm": never silent
    ("VP", VP),  # Văn phòng, of what?
    ("QL", QLDT),
    ("TC", TCKH),  # begins TC-KH, does not say all of it
    ("TN", TNMT),
    ("LĐ", LDTBXH),
    ("GD", GDDT),
    ("Phòng GD", GDDT),
    ("P. Tài chính", TCKH),
    ("Văn hóa", VHTT),
    ("UBMTTQVN", "Ủy ban MTTQ Việt Nam thị xã"),  # also begins the xã, phường one
    ("xã LH", "xã Lạc Hòa"),  # Lạc Hòa and Lai Hòa share the initials
    ("VPĐKĐĐ", "Chi nhánh Văn phòng Đăng ký đất đai"),
    ("Phòng TCKH thị xã", TCKH),
    ("P. Hòa Đông", "xã Hòa Đông"),  # a xã is not a Phường: suggested, not matched
]


@pytest.mark.parametrize("written,first", SUGGESTED_FIRST)
def test_uncertain_short_names_are_only_suggested(written, first):
    assert suggested(written)[0] == first


def test_tt_alone_suggests_thanh_tra_and_every_trung_tam():
    names = suggested("TT")
    assert names[0] == "Thanh tra thị xã"
    assert {TTVH, TTYT, "Trung tâm Chính trị thị xã", TTGD} <= set(names)


@pytest.mark.parametrize(
    "catalog_names,written,shared",
    [
        ((VHTT, "Phòng Văn hóa – Thể thao", KT), "VH-TT", {VHTT, "Phòng Văn hóa – Thể thao"}),
        ((VHTT, "Phòng Văn hóa – Thể thao", KT), "Phòng VH&TT", {VHTT, "Phòng Văn hóa – Thể thao"}),
        ((TCKH, "Phòng Tổ chức – Kế hoạch", NV), "TC-KH", {TCKH, "Phòng Tổ chức – Kế hoạch"}),
        ((TCKH, "Phòng Tổ chức – Kế hoạch", NV), "P.TCKH", {TCKH, "Phòng Tổ chức – Kế hoạch"}),
        ((TP, "Phường Tân Phú", NV), "P. TP", {TP, "Phường Tân Phú"}),  # P. is either
        ((KT, "Phòng Kinh tế – Hạ tầng", NV), "KT", {KT}),  # KT-HT fits in part
        (("Thanh tra huyện", "Trung tâm Y tế huyện", NV), "TT", {"Thanh tra huyện"}),
        ((NV, "Phường Nội Vụ", YT), "P. NV", {NV, "Phường Nội Vụ"}),
    ],
)
def test_shared_initials_give_only_suggestions(catalog_names, written, shared):
    catalog = catalog_of(*catalog_names)
    names = suggested(written, catalog)
    assert set(names[: len(shared)]) == shared


@pytest.mark.parametrize(
    "catalog_names,written,expected",
    [
        # Thanh tra – Kiểm tra has initials TT-KT: it does not make TC-KH ambiguous.
        ((TCKH, "Phòng Thanh tra – Kiểm tra"), "TC-KH", TCKH),
        ((TCKH, "Phòng Thanh tra – Kiểm tra"), "TT-KT", "Phòng Thanh tra – Kiểm tra"),
        ((TP, "Phường Tân Phú"), "TP", TP),  # "Phòng" may be left out, "Phường" may not
        ((TP, "Phường Tân Phú"), "Phường TP", "Phường Tân Phú"),
        ((KT, "Phòng Kinh tế – Hạ tầng"), "KT-HT", "Phòng Kinh tế – Hạ tầng"),
    ],
)
def test_distinct_initials_still_match(catalog_names, written, expected):
    assert matched(written, catalog_of(*catalog_names)) == expected


# Two-tier local government since 1/7/2025: a commune's own units, a province's sở.
COMMUNE = (
    "Văn phòng HĐND và UBND xã",
    "Phòng Kinh tế",
    "Phòng Văn hóa – Xã hội",
    "Trung tâm Phục vụ hành chính công xã",
    "Công an xã",
    "Ban Chỉ huy Quân sự xã",
    "Ấp Âu Thọ A",
)
PROVINCE = (
    "Sở Nội vụ",
    "Sở Tư pháp",
    "Sở Tài chính",
    "Sở Giáo dục và Đào tạo",
    "Công an thành phố",
    "Văn phòng UBND thành phố",
)


@pytest.mark.parametrize(
    "catalog_names,written,expected",
    [
        (COMMUNE, "VP HĐND-UBND", "Văn phòng HĐND và UBND xã"),
        (COMMUNE, "P. VH-XH", "Phòng Văn hóa – Xã hội"),
        (COMMUNE, "VHXH", "Phòng Văn hóa – Xã hội"),
        (COMMUNE, "P.KT", "Phòng Kinh tế"),
        (COMMUNE, "TTPVHCC", "Trung tâm Phục vụ hành chính công xã"),
        (COMMUNE, "TT PVHCC xã", "Trung tâm Phục vụ hành chính công xã"),
        (COMMUNE, "CA", "Công an xã"),
        (COMMUNE, "BCHQS xã", "Ban Chỉ huy Quân sự xã"),
        (PROVINCE, "Sở NV", "Sở Nội vụ"),
        (PROVINCE, "Sở TP", "Sở Tư pháp"),
        (PROVINCE, "Sở TC", "Sở Tài chính"),
        (PROVINCE, "Sở GD&ĐT", "Sở Giáo dục và Đào tạo"),
        (PROVINCE, "CA TP", "Công an thành phố"),
        (PROVINCE, "VP UBND TP", "Văn phòng UBND thành phố"),
    ],
)
def test_two_tier_units(catalog_names, written, expected):
    assert matched(written, catalog_of(*catalog_names)) == expected


@pytest.mark.parametrize(
    "written",
    [
        "Hội Nông dân thị xã",
        "Phòng Kinh tế - Hạ tầng",  # longer than Phòng Kinh tế: not it
        "Phòng NN&PTNT",
        "TT PVHCC",
        "Trung tâm Y tế huyện",  # another locality: suggested, as before
        "CA xã",  # "Công an thị xã" is not "Công an xã"
        "UBND thị xã",
        "UBND",
        "UB",
        "P",
        "Chi cục Thuế",
    ],
)
def test_names_that_fit_no_unit_wholly_are_not_matched(written):
    (mention,) = split_units(written, CATALOG)
    assert not mention.is_known


def test_abbreviated_words_in_aliases_are_not_initials_of_initials():
    # "Phòng GD&ĐT" is an alias: "GD" stands for two words, not for "GD" and "ĐT".
    assert fit(tokens("GD"), ("GD", "DT")) is Fit.PART
    assert fit(tokens("GDĐT"), ("GD", "DT")) is Fit.WHOLE
    assert ("GD", "DT") in name_forms("Phòng GD&ĐT")
    assert ("P", "TCKH") in name_forms("p.tckh")  # no vowel: no Vietnamese word


@pytest.mark.parametrize(
    "name,core",
    [
        ("Công an thị xã", "công an"),
        ("Phòng Nội vụ thị xã Vĩnh Châu", "phòng nội vụ"),
        ("Bảo hiểm xã hội thị xã", "bảo hiểm xã hội"),
        ("Ban Chỉ huy Quân sự huyện", "ban chỉ huy quân sự"),
        ("Công an xã", "công an"),
        ("Văn phòng HĐND và UBND phường", "văn phòng hội đồng nhân dân và ủy ban nhân dân"),
        ("UBND xã, phường", "ủy ban nhân dân xã, phường"),  # a group, not a locality
        ("UBND cấp xã", "ủy ban nhân dân cấp xã"),
        ("UBND xã Hòa Đông", "ủy ban nhân dân xã hòa đông"),  # the commune's own name
        ("Phòng Quản lý đô thị", "phòng quản lý đô thị"),  # "quản" is not "quận"
        ("Thị xã Vĩnh Châu", "thị xã vĩnh châu"),
    ],
)
def test_split_locality(name, core):
    words = name_key(name).replace(",", "").split()
    kept, _ = split_locality(words)
    assert fold(" ".join(kept)) == fold(core.replace(",", ""))


# Property: any unit's own initials, however written, put that unit first.
SEPARATORS = ["", "", " ", "-", " - ", "–", "&", " & ", ".", ". ", "/", " và "]


def _initials(name: str) -> list[str]:
    """One piece per word: its first letter; a word in capitals or a number, whole."""
    words = re.findall(r"\w+", unicodedata.normalize("NFC", name))
    return [
        w if w.isdigit() or (len(w) > 1 and w.isupper()) else w[0]
        for w in words
        if w.lower() != "và"
    ]


def _joined(pieces: list[str]) -> str:
    return fold("".join(pieces)).replace(" ", "")


def _variants(name: str) -> set[str]:
    """The initials a unit answers to, computed simply: with or without the P of Phòng
    and the T, X of a trailing "thị xã"."""
    pieces = _initials(name)
    found = {_joined(pieces)}
    if name.startswith("Phòng "):
        found.add(_joined(pieces[1:]))
    if name.endswith(" thị xã"):  # the locality may be left out: drop its T, X
        found |= {v[:-2] for v in found}
    return found


@st.composite
def written_initials(draw):
    """(unit, its initials as someone might write them, the initials it must fit, whether
    "Phòng" was written out as a word)."""
    unit = draw(st.sampled_from(sorted(CATALOG, key=lambda u: u.id)))
    pieces = _initials(unit.name)
    head = ""
    if unit.name.startswith("Phòng "):
        head = draw(st.sampled_from(["P", "", "Phòng"]))
        pieces = pieces[1:]
    if head == "P":
        pieces = ["P", *pieces]
    text = pieces[0]
    for piece in pieces[1:]:
        text += draw(st.sampled_from(SEPARATORS)) + piece
    if head == "Phòng":
        text = draw(st.sampled_from(["Phòng ", "phòng ", "PHÒNG "])) + text
    text = "".join(c.upper() if draw(st.booleans()) else c.lower() for c in text)
    if draw(st.booleans()):
        text = strip_marks(text)
    return unit, text, _joined(pieces), head == "Phòng"


@given(written_initials())
def test_any_units_initials_rank_it_first(drawn):
    unit, written, key, phong_word = drawn
    sharing = {
        u.id
        for u in CATALOG
        if key in _variants(u.name) and (u.name.startswith("Phòng ") or not phong_word)
    }
    assert unit.id in sharing
    ids = CATALOG.lookup(written)
    suggestions = CATALOG.suggest(written)
    if len(sharing) == 1:
        assert ids == (unit.id,) or (not ids and suggestions[0] == unit.id), written
    else:
        assert ids == () and set(suggestions[: len(sharing)]) == sharing, written
