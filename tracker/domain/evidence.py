"""Document references used as evidence: "Kế hoạch số 35/KH-UBND ngày 22/02/2023 của
UBND thị xã" → type, number, date, issuer.

Vietnamese administrative documents carry a number with a type code ("35/KH-UBND":
KH = kế hoạch) and a date. A reference without a type word takes the type from the code;
without a recognisable date it keeps `issued_on` None. Nothing is dropped: the text as
written is kept with each reference.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from tracker.domain.documents import cited_date
from tracker.domain.text import fold, one_line, strip_marks

TYPES = (
    "Kế hoạch",
    "Công văn",
    "Quyết định",
    "Báo cáo",
    "Thông báo",
    "Tờ trình",
    "Chỉ thị",
    "Nghị quyết",
    "Nghị định",
    "Thông tư",
    "Quy chế",
    "Quy định",
    "Hướng dẫn",
    "Đề án",
    "Biên bản",
    "Giấy mời",
    "Chương trình",
    "Kết luận",
)
# Type codes inside a document number, e.g. 35/KH-UBND, 09/2019/NĐ-CP.
CODE_TYPES = {
    "KH": "Kế hoạch",
    "QĐ": "Quyết định",
    "BC": "Báo cáo",
    "TB": "Thông báo",
    "TTr": "Tờ trình",
    "CT": "Chỉ thị",
    "NQ": "Nghị quyết",
    "NĐ": "Nghị định",
    "TT": "Thông tư",
    "QC": "Quy chế",
    "HD": "Hướng dẫn",
    "ĐA": "Đề án",
    "BB": "Biên bản",
    "GM": "Giấy mời",
    "CTr": "Chương trình",
    "KL": "Kết luận",
    "QyĐ": "Quy định",
}
_TYPE_BY_FOLD = {fold(t): t for t in TYPES}
_TYPE_WORDS = "|".join(sorted(_TYPE_BY_FOLD, key=len, reverse=True)) + "|kh"
_NUMBER = r"(\d{1,5}(?:[/-]\d{4})?[/-][A-Za-zĐđ][\wĐđ.&]*(?:[-/][\wĐđ.&]+)*)"
_REF = re.compile(
    rf"(?:(?P<type>{_TYPE_WORDS})\s+)?(?:so\s*:?\s*)?(?P<number>{_NUMBER})"
    r"(?:\s*,?\s*ngay\s+(?P<date>\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{4}"
    r"|\d{1,2}\s+thang\s+\d{1,2}\s+nam\s+\d{4}))?"
    r"(?:\s+cua\s+(?P<issuer>[^;.\n]{2,120}?))?(?=\s*(?:[;.\n]|$|\s+(?:va|ve)\s))",
)


@dataclass(frozen=True)
class DocumentRef:
    text: str  # as written
    doc_type: str  # "Kế hoạch"; "" when unknown
    number: str  # "35/KH-UBND"
    issued_on: date | None
    issuer: str  # "UBND thị xã"; "" when not given

    def label(self) -> str:
        parts = [self.doc_type or "Văn bản", f"số {self.number}"]
        if self.issued_on:
            parts.append(f"ngày {cited_date(self.issued_on)}")
        if self.issuer:
            parts.append(f"của {self.issuer}")
        return " ".join(parts)


def find_documents(text: str | None) -> tuple[DocumentRef, ...]:
    """Every document reference in a free text, in order; never raises."""
    written = one_line(text)
    # Same length as `written`, so match positions map back to the text as written.
    folded = strip_marks(written).lower()
    if len(folded) != len(written):
        folded = written.lower()
        if len(folded) != len(written):
            return ()
    refs = []
    for match in _REF.finditer(folded):
        start, end = match.span()
        original = written[start:end].strip(" ,;")
        number = written[match.start("number") : match.end("number")]
        refs.append(
            DocumentRef(
                text=original,
                doc_type=_type(match.group("type"), number),
                number=number,
                issued_on=_date(match.group("date")),
                issuer=written[match.start("issuer") : match.end("issuer")].strip()
                if match.group("issuer")
                else "",
            )
        )
    return tuple(refs)


def _type(word: str | None, number: str) -> str:
    if word and word in _TYPE_BY_FOLD:
        return _TYPE_BY_FOLD[word]
    for code in re.split(r"[/-]", number)[1:]:
        if code in CODE_TYPES:
            return CODE_TYPES[code]
    return ""


def _date(text: str | None) -> date | None:
    if not text:
        return None
    numbers = [int(n) for n in re.findall(r"\d+", text)]
    try:
        return date(numbers[2], numbers[1], numbers[0])
    except (ValueError, IndexError):
        return None
