"""The words of the report upward, section by section, from `ReportData`: what the Word
file (and so the PDF) says. Kept apart from the layout so it can be read and tested as
text. Its content follows the district reports in shared/seeds (000–002):

- a trích yếu naming the period; an unnumbered opening "Thực hiện Kế hoạch số … của …"
  and "… báo cáo kết quả … như sau:";
- I. Kết quả thực hiện: the figures (lũy kế), then each content group of the plan with
  its activities named in full and what was done, with the documents that prove it;
- II. Đánh giá chung: ưu điểm; tồn tại, hạn chế và nguyên nhân — drafted from the
  figures and what the units reported, marked for the officer to edit;
- III. Phương hướng, nhiệm vụ thời gian tới: from what falls due next;
- IV. Đề xuất, kiến nghị: the units' proposals, left out when there are none.

What Phòng Nội vụ does inside (which reports it accepted, which units it is chasing, the
counting rule) stays on the internal pages. Every figure comes from `data.figures`, so a
sentence never says an activity is done while a table counts it undone.
"""

from __future__ import annotations

from datetime import date

from tracker.domain.documents import (
    PlanRef,
    activity_list,
    cited_date,
    level_word,
    lower_first,
    report_subject,
    upper_first,
)
from tracker.domain.figures import CARRIED_OUT, DONE, NO_RESULT, Outcome
from tracker.domain.numbers import count
from tracker.exporters.data import (
    ActivityRow,
    AssignmentRow,
    GroupRow,
    IndexLines,
    ReportData,
    ReportRow,
)

HEADINGS = (
    "I. KẾT QUẢ THỰC HIỆN",
    "II. ĐÁNH GIÁ CHUNG",
    "III. PHƯƠNG HƯỚNG, NHIỆM VỤ THỜI GIAN TỚI",
    "IV. ĐỀ XUẤT, KIẾN NGHỊ",
)
DRAFT_NOTE = (
    "(Phần dự thảo từ số liệu và báo cáo của các cơ quan, đơn vị: đề nghị rà soát, "
    "chỉnh sửa, bổ sung trước khi trình ký.)"
)
CAUSES = "- Nguyên nhân: …"


def plan_ref(data: ReportData) -> PlanRef:
    return PlanRef(data.plan_number, data.plan_issued_on, data.issuing_body, data.plan_title)


def subject(data: ReportData) -> str:
    return report_subject(plan_ref(data), data.round_label, data.as_of)


def sentence(text: str) -> str:
    """The text as a sentence: a capital first, a full stop last."""
    text = upper_first(text.strip())
    return text if text.endswith((".", "!", "?", "…", ":")) else text + "."


def as_of_day(data: ReportData) -> str:
    """The day the figures are given "tính đến": the round's cut-off once it has passed."""
    day = data.cutoff if data.cutoff and data.cutoff <= data.as_of else data.as_of
    return cited_date(day)


def opening(data: ReportData) -> list[str]:
    """ "Thực hiện Kế hoạch số … của …" (never "Căn cứ", which opens decisions), then
    what the report is about."""
    cited = plan_ref(data).about()
    basis = data.plan_basis.strip().rstrip(";.")
    what = data.round_label or f"tính đến ngày {as_of_day(data)}"
    plan = f"Kế hoạch số {data.plan_number}" if data.plan_number else "Kế hoạch"
    return [
        sentence(f"Thực hiện {basis}; {cited}" if basis else f"Thực hiện {cited}"),
        f"{data.issuing_body} báo cáo kết quả thực hiện {plan} {what} như sau:",
    ]


def overall(data: ReportData) -> list[str]:
    """1. Kết quả chung: the figures as the seeds write them, lũy kế."""
    place = data.locality
    lines = [f"Tính đến ngày {as_of_day(data)}, {place} {lower_first(data.summary)}"]
    if data.in_round:
        lines.append(data.in_round)
    started = [
        f"{a.short}: {a.progress}"
        for a in data.activities
        if a.progress and (a.outcome in _CARRIED_OR_PARTIAL)
    ]
    if started:
        lines.append("Đối với các hoạt động giao nhiều đơn vị chủ trì: " + "; ".join(started) + ".")
    return lines


def index_lead(data: ReportData, index: IndexLines) -> str:
    """ "Kết quả theo chỉ số nội dung PAPI (một nhiệm vụ có thể góp vào nhiều chỉ số nội
    dung và được tính ở mọi chỉ số nó góp vào):" — and so for each framework."""
    noun, word = index.dimension_noun, index.dimension_word
    return (
        f"Kết quả theo {noun} {index.short_name} (một {data.noun} có thể góp vào nhiều {noun} "
        f"và được tính ở mọi {word} nó góp vào):"
    )


