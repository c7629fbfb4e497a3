"""Vietnamese text as it arrives in annexes: cleaning, folding, name keys, sort order.

Everything that enters the system goes through :func:`clean` (NFC, no HTML left over
from Word-to-text conversion, single spaces). Comparisons use one of two keys:

- :func:`name_key` keeps diacritics but forgets case, dash style, tone-mark placement
  ("Hòa"/"Hoà"), trailing punctuation and common abbreviations ("UBND").
- :func:`fold` forgets diacritics too ("noi vu" == "Nội vụ"; "đ" folds to "d"); it is the
  key for search.
"""

from __future__ import annotations

import html
import re
import unicodedata
from email.errors import HeaderParseError
from email.headerregistry import Address

# Combining tone marks: grave, acute, tilde, hook above, dot below.
_TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
_DASH_RE = re.compile(rf"\s*[{_DASHES}-]\s*")
_SPACE_RE = re.compile(r"\s+")
_TAG_RE = re.compile(r"<[^>]{0,500}>")
_LIST_ITEM_RE = re.compile(r"<\s*li\b[^>]{0,500}>", re.IGNORECASE)
_BREAK_RE = re.compile(r"<\s*(br|/p|/li|/div)\s*/?\s*>", re.IGNORECASE)

# Abbreviations expanded inside name keys, so "UBND xã" and "Ủy ban nhân dân xã" meet.
# Keys are lower-case and tone-normalised; values are normalised again after expansion.
_ABBREVIATIONS = {
    "ubmttqvn": "ủy ban mặt trận tổ quốc việt nam",
    "ubmttq": "ủy ban mặt trận tổ quốc",
    "mttqvn": "mặt trận tổ quốc việt nam",
    "mttq": "mặt trận tổ quốc",
    "ubnd": "ủy ban nhân dân",
    "hđnd": "hội đồng nhân dân",
    "vn": "việt nam",
    "tx": "thị xã",
}


def nfc(text: str) -> str:
    """NFC-normalise; None-safe callers pass '' instead of None."""
    return unicodedata.normalize("NFC", text)


def clean(text: str | None) -> str:
    """Cell text as a person reads it: NFC, HTML removed, entities decoded, one space.

    List items and line breaks from converted Word lists become newlines followed by
    "- " so that bullet structure survives for the unit splitter.
    """
    if not text:
        return ""
    text = nfc(str(text))
    if "<" in text:
        text = _LIST_ITEM_RE.sub("\n- ", text)
        text = _BREAK_RE.sub("\n", text)
        text = _TAG_RE.sub(" ", text)
    if "&" in text:
        text = nfc(html.unescape(text))
    text = text.replace("\u00a0", " ").replace("\u200b", "")
    lines = [_SPACE_RE.sub(" ", line).strip() for line in text.splitlines()]
    return "\n".join(line for line in lines if line)


def one_line(text: str | None) -> str:
    """:func:`clean`, then newlines folded into spaces."""
    return _SPACE_RE.sub(" ", clean(text)).strip()


