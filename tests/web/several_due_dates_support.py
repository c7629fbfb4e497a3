"""A plan of 2025 whose annex names several deadlines in one timeframe (issue 14), imported
the way Phòng Nội vụ does it: a new plan, the annex pasted, previewed, confirmed.

What each phrase means, read by hand (DUE_DATES): "Trước ngày 10/6 và 28/11/2025" is due
10/6 and 28/11; "Quý I và quý III/2025" runs from 1/1 to 30/9, due at the end of each
quarter named (31/3, 30/9); "Trước ngày 16/6 và 15/12/2025" falls on the days the
plan's two reports are due (below); "Sau khi có quyết định (dự kiến tháng 10/2025)" is an event
expected in October: by 31/10, to be checked; "Khi có yêu cầu" has no date at all.

A new plan collects the first half and the year (services.periods.DEFAULT_KINDS): in 2025
the half-year report is due Monday 16/6 (its cut-off, 14/6, is a Saturday) and the year's
Monday 15/12.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime

import lxml.html
from sqlalchemy import select

from tests.web.calendar_support import events, issue, read
from tracker.clock import LOCAL_TZ
from tracker.extensions import db
from tracker.models import Activity, Assignment, Plan, Unit, User
from tracker.services import periods as period_service
from tracker.services import reporting

PLAN_NUMBER = "05/KH-UBND"
HEADER = (
    "STT",
    "Nội dung",
    "Hoạt động",
    "Đơn vị chủ trì",
    "Đơn vị phối hợp",
    "Thời gian thực hiện",
)
ROWS = [
    HEADER,
    (
        "1",
        "Công khai, minh bạch",
        "1.1. Rà soát, công khai thủ tục hành chính.",
        "Phòng Tư pháp.",
        "Phòng Nội vụ.",
        "Trước ngày 10/6 và 28/11/2025",
    ),
    (
        "",
        "",
        "1.2. Khảo sát sự hài lòng của người dân.",
        "Phường 1.",
        "Phòng Nội vụ.",
        "Quý I và quý III/2025",
    ),
    (
        "",
        "",
        "1.3. Đối thoại với Nhân dân.",
        "Phường 1.",
        "Phòng Nội vụ.",
        "Trước ngày 31/7 và 31/10/2025",
    ),
    (
        "",
        "",
        "1.4. Niêm yết kết luận thanh tra.",
        "Thanh tra thị xã.",
        "Phòng Nội vụ.",
        "Trước ngày 16/6 và 15/12/2025",
    ),
    (
        "2",
        "Thủ tục hành chính công",
        "2.1. Sắp xếp lại Bộ phận một cửa.",
        "Phòng Nội vụ.",
        "Phòng Văn hóa và Thông tin.",
        "Sau khi có quyết định (dự kiến tháng 10/2025)",
    ),
    (
        "",
        "",
        "2.2. Đối thoại với doanh nghiệp.",
        "Phòng Văn hóa và Thông tin.",
        "Phòng Nội vụ.",
        "Khi có yêu cầu",
    ),
    (
        "",
        "",
        "2.3. Tuyên truyền Chỉ số PAPI.",
        "Phòng Nội vụ.",
        "Phòng Văn hóa và Thông tin.",
        "Thường xuyên",
    ),
]
ANNEX = "\n".join("\t".join(row) for row in ROWS) + "\n"
# number → the timeframe as the annex writes it
PHRASES = {re.match(r"\d+\.\d+", row[2]).group(): row[5] for row in ROWS[1:]}

# Every deadline of each activity, the last being its due date; () when it has none.
DUE_DATES: dict[str, tuple[date, ...]] = {
    "1.1": (date(2025, 6, 10), date(2025, 11, 28)),
    "1.2": (date(2025, 3, 31), date(2025, 9, 30)),
    "1.3": (date(2025, 7, 31), date(2025, 10, 31)),
    "1.4": (date(2025, 6, 16), date(2025, 12, 15)),  # the days the reports are due
    "2.1": (date(2025, 10, 31),),
    "2.2": (),
    "2.3": (),  # ongoing: a report each period instead
}
FLAGGED = {"2.1", "2.2"}  # tied to an event, or not understood: Phòng Nội vụ checks
HALF_DUE, YEAR_DUE = date(2025, 6, 16), date(2025, 12, 15)


def local(day: date, hour: int = 8) -> datetime:
    """`hour` o'clock in Vĩnh Châu on `day`, as the app's clock holds it (UTC)."""
    return datetime(day.year, day.month, day.day, hour, tzinfo=LOCAL_TZ).astimezone(UTC)


def vn(day: date) -> str:
    return f"{day:%d/%m/%Y}"


def login(client, username: str = "noivu", password: str | None = None) -> None:
    password = password or ("noivu2023" if username == "noivu" else f"matkhau-{username}")
    response = client.post("/login", data={"username": username, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]


def create_plan(client) -> int:
    """A new plan of 2025, made on the page (the coordinator is logged in); its id."""
    response = client.post(
        "/plans/new",
        data={
            "number": PLAN_NUMBER,
            "issued_on": "2025-01-10",
            "year": "2025",
            "title": "Cải thiện Chỉ số PAPI năm 2025",
            "noun": "nhiệm vụ",
        },
    )
    assert response.status_code == 302
    found = re.fullmatch(r".*/plans/(\d+)/import", response.headers["Location"])
    assert found, response.headers["Location"]
    return int(found.group(1))


def paste(client, plan_id: int, text: str = ANNEX) -> str:
    """Paste an annex on the upload page; the preview's URL."""
    response = client.post(f"/plans/{plan_id}/import", data={"pasted": text})
    assert response.status_code == 302
    return response.headers["Location"]


