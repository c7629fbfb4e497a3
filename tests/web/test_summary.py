"""Figures of the seeded plan from real reports, as of several dates (issue 4)."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from tests.conftest import make_user
from tracker import clock
from tracker.extensions import db
from tracker.models import Activity, Assignment, ReportingPeriod, Unit

# Lead assignments of seed 004's annex, counted by hand from the PHỤ LỤC:
# 1.1–1.3: 1 each; 1.4: 2; 1.5: 10 communes; 2: 1; 3.1: 2; 3.2: 1; 4.1: 1 + 10; 4.2: 1;
# 5.1, 5.2: 10 each; Đối thoại: 10 + 2; 6.1: 1; 6.2: 2; 6.3–6.9: 1 each; 7: 3.
LEAD_ASSIGNMENTS = 76


def post_as(client, app, moment, username, number, unit, status, result, completed=""):
    clock.frozen = moment
    client.post("/login", data={"username": username, "password": f"matkhau-{username}"})
    with app.app_context():
        assignment_id = db.session.scalar(
            select(Assignment.id)
            .join(Activity)
            .join(Unit, Assignment.unit_id == Unit.id)
            .where(Activity.number == number, Unit.name == unit, Assignment.role == "lead")
        )
        period = db.session.scalar(
            select(ReportingPeriod)
            .where(ReportingPeriod.due_on >= moment.date())
            .order_by(ReportingPeriod.due_on, ReportingPeriod.ends_on)
        )
        period_id = period.id
    client.post(
        f"/assignments/{assignment_id}/periods/{period_id}/report",
        data={"status": status, "result": result, "completed_on": completed, "action": "submit"},
    )
    client.post("/logout")
    client.post("/login", data={"username": "noivu", "password": "noivu2023"})
    with app.app_context():
        from tracker.models import ProgressReport

        report_id = db.session.scalar(
            select(ProgressReport.id).where(
                ProgressReport.assignment_id == assignment_id, ProgressReport.period_id == period_id
            )
        )
    client.post(f"/reports/{report_id}/review", data={"action": "accept", "comment": "Đạt"})
    client.post("/logout")


@pytest.fixture
def history(app, client, monkeypatch):
    monkeypatch.setattr(clock, "frozen", None)
    make_user(app, "phuong1", "Phường 1")
    make_user(app, "noivu2", "Phòng Nội vụ")
    post_as(
        client,
        app,
        datetime(2023, 5, 2, 3, tzinfo=UTC),
        "phuong1",
        "1.5",
        "Phường 1",
        "in_progress",
        "Đã tuyên truyền 3 buổi",
    )
    post_as(
        client,
        app,
        datetime(2023, 9, 20, 3, tzinfo=UTC),
        "noivu2",
        "6.3",
        "Phòng Nội vụ",
        "done",
        "Đã kiểm tra 10 xã, phường",
        "2023-09-01",
    )
    clock.frozen = None


def summary(app, as_of: str, *args: str) -> dict:
    result = app.test_cli_runner().invoke(
        args=["summary", "--plan", "63/KH-UBND", "--as-of", as_of, *args, "--json"]
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def nonzero(data: dict) -> dict[str, int]:
    return {k: v["numerator"] for k, v in data["summary"]["counts"].items() if v["numerator"]}


def test_as_of_december_the_year_keeps_the_first_half(app, history):
    """Lũy kế: Phường 1's first-half report on 1.5 still counts in December."""
    data = summary(app, "2023-12-15")
    assert data["round"]["label"] == "năm 2023"
    assert nonzero(data) == {"done_on_time": 1, "partial": 1, "not_reported": 21}
    assert data["in_round"]["fraction"] == "01/23"  # 6.3, reported for the year's round


def test_nothing_before_any_report(app, history):
    data = summary(app, "2023-05-01")
    s = data["summary"]
    assert s["total"] == 23  # the plan's activities: seed 004's annex
    assert s["done"]["numerator"] == s["carried_out"]["numerator"] == 0
    assert s["headline"] == "Đã và đang triển khai thực hiện được 00/23 nhiệm vụ, đạt 0% kế hoạch"
    assert data["rule"]["code"] == "all"


def test_as_of_june_counts_the_commune_report_for_its_period(app, history):
    data = summary(app, "2023-06-01")
    assert data["round"]["label"] == "6 tháng đầu năm 2023"
    assert nonzero(data) == {"partial": 1, "not_reported": 22}
    one_five = next(a for a in data["activities"] if a["number"] == "1.5")
    assert one_five["progress"] == "01/10 xã, phường (Phường 1)"


