"""The words of the progress report, section by section, from `ReportData`: what the
Word file (and so the PDF) says. Kept apart from the layout so it can be read and
tested as text. The structure follows the district reports in shared/seeds: basis,
results, what is late and why, difficulties, proposals."""

from __future__ import annotations

from collections import Counter

from tracker.domain.documents import PlanRef, cited_date, report_subject
from tracker.domain.numbers import count
from tracker.exporters.data import ActivityRow, ReportData, ReportRow

HEADINGS = (
    "I. CĂN CỨ BÁO CÁO",
    "II. KẾT QUẢ THỰC HIỆN",
    "III. NHỮNG VIỆC CHẬM TIẾN ĐỘ, KHÔNG THỰC HIỆN; KHÓ KHĂN, VƯỚNG MẮC",
    "IV. ĐỀ XUẤT, KIẾN NGHỊ",
)


def plan_ref(data: ReportData) -> PlanRef:
    return PlanRef(data.plan_number, data.plan_issued_on, data.issuing_body, data.plan_title)


def subject(data: ReportData) -> str:
    return report_subject(plan_ref(data), data.as_of)


def basis(data: ReportData) -> list[str]:
    ref = plan_ref(data)
    lines = [f"Căn cứ {ref.about()};"]
    scope = f"Số liệu tính đến ngày {cited_date(data.as_of)}"
    if data.period is not None:
        p = data.period
        scope += (
            f", kỳ báo cáo {p.label.lower()} (từ ngày {cited_date(p.starts_on)} "
            f"đến ngày {cited_date(p.ends_on)})"
        )
    lines.append(
        f"{scope}; chỉ tính báo cáo của các cơ quan, đơn vị đã được Phòng Nội vụ chấp nhận "
        f"đến ngày {cited_date(data.as_of)}. Cách tính: {data.rule}."
    )
    own = PlanRef(data.plan_number, data.plan_issued_on, "", "").citation()
    lines.append(f"{data.issuing_body} báo cáo kết quả thực hiện {own} như sau:")
    return lines


def overall(data: ReportData) -> list[str]:
    lines = [data.headline + ".", data.breakdown]
    if data.commune_groups:
        lines.append(
            "Đối với các hoạt động giao Ủy ban nhân dân xã, phường chủ trì: "
            + "; ".join(data.commune_groups)
            + "."
        )
    return lines


def activity_name(activity: ActivityRow, limit: int = 90) -> str:
    """ "hoạt động 1.1 (Chuyển giao tài liệu, đề cương hướng dẫn tuyên truyền)"."""
    text = activity.text if len(activity.text) <= limit else activity.text[:limit].rstrip() + "…"
    text = text.rstrip(".")
    return f"hoạt động {activity.number} ({text})" if activity.number else f"hoạt động «{text}»"


def unit_sections(data: ReportData) -> list[tuple[str, list[str]]]:
    """(unit, lines) for every unit with an accepted report this period, in catalogue order."""
    activities = {a.id: a for a in data.activities}
    order = {u.name: u.position for u in data.units}
    by_unit: dict[str, list[ReportRow]] = {}
    for report in data.period_reports:
        by_unit.setdefault(report.unit, []).append(report)
    sections = []
    for unit in sorted(by_unit, key=lambda name: (order.get(name, 10**6), name)):
        reports = sorted(by_unit[unit], key=lambda r: activities[r.activity_id].position)
        sections.append((unit, [_report_line(r, activities[r.activity_id]) for r in reports]))
    return sections


def _report_line(report: ReportRow, activity: ActivityRow) -> str:
    role = "chủ trì" if report.role == "lead" else "phối hợp"
    name = activity_name(activity)
    if report.status == "not_done":
        return f"- {name[:1].upper()}{name[1:]} ({role}): không thực hiện. Lý do: {report.reason}"
    line = f"- {name[:1].upper()}{name[1:]} ({role}): {report.result or report.status_label}"
    if report.completed_on:
        line += f" Hoàn thành ngày {cited_date(report.completed_on)}."
    if report.evidence:
        line += f" (Văn bản, minh chứng: {report.evidence})"
    return line


def late_and_missing(data: ReportData) -> list[tuple[str, list[str]]]:
    """Overdue tasks with days late, tasks not carried out with their reasons, and
    ongoing tasks nobody reported this round."""
    noun = data.noun
    overdue = [
        f"- Hoạt động {o.number or o.text[:60]} ({o.unit}): hạn {cited_date(o.due_on)}, "
        f"trễ {count(o.days_late)} ngày."
        for o in data.overdue
    ] or [f"Không có {noun} quá hạn chưa hoàn thành."]
    skipped = [
        f"- {activity_name(a)[:1].upper()}{activity_name(a)[1:]} ({row.unit}): "
        f"lý do: {row.report.reason if row.report else 'chưa nêu lý do'}"
        for a in data.activities
        for row in a.assignments
        if row.outcome == "not_carried_out"
    ] or [f"Không có {noun} không thực hiện."]
    missing = Counter(
        row.unit
        for a in data.activities
        for row in a.assignments
        if row.outcome == "ongoing_not_reported"
    )
    unreported = (
        [
            f"Còn {count(sum(missing.values()))} {noun} thực hiện thường xuyên chưa có báo cáo "
            "được chấp nhận trong kỳ, gồm: "
            + "; ".join(f"{unit} ({count(n)})" for unit, n in _catalogue_order(data, missing))
            + "."
        ]
        if missing
        else [f"Mọi {noun} thực hiện thường xuyên đều đã có báo cáo được chấp nhận trong kỳ."]
    )
    return [
        (f"1. {noun.capitalize()} quá hạn chưa hoàn thành", overdue),
        (f"2. {noun.capitalize()} không thực hiện", skipped),
        (f"3. {noun.capitalize()} thường xuyên chưa báo cáo trong kỳ", unreported),
        ("4. Khó khăn, vướng mắc", _from_reports(data, "difficulties")),
    ]


def _catalogue_order(data: ReportData, counts: Counter[str]) -> list[tuple[str, int]]:
    order = {u.name: u.position for u in data.units}
    return sorted(counts.items(), key=lambda item: (order.get(item[0], 10**6), item[0]))


def _from_reports(data: ReportData, field: str) -> list[str]:
    lines = [
        f"- {r.unit}: {getattr(r, field).strip()}"
        for r in data.period_reports
        if getattr(r, field).strip()
    ]
    if lines:
        return lines
    if field == "difficulties":
        return ["Các cơ quan, đơn vị không báo cáo khó khăn, vướng mắc trong kỳ."]
    return ["Các cơ quan, đơn vị không có đề xuất, kiến nghị trong kỳ."]


def proposals(data: ReportData) -> list[str]:
    return _from_reports(data, "proposals")


def closing(data: ReportData) -> str:
    return (
        f"Trên đây là báo cáo kết quả thực hiện {plan_ref(data).citation()} "
        f"(tính đến ngày {cited_date(data.as_of)})./."
    )


def recipients(data: ReportData) -> list[str]:
    """ "Nơi nhận" as seed 000 lists it; the clerk edits it in Word."""
    lines = ["- Như trên;"] if data.recipient else []
    return lines + [
        f"- CT, các PCT UBND {data.locality};",
        "- Phòng Nội vụ;",
        "- Lưu: VT, NC.",
    ]
