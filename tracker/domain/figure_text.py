"""The figures in words, as the district reports write them (seed 000: "đã và đang tổ
chức triển khai thực hiện được 30/31 phần việc, đạt 96,77%"; "trong đó có 05 nhiệm vụ,
chiếm 18,52% đã hoàn thành 100%; 22 nhiệm vụ đã thực hiện hoàn thành và thực hiện
thường xuyên, chiếm 81,48%; có 01 nhiệm vụ đơn vị không tổ chức thực hiện, chiếm 3,57%").

Every count states its denominator: the parts of what was carried out are shares of
it ("02/07 … chiếm 28,57%"), what has no result and what is not carried out are shares
of the plan ("15/23 … chiếm 65,22%"). Counts under 10 take a leading zero (numbers.count).
"""

from __future__ import annotations

from collections.abc import Sequence

from tracker.domain.figures import DONE, UNDER_WAY, Figure, Outcome, Tally
from tracker.domain.numbers import count, fraction, percent


def headline(tally: Tally, noun: str) -> str:
    """ "Đã và đang triển khai thực hiện được 07/23 nhiệm vụ, đạt 30,43% kế hoạch"."""
    carried = tally.carried_out
    return (
        f"Đã và đang triển khai thực hiện được {carried.fraction} {noun}, "
        f"đạt {carried.percent} kế hoạch"
    )


def parts(tally: Tally, noun: str) -> str:
    """ "trong đó 02/07 nhiệm vụ đã hoàn thành 100%, chiếm 28,57%; 05/07 nhiệm vụ đang
    thực hiện, thực hiện thường xuyên, chiếm 71,43%" — shares of what was carried out;
    "" when nothing was."""
    carried = tally.carried_out.numerator
    if not carried:
        return ""
    found = []
    done = tally.n(*DONE)
    if done:
        text = (
            f"{fraction(done, carried)} {noun} đã hoàn thành 100%, chiếm {percent(done, carried)}"
        )
        late = tally.n(Outcome.DONE_LATE)
        if late:
            text += f" (có {count(late)} {noun} hoàn thành trễ hạn)"
        found.append(text)
    under_way = tally.n(*UNDER_WAY)
    if under_way:
        found.append(
            f"{fraction(under_way, carried)} {noun} đang thực hiện, thực hiện thường xuyên, "
            f"chiếm {percent(under_way, carried)}"
        )
    return "trong đó " + "; ".join(found)


def remainder(tally: Tally, noun: str) -> str:
    """ "Còn 15/23 nhiệm vụ chưa có kết quả thực hiện, chiếm 65,22%; 01/23 nhiệm vụ không
    thực hiện, chiếm 4,35%" — "" when everything was carried out."""
    found = []
    for figure, words in (
        (tally.no_result, "chưa có kết quả thực hiện"),
        (tally.not_carried_out, "không thực hiện"),
    ):
        if figure.numerator:
            found.append(f"{figure.fraction} {noun} {words}, chiếm {figure.percent}")
    if not found:
        return ""
    return "Còn " + "; ".join(found)


def summary(tally: Tally, noun: str) -> str:
    """The headline with its parts and the remainder: the paragraph a report opens with."""
    text = headline(tally, noun)
    detail = parts(tally, noun)
    if detail:
        text += "; " + detail
    rest = remainder(tally, noun)
    return text + "." + (f" {rest}." if rest else "")


def in_round(figure: Figure, round_label: str, noun: str) -> str:
    """ "Riêng trong kỳ 6 tháng cuối năm 2023: 06/23 nhiệm vụ có kết quả triển khai."."""
    return (
        f"Riêng trong kỳ {round_label}: {figure.fraction} {noun} có kết quả triển khai "
        f"thực hiện, đạt {figure.percent}."
    )


def progress(figure: Figure, group_name: str, names: Sequence[str]) -> str:
    """ "07/10 xã, phường (Phường 1, Phường 2, …)" for a group of communes, or
    "02/03 đơn vị chủ trì (Phòng Nội vụ, …)" for lead units named one by one; the units
    listed are those that carried the activity out. "UBND các xã, phường" counts as
    "07/10 xã, phường": the figure already says "of all of them"."""
    what = group_name.removeprefix("UBND ").removeprefix("Ủy ban nhân dân ")
    what = what.removeprefix("các ").removeprefix("Các ")
    text = f"{figure.fraction} {what or 'đơn vị chủ trì'}"
    return f"{text} ({', '.join(names)})" if names else text
