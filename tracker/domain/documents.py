"""How an administrative document (văn bản hành chính) writes its fixed parts, after
Nghị định 30/2020/NĐ-CP, Phụ lục I, and the district reports in shared/seeds.

- Dates in the header: "Vĩnh Châu, ngày 15 tháng 12 năm 2023"; days under 10 and the
  months 1 and 2 take a leading zero ("ngày 05 tháng 02 năm 2024", "ngày 03 tháng 3").
- Dates cited in the text follow the same rule: "11/4/2023", "12/01/2023", "08/3/2023".
- The issuing body is written in capitals on two lines: "ỦY BAN NHÂN DÂN" over
  "THỊ XÃ VĨNH CHÂU".
- An unnumbered draft leaves the number for the clerk: "Số: …/BC-UBND", and the day it
  is signed: "Vĩnh Châu, ngày      tháng 12 năm 2023" (seeds 000–002).
- A report's subject (trích yếu) names the period it reports on: "… 6 tháng đầu năm
  2023", "… năm 2023"; quotes are “ ”.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from tracker.domain.text import fold

NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
NATIONAL_MOTTO = "Độc lập - Tự do - Hạnh phúc"
REPORT_TYPE = "BÁO CÁO"
REPORT_CODE = "BC-UBND"
BLANK_NUMBER = "…"
# "Thay mặt" the committee: signed by the chairman (seeds 000, 002) or by a vice-chairman
# on the chairman's behalf (seed 001).
SIGNATURES = {
    "chairman": ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"),
    "deputy": ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"),
}
SIGNATURE = SIGNATURES["deputy"]
COMMITTEE = "Ủy ban nhân dân"
# The day a clerk writes in by hand once the report is signed.
BLANK_DAY = "\u00a0" * 6


def day_part(day: date) -> str:
    """ "05", "15"."""
    return f"{day.day:02d}"


def month_part(day: date) -> str:
    """ "01", "02", then "3" … "12" unpadded."""
    return f"{day.month:02d}" if day.month <= 2 else str(day.month)


def cited_date(day: date) -> str:
    """ "15/12/2023", "05/01/2024", "08/3/2023"."""
    return f"{day_part(day)}/{month_part(day)}/{day.year}"


def dated_line(place: str, day: date) -> str:
    """ "Vĩnh Châu, ngày 15 tháng 12 năm 2023"."""
    return f"{place}, ngày {day_part(day)} tháng {month_part(day)} năm {day.year}"


def blank_dated_line(place: str, day: date) -> str:
    """ "Vĩnh Châu, ngày      tháng 12 năm 2023": the day left for the clerk."""
    return f"{place}, ngày {BLANK_DAY} tháng {month_part(day)} năm {day.year}"


def number_line(number: str, code: str = REPORT_CODE) -> str:
    """ "Số: 412/BC-UBND"; an unnumbered draft gives "Số: …/BC-UBND"."""
    number = number.strip().split("/")[0].strip()
    return f"Số: {number or BLANK_NUMBER}/{code}"


def body_lines(issuing_body: str) -> tuple[str, ...]:
    """ "Ủy ban nhân dân thị xã Vĩnh Châu" → ("ỦY BAN NHÂN DÂN", "THỊ XÃ VĨNH CHÂU").
    A name that does not start with the committee's is one line in capitals."""
    words = issuing_body.split()
    head = len(COMMITTEE.split())
    if len(words) > head and fold(" ".join(words[:head])) == fold(COMMITTEE):
        return (" ".join(words[:head]).upper(), " ".join(words[head:]).upper())
    return (issuing_body.upper(),)


def header_lines(issuing_body: str, governing_body: str = "") -> tuple[tuple[str, bool], ...]:
    """The header's left column as (line, bold), NĐ 30/2020 Phụ lục I: the governing body
    (cơ quan chủ quản trực tiếp), when there is one, in capitals on one regular line, then
    the issuing body in bold — "UBND TỈNH SÓC TRĂNG" over "ỦY BAN NHÂN DÂN" / "PHƯỜNG
    VĨNH PHƯỚC" for a commune since 1/7/2025; a province or a historical district
    has none above it in its own documents."""
    above = ((short_body(governing_body).upper(), False),) if governing_body else ()
    return above + tuple((line, True) for line in body_lines(issuing_body))


def short_body(name: str) -> str:
    """NĐ 30/2020 Phụ lục I (II.3) lets a governing body's name shorten the common phrase
    "Ủy ban nhân dân" to "UBND", so "UBND tỉnh Cà Mau" fits its one line above the
    issuing body."""
    words = name.split()
    head = len(COMMITTEE.split())
    if len(words) > head and fold(" ".join(words[:head])) == fold(COMMITTEE):
        return " ".join(["UBND", *words[head:]])
    return name


