"""How an administrative document (văn bản hành chính) writes its fixed parts, after
Nghị định 30/2020/NĐ-CP, Phụ lục I, and the district reports in shared/seeds.

- Dates in the header: "Vĩnh Châu, ngày 15 tháng 12 năm 2023"; days under 10 and the
  months 1 and 2 take a leading zero ("ngày 05 tháng 02 năm 2024", "ngày 03 tháng 3").
- Dates cited in the text follow the same rule: "11/4/2023", "12/01/2023", "08/3/2023".
- The issuing body is written in capitals on two lines: "ỦY BAN NHÂN DÂN" over
  "THỊ XÃ VĨNH CHÂU".
- An unnumbered draft leaves the number for the clerk: "Số: …/BC-UBND".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tracker.domain.text import fold

NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
NATIONAL_MOTTO = "Độc lập - Tự do - Hạnh phúc"
REPORT_TYPE = "BÁO CÁO"
REPORT_CODE = "BC-UBND"
BLANK_NUMBER = "…"
# "Thay mặt" the committee, signed by a vice-chairman on the chairman's behalf (seed 001).
SIGNATURE = ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH")
COMMITTEE = "Ủy ban nhân dân"


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


def lower_first(text: str) -> str:
    """A title used inside a sentence: "Triển khai…" → "triển khai…"."""
    return text[:1].lower() + text[1:] if text else text


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


def report_subject(plan: PlanRef, as_of: date) -> str:
    """ "Kết quả thực hiện Kế hoạch số 63/KH-UBND ngày 11/4/2023 … (tính đến ngày 15/12/2023)"."""
    return f"Kết quả thực hiện {plan.about()} (tính đến ngày {cited_date(as_of)})"


def annex_note(number: str, day: date, issuer: str) -> str:
    """ "(Kèm theo Báo cáo số …/BC-UBND ngày 15/12/2023 của Ủy ban nhân dân thị xã Vĩnh Châu)"."""
    reference = number_line(number).removeprefix("Số: ")
    return f"(Kèm theo Báo cáo số {reference} ngày {cited_date(day)} của {issuer})"


def form_count(n: int) -> str:
    """A count in the provincial form as seed 001 writes it: "07", "36", and zero as "0"."""
    if n == 0:
        return "0"
    return f"{n:02d}" if n < 10 else f"{n:,}".replace(",", ".")
