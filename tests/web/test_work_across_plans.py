"""A day in each role (issue 15): the work page across plans, archived plans, each role's
start page, and the password Phòng Nội vụ gives that the person must replace.

The story: Phường 1 works on the seeded plan of 2023 (63/KH-UBND). In May 2023 its report
on 1.5 for the first half is returned for correction. In March 2024 Phòng Nội vụ makes the
2024 plan, which gives Phường 1 two activities; the 2023 plan is still followed, so its
returned report and its overdue year report must stay in reach.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import lxml.html
import pytest
from sqlalchemy import select

from tests.conftest import audit_events, make_user
from tracker.extensions import db
from tracker.models import (
    Activity,
    Assignment,
    Change,
    Plan,
    ProgressReport,
    ReportingPeriod,
    Unit,
    User,
)
from tracker.services.reminders import decisions as reminders

MAY_2023 = datetime(2023, 5, 2, 3, tzinfo=UTC)
MARCH_2024 = datetime(2024, 3, 4, 3, tzinfo=UTC)
SEEDED_PLAN = 1

HEADER = (
    "STT",
    "Nội dung",
    "Hoạt động",
    "Đơn vị chủ trì",
    "Đơn vị phối hợp",
    "Thời gian thực hiện",
)
ANNEX_2024 = (
    "\n".join(
        "\t".join(row)
        for row in (
            HEADER,
            (
                "1",
                "Công khai, minh bạch",
                "1.1. Niêm yết công khai thủ tục hành chính tại trụ sở.",
                "Phường 1.",
                "Phòng Nội vụ.",
                "Trước ngày 30/6/2024",
            ),
            (
                "",
                "",
                "1.2. Tuyên truyền Chỉ số PAPI trên loa phát thanh.",
                "Phường 1.",
                "Phòng Nội vụ.",
                "Thường xuyên",
            ),
            (
                "",
                "",
                "1.3. Rà soát văn bản quy phạm pháp luật.",
                "Phòng Tư pháp.",
                "Phòng Nội vụ.",
                "Trước ngày 31/5/2024",
            ),
        )
    )
    + "\n"
)
COMMENT = "Bổ sung số người tham dự."


def login(client, username: str, password: str | None = None):
    password = password or ("noivu2023" if username == "noivu" else f"matkhau-{username}")
    return client.post("/login", data={"username": username, "password": password})


def half_2023(app, number: str, unit: str) -> tuple[int, int]:
    """The assignment of `unit` on `number` of the 2023 plan, and its first-half period."""
    with app.app_context():
        assignment_id = db.session.scalar(
            select(Assignment.id)
            .join(Activity)
            .join(Unit, Assignment.unit_id == Unit.id)
            .where(
                Activity.plan_id == SEEDED_PLAN,
                Activity.number == number,
                Unit.name == unit,
                Assignment.role == "lead",
            )
        )
        period_id = db.session.scalar(
            select(ReportingPeriod.id).where(
                ReportingPeriod.plan_id == SEEDED_PLAN, ReportingPeriod.kind == "half"
            )
        )
        return assignment_id, period_id


def return_a_2023_report(app, client, frozen) -> tuple[int, int]:
    """Phường 1 reports on 1.5 for the first half of 2023; Phòng Nội vụ returns it."""
    frozen(MAY_2023)
    assignment_id, period_id = half_2023(app, "1.5", "Phường 1")
    login(client, "phuong1")
    response = client.post(
        f"/assignments/{assignment_id}/periods/{period_id}/report",
        data={"status": "in_progress", "result": "Đã tuyên truyền 12 buổi.", "action": "submit"},
    )
    assert response.status_code == 302
    client.post("/logout")
    login(client, "noivu")
    with app.app_context():
        report_id = db.session.scalar(
            select(ProgressReport.id).where(ProgressReport.assignment_id == assignment_id)
        )
    client.post(f"/reports/{report_id}/review", data={"action": "return", "comment": COMMENT})
    client.post("/logout")
    return assignment_id, period_id


def make_2024_plan(client, frozen) -> int:
    """Phòng Nội vụ makes the 2024 plan on the pages, in March 2024; its id."""
    frozen(MARCH_2024)
    login(client, "noivu")
    response = client.post(
        "/plans/new",
        data={
            "number": "12/KH-UBND",
            "issued_on": "2024-02-20",
            "year": "2024",
            "title": "Cải thiện Chỉ số PAPI năm 2024",
            "noun": "nhiệm vụ",
        },
    )
    import_url = response.headers["Location"]
    plan_id = int(re.fullmatch(r".*/plans/(\d+)/import", import_url).group(1))
    preview_url = client.post(import_url, data={"pasted": ANNEX_2024}).headers["Location"]
    assert client.post(preview_url, data={"action": "confirm"}).status_code == 302
    client.post("/logout")
    return plan_id


@pytest.fixture
def two_plans(app, client, frozen):
    """Phường 1's officer, a returned 2023 report and the 2024 plan; it is March 2024."""
    frozen(MAY_2023)
    make_user(app, "phuong1", "Phường 1")
    assignment_id, period_id = return_a_2023_report(app, client, frozen)
    plan_2024 = make_2024_plan(client, frozen)
    return assignment_id, period_id, plan_2024