def strip_marks(text: str) -> str:
    """Remove every diacritic; 'đ' becomes 'd'. Case is kept."""
    decomposed = unicodedata.normalize("NFD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return bare.replace("đ", "d").replace("Đ", "D")


def fold(text: str | None) -> str:
    """Search key: lower case, no diacritics, dashes as '-', single spaces."""
    if not text:
        return ""
    folded = strip_marks(nfc(str(text))).lower()
    folded = _DASH_RE.sub(" - ", folded)
    return _SPACE_RE.sub(" ", folded).strip()


_WORD_RE = re.compile(r"\w+")


def _normalise_tones(text: str) -> str:
    """Move each syllable's tone mark to its end, so 'hòa' and 'hoà' compare equal."""
    return _WORD_RE.sub(lambda m: _syllable_tone_last(m.group()), nfc(text))


def _syllable_tone_last(word: str) -> str:
    decomposed = unicodedata.normalize("NFD", word)
    tones = "".join(ch for ch in decomposed if ch in _TONE_MARKS)
    if not tones:
        return word
    rest = "".join(ch for ch in decomposed if ch not in _TONE_MARKS)
    return unicodedata.normalize("NFC", rest) + tones


def name_key(text: str | None) -> str:
    """Key under which unit names are compared; keeps diacritics, forgets spelling noise.

    Forgets: case, NFC/NFD, tone placement, dash style and spacing around dashes,
    bullets and trailing punctuation, and the abbreviations in ``_ABBREVIATIONS``.
    """
    text = one_line(text).lower()
    text = _DASH_RE.sub(" - ", text)
    text = text.strip(" .;,:-*•+")
    text = _normalise_tones(text)
    expanded = _WORD_RE.sub(lambda m: _ABBREVIATIONS.get(m.group(), m.group()), text)
    return _normalise_tones(expanded)


# Vietnamese alphabetical order: letters with breve/circumflex/horn and đ are letters of
# their own; tone marks only break ties (ngang, huyền, hỏi, ngã, sắc, nặng).
_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_LETTER_RANK = {ch: i for i, ch in enumerate(_ALPHABET)}
_TONE_RANK = {"": 0, "\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
_DIGITS = re.compile(r"([0-9]+)")


def _letter_and_tone(ch: str) -> tuple[str, str]:
    decomposed = unicodedata.normalize("NFD", ch)
    tone = "".join(c for c in decomposed if c in _TONE_MARKS)
    base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONE_MARKS))
    return base, tone


def sort_key(text: str | None) -> tuple[tuple[tuple[int, int], ...], tuple[int, ...]]:
    """Key that sorts Vietnamese names in Vietnamese order ('Phường 2' before 'Phường 10').

    Primary: letters in the Vietnamese alphabet, numbers by value. Secondary: tones.
    """
    primary: list[tuple[int, int]] = []
    tones: list[int] = []
    for part in _DIGITS.split(nfc(text or "").lower()):
        if part.isascii() and part.isdigit():
            primary.append((0, int(part)))
            continue
        for ch in part:
            base, tone = _letter_and_tone(ch)
            if base in _LETTER_RANK:
                primary.append((1, _LETTER_RANK[base]))
                tones.append(_TONE_RANK.get(tone, 6))
            elif base.strip():
                primary.append((2, ord(base[0])))
            else:
                primary.append((1, -1))  # space sorts before any letter
    return tuple(primary), tuple(tones)


def email_address(text: str) -> str:
    """One plain e-mail address ("ten@donvi.gov.vn"), or ValueError with a Vietnamese
    reason. Exactly one address: no display name, no list (a comma or semicolon would
    add recipients), no quoting, no control characters (a line break would add headers),
    ASCII, a domain with a dot, at most 254 characters (RFC 5321)."""
    address = text.strip()
    if not address:
        raise ValueError("Chưa nhập địa chỉ e-mail.")
    if len(address) > 254 or not address.isascii() or not address.isprintable():
        raise ValueError("Địa chỉ e-mail chỉ gồm chữ không dấu, số và . _ - @, tối đa 254 ký tự.")
    try:
        parsed = Address(addr_spec=address)
    except (ValueError, HeaderParseError, IndexError):
        raise ValueError(
            "Địa chỉ e-mail không hợp lệ: nhập đúng một địa chỉ, vd ten@donvi.gov.vn."
        ) from None
    local, domain = parsed.username, parsed.domain
    if (
        parsed.addr_spec != address
        or local.startswith('"')
        or domain.startswith("[")
        or "." not in domain
        or any(c in address for c in ",;<>() ")
    ):
        raise ValueError(NOT_ONE_ADDRESS)
    return address


NOT_ONE_ADDRESS = "Địa chỉ e-mail không hợp lệ: nhập đúng một địa chỉ, vd ten@donvi.gov.vn."
