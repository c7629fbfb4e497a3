"""The seeded demo progress of 2023 (seeds/vinh-chau/demo-progress-2023.csv): the
summary, the API and the dashboard agree with each other and with a count by hand."""

from __future__ import annotations

import json

import pytest


@pytest.fixture
def app(demo_app):
    return demo_app


# Counted by hand from the CSV, for 15/12/2023 (the year's round, cut-off 14/12):
# accepted by then — ongoing: Phòng Nội vụ 1.1, 1.2, 6.1; Phòng Tư pháp 1.3; VP 6.6;
# seven communes on 1.5 (Vĩnh Hải only submitted, Vĩnh Tân returned) = 12;
# dated and done: 6.3 = 1; not carried out: 6.4 = 1. Lead tasks in the plan: 76.
BY_HAND = {"ongoing_reported": 12, "done_on_time": 1, "not_carried_out": 1}


def test_demo_figures_by_hand(app, client, auth):
    result = app.test_cli_runner().invoke(
        args=["summary", "--plan", "1", "--as-of", "2023-12-15", "--json"]
    )
    data = json.loads(result.stdout)
    counts = data["summary"]["counts"]
    assert {k: counts[k]["numerator"] for k in BY_HAND} == BY_HAND
    assert data["summary"]["carried_out"]["fraction"] == "13/76"
    assert data["summary"]["breakdown"] == (
        "Tổng số 76 nhiệm vụ, đã tổ chức thực hiện được 13 nhiệm vụ, đạt 17,11%; trong đó có "
        "01 nhiệm vụ, chiếm 7,69% đã hoàn thành 100%; 12 nhiệm vụ đã thực hiện hoàn thành và "
        "thực hiện thường xuyên, chiếm 92,31%; có 01 nhiệm vụ đơn vị không tổ chức thực hiện, "
        "chiếm 1,32%."
    )
    # MTTQ's contribution to 1.1 is the one accepted supporting report of the round
    assert data["supporting"]["reported"]["numerator"] == 1
    one_five = next(g for g in data["commune_groups"] if g["activity"] == "1.5")
    assert one_five["text"] == "07/10 xã, phường"
    auth.login()
    assert client.get("/api/plans/1/summary?as_of=2023-12-15").get_json() == data
    page = client.get("/plans/1/dashboard?as_of=2023-12-15").get_data(as_text=True)
    assert data["summary"]["breakdown"] in page and "07/10 xã, phường" in page


def test_demo_as_of_the_first_half(app):
    result = app.test_cli_runner().invoke(
        args=["summary", "--plan", "1", "--as-of", "2023-06-20", "--json"]
    )
    data = json.loads(result.stdout)
    assert data["period"]["code"] == "2023-H1"
    # 1.1, 1.2, 1.3, group 2's conference, Phường 1 and Hòa Đông on 1.5 (Phường 2 returned)
    assert data["summary"]["counts"]["ongoing_reported"]["numerator"] == 6
    assert data["summary"]["counts"]["done_on_time"]["numerator"] == 0


def test_demo_reports_are_visible_to_their_unit(app, client, auth):
    auth.login()
    queue = client.get("/plans/1/reviews").get_data(as_text=True)
    assert "xã Vĩnh Hải" in queue  # submitted, waiting for review


def test_after_the_year_the_work_page_asks_for_no_report_already_accepted(
    app, client, auth, frozen
):
    """The year's report is the second half's: the one round a unit reports for after
    15/12, so what Phòng Tư pháp reported for it shows as accepted, not owed again."""
    from datetime import UTC, datetime

    from sqlalchemy import select

    from tracker.extensions import db
    from tracker.models import Unit

    frozen(datetime(2024, 1, 10, 3, tzinfo=UTC))
    with app.app_context():
        unit_id = db.session.scalar(select(Unit.id).where(Unit.name == "Phòng Tư pháp"))
    auth.login()
    page = client.get(f"/work?plan=1&unit={unit_id}").get_data(as_text=True)
    assert "<option value" in page and "selected>Năm 2023</option>" in page
    assert "6 tháng cuối năm" not in page
    accepted = page[page.index('id="accepted"') :]
    assert 'data-activity="1.3"' in accepted
    assert (
        'id="overdue"' not in page
        or 'data-activity="1.3"'
        not in page[page.index('id="overdue"') : page.index('id="accepted"')]
    )
