"""Search words and highlighting: diacritics, case, NFD text, punctuation, long texts."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.domain.search import (
    excerpt,
    has_match,
    highlight,
    is_too_short,
    matches_all,
    query_words,
)
from tracker.domain.text import fold


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("Nội vụ", ("noi", "vu")),
        ("  NỘI   VỤ. ", ("noi", "vu")),
        ("«Phòng Nội vụ»", ("phong", "noi", "vu")),
        ("63/KH-UBND", ("63/kh", "ubnd")),  # the dash, on its own once folded, is dropped
        ("Tài chính – Kế hoạch", ("tai", "chinh", "ke", "hoach")),
        ("noi noivu", ("noivu",)),  # "noi" is inside "noivu": every match has it
        ("vu vu VỤ", ("vu",)),
        ("đường", ("duong",)),
        ("- … !", ()),
        ("50%", ("50%",)),
    ],
)
def test_query_words(query, words):
    assert query_words(query) == words


@pytest.mark.parametrize(
    ("query", "short"),
    [("", True), (" ", True), ("a", True), (" Đ ", True), ("ab", False), ("Đà", False)],
)
def test_too_short(query, short):
    assert is_too_short(query) is short


def marked(pieces) -> list[str]:
    return [piece for piece, hit in pieces if hit]


@pytest.mark.parametrize(
    ("text", "query", "hits"),
    [
        ("Phòng Nội vụ thị xã", "noi vu", ["Nội", "vụ"]),
        ("PHÒNG NỘI VỤ", "nội vụ", ["NỘI", "VỤ"]),
        ("Đoàn kiểm tra", "doan", ["Đoàn"]),
        ("Công văn số 215/UBND-NV", "215/ubnd", ["215/UBND"]),
        ("nhiệm vụ, vụ việc", "vu", ["vụ", "vụ"]),
        ("Hòa Đông, Hoà Đông", "hoa dong", ["Hòa", "Đông", "Hoà", "Đông"]),
        ("abcabc", "bca", ["bca"]),
        ("Không có", "xyz", []),
    ],
)
def test_highlight(text, query, hits):
    pieces = highlight(text, query_words(query))
    assert "".join(piece for piece, _ in pieces) == text
    assert marked(pieces) == hits


def test_highlight_merges_overlapping_words():
    assert marked(highlight("tuyên truyền", ("tuyen", "en tru"))) == ["tuyên tru"]


def test_highlight_keeps_the_marks_of_nfd_text():
    text = unicodedata.normalize("NFD", "Phòng Nội vụ")
    pieces = highlight(text, ("noi", "vu"))
    assert "".join(piece for piece, _ in pieces) == text
    assert [unicodedata.normalize("NFC", p) for p in marked(pieces)] == ["Nội", "vụ"]


def test_matches_all_and_has_match():
    assert matches_all("Phòng Nội vụ", ("phong", "vu"))
    assert not matches_all("Phòng Nội vụ", ("phong", "tu phap"))
    assert has_match("Phòng Nội vụ", ("tu", "vu"))
    assert not has_match("Phòng Nội vụ", ("tu",))


def test_a_long_text_is_cut_around_the_first_match():
    text = " ".join(["Lorem ipsum"] * 60) + " đối thoại với Nhân dân " + " ".join(["dolor"] * 60)
    pieces = excerpt(text, ("doi", "thoai"), width=120)
    shown = "".join(piece for piece, _ in pieces)
    assert shown.startswith("… ") and shown.endswith(" …")
    assert len(shown) <= 120 + 4
    assert marked(pieces) == ["đối", "thoại"]


def test_a_short_text_is_whole():
    assert excerpt("Phòng  Nội\nvụ", ("vu",)) == [("Phòng Nội ", False), ("vụ", True)]


vietnamese = st.text(
    alphabet=st.sampled_from("aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạằắẳẵặầấẩẫậĐÔƠƯÀ -–/.,0123456789"),
    max_size=80,
)


@given(vietnamese, st.data())
def test_every_folded_substring_is_found_and_pieces_rebuild_the_text(text, data):
    pieces = highlight(text, query_words(text))
    assert "".join(piece for piece, _ in pieces) == text
    words = query_words(text)
    if words:
        word = data.draw(st.sampled_from(words))
        hits = marked(highlight(text, (word,)))
        assert hits and all(word in fold(hit) for hit in hits)
