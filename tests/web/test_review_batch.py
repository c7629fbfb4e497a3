"""Review of several reports at once on the queue page, and every decision in the audit
log (issue 15)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests.conftest import audit_events, make_user
from tests.web.test_reporting import MAY_2023, REPORT, ids, login
from tracker.extensions import db
from tracker.models import ProgressReport
from tracker.models.reporting import ACCEPTED, RETURNED, SUBMITTED

NUMBERS = ("1.5", "4.1", "5.1", "5.2")  # Phường 1 leads these four


@pytest.fixture
def sent(app, client, frozen):
    """Phường 1 sends four reports; the coordinator is signed in. → {number: report id}."""
    frozen(MAY_2023)
    make_user(app, "phuong1", "Phường 1")
    login(client, "phuong1")
    for number in NUMBERS:
        assignment_id, period_id = ids(app, number, "Phường 1")
        response = client.post(
            f"/assignments/{assignment_id}/periods/{period_id}/report", data=REPORT
        )
        assert response.status_code == 302
    client.post("/logout")
    client.post("/login", data={"username": "noivu", "password": "noivu2023"})
    with app.app_context():
        found = db.session.execute(select(ProgressReport.id, ProgressReport.assignment_id)).all()
        by_assignment = {assignment: report for report, assignment in found}
    return {n: by_assignment[ids(app, n, "Phường 1")[0]] for n in NUMBERS}


def queue_form(client) -> dict[str, str]:
    """The hidden fields of the queue page, as a browser would send them."""
    page = client.get("/plans/1/reviews").get_data(as_text=True)
    return dict(re.findall(r'name="(seen-\d+)" value="(\d+)"', page))


def states(app) -> dict[int, tuple[str, str]]:
    with app.app_context():
        rows = db.session.execute(
            select(ProgressReport.id, ProgressReport.state, ProgressReport.review_comment)
        ).all()
        return {r.id: (r.state, r.review_comment) for r in rows}


def test_the_queue_is_one_form_with_a_choice_and_a_comment_per_row(app, client, sent):
    page = client.get("/plans/1/reviews").get_data(as_text=True)
    assert page.count('name="accept"') == 4 and page.count('name="return"') == 4
    for report_id in sent.values():
        assert f'name="comment-{report_id}"' in page
    assert 'id="decide"' in page and "Cán bộ Phường 1" in page and "10:00 02/05/2023" in page


def test_accept_three_and_return_one_in_one_post(app, client, sent):
    form = queue_form(client)
    back = sent["5.2"]
    response = client.post(
        "/plans/1/reviews",
        data={
            **form,
            "accept": [sent["1.5"], sent["4.1"], sent["5.1"]],
            "return": [back],
            f"comment-{back}": "Bổ sung biên bản niêm yết.",
            f"comment-{sent['1.5']}": "Đạt.",
        },
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "Đã chấp nhận 03 báo cáo, trả lại 01 báo cáo cho đơn vị." in page
    assert "Không có báo cáo nào chờ duyệt." in page
    assert states(app) == {
        sent["1.5"]: (ACCEPTED, "Đạt."),
        sent["4.1"]: (ACCEPTED, ""),
        sent["5.1"]: (ACCEPTED, ""),
        back: (RETURNED, "Bổ sung biên bản niêm yết."),
    }
    rows = [e for e in audit_events(app) if e["action"].startswith("review.")]
    assert [r["action"] for r in rows] == ["review.accept"] * 3 + ["review.return"]
    returned = rows[-1]
    assert (returned["username"], returned["plan_id"], returned["outcome"]) == ("noivu", 1, "ok")
    assert returned["target"].startswith("Phường 1 — 6 tháng đầu năm 2023 — 5.2. ")
    assert returned["detail"] == {
        "Báo cáo": back,
        "Đơn vị": "Phường 1",
        "Hoạt động": returned["target"].split(" — ", 2)[2],
        "Kỳ": "6 tháng đầu năm 2023",
        "Quyết định": "Trả lại",
        "Ý kiến": "Bổ sung biên bản niêm yết.",
        "Cách duyệt": "Duyệt cùng lúc 4 báo cáo",
    }
    # The unit finds the returned one with its comment.
    client.post("/logout")
    login(client, "phuong1")
    work = client.get("/work").get_data(as_text=True)
    assert "Bổ sung biên bản niêm yết." in work[work.index('id="returned"') :]


def test_a_report_decided_meanwhile_is_skipped_and_said_so(app, client, sent):
    form = queue_form(client)  # the page as the first reviewer opened it
    make_user(app, "noivu2", None, role="coordinator")
    other = app.test_client()
    login(other, "noivu2")
    other.post(
        f"/reports/{sent['1.5']}/review", data={"action": "return", "comment": "Thiếu số liệu."}
    )
    response = client.post(
        "/plans/1/reviews",
        data={**form, "accept": [sent["1.5"], sent["4.1"]]},
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Đã chấp nhận 01 báo cáo." in page
    assert (
        "Bỏ qua 01 báo cáo đã thay đổi trong lúc bạn duyệt: Phường 1 — hoạt động 1.5 (6 tháng "
        "đầu năm 2023): đã được trả lại bởi Cán bộ noivu2 lúc 10:00 02/05/2023." in page
    )
    assert states(app)[sent["1.5"]] == (RETURNED, "Thiếu số liệu.")  # the other's decision stays
    assert states(app)[sent["4.1"]] == (ACCEPTED, "")
    decisions = [
        (e["username"], e["action"]) for e in audit_events(app) if e["action"].startswith("review.")
    ]
    assert decisions == [("noivu2", "review.return"), ("noivu", "review.accept")]


def test_a_report_sent_again_meanwhile_is_skipped(app, client, sent):
    client.post(f"/reports/{sent['5.1']}/review", data={"action": "return", "comment": "Thiếu."})
    client.post("/logout")
    login(client, "phuong1")
    assignment_id, period_id = ids(app, "5.1", "Phường 1")
    url = f"/assignments/{assignment_id}/periods/{period_id}/report"
    client.post(url, data=REPORT)
    client.post("/logout")
    client.post("/login", data={"username": "noivu", "password": "noivu2023"})
    form = queue_form(client)
    client.post("/logout")
    # The unit gets it back once more and sends a new text while the reviewer reads.
    make_user(app, "noivu2", None, role="coordinator")
    login(client, "noivu2")
    client.post(f"/reports/{sent['5.1']}/review", data={"action": "return", "comment": "Lại."})
    client.post("/logout")
    login(client, "phuong1")
    client.post(url, data={**REPORT, "result": "Bản khác"})
    client.post("/logout")
    client.post("/login", data={"username": "noivu", "password": "noivu2023"})
    response = client.post(
        "/plans/1/reviews", data={**form, "accept": [sent["5.1"]]}, follow_redirects=True
    )
    assert "đơn vị đã gửi lại sau khi bạn mở trang" in response.get_data(as_text=True)
    assert states(app)[sent["5.1"]][0] == SUBMITTED


@pytest.mark.parametrize(
    "choice,message",
    [
        (lambda s: {"return": [s["1.5"]]}, "Trả lại cần ghi lý do để đơn vị sửa."),
        (
            lambda s: {
                "accept": [s["1.5"], s["4.1"]],
                "return": [s["1.5"]],
                f"comment-{s['1.5']}": "x",
            },
            "không chọn cả hai",
        ),
        (lambda s: {f"comment-{s['1.5']}": "Xem lại"}, "chưa chọn «Chấp nhận» hay «Trả lại»"),
        (lambda s: {}, "Chưa chọn báo cáo nào"),
    ],
)
def test_a_batch_with_a_bad_row_writes_nothing(app, client, sent, choice, message):
    form = queue_form(client)
    before = states(app)
    data = {**form, "accept": [sent["4.1"]], **choice(sent)} if choice(sent) else form
    response = client.post("/plans/1/reviews", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and message in page
    assert states(app) == before
    assert not [e for e in audit_events(app) if e["action"].startswith("review.")]
    if choice(sent):  # what was chosen is still chosen, the row marked
        assert re.search(
            rf'name="accept" value="{sent["4.1"]}" id="accept-{sent["4.1"]}" checked', page
        )
        assert f'id="row-{sent["1.5"]}" data-report' in page
        assert f'review-row has-problem" id="row-{sent["1.5"]}"' in page


def test_a_report_of_another_plan_is_not_decided_here(app, client, sent):
    client.post(
        "/plans/new",
        data={"number": "64/KH-UBND", "year": "2024", "title": "Kế hoạch khác", "noun": "nhiệm vụ"},
    )
    with app.app_context():
        from tracker.models import Plan

        other_plan = db.session.scalar(select(Plan.id).where(Plan.id != 1))
    form = queue_form(client)
    response = client.post(
        f"/plans/{other_plan}/reviews",
        data={**form, "accept": [sent["1.5"]]},
        follow_redirects=True,
    )
    assert "không còn trong kế hoạch này" in response.get_data(as_text=True)
    assert states(app)[sent["1.5"]][0] == SUBMITTED


def test_a_single_review_is_in_the_audit_log(app, client, sent):
    client.post(f"/reports/{sent['4.1']}/review", data={"action": "accept", "comment": "Đạt"})
    [row] = audit_events(app, "review.accept")
    assert row["detail"]["Cách duyệt"] == "Duyệt từng báo cáo"
    assert row["detail"]["Quyết định"] == "Chấp nhận" and row["detail"]["Ý kiến"] == "Đạt"
    assert row["detail"]["Kỳ"] == "6 tháng đầu năm 2023" and row["plan_id"] == 1
    page = client.get("/audit?action=review.accept").get_data(as_text=True)
    assert "Chấp nhận báo cáo" in page and "Phường 1 — 6 tháng đầu năm 2023 — 4.1." in page
    # A refused decision (no reason to return) is not a decision: nothing is logged.
    client.post(f"/reports/{sent['5.1']}/review", data={"action": "return", "comment": ""})
    assert audit_events(app, "review.return") == []


def test_officers_and_leaders_cannot_review_in_a_batch(app, client, sent):
    form = queue_form(client)
    client.post("/logout")
    make_user(app, "chutich", None, role="leader")
    for username in ("phuong1", "chutich"):
        login(client, username)
        response = client.post("/plans/1/reviews", data={**form, "accept": list(sent.values())})
        assert response.status_code == 403
        client.post("/logout")
    assert {state for state, _ in states(app).values()} == {SUBMITTED}
