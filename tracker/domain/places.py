"""A locality's place name (địa danh): its name without the word for its level, as the
dated line of a document uses it ("Hòn Ngọc, ngày … tháng … năm …": NĐ 30/2020, Phụ lục
I, II.5). The levels are those of the Luật Tổ chức chính quyền địa phương 2025 (tỉnh,
thành phố; xã, phường, đặc khu) and the district tier before 1/7/2025 (huyện, quận, thị
xã, thành phố thuộc tỉnh, thị trấn)."""

from __future__ import annotations

# Longest first: "thị xã" before "xã", "thành phố" before "phố".
LEVEL_WORDS = (
    "thành phố",
    "thị trấn",
    "đặc khu",
    "thị xã",
    "phường",
    "huyện",
    "tỉnh",
    "quận",
    "xã",
)


def place_name(name: str) -> str:
    """ "đặc khu Hòn Ngọc" → "Hòn Ngọc"; "thị xã Vĩnh Châu" → "Vĩnh Châu"; a name with no
    level word, or a numbered one ("Phường 1": the number alone names nothing), stays."""
    text = " ".join(name.split())
    for word in LEVEL_WORDS:
        rest = text[len(word) + 1 :]
        if text.lower().startswith(word + " ") and rest and not rest.isdigit():
            return rest
    return text