def lower_first(text: str) -> str:
    """A title used inside a sentence: "Triển khai…" → "triển khai…"."""
    return text[:1].lower() + text[1:] if text else text


def activity_reference(number: str, text: str) -> str:
    """How a report refers to an activity inside a sentence: "hoạt động 1.5"; an
    unnumbered one by its name in quotes — its first sentence when the text goes on
    ("hoạt động “Đối thoại với Nhân dân”"), never a cut word."""
    if number:
        return f"hoạt động {number}"
    name = text.strip().rstrip(".")
    first, dot, rest = name.partition(". ")
    if dot and rest and len(first.split()) >= 2:
        name = first
    return f"hoạt động “{name}”"


def activity_label(number: str, text: str, limit: int = 50) -> str:
    """How a page names an activity in a line: by its number as the annex writes it
    ("1.5"); an unnumbered one "(không số) «Đối thoại với Nhân dân…»" — its first
    `limit` characters at most, cut between words. Never by a database id."""
    if number:
        return number
    words = " ".join(text.split()).rstrip(".")
    if len(words) > limit:
        cut = words[: limit - 1]
        words = (cut.rsplit(" ", 1)[0] if " " in cut else cut).rstrip(",;:") + "…"
    return f"(không số) «{words}»"


def activity_list(references: list[tuple[str, str]]) -> str:
    """Several activities named in one breath: "các hoạt động 1.4, 3.1, 3.2"; unnumbered
    ones follow by name. `references`: (number, text) in plan order."""
    numbers = [n for n, _ in references if n]
    named = [activity_reference("", t) for n, t in references if not n]
    parts = []
    if len(numbers) == 1:
        parts.append(f"hoạt động {numbers[0]}")
    elif numbers:
        parts.append("các hoạt động " + ", ".join(numbers))
    return "; ".join(parts + named)


def upper_first(text: str) -> str:
    """A line starts with a capital: "xã Hòa Đông: …" → "Xã Hòa Đông: …"."""
    return text[:1].upper() + text[1:] if text else text


@dataclass(frozen=True)
class PlanRef:
    number: str  # "63/KH-UBND"
    issued_on: date | None
    issuer: str  # "Ủy ban nhân dân thị xã Vĩnh Châu"
    title: str

    def citation(self) -> str:
        """ "Kế hoạch số 63/KH-UBND ngày 11/4/2023 của Ủy ban nhân dân thị xã Vĩnh Châu"."""
        text = f"Kế hoạch số {self.number}" if self.number else "Kế hoạch"
        if self.issued_on:
            text += f" ngày {cited_date(self.issued_on)}"
        return f"{text} của {self.issuer}" if self.issuer else text

    def about(self) -> str:
        """The citation with what the plan is about, as a report's basis states it."""
        return f"{self.citation()} về {lower_first(self.title)}" if self.title else self.citation()


_TRAILING_YEAR = re.compile(r"\s+(?:năm|Năm)\s+\d{4}\s*\.?$")


def report_subject(plan: PlanRef, period: str, as_of: date) -> str:
    """The trích yếu, naming the period (seeds 000–002): "Kết quả triển khai thực hiện
    nhiệm vụ, giải pháp … thị xã Vĩnh Châu 6 tháng đầu năm 2023" — the plan's title with
    its year replaced by the period (`period`: "6 tháng đầu năm 2023", "năm 2023"); a plan
    without a title is named by its number; without a period, the "as of" date."""
    if plan.title:
        what = "Kết quả " + lower_first(_TRAILING_YEAR.sub("", plan.title.strip()))
    else:
        what = f"Kết quả thực hiện {plan.citation()}"
    if period:
        return f"{what} {period}"
    return f"{what} (tính đến ngày {cited_date(as_of)})"


def level_word(locality: str) -> str:
    """ "thị xã Vĩnh Châu" → "thị xã"; "huyện Cù Lao Dung" → "huyện": the words before
    the place's name, as "CT, các PCT UBND thị xã" writes it."""
    words = locality.split()
    lead = [w for w in words[:2] if w[:1].islower()]
    return " ".join(lead) or locality


def annex_note(number: str, day: date, issuer: str, blank_day: bool = False) -> str:
    """ "(Kèm theo Báo cáo số …/BC-UBND ngày 15/12/2023 của Ủy ban nhân dân thị xã Vĩnh Châu)";
    with `blank_day` the day is left for the clerk: "ngày      /12/2023"."""
    reference = number_line(number).removeprefix("Số: ")
    when = f"{BLANK_DAY}/{month_part(day)}/{day.year}" if blank_day else cited_date(day)
    return f"(Kèm theo Báo cáo số {reference} ngày {when} của {issuer})"
