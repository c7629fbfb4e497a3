"""Search words and where they occur: the query as folded words, and a text cut into
pieces to highlight (diacritics and case ignored, as :func:`tracker.domain.text.fold`).

Highlighting never builds markup: it returns ``(piece, is_match)`` pairs of the original
text, and the template escapes every piece before wrapping the matches in ``<mark>``.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from tracker.domain.text import fold, strip_marks

MIN_QUERY = 2  # characters (folded, spaces trimmed); shorter queries are not run
MAX_QUERY = 200  # characters of the query kept; the rest is cut
# Stripped from both ends of a word: "vụ." and "«Nội" find "vụ" and "Nội".
_PUNCTUATION = ".,;:!?\"'()[]{}«»“”‘’…"

Piece = tuple[str, bool]


def query_words(query: str) -> tuple[str, ...]:
    """The folded words every result must contain, in the order typed.

    Punctuation around a word is dropped ("vụ." is "vu"), not inside it ("63/kh").
    Words without a letter or digit ("-", "…") narrow nothing and are dropped; so are
    repeats, and words inside another word of the query ("noi" beside "noivu")."""
    stripped = (w.strip(_PUNCTUATION) for w in fold(query).split())
    words = [w for w in dict.fromkeys(stripped) if any(ch.isalnum() for ch in w)]
    return tuple(w for w in words if not any(w != other and w in other for other in words))


def is_too_short(query: str) -> bool:
    """Empty, or a single character once folded and trimmed."""
    return len(fold(query)) < MIN_QUERY


def matches_all(text: str, words: Sequence[str]) -> bool:
    """Whether `text` holds every word (diacritics and case ignored)."""
    folded = fold(text)
    return all(w in folded for w in words)


def _folded_chars(text: str) -> tuple[str, list[int]]:
    """`text` folded character by character, with the index in `text` of each folded
    character: a combining mark (NFD text) folds to nothing, "Ộ" to "o"."""
    folded: list[str] = []
    origin: list[int] = []
    for index, ch in enumerate(text):
        for out in strip_marks(ch).lower():
            folded.append(out)
            origin.append(index)
    return "".join(folded), origin


def _spans(text: str, words: Sequence[str]) -> list[tuple[int, int]]:
    """Where the words occur in `text`: sorted, overlapping spans merged."""
    folded, origin = _folded_chars(text)
    found: list[tuple[int, int]] = []
    for word in words:
        start = folded.find(word)
        while word and start >= 0:
            end = origin[start + len(word) - 1] + 1
            while end < len(text) and unicodedata.combining(text[end]):
                end += 1  # the marks of the last letter, in NFD text
            found.append((origin[start], end))
            start = folded.find(word, start + len(word))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(found):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def has_match(text: str, words: Sequence[str]) -> bool:
    folded = fold(text)
    return any(w in folded for w in words)


def highlight(text: str, words: Sequence[str]) -> list[Piece]:
    """`text` as pieces, each marked whether it is an occurrence of a word. Joined,
    the pieces are `text` unchanged."""
    pieces: list[Piece] = []
    at = 0
    for start, end in _spans(text, words):
        if start > at:
            pieces.append((text[at:start], False))
        pieces.append((text[start:end], True))
        at = end
    if at < len(text) or not pieces:
        pieces.append((text[at:], False))
    return pieces


def excerpt(text: str, words: Sequence[str], width: int = 220) -> list[Piece]:
    """:func:`highlight` of at most about `width` characters of `text` around its first
    occurrence, cut at spaces, with "…" where text was left out."""
    text = " ".join(text.split())
    if len(text) <= width:
        return highlight(text, words)
    spans = _spans(text, words)
    first = spans[0][0] if spans else 0
    start = max(0, first - width // 3)
    end = min(len(text), start + width)
    start = max(0, end - width)
    if start > 0:
        cut = text.find(" ", start, first) if first > start else -1
        start = cut + 1 if cut >= 0 else start
    if end < len(text):
        cut = text.rfind(" ", max(start, first), end)
        end = cut if cut > start else end
    pieces = highlight(text[start:end], words)
    if start > 0:
        pieces.insert(0, ("… ", False))
    if end < len(text):
        pieces.append((" …", False))
    return pieces