def rollup_lead(data: ReportData, communes: bool) -> str:
    """The sentence before a province report's table by commune or by department."""
    if communes:
        return (
            f"Kết quả thực hiện của các xã, phường theo số {data.noun} được giao chủ trì "
            f"(tính cả kết quả báo cáo trong kế hoạch của xã, phường thực hiện Kế hoạch này):"
        )
    return (
        f"Kết quả thực hiện của các sở, ban, ngành và cơ quan, đơn vị theo số {data.noun} "
        f"được giao chủ trì:"
    )


def group_sections(data: ReportData) -> list[tuple[str, list[str]]]:
    """(heading, paragraphs) for each content group of the plan: what was carried out,
    activity by activity, then the activities with no result yet."""
    figures = {line.key: line for line in data.by_group}
    sections = []
    for number, group in enumerate(data.groups, start=1):
        if not group.activities:
            continue
        lines = []
        figure = figures.get(group.label)
        if figure is not None and figure.carried:
            text = f"Đã và đang triển khai thực hiện {figure.carried_fraction} {data.noun}"
            if figure.done:
                text += f", trong đó {count(figure.done)} {data.noun} đã hoàn thành"
            lines.append(text + ".")
        waiting = []
        for activity in group.activities:
            paragraph = activity_paragraph(activity)
            if paragraph:
                lines.append(paragraph)
            else:
                waiting.append((activity.number, activity.text))
        if waiting:
            lines.append(sentence("Chưa có kết quả thực hiện: " + activity_list(waiting)))
        sections.append((f"2.{number}. {upper_first(_group_title(group))}", lines))
    return sections


def _group_title(group: GroupRow) -> str:
    return group.title.strip() or f"Nội dung {group.label}"


def activity_paragraph(activity: ActivityRow) -> str:
    """ "- Hoạt động 1.1. Chuyển giao tài liệu…: Phòng Nội vụ: Đã chuyển giao… (Công văn
    số …)." — the activity's full name, what its lead units did (every round of the
    year so far) and its supporting units' contribution; "" when nothing was reported."""
    leads = [a for a in activity.assignments if a.role == "lead" and a.reports]
    if not leads:
        return ""
    parts = []
    if activity.progress:
        parts.append(f"{activity.progress} đã và đang triển khai.")
    parts += [_unit_part(a, a.unit) for a in leads]
    parts += [
        _unit_part(a, f"{a.unit} (phối hợp)")
        for a in activity.assignments
        if a.role == "support" and a.reports
    ]
    return f"- {activity.name.rstrip('.')}: " + " ".join(parts)


def _unit_part(assignment: AssignmentRow, who: str) -> str:
    reports = assignment.reports
    several = len({r.period_id for r in reports}) > 1
    texts = [(f"{r.period_label.lower()}: " if several else "") + report_text(r) for r in reports]
    joiner = " — " if several else ": "
    return upper_first(f"{who}{joiner}") + "; ".join(t.rstrip(".") for t in texts) + "."


def report_text(report: ReportRow) -> str:
    """What one report says, with its completion date and the documents that prove it."""
    if report.status == "not_done":
        text = f"Không thực hiện; lý do: {report.reason.strip()}"
    else:
        text = report.result.strip() or report.status_label
    text = sentence(text)
    if report.status == "done" and report.completed_on:
        text += f" Hoàn thành ngày {cited_date(report.completed_on)}."
    if report.documents:
        text = text.rstrip(".") + " (" + "; ".join(d.text for d in report.documents) + ")."
    elif report.evidence_text.strip():
        text = text.rstrip(".") + f" (minh chứng: {report.evidence_text.strip()})."
    return text


def strengths(data: ReportData) -> list[str]:
    """1. Ưu điểm, drafted from the figures."""
    tally = data.figures.cumulative
    carried, done = tally.carried_out, tally.n(*DONE)
    noun = data.noun
    if not carried.numerator:
        plan = data.plan_number
        return [f"- Các cơ quan, đơn vị, địa phương đã tiếp nhận và triển khai Kế hoạch số {plan}."]
    text = (
        f"- Các cơ quan, đơn vị, địa phương đã quan tâm triển khai Kế hoạch: đã và đang triển "
        f"khai thực hiện được {carried.fraction} {noun}, đạt {carried.percent}"
    )
    if done:
        text += f"; trong đó {count(done)} {noun} đã hoàn thành"
    lines = [text + "."]
    full = [
        lower_first(line.label)
        for line in data.by_group
        if line.total and line.carried == line.total
    ]
    if full:
        lines.append("- Các nội dung đã triển khai đầy đủ: " + "; ".join(full) + ".")
    return lines


