"""Accounts as a sheet of people writes them: phone numbers, user names made from a
unit and a person's name, and the rows of an account sheet.

User names (tên đăng nhập) are ASCII: ``<unit>.<person>``, e.g. Nguyễn Văn An of Phòng
Tư pháp is ``tuphap.annv`` — the given name, then the first letters of the family and
middle names, the way Vietnamese offices name mailboxes. The unit part is a commune's
whole name (``phuong1``, ``xahoadong``), an office's name without "Phòng" when it is
one or two words (``tuphap``, ``yte``, ``congan``), else its initials with
abbreviations kept (``tnmt``, ``ldtbxh``, ``ubmttqvn``). A name already taken gets a
number: ``tuphap.annv2``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from tracker.domain.sheets import read_table
from tracker.domain.text import fold, nfc, one_line

USERNAME = re.compile(r"^[a-z0-9._-]{3,40}$")
USERNAME_RULE = "Tên đăng nhập 3–40 ký tự, chỉ gồm chữ thường không dấu, số, dấu chấm, gạch."
MAX_NAME = 200  # User.full_name
MAX_UNIT_PART = 16
MAX_PERSON_PART = 20

# ---- phone numbers -------------------------------------------------------------------

_PHONE_SEPARATORS = re.compile(r"[\s.\-()]")
PHONE_RULE = (
    "Số điện thoại chỉ gồm chữ số (có thể có +84 hoặc 0 ở đầu, dấu cách, dấu chấm), "
    "vd 0912 345 678 hoặc 0299 3861 234."
)


def phone_number(text: str) -> str:
    """A Vietnamese number as stored: national form with its leading 0 ("0912345678").

    Accepts an optional "+84"/"0084"/"84" or "0" prefix and spaces, dots, dashes or
    brackets between digits. A mobile number is 0 + 9 digits (03, 05, 07, 08, 09); a
    landline is 0 + 10 digits starting 02 (area code 2xx, then 7 or 8 digits). A number
    written without its leading 0 (Excel drops it from a number cell) gets it back.
    Raises ValueError with a Vietnamese reason; "" is "no number" and raises too."""
    raw = one_line(text)
    if not raw:
        raise ValueError("Chưa nhập số điện thoại.")
    digits = _PHONE_SEPARATORS.sub("", raw)
    if digits.startswith("+84"):
        digits = digits[3:]
    elif digits.startswith("0084"):
        digits = digits[4:]
    elif digits.startswith("84") and len(digits) in (11, 12):
        digits = digits[2:]
    elif digits.startswith("0"):
        digits = digits[1:]
    if not digits.isascii() or not digits.isdigit():
        raise ValueError(PHONE_RULE)
    mobile = len(digits) == 9 and digits[0] in "35789"
    landline = len(digits) == 10 and digits[0] == "2"
    if not (mobile or landline):
        raise ValueError(
            f"Số điện thoại «{raw[:30]}» không đúng: di động 10 chữ số (09…, 03…), "
            "cố định 11 chữ số (02…)."
        )
    return "0" + digits


def phone_display(stored: str) -> str:
    """A stored number grouped as people read it: "0912 345 678", "0299 3861 234"."""
    if len(stored) == 10:
        return f"{stored[:4]} {stored[4:7]} {stored[7:]}"
    if len(stored) == 11:
        return f"{stored[:4]} {stored[4:8]} {stored[8:]}"
    return stored


# ---- user names ----------------------------------------------------------------------

_WORD = re.compile(r"\w+")
_COMMUNE_HEAD = re.compile(r"^(xa|phuong|thi tran|dac khu|khom|ap|to dan pho)\b")
_LOCALITY_WORDS = (("thi", "xa"), ("thanh", "pho"), ("huyen",), ("tinh",))
_SKIPPED = frozenset({"va", "and"})
_BRACKET = re.compile(r"\([^)]*\)?|\[[^\]]*\]?")


def _ascii_words(text: str) -> list[tuple[str, str]]:
    """(word as written, folded ASCII word) pairs."""
    pairs = []
    for word in _WORD.findall(nfc(text)):
        folded = re.sub(r"[^a-z0-9]", "", fold(word))
        if folded:
            pairs.append((word, folded))
    return pairs


def _without_locality(words: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Words before "thị xã", "huyện", "thành phố", "tỉnh" (and the place after it)."""
    folded = [f for _, f in words]
    for index in range(1, len(words)):
        if any(tuple(folded[index : index + len(t)]) == t for t in _LOCALITY_WORDS):
            return words[:index]
    return words