def import_plan(app, client, frozen, annex: str = ANNEX) -> Plan2025:
    """The plan made and its annex imported through the pages by Phòng Nội vụ (on 2/6)."""
    frozen(local(date(2025, 6, 2), 9))
    login(client)
    plan_id = create_plan(client)
    preview_url = paste(client, plan_id, annex)
    assert client.post(preview_url, data={"action": "confirm"}).status_code == 302
    client.post("/logout")
    return Plan2025.of(app, plan_id)


@dataclass(frozen=True)
class Plan2025:
    id: int
    activity: dict[str, int]  # number → activity id
    half: int  # period ids
    year: int

    @classmethod
    def of(cls, app, plan_id: int) -> Plan2025:
        with app.app_context():
            plan = db.session.get(Plan, plan_id)
            half, year = period_service.plan_periods(plan)
            # The dates the module docstring states, so the tests may count on them.
            assert (half.kind, half.due_on, year.kind, year.due_on) == (
                "half",
                HALF_DUE,
                "year",
                YEAR_DUE,
            )
            numbers = {a.number: a.id for a in plan.activities}
            return cls(plan_id, numbers, half.id, year.id)

    def assignment(self, app, number: str, unit: str, role: str = "lead") -> int:
        with app.app_context():
            return db.session.scalar(
                select(Assignment.id)
                .join(Unit, Unit.id == Assignment.unit_id)
                .where(
                    Assignment.activity_id == self.activity[number],
                    Unit.name == unit,
                    Assignment.role == role,
                )
            )


def unit_id(app, name: str) -> int:
    with app.app_context():
        return db.session.scalar(select(Unit.id).where(Unit.name == name))


def stored_due_dates(app, activity_id: int) -> tuple[date, ...]:
    with app.app_context():
        return db.session.get(Activity, activity_id).due_dates


def submit_report(client, assignment_id: int, period_id: int, status: str = "in_progress"):
    """A unit's report sent from the report page (the unit's officer is logged in)."""
    response = client.post(
        f"/assignments/{assignment_id}/periods/{period_id}/report",
        data={"status": status, "result": "Đã rà soát 12 thủ tục.", "action": "submit"},
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:800]
    return response


def move_deadline(app, activity_id: int, day: date) -> None:
    """Phòng Nội vụ moves an activity's deadline (reporting.change_deadline)."""
    with app.app_context():
        noivu = db.session.scalar(select(User).where(User.username == "noivu"))
        activity = db.session.get(Activity, activity_id)
        reporting.change_deadline(activity, day, "Theo chỉ đạo của UBND thị xã", noivu)
        db.session.commit()


# ---- reading feeds and pages ------------------------------------------------------------


def unit_feed(app, client, unit: str, plan: Plan2025, **options) -> dict[str, object]:
    """UID → event of a unit's feed, limited to the plan."""
    token = issue(app, "unit", unit_id(app, unit), plan_id=plan.id, **options)
    return events(read(client.get(f"/cal/{token}.ics").data))


def plan_feed(app, client, plan: Plan2025) -> dict[str, object]:
    """UID → event of the plan's feed."""
    return events(read(client.get(f"/cal/{issue(app, 'plan', plan.id)}.ics").data))


def table_rows(page: str, table_id: str) -> list[dict[str, lxml.html.HtmlElement]]:
    """The body rows of a table, each as header text → its cell."""
    tree = lxml.html.fromstring(page)
    (table,) = tree.xpath(f"//table[@id='{table_id}']")
    headers = [th.text_content().strip() for th in table.xpath("./thead/tr/th")]
    return [dict(zip(headers, tr.xpath("./td"), strict=True)) for tr in table.xpath("./tbody/tr")]


def text_of(element) -> str:
    return " ".join(element.text_content().split())
