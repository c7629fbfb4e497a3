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


def summary(app, as_of: str) -> dict:
    result = app.test_cli_runner().invoke(
        args=["summary", "--plan", "63/KH-UBND", "--as-of", as_of, "--json"]
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_as_of_december_the_year_counts_and_the_first_half_does_not(app, history):
    data = summary(app, "2023-12-15")
    assert data["period"]["code"] == "2023-Y"
    assert data["summary"]["counts"]["ongoing_reported"]["numerator"] == 0


def test_nothing_before_any_report(app, history):
    data = summary(app, "2023-05-01")
    s = data["summary"]
    assert s["total"] == LEAD_ASSIGNMENTS
    assert s["done"]["numerator"] == 0
    assert s["headline"] == "Đã triển khai thực hiện hoàn thành 00/76 nhiệm vụ, đạt 0% kế hoạch"
    assert data["rule"]["code"] == "each"


def test_as_of_june_counts_the_commune_report_for_its_period(app, history):
    data = summary(app, "2023-06-01")
    assert data["period"]["code"] == "2023-H1"
    counts = data["summary"]["counts"]
    assert counts["ongoing_reported"]["numerator"] == 1
    assert counts["done_on_time"]["numerator"] == 0
    group = next(g for g in data["commune_groups"] if g["activity"] == "1.5")
    assert group["text"] == "01/10 xã, phường"


def test_as_of_september_counts_six_three_done(app, history):
    data = summary(app, "2023-09-30")
    s = data["summary"]
    assert data["period"]["code"] == "2023-H1"  # the last closed round on 30/9
    assert s["counts"]["done_on_time"]["numerator"] == 1
    assert s["counts"]["ongoing_reported"]["numerator"] == 1  # Phường 1's H1 report
    assert s["done"] == {
        "numerator": 1,
        "denominator": 76,
        "fraction": "01/76",
        "percent": "1,32%",
        "rule": "mỗi đơn vị chủ trì (mỗi xã, phường) tính là một phần việc",
    }
    assert data["form"]["done_on_time"] == 1 and data["form"]["in_plan"] == 76
    six = next(g for g in data["by_group"] if g["label"] == "6")
    assert six["done"]["fraction"] == "01/10"  # 6.1–6.9: nine activities, 6.2 has two leads
    environment = next(d for d in data["by_dimension"] if d["id"] == 8)
    assert environment["done"]["numerator"] == 1  # 6.3 serves e-governance


def test_api_agrees_with_the_command(app, client, auth, history):
    auth.login()
    api = client.get("/api/plans/1/summary?as_of=2023-09-30").get_json()
    assert api == summary(app, "2023-09-30")
    assert client.get("/api/plans/1/summary?as_of=15-09-2023").status_code == 400


def test_all_rule_counts_activities(app, history):
    with app.app_context():
        from tracker.services.plans import find_plan

        find_plan("63/KH-UBND").count_rule = "all"
        db.session.commit()
    data = summary(app, "2023-09-30")
    assert data["summary"]["total"] == 23
    assert data["summary"]["done"]["fraction"] == "01/23"


def test_dashboard_shows_the_figures_the_command_gives(app, client, auth, history):
    auth.login()
    page = client.get("/plans/1/dashboard?as_of=2023-09-30").get_data(as_text=True)
    data = summary(app, "2023-09-30")
    assert data["summary"]["headline"] in page
    assert data["summary"]["breakdown"] in page
    assert "01/76" in page and "1,32%" in page
    assert "Điểm PAPI tỉnh Sóc Trăng năm 2023" in page  # the province's real scores, from seeds/
    assert "Điểm 2023: 4,96" in page  # D1 of Sóc Trăng in 2023: 4.9587636 in seeds/papi_scores.csv
    assert "<script" not in page and "https://" not in page  # nothing fetched from a network


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
    total = int(page.split("<h2>Quá hạn (")[1].split(")")[0])
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
