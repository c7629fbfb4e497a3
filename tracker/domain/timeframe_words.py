"""Timeframe phrases turned into tokens: numbers written in words become digits, set
expressions become one marker each, and the rest is split into numbers, words and marks.

Number words are read before diacritics are folded away, since folding makes "sáu" (six)
"sau" (after) and "tư" (four) "từ" (from). They are read only where a number is expected:
after "ngày", "tháng", "quý", and before "tháng" in "sáu tháng đầu năm".
"""

from __future__ import annotations

import re

from tracker.domain.text import fold, nfc

_DIGITS = {
    "một": 1,
    "mốt": 1,
    "giêng": 1,
    "hai": 2,
    "ba": 3,
    "bốn": 4,
    "tư": 4,
    "năm": 5,
    "lăm": 5,
    "nhăm": 5,
    "sáu": 6,
    "bảy": 7,
    "bẩy": 7,
    "tám": 8,
    "chín": 9,
    "chạp": 12,
}
_WORD = "|".join(sorted([*_DIGITS, "mười", "mươi"], key=len, reverse=True))
_AFTER_HEAD = re.compile(rf"\b(ngày|tháng|quý)\s+((?:{_WORD})(?:\s+(?:{_WORD})){{0,2}})\b")
_BEFORE_MONTHS = re.compile(r"\b(ba|sáu|chín|mười hai)\s+(?=tháng\s*(đầu|cuối|/)|tháng một lần)")


# After "mười"/"mươi" five is "lăm" ("mười lăm"): "năm" there is the year ("tháng mười năm
# 2025"), and the month names "giêng", "chạp" stand alone.
_LAST_DIGIT = {k: v for k, v in _DIGITS.items() if k not in ("năm", "giêng", "chạp")}


def number_in_words(words: list[str]) -> int | None:
    """A number from 1 to 39 in words ("mười lăm", "hai mươi mốt", "ba mươi"); None if
    the words are not one."""
    if words == ["mười"]:
        return 10
    if len(words) == 1:
        return _DIGITS.get(words[0]) if words[0] not in ("mốt", "lăm", "nhăm") else None
    if words[0] == "mười" and len(words) == 2 and words[1] in _LAST_DIGIT:
        return 10 + _LAST_DIGIT[words[1]] if words[1] != "mốt" else None
    tens = _DIGITS.get(words[0])
    if tens in (2, 3) and words[1] == "mươi":
        if len(words) == 2:
            return tens * 10
        if len(words) == 3 and words[2] in _LAST_DIGIT and words[2] != "một":
            return tens * 10 + _LAST_DIGIT[words[2]]
    return None


def _spell_out(match: re.Match[str]) -> str:
    """The longest leading run of words that makes a number, written in digits."""
    words = match.group(2).split()
    for size in range(len(words), 0, -1):
        value = number_in_words(words[:size])
        if value is not None:
            return " ".join([match.group(1), str(value), *words[size:]])
    return match.group(0)


def digits_for_words(text: str) -> str:
    """Lower-case NFC text with number words after ngày/tháng/quý written as digits."""
    text = _AFTER_HEAD.sub(_spell_out, nfc(text).lower())
    return _BEFORE_MONTHS.sub(lambda m: f"{number_in_words(m.group(1).split())} ", text)


# Set expressions, longest first, on folded text. Each becomes one marker token.
MARKERS: list[tuple[str, str]] = [
    # repeating work
    (r"(cac|nhung) nam (tiep theo|sau|ke tiep)", "@cont"),
    (r"tro di|tro ve sau", "@onward"),
    (r"((hang|moi) nam|trong nam) 2 lan|2 lan (moi|hang|trong) nam", "@half"),
    (r"(hang|moi) nam|dinh ky (hang )?nam|1 lan\s*/\s*nam", "@year"),
    (r"(dinh ky )?6 thang\s*/\s*lan|2 lan\s*/\s*nam|dinh ky 6 thang", "@half"),
    (r"(hang|moi) quy|dinh ky (hang )?quy", "@quarter"),
    (r"(hang|moi) thang|dinh ky (hang )?thang", "@month"),
    (r"thuong xuyen|lien tuc|quanh nam|ca nam(?! \d)|dinh ky", "@period"),
    # deadlines and spans
    (r"tu nay(?: cho)? (den|toi)(?: het)?(?: ngay)?", "@by"),
    # from the plan's own start: "từ ngày ban hành Kế hoạch đến 31/12/2025"
    (r"tu (ngay |khi )?(ban hanh|ky)( ke hoach| van ban| quyet dinh)?(?= (den|toi)\b)", "@by"),
    (r"(truoc|den|toi|cho den|han|cham nhat) het(?: ngay)?", "@by"),
    (r"cham nhat(?: la)?(?: vao)?(?: ngay)?|han chot(?: la)?(?: ngay)?", "@by"),
    (r"(hoan thanh |xong )?truoc(?= cuoi)", "@by"),
    (r"(hoan thanh|xong)? ?truoc(?! khi)(?: ngay)?", "@before"),
    (r"(den|toi)( het)?(?: ngay)?", "@to"),
    (r"(bat dau )?\btu(?: ngay)?", "@from"),
    (r"\bhet(?: ngay)?", "@by"),
    # events: the date is tied to something that happens
    (r"(ngay )?(sau|truoc) khi|ngay khi|\bkhi\b|\bsau\b|du kien|phu thuoc", "@event"),
    (r"hoac", "@or"),
]
# Words that add nothing to the dates: verbs of doing, labels, "trong" (within).
FILLER = frozenset(
    {
        *("hoan", "thanh", "thuc", "hien", "trien", "khai", "to", "chuc", "xong"),
        *("thoi", "gian", "han", "tien", "do", "giai", "doan", "bao", "cao"),
        *("trong", "cac", "ca", "dot", "lan", "ky", "buoc", "la", "vao", "tiep", "tuc"),
    }
)
# Number words left untouched elsewhere ("lần 1", "đợt 2") are labels.
_LABEL_NUMBER = re.compile(r"(?<!dinh )\b(dot|lan|buoc|ky)\s+(\d{1,2}|[ivx]+)\b\s*:?")
_TOKEN = re.compile(r"@\w+|\d+|[a-z]+|[/\-.,;:()&+\[\]]")
_MARKER_RES = [(re.compile(rf"\b(?:{pattern})\b"), marker) for pattern, marker in MARKERS]


def tokens(text: str) -> list[str]:
    """Folded tokens of a phrase: markers ("@by"), digits, words and marks."""
    folded = fold(digits_for_words(text))
    folded = _LABEL_NUMBER.sub(" ", folded)
    for pattern, marker in _MARKER_RES:
        folded = pattern.sub(f" {marker} ", folded)
    return _TOKEN.findall(folded)