def test_as_of_september_to_date_and_for_the_first_half(app, history):
    """6.3 was done on 1/9 and accepted on 20/9: counted to date, not in the first half's
    figures (work counts for the round in which it was done)."""
    data = summary(app, "2023-09-30")
    s = data["summary"]
    assert data["round"]["label"] == "năm 2023"  # the round under way on 30/9
    assert s["counts"]["done_on_time"]["numerator"] == 1
    assert s["done"] == {"numerator": 1, "denominator": 23, "fraction": "01/23", "percent": "4,35%"}
    assert data["form"]["done_on_time"] == 1 and data["form"]["in_plan"] == 23
    six = next(g for g in data["by_group"] if g["label"] == "6")
    assert six["done"]["fraction"] == "01/09"  # 6.1–6.9: nine activities
    e_government = next(d for d in data["by_dimension"] if d["id"] == 8)
    assert e_government["done"]["numerator"] == 1  # 6.3 serves e-governance
    first_half = summary(app, "2023-09-30", "--period", "2023-H1")
    assert first_half["round"]["label"] == "6 tháng đầu năm 2023"
    assert nonzero(first_half) == {"partial": 1, "not_reported": 22}


def test_a_bad_period_is_refused(app):
    result = app.test_cli_runner().invoke(
        args=["summary", "--plan", "1", "--period", "2031-H1", "--json"]
    )
    assert result.exit_code == 1 and "Kế hoạch không có kỳ báo cáo «2031-H1»" in result.output


def test_api_agrees_with_the_command(app, client, auth, history):
    auth.login()
    api = client.get("/api/plans/1/summary?as_of=2023-09-30").get_json()
    assert api == summary(app, "2023-09-30")
    period = client.get("/api/plans/1/summary?as_of=2023-09-30&period=2023-H1").get_json()
    assert period == summary(app, "2023-09-30", "--period", "2023-H1")
    assert client.get("/api/plans/1/summary?as_of=15-09-2023").status_code == 400
    assert client.get("/api/plans/1/summary?period=2031-H1").status_code == 400


def test_each_rule_counts_lead_units(app, history):
    with app.app_context():
        from tracker.services.plans import find_plan

        find_plan("63/KH-UBND").count_rule = "each"
        db.session.commit()
    data = summary(app, "2023-09-30")
    assert data["summary"]["total"] == LEAD_ASSIGNMENTS - 1  # less the vague unit of 6.2
    assert data["summary"]["done"]["fraction"] == "01/75"
    assert data["summary"]["carried_out"]["fraction"] == "02/75"  # Phường 1 counts on its own


def test_dashboard_shows_the_figures_the_command_gives(app, client, auth, history):
    auth.login()
    page = client.get("/plans/1/dashboard?as_of=2023-09-30").get_data(as_text=True)
    data = summary(app, "2023-09-30")
    assert data["summary"]["text"] in page
    assert "01/23" in page and "4,35%" in page
    # the province's real scores, from seeds/, in a column of their own, never as a bar
    assert "điểm tỉnh Sóc Trăng năm 2023 do PAPI công bố (thang 1–10 điểm" in page
    dimension_1 = page.split("<td>1. Tham gia của người dân ở cấp cơ sở</td>")[1]
    score = re.sub(r"<[^>]+>", "", dimension_1.split("</td>")[0]).strip()
    assert score.startswith("4,96 điểm (+0,47 so với 2022)")  # D1 of Sóc Trăng 2023: 4.9587636
    assert "đã hoàn thành" in page and "swatch" in page  # the bars have a legend
    # nothing fetched from a network: the one script is this site's
    assert re.findall(r"<script[^>]*>", page) == ['<script src="/static/app.js" defer>']
    assert "https://" not in page
    first_half = client.get("/plans/1/dashboard?as_of=2023-09-30&period=2023-H1")
    assert summary(app, "2023-09-30", "--period", "2023-H1")["summary"]["text"] in (
        first_half.get_data(as_text=True)
    )


def test_dashboard_lists_overdue_work_with_days_late(app, client, auth):
    auth.login()
    page = client.get("/plans/1/dashboard?as_of=2024-01-15").get_data(as_text=True)
    overdue = page.split('id="overdue"')[1].split("</div>\n\n")[0]
    assert "6.3." in overdue and "Phòng Nội vụ" in overdue and "trễ 15 ngày" in overdue


def test_dashboard_shows_the_most_overdue_and_links_the_whole_list(app, client, auth, monkeypatch):
    from tracker.web.plans import views

    monkeypatch.setattr(views, "OVERDUE_ON_DASHBOARD", 0)  # the seed plan has one overdue
    auth.login()
    page = client.get("/plans/1/dashboard?as_of=2024-03-01").get_data(as_text=True)
    total = int(page.split('<h2 id="overdue-heading">Quá hạn, chưa hoàn thành (')[1].split(")")[0])
    assert total >= 1
    assert not re.findall(r"trễ \d+ ngày", page.split('id="overdue"')[1].split("</div>\n\n")[0])
    assert f"Xem đủ {total} việc quá hạn" in page
    full = client.get("/plans/1/overdue?as_of=2024-03-01").get_data(as_text=True)
    assert len(re.findall(r"trễ \d+ ngày", full)) == total