def unit_part(name: str, commune: bool = False) -> str:
    """The unit's part of a user name (see the module's docstring); "" for no name."""
    words = _ascii_words(name)
    if commune or _COMMUNE_HEAD.match(fold(name)):
        return "".join(f for _, f in words)[:MAX_UNIT_PART]
    words = _without_locality(words)
    if len(words) > 1 and words[0][1] == "phong":
        words = words[1:]
    words = [(w, f) for w, f in words if f not in _SKIPPED]
    if len(words) <= 2:
        return "".join(f for _, f in words)[:MAX_UNIT_PART]
    # An abbreviation (HĐND, MTTQ) stays whole; other words give their first letter.
    return "".join(f if _is_abbreviation(w) else f[0] for w, f in words)[:MAX_UNIT_PART]


def _is_abbreviation(word: str) -> bool:
    return len(word) >= 2 and word.isupper()


def person_part(full_name: str) -> str:
    """The given name, then the first letters of the others: Nguyễn Văn An → "annv". A
    bracket is an aside ("Nguyễn Văn An (Phó Chủ tịch)"), not part of the name."""
    words = [f for _, f in _ascii_words(_BRACKET.sub(" ", full_name))]
    if not words:
        return ""
    given, others = words[-1], words[:-1]
    return (given + "".join(w[0] for w in others))[:MAX_PERSON_PART]


def suggest_username(
    full_name: str, unit_name: str | None, taken: Callable[[str], bool], commune: bool = False
) -> str:
    """A free user name for a person of a unit (see the module's docstring); `taken`
    says whether a name is already used (stored, or earlier in the same sheet)."""
    person = person_part(full_name) or "canbo"
    unit = unit_part(unit_name, commune) if unit_name else ""
    base = f"{unit}.{person}" if unit else person
    base = base[:38]
    if len(base) < 3:
        base = f"{base}.cb"
    candidate, number = base, 1
    while taken(candidate):
        number += 1
        candidate = f"{base}{number}"
    return candidate


# ---- the account sheet ---------------------------------------------------------------

# Header keywords (folded), tried in order; the first column matching takes the field.
COLUMNS: dict[str, tuple[str, ...]] = {
    "full_name": ("ho ten", "ho va ten"),
    "unit": ("don vi", "co quan"),
    "email": ("mail", "thu dien tu"),
    "phone": ("dien thoai", "sdt", "so dt"),
    "role": ("vai tro",),
    "username": ("ten dang nhap", "tai khoan", "username"),
}
REQUIRED = ("full_name", "unit")


@dataclass(frozen=True)
class SheetAccount:
    """One row of an account sheet, as written (cleaned to one line)."""

    row: int  # the sheet's row number, as Excel shows it
    full_name: str
    unit: str
    email: str = ""
    phone: str = ""
    role: str = ""
    username: str = ""


def read_account_sheet(
    tables: Sequence[Sequence[Sequence[str]]],
) -> tuple[list[SheetAccount], list[str]]:
    """The people listed in the first table with a "Họ tên" and an "Đơn vị" column.

    Returns the rows (empty ones skipped) and the problems that make the whole sheet
    unreadable, in Vietnamese; rows are checked one by one later."""
    rows = read_table(tables, COLUMNS, REQUIRED)
    if rows is not None:
        return [SheetAccount(row=number, **cells) for number, cells in rows], []
    return [], [
        "Không tìm thấy dòng tiêu đề có cột «Họ tên» và «Đơn vị». Hãy dùng bảng mẫu tải "
        "từ trang này (cột: Họ tên, Đơn vị, E-mail, Điện thoại, Vai trò, Tên đăng nhập)."
    ]