def sections(page: str) -> dict[int, lxml.html.HtmlElement]:
    """The work page's plans: plan id → its section."""
    tree = lxml.html.fromstring(page)
    return {int(s.get("data-plan")): s for s in tree.xpath("//section[@data-plan]")}


def activities(section, kind: str) -> list[str]:
    """The activity numbers a plan's section lists under `kind` (due, overdue…)."""
    found = section.xpath(f'.//*[@data-section="{kind}"]/div[@data-activity]')
    return [item.get("data-activity") for item in found]


# ---- the work page across plans --------------------------------------------------------


def test_officer_sees_both_plans_and_the_returned_2023_report(app, client, two_plans):
    assignment_id, period_id, plan_2024 = two_plans
    login(client, "phuong1")
    page = client.get("/work").get_data(as_text=True)
    shown = sections(page)
    assert list(shown) == [plan_2024, SEEDED_PLAN]  # newest plan first
    plan_2023 = shown[SEEDED_PLAN]
    assert "63/KH-UBND" in plan_2023.xpath(".//h2")[0].text_content()
    # The 2023 plan is seen in its own current period, the year's, now overdue.
    assert "Năm 2023" in plan_2023.text_content()
    assert activities(plan_2023, "returned") == ["1.5"]
    assert COMMENT in plan_2023.xpath('.//*[@data-section="returned"]')[0].text_content()
    assert {"4.1", "5.1", "5.2"} <= set(activities(plan_2023, "overdue"))
    # The 2024 plan in its first half: 1.1 (by 30/6) and 1.2 (ongoing), not 1.3.
    assert sorted(activities(shown[plan_2024], "due")) == ["1.1", "1.2"]
    assert "6 tháng đầu năm 2024" in shown[plan_2024].text_content()

    # The returned report is one click away, is corrected and sent again.
    fix = f"/assignments/{assignment_id}/periods/{period_id}/report"
    assert f'href="{fix}"' in page
    assert client.get(fix).status_code == 200
    response = client.post(
        fix,
        data={"status": "done", "result": "Đã tuyên truyền 12 buổi, 640 lượt.", "action": "submit"},
    )
    assert response.status_code == 302
    after = sections(client.get("/work").get_data(as_text=True))
    assert activities(after[SEEDED_PLAN], "returned") == []


def test_plan_filter_shows_one_plan(app, client, two_plans):
    _, _, plan_2024 = two_plans
    login(client, "phuong1")
    page = client.get(f"/work?plan={SEEDED_PLAN}").get_data(as_text=True)
    assert list(sections(page)) == [SEEDED_PLAN]
    chips = lxml.html.fromstring(page).xpath('//nav[@id="plan-filter"]/a')
    assert [c.text_content().split()[0] for c in chips] == ["Tất", "KH", "KH"]
    current = [c for c in chips if c.get("aria-current") == "page"]
    assert [c.get("data-plan") for c in current] == [str(SEEDED_PLAN)]
    # Each chip counts what is owed in its plan; "all" goes back to every plan.
    assert list(sections(client.get(chips[0].get("href")).get_data(as_text=True))) == [
        plan_2024,
        SEEDED_PLAN,
    ]
    page = client.get(f"/work?plan={plan_2024}").get_data(as_text=True)
    assert list(sections(page)) == [plan_2024]
    # A plan id that is no plan shows every plan rather than an error.
    assert len(sections(client.get("/work?plan=999").get_data(as_text=True))) == 2