def _one_more_accepted_report(app, client, auth) -> None:
    """Phòng Nội vụ reports 6.3 done and it is accepted; the client ends signed in again."""
    make_user(app, "noivu2", "Phòng Nội vụ")
    client.post("/logout")
    post_as(
        client,
        app,
        datetime(2023, 9, 20, 3, tzinfo=UTC),
        "noivu2",
        "6.3",
        "Phòng Nội vụ",
        "done",
        "Xong",
        "2023-09-01",
    )
    clock.frozen = None
    auth.login()


def test_cached_figures_follow_every_change(app, client, auth, monkeypatch):
    monkeypatch.setattr(clock, "frozen", None)
    auth.login()
    before = client.get("/api/plans/1/summary?as_of=2023-12-31").get_json()
    assert client.get("/api/plans/1/summary?as_of=2023-12-31").get_json() == before  # cached
    _one_more_accepted_report(app, client, auth)
    after = client.get("/api/plans/1/summary?as_of=2023-12-31").get_json()
    assert after["summary"]["done"]["numerator"] == before["summary"]["done"]["numerator"] + 1


def _reporting_row(client, unit: str) -> str:
    """The dashboard's reporting-table row of one unit, as text."""
    page = client.get("/plans/1/dashboard?as_of=2023-12-31").get_data(as_text=True)
    table = page[page.index('id="reporting-table"') :]
    row = table[table.index(f">{unit}</a>") :]
    return re.sub(r"<[^>]+>", " ", row[: row.index("</tr>")])


def test_the_reporting_table_follows_a_new_report(app, client, auth, monkeypatch):
    """The table is remembered between views; a submitted report shows at once."""
    monkeypatch.setattr(clock, "frozen", None)
    auth.login()
    before = _reporting_row(client, "Phòng Nội vụ")
    assert _reporting_row(client, "Phòng Nội vụ") == before
    _one_more_accepted_report(app, client, auth)
    after = _reporting_row(client, "Phòng Nội vụ")
    accepted = [int(n) for n in re.findall(r"(\d+)/\d+", before)]
    assert [int(n) for n in re.findall(r"(\d+)/\d+", after)] != accepted
    assert sum(int(n) for n in re.findall(r"(\d+)/\d+", after)) == sum(accepted) + 1


def _last_events_disagree(app) -> list[int]:
    """Reports whose columns differ from their last event (the figures read the columns
    for reports unchanged since the "as of" moment)."""
    from tracker.models import ProgressReport, ReportEvent

    with app.app_context():
        wrong = []
        for report in db.session.scalars(select(ProgressReport)):
            last = db.session.scalar(
                select(ReportEvent)
                .where(ReportEvent.report_id == report.id)
                .order_by(ReportEvent.at.desc(), ReportEvent.id.desc())
                .limit(1)
            )
            seen = (last.state, last.status, last.completed_on, last.at) if last else None
            if seen != (report.state, report.status, report.completed_on, report.changed_at):
                wrong.append(report.id)
        return wrong


def test_every_report_holds_the_state_of_its_last_event(app, history):
    assert _last_events_disagree(app) == []


def test_every_demo_report_holds_the_state_of_its_last_event(demo_app):
    assert _last_events_disagree(demo_app) == []


def test_the_deadline_in_force_on_the_date(app, monkeypatch):
    """A moved deadline is recorded as dates (deadline_change): figures for a past date
    take the deadline in force then, never the history's text."""
    from datetime import date

    from tracker.models import DeadlineChange
    from tracker.services import reporting
    from tracker.services.figures.facts import plan_figures
    from tracker.services.plans import find_plan

    def move(moment, due, reason):
        monkeypatch.setattr(clock, "frozen", moment)
        with app.app_context():
            activity = db.session.scalar(select(Activity).where(Activity.number == "6.3"))
            user = db.session.scalar(select(User).where(User.username == "noivu"))
            reporting.change_deadline(activity, due, reason, user)
            db.session.commit()

    from tracker.models import User

    move(datetime(2023, 5, 2, 3, tzinfo=UTC), date(2023, 6, 30), "Rút ngắn theo chỉ đạo")
    move(datetime(2023, 8, 1, 3, tzinfo=UTC), date(2023, 12, 31), "Gia hạn")
    monkeypatch.setattr(clock, "frozen", None)

    def outcome_of_6_3(as_of):
        with app.app_context():
            figures = plan_figures(find_plan("63/KH-UBND"), as_of, to_date=True)
            six_three = db.session.scalar(select(Activity.id).where(Activity.number == "6.3"))
            return figures.activity(six_three).outcome.value

    assert outcome_of_6_3(date(2023, 4, 30)) == "not_reported"  # due 31/12 then
    assert outcome_of_6_3(date(2023, 7, 15)) == "overdue"  # due 30/6 then
    assert outcome_of_6_3(date(2023, 8, 15)) == "not_reported"  # extended to 31/12
    with app.app_context():
        moves = db.session.scalars(select(DeadlineChange).order_by(DeadlineChange.id)).all()
        assert [(m.due_before, m.due_after) for m in moves] == [
            (date(2023, 12, 31), date(2023, 6, 30)),
            (date(2023, 6, 30), date(2023, 12, 31)),
        ]