def weaknesses(data: ReportData) -> list[str]:
    """2. Tồn tại, hạn chế và nguyên nhân, drafted from what has no result, what is
    overdue or not carried out, and the difficulties the units reported this round."""
    tally = data.figures.cumulative
    noun = data.noun
    lines = []
    waiting = [(a.number, a.text) for a in data.activities if a.outcome in _NO_RESULT]
    if waiting:
        lines.append(
            f"- Còn {tally.no_result.fraction} {noun} chưa có kết quả thực hiện ("
            + activity_list(waiting)
            + ")."
        )
    for activity in data.activities:
        if activity.outcome == Outcome.PARTIAL.value and activity.progress:
            lines.append(f"- {upper_first(activity.short)} mới triển khai ở {activity.progress}.")
    late: dict[tuple[str, str], date] = {}
    for o in data.overdue:
        late.setdefault((o.number, o.text), o.due_on)
    for (number, text), due in late.items():
        name = f"hoạt động {number}" if number else text.rstrip(".")
        lines.append(f"- {upper_first(name)} đã quá hạn ({cited_date(due)}) nhưng chưa hoàn thành.")
    for activity in data.activities:
        for a in activity.assignments:
            if a.outcome == Outcome.NOT_CARRIED_OUT.value and a.report:
                lines.append(
                    f"- {upper_first(activity.short)} ({a.unit}) không thực hiện; lý do: "
                    f"{a.report.reason.strip().rstrip('.')}."
                )
    difficulties = [r.difficulties.strip().rstrip(".") for r in data.round_reports]
    difficulties = [d for d in dict.fromkeys(difficulties) if d]
    if difficulties:
        lines.append(
            "- Khó khăn, vướng mắc các cơ quan, đơn vị nêu: " + "; ".join(difficulties) + "."
        )
    if not lines:
        lines.append(f"- Không có {noun} quá hạn hoặc không thực hiện.")
    return lines + [CAUSES]


_NO_RESULT = {o.value for o in NO_RESULT}
_CARRIED_OR_PARTIAL = {o.value for o in CARRIED_OUT | {Outcome.PARTIAL}}


def directions(data: ReportData) -> list[str]:
    """III. What comes next: the ongoing work, what has no result, what falls due before
    the next cut-off, and the next report (or the year's review after the last round)."""
    noun = data.noun
    lines = []
    ongoing = any(a.timeframe_kind == "ongoing" for a in data.activities)
    if ongoing:
        lines.append(
            f"Tiếp tục triển khai các {noun} thực hiện thường xuyên của Kế hoạch số "
            f"{data.plan_number}; duy trì, nâng cao kết quả đã đạt được."
        )
    behind = data.figures.cumulative.no_result.numerator
    if behind:
        lines.append(
            f"Tập trung triển khai {count(behind)} {noun} chưa có kết quả thực hiện (nêu tại "
            "điểm 2 mục II)."
        )
    if data.due_next:
        until = (
            cited_date(data.next_round.ends_on) if data.next_round else f"31/12/{data.as_of.year}"
        )
        lines.append(f"Hoàn thành các {noun} đến hạn từ nay đến ngày {until}:")
        lines += [f"- {d.name.rstrip('.')} (hạn {cited_date(d.due_on)})." for d in data.due_next]
    if data.next_round is not None:
        lines.append(
            f"Các cơ quan, đơn vị, địa phương báo cáo kết quả thực hiện "
            f"{data.next_round.label.lower()} (số liệu tính đến ngày "
            f"{cited_date(data.next_round.ends_on)}) về {data.office} trước ngày "
            f"{cited_date(data.next_round.due_on)} để tổng hợp."
        )
    else:
        lines.append(
            f"Tổng kết, đánh giá kết quả thực hiện Kế hoạch số {data.plan_number}; rút kinh "
            f"nghiệm, xây dựng kế hoạch cải thiện, nâng cao Chỉ số PAPI năm {data.plan_year + 1}."
        )
    numbered, n = [], 0
    for line in lines:
        if line.startswith("- "):
            numbered.append(line)
        else:
            n += 1
            numbered.append(f"{n}. {line}")
    return numbered


def proposals(data: ReportData) -> list[str]:
    """IV. The units' proposals this round; [] leaves the section out."""
    found = [r.proposals.strip().rstrip(".") for r in data.round_reports]
    return [f"- {upper_first(p)}." for p in dict.fromkeys(found) if p]


def closing(data: ReportData) -> str:
    return f"Trên đây là báo cáo {lower_first(subject(data))} của {data.issuing_body}./."


def recipients(data: ReportData) -> list[str]:
    """ "Nơi nhận" as seed 000 lists it; the clerk edits it in Word."""
    level = level_word(data.locality)
    lines = ["- Như trên;"] if data.recipient else []
    return lines + [
        f"- TT. HĐND {level};",
        f"- CT, các PCT UBND {level};",
        f"- {data.office};",
        "- Lưu: VT, NC.",
    ]
