"""The seeded demo progress of 2023 (seeds/vinh-chau/demo-progress-2023.csv): the
summary, the API and the dashboard agree with each other and with a count by hand."""

from __future__ import annotations

import json

import pytest


@pytest.fixture
def app(demo_app):
    return demo_app


# Counted by hand from the CSV, for 20/12/2023 (the year's round, cut-off 14/12; the
# year's report is the second half's), over the plan's 23 activities, lũy kế:
# - done: the conference (group 2, held 10/5, accepted 16/6 — a first-half report) and
#   6.3 (done 20/11, "Năm 2023") = 2;
# - ongoing, carried out: 1.1, 1.2 (Phòng Nội vụ), 1.3 (Phòng Tư pháp, both halves),
#   6.1 (Phòng Nội vụ), 6.6 (Văn phòng) = 5;
# - 1.5: seven communes carried it out in the year (Phường 1 and Hòa Đông in the first
#   half too; Vĩnh Hải only submitted, Vĩnh Tân returned, Vĩnh Hiệp nothing): 07/10 —
#   short of all ten, so "triển khai một phần" under the plan's rule = 1;
# - 6.4: not carried out (Phòng Tài chính – Kế hoạch, with a reason) = 1;
# - the other 14 have no accepted report. 6.2's second lead unit, "Các cơ quan khác thực
#   hiện tự kiểm tra", is vague: in no denominator, shown as unresolved.
# In the round itself: 1.1, 1.2, 1.3, 6.1, 6.3, 6.6 = 06/23.
BY_HAND = {
    "done_on_time": 2,
    "ongoing": 5,
    "partial": 1,
    "not_carried_out": 1,
    "not_reported": 14,
}
COMMUNES = (
    "07/10 xã, phường (Phường 1, Phường 2, Phường Khánh Hòa, Phường Vĩnh Phước, xã Hòa Đông, "
    "xã Lạc Hòa, xã Lai Hòa)"
)


def summary(app, *args) -> dict:
    result = app.test_cli_runner().invoke(args=["summary", "--plan", "1", *args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_demo_figures_by_hand(app, client, auth):
    data = summary(app, "--as-of", "2023-12-20")
    counts = {k: v["numerator"] for k, v in data["summary"]["counts"].items() if v["numerator"]}
    assert counts == BY_HAND
    assert data["round"]["label"] == "năm 2023"
    assert data["summary"]["text"] == (
        "Đã và đang triển khai thực hiện được 07/23 nhiệm vụ, đạt 30,43% kế hoạch; trong đó "
        "02/07 nhiệm vụ đã hoàn thành 100%, chiếm 28,57%; 05/07 nhiệm vụ đang thực hiện, thực "
        "hiện thường xuyên, chiếm 71,43%. Còn 15/23 nhiệm vụ chưa có kết quả thực hiện, chiếm "
        "65,22%; 01/23 nhiệm vụ không thực hiện, chiếm 4,35%."
    )
    assert data["in_round"]["fraction"] == "06/23"
    one_five = next(a for a in data["activities"] if a["number"] == "1.5")
    assert (one_five["label"], one_five["progress"]) == ("Triển khai một phần", COMMUNES)
    # no vague unit in any denominator: 23 activities, units named only
    assert data["summary"]["total"] == 23
    assert "Các cơ quan khác thực hiện tự kiểm tra" not in {u["unit"] for u in data["by_unit"]}
    assert data["unresolved"] == [
        {"activity_id": next(a["id"] for a in data["activities"] if a["number"] == "6.2"),
         "unit": "Các cơ quan khác thực hiện tự kiểm tra"}
    ]  # fmt: skip
    # MTTQ's contribution to 1.1 is the one accepted supporting report of the round
    assert data["supporting"]["numerator"] == 1
    auth.login()
    assert client.get("/api/plans/1/summary?as_of=2023-12-20").get_json() == data
    page = client.get("/plans/1/dashboard?as_of=2023-12-20").get_data(as_text=True)
    assert data["summary"]["text"] in page and COMMUNES in page
    assert "Chưa xác định đơn vị chủ trì" in page and "Các cơ quan khác thực hiện" in page


def test_demo_as_of_the_first_half(app):
    """The June report, recomputed as of 20/6: 1.1, 1.2, 1.3 under way, the conference
    done (10/5), 1.5 by Phường 1 and Hòa Đông (Phường 2 was returned)."""
    data = summary(app, "--as-of", "2023-06-20", "--period", "2023-H1")
    assert data["round"]["label"] == "6 tháng đầu năm 2023"
    counts = {k: v["numerator"] for k, v in data["summary"]["counts"].items() if v["numerator"]}
    assert counts == {"done_on_time": 1, "ongoing": 3, "partial": 1, "not_reported": 18}
    one_five = next(a for a in data["activities"] if a["number"] == "1.5")
    assert one_five["progress"] == "02/10 xã, phường (Phường 1, xã Hòa Đông)"
    # to date (the dashboard's default) is the same on 20/6: nothing of the second half yet
    to_date = summary(app, "--as-of", "2023-06-20")
    assert to_date["summary"]["counts"] == data["summary"]["counts"]


def test_the_december_report_keeps_the_first_half(app):
    """Lũy kế: the year's Word report tells the conference of 10/5 and Phòng Tư pháp's
    first-half articles; the June report's headline, tables and body agree."""
    import io

    from docx import Document

    from tracker.services.exports import report as exports

    def report(as_of, period=""):
        request = exports.ExportRequest(plan="63/KH-UBND", as_of=as_of, period=period)
        with app.app_context():
            data = exports.build_report_data(request)
            _, content, _ = exports.export(request, "docx")
        document = Document(io.BytesIO(content))
        return data, [p.text for p in document.paragraphs], document

    from datetime import date

    _, december, _ = report(date(2023, 12, 20))
    text = "\n".join(december)
    assert "Tổ chức Hội nghị triển khai nhiệm vụ cải thiện Chỉ số PAPI năm 2023" in text
    assert "Hoàn thành ngày 10/5/2023" in text
    assert "Đăng 18 tin bài phổ biến pháp luật trên Cổng thông tin điện tử thị xã" in text
    assert "Các cơ quan khác thực hiện tự kiểm tra" not in text
    data, june, document = report(date(2023, 6, 20), "2023-H1")
    text = "\n".join(june)
    headline = next(t for t in june if t.startswith("Tính đến ngày 14/6/2023"))
    assert "được 04/23 nhiệm vụ" in headline and "01/04 nhiệm vụ đã hoàn thành 100%" in headline
    # the body says the conference is done, and so does the group's figure
    assert "Hoàn thành ngày 10/5/2023" in text
    group = june[june.index("2.2. Hội nghị nâng cao nhận thức chỉ số PAPI") + 1]
    assert (
        group
        == "Đã và đang triển khai thực hiện 01/01 nhiệm vụ, trong đó 01 nhiệm vụ đã hoàn thành."
    )
    # the dimension table counts it too: dimension 6 is served by the conference alone
    dimensions = {r.cells[0].text: [c.text for c in r.cells] for r in document.tables[1].rows[1:]}
    assert dimensions["6"][3:] == ["01/05", "20%", "01/05", "20%"]
    assert data.figures.cumulative.done.fraction == "01/23"


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