def test_a_period_of_an_older_plan_can_be_chosen(app, client, two_plans):
    _, period_id, _ = two_plans
    login(client, "phuong1")
    page = client.get(f"/work?plan={SEEDED_PLAN}&period={period_id}").get_data(as_text=True)
    (section,) = sections(page).values()
    assert "6 tháng đầu năm 2023" in section.xpath("./p")[0].text_content()
    assert activities(section, "returned") == ["1.5"]
    # A period of another plan is not taken for this one: the current period is shown.
    with app.app_context():
        other = db.session.scalar(select(ReportingPeriod.id).where(ReportingPeriod.plan_id != 1))
    page = client.get(f"/work?plan={SEEDED_PLAN}&period={other}").get_data(as_text=True)
    assert "Năm 2023" in sections(page)[SEEDED_PLAN].xpath("./p")[0].text_content()


def test_coordinator_chooses_the_unit_then_sees_its_plans(app, client, two_plans):
    _, _, plan_2024 = two_plans
    login(client, "noivu")
    page = client.get("/work").get_data(as_text=True)
    link = lxml.html.fromstring(page).xpath('//ul[@id="units"]//a[text()="Phường 1"]')[0]
    page = client.get(link.get("href")).get_data(as_text=True)
    assert list(sections(page)) == [plan_2024, SEEDED_PLAN]
    # Chips keep the unit chosen.
    chips = lxml.html.fromstring(page).xpath('//nav[@id="plan-filter"]/a[@data-plan]')
    assert all("unit=" in c.get("href") for c in chips)
    # With a plan chosen, the list of units is that plan's (Phòng Tư pháp leads 1.3 of 2024, Phòng Nội vụ supports).
    page = client.get(f"/work?plan={plan_2024}").get_data(as_text=True)
    units = lxml.html.fromstring(page).xpath('//ul[@id="units"]//a')
    assert {u.text_content() for u in units} == {"Phường 1", "Phòng Tư pháp", "Phòng Nội vụ"}


def test_the_work_page_reads_in_a_fixed_number_of_queries(app, client, two_plans):
    """One query per kind of thing, whatever the plans and assignments."""
    from sqlalchemy import event

    login(client, "phuong1")
    client.get("/work")  # warm up: the session's own reads
    counted: list[str] = []
    with app.app_context():
        engine = db.engine

        def count(conn, cursor, statement, *args):
            counted.append(statement)

        event.listen(engine, "before_cursor_execute", count)
        try:
            assert client.get("/work").status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", count)
    work_reads = [s for s in counted if "assignment" in s.lower() or "progress_report" in s]
    assert len(work_reads) <= 4, work_reads


# ---- archived plans ---------------------------------------------------------------------


def archive(client, plan_id: int, on: bool = True):
    return client.post(f"/plans/{plan_id}/archive", data={"archive": "1" if on else "0"})


def test_an_archived_plan_leaves_the_work_page_and_comes_back(app, client, two_plans):
    _, _, plan_2024 = two_plans
    login(client, "noivu")
    response = archive(client, SEEDED_PLAN)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Đã lưu trữ Kế hoạch số 63/KH-UBND" in page and 'id="unarchive-plan"' in page
    assert "Kế hoạch đã lưu trữ lúc" in page  # the plan's pages say so
    # Archiving twice says so and changes nothing.
    page = client.post(
        f"/plans/{SEEDED_PLAN}/archive", data={"archive": "1"}, follow_redirects=True
    ).get_data(as_text=True)
    assert "đã được lưu trữ từ trước" in page
    # The plan list shows the followed plans, and links to the archived ones.
    plans = lxml.html.fromstring(client.get("/plans").get_data(as_text=True))
    assert [c.get("data-plan") for c in plans.xpath('//div[@id="plans"]/div')] == [str(plan_2024)]
    archived_link = plans.get_element_by_id("archived-plans")
    assert "(1)" in archived_link.text_content()
    archived = lxml.html.fromstring(client.get(archived_link.get("href")).get_data(as_text=True))
    assert [c.get("data-plan") for c in archived.xpath('//div[@id="plans"]/div')] == [
        str(SEEDED_PLAN)
    ]
    # Still readable: the overview, figures and the annex.
    for url in (f"/plans/{SEEDED_PLAN}/dashboard", f"/plans/{SEEDED_PLAN}/annex"):
        assert client.get(url).status_code == 200
    client.post("/logout")

    login(client, "phuong1")
    assert list(sections(client.get("/work").get_data(as_text=True))) == [plan_2024]
    # An e-mail's link to the archived plan still opens it, saying it is archived.
    page = client.get(f"/work?plan={SEEDED_PLAN}").get_data(as_text=True)
    assert activities(sections(page)[SEEDED_PLAN], "returned") == ["1.5"]
    assert "(lưu trữ)" in page
    client.post("/logout")

    login(client, "noivu")
    assert archive(client, SEEDED_PLAN, on=False).status_code == 302
    client.post("/logout")
    login(client, "phuong1")
    assert list(sections(client.get("/work").get_data(as_text=True))) == [plan_2024, SEEDED_PLAN]

    with app.app_context():
        notes = db.session.scalars(
            select(Change.note).where(Change.plan_id == SEEDED_PLAN, Change.entity == "plan")
        ).all()
        assert notes[-2:] == ["Lưu trữ kế hoạch", "Đưa kế hoạch ra khỏi lưu trữ"]
    assert [e["action"] for e in audit_events(app) if e["action"].startswith("plan.")] == [
        "plan.archive",
        "plan.unarchive",
    ]


def test_only_the_coordinator_archives(app, client, frozen):
    frozen(MAY_2023)
    make_user(app, "phuong1", "Phường 1")
    make_user(app, "lanhdao", None, role="leader")
    for username in ("phuong1", "lanhdao"):
        login(client, username)
        assert archive(client, SEEDED_PLAN).status_code == 403
        client.post("/logout")
    with app.app_context():
        assert db.session.get(Plan, SEEDED_PLAN).archived_at is None


def test_an_archived_plan_sends_no_reminders(app, client, frozen):
    frozen(MAY_2023)
    make_user(app, "phuong1", "Phường 1")
    today = date(2023, 6, 13)  # two days before the first half's report is due
    with app.app_context():
        assert [p.id for p in reminders.active_plans(today)] == [SEEDED_PLAN]
        assert any(d.plan_id == SEEDED_PLAN for d in reminders.decide(today))
    login(client, "noivu")
    archive(client, SEEDED_PLAN)
    with app.app_context():
        assert reminders.active_plans(today) == []
        assert reminders.decide(today) == []
    archive(client, SEEDED_PLAN, on=False)
    with app.app_context():
        assert [p.id for p in reminders.active_plans(today)] == [SEEDED_PLAN]


# ---- start pages ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("username", "role", "unit", "start"),
    [
        ("phuong1", "officer", "Phường 1", "/work"),
        ("noivu", "coordinator", None, f"/plans/{SEEDED_PLAN}"),
        ("lanhdao", "leader", None, f"/plans/{SEEDED_PLAN}/dashboard"),
    ],
)
def test_each_role_starts_on_its_own_page(app, client, frozen, username, role, unit, start):
    frozen(MAY_2023)
    if username != "noivu":
        make_user(app, username, unit, role=role)
    response = login(client, username)
    assert response.headers["Location"] == start
    assert client.get("/").headers["Location"] == start
    assert client.get(start).status_code == 200
    client.post("/logout")
    # `next` wins over the start page.
    password = "noivu2023" if username == "noivu" else f"matkhau-{username}"
    response = client.post(
        "/login?next=/calendar", data={"username": username, "password": password}
    )
    assert response.headers["Location"] == "/calendar"


def test_with_several_plans_leaders_and_coordinator_start_on_the_list(app, client, two_plans):
    make_user(app, "lanhdao", None, role="leader")
    for username in ("noivu", "lanhdao"):
        assert login(client, username).headers["Location"] == "/plans"
        client.post("/logout")
    assert login(client, "phuong1").headers["Location"] == "/work"


# ---- a password of one's own ------------------------------------------------------------


def must_change(app, username: str) -> bool:
    with app.app_context():
        return db.session.scalar(select(User.must_change_password).where(User.username == username))


def test_first_sign_in_asks_for_a_password_of_ones_own(app, client, frozen):
    frozen(MAY_2023)
    make_user(app, "phuong1", "Phường 1", first_sign_in=True)
    assert must_change(app, "phuong1")
    response = login(client, "phuong1")
    assert response.headers["Location"] == "/work"
    # Every page leads to the change-password page, keeping where the person was going.
    for url in ("/work", "/plans", f"/plans/{SEEDED_PLAN}", "/calendar"):
        assert client.get(url).headers["Location"] == f"/account/password?next={url}"
    assert client.get("/").headers["Location"] == "/account/password"
    page = client.get("/account/password?next=/work").get_data(as_text=True)
    assert "Đặt mật khẩu của bạn" in page and 'id="must-change"' in page
    assert "do Phòng Nội vụ cấp" in page
    with client.get("/static/app.css") as static:
        assert static.status_code == 200
    # A POST elsewhere is refused the same way, changing nothing.
    assert client.post(f"/plans/{SEEDED_PLAN}/archive").status_code == 302

    # Bad input: a clear message, the flag still set.
    for data, message in (
        ({"current": "matkhau-phuong1", "new": "matkhau-phuong1"}, "phải khác mật khẩu hiện tại"),
        (
            {"current": "matkhau-phuong1", "new": "mat-khau-rieng-1", "confirm": "khac"},
            "không giống nhau",
        ),
        ({"current": "sai", "new": "mat-khau-rieng-1"}, "không đúng"),
    ):
        data.setdefault("confirm", data["new"])
        page = client.post("/account/password?next=/work", data=data).get_data(as_text=True)
        assert message in page
        assert must_change(app, "phuong1")

    new = "mat-khau-rieng-1"
    response = client.post(
        "/account/password?next=/work",
        data={"current": "matkhau-phuong1", "new": new, "confirm": new},
    )
    assert response.headers["Location"] == "/work"
    assert not must_change(app, "phuong1")
    assert client.get("/work").status_code == 200
    client.post("/logout")
    # Not asked again on the next sign-in.
    assert login(client, "phuong1", new).headers["Location"] == "/work"
    assert client.get("/work").status_code == 200


def test_after_a_reset_the_password_must_be_changed_again(app, client, frozen):
    frozen(MAY_2023)
    make_user(app, "phuong1", "Phường 1")
    assert not must_change(app, "phuong1")
    login(client, "noivu")
    with app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.username == "phuong1"))
    client.post(f"/users/{user_id}/password", data={"password": "dat-lai-2023"})
    assert must_change(app, "phuong1")
    users = client.get("/users").get_data(as_text=True)
    assert "Chưa đổi mật khẩu" in users[users.index('id="user-phuong1"') :].split("</tr>")[0]
    client.post("/logout")
    login(client, "phuong1", "dat-lai-2023")
    assert client.get("/work").headers["Location"].startswith("/account/password")
    client.post(
        "/account/password",
        data={"current": "dat-lai-2023", "new": "cua-rieng-2023", "confirm": "cua-rieng-2023"},
    )
    assert client.get("/work").status_code == 200
    assert not must_change(app, "phuong1")


def test_the_seeded_coordinator_must_choose_a_password(empty_app):
    """`flask seed` (and `dev.py up`) give noivu/noivu2023, written in the README: whoever
    signs in first with it is asked for another."""
    from tracker.services.seeding import load_seeds

    with empty_app.app_context():
        load_seeds()
        db.session.commit()
    client = empty_app.test_client()
    response = client.post("/login", data={"username": "noivu", "password": "noivu2023"})
    assert response.status_code == 302
    assert (
        client.get(response.headers["Location"]).headers["Location"].startswith("/account/password")
    )


def test_an_archived_plan_leaves_unit_feeds_but_keeps_its_own(app, client, frozen):
    """A unit's and a person's feed follow the work page; the plan's own feed, once
    subscribed, still shows the plan archived."""
    from tests.web.calendar_support import events, issue, read

    frozen(MAY_2023)
    make_user(app, "phuong1", "Phường 1")
    with app.app_context():
        unit = db.session.scalar(select(Unit.id).where(Unit.name == "Phường 1"))
        user = db.session.scalar(select(User.id).where(User.username == "phuong1"))
    links = {
        "unit": issue(app, "unit", unit),
        "user": issue(app, "user", user, owner="phuong1"),
        "plan": issue(app, "plan", SEEDED_PLAN),
    }

    def counts() -> dict[str, int]:
        return {
            kind: len(events(read(client.get(f"/cal/{token}.ics").data)))
            for kind, token in links.items()
        }

    before = counts()
    assert all(before.values())
    login(client, "noivu")
    plan_feed = f'id="feed-plan-{SEEDED_PLAN}"'
    assert plan_feed in client.get("/calendar").get_data(as_text=True)
    archive(client, SEEDED_PLAN)
    assert counts() == {"unit": 0, "user": 0, "plan": before["plan"]}
    # The calendar page offers no new feed of an archived plan.
    assert plan_feed not in client.get("/calendar").get_data(as_text=True)
    archive(client, SEEDED_PLAN, on=False)
    assert counts() == before
