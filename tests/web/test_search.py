"""The search page (issue 15): every kind found without diacritics, only what the user
may read, escaped, paged, and the hint when there is nothing to search."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import event, select, text

from bench.dataset import make_district, make_plan
from tests.conftest import make_user
from tracker.extensions import db
from tracker.models import (
    Activity,
    Assignment,
    Attachment,
    Plan,
    ProgressReport,
    ReportingPeriod,
    Unit,
)
from tracker.models.reporting import report_search_text

MAY_2023 = datetime(2023, 5, 2, 3, tzinfo=UTC)
PHUONG_2_RESULT = "Tổ chức đối thoại với hộ nghèo ở khóm Biển Dưới <script>alert(1)</script>"
PHUONG_2_EVIDENCE = "Kế hoạch số 17/KH-UBND ngày 03/3/2023 của UBND Phường 2"
PHUONG_2_FILE = "Biên bản họp dân khóm Biển Dưới.pdf"
RETURN_COMMENT = "Bổ sung danh sách người tham dự"
PHUONG_1_RESULT = "Niêm yết công khai tại trụ sở Phường 1"


def login(client, username: str) -> None:
    password = "noivu2023" if username == "noivu" else f"matkhau-{username}"
    client.post("/logout")
    client.post("/login", data={"username": username, "password": password})


def assignment_and_period(app, unit: str, number: str = "1.5") -> tuple[int, int]:
    with app.app_context():
        assignment_id = db.session.scalar(
            select(Assignment.id)
            .join(Activity)
            .join(Unit, Assignment.unit_id == Unit.id)
            .where(Activity.number == number, Unit.name == unit)
        )
        period_id = db.session.scalar(select(ReportingPeriod.id).order_by(ReportingPeriod.id))
    return assignment_id, period_id


def write_report(client, app, unit: str, result: str, evidence: str = "", submit=True) -> int:
    assignment_id, period_id = assignment_and_period(app, unit)
    form = {"status": "in_progress", "result": result, "evidence_text": evidence}
    form["action"] = "submit" if submit else "draft"
    response = client.post(f"/assignments/{assignment_id}/periods/{period_id}/report", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():  # a draft stays on its form: the report is found by its slot
        return db.session.scalar(
            select(ProgressReport.id).where(
                ProgressReport.assignment_id == assignment_id,
                ProgressReport.period_id == period_id,
            )
        )


@pytest.fixture
def world(app, client, frozen):
    """Phường 2's report (returned with a comment, a file attached) and Phường 1's, on
    activity 1.5; officers of both, a leader of the town, a leader of the province."""
    frozen(MAY_2023)
    make_user(app, "phuong1", "Phường 1")
    make_user(app, "phuong2", "Phường 2")
    make_user(app, "chutich", "Văn phòng HĐND và UBND thị xã", role="leader")
    make_user(app, "tinh", None, role="leader")
    login(client, "phuong2")
    phuong2 = write_report(client, app, "Phường 2", PHUONG_2_RESULT, PHUONG_2_EVIDENCE, False)
    client.post(
        f"/reports/{phuong2}/attachments",
        content_type="multipart/form-data",
        data={"file": (io.BytesIO(b"%PDF-1.4 bien ban"), PHUONG_2_FILE)},
    )
    write_report(client, app, "Phường 2", PHUONG_2_RESULT, PHUONG_2_EVIDENCE)
    login(client, "noivu")
    client.post(f"/reports/{phuong2}/review", data={"action": "return", "comment": RETURN_COMMENT})
    login(client, "phuong1")
    phuong1 = write_report(client, app, "Phường 1", PHUONG_1_RESULT)
    client.post("/logout")
    with app.app_context():
        activity_id = db.session.scalar(select(Activity.id).where(Activity.number == "1.5"))
        mttq = db.session.scalar(select(Unit.id).where(Unit.name == "Ủy ban MTTQ Việt Nam thị xã"))
    return {"phuong2": phuong2, "phuong1": phuong1, "activity": activity_id, "mttq": mttq}


def search(client, query: str, **args) -> str:
    response = client.get("/search", query_string={"q": query, **args})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def found(page: str) -> dict[str, list[str]]:
    """Kind → the links of its results, in order."""
    kinds = {}
    for chunk in page.split('<section class="search-section" id="search-')[1:]:
        kind = chunk.split('"', 1)[0]
        kinds[kind] = re.findall(r'<li>\s*<a href="([^"]+)"', chunk.split("</section>")[0])
    return kinds


def counts(page: str) -> dict[str, int]:
    return {k: int(n) for k, n in re.findall(r'href="#search-(\w+)">[^<]*<b>([\d.]+)</b>', page)}


# ---- every kind, diacritics ignored --------------------------------------------------------

KINDS = [
    # (what, kind, query without marks, the same with marks and capitals, link)
    ("plan number", "plan", "63/kh", "63/KH", "/plans/1"),
    ("plan title", "plan", "chi so hieu qua quan tri", "CHỈ SỐ hiệu quả quản trị", "/plans/1"),
    ("activity text", "activity", "chu truong duong loi", "chủ trương, đường lối.", "activity"),
    ("activity unit", "activity", "trung tam van hoa", "Trung tâm Văn hóa", "activity"),
    ("report result", "report", "doi thoai ho ngheo", "Đối thoại hộ nghèo", "phuong2"),
    ("report citation", "report", "17/kh-ubnd", "17/KH-UBND", "phuong2"),
    ("review comment", "report", "bo sung danh sach", "Bổ sung danh sách", "phuong2"),
    ("evidence file", "file", "bien ban hop dan", "biên bản họp dân", "phuong2#attachments"),
    ("unit name", "unit", "uy ban mttq", "Ủy ban MTTQ", "mttq"),
    ("unit alias", "unit", "mat tran to quoc thi xa", "Mặt trận Tổ quốc thị xã", "mttq"),
]


def link_of(world, target: str) -> str:
    if target.startswith("/"):
        return target
    if target == "activity":
        return f"/activities/{world['activity']}"
    if target == "mttq":
        return f"/units/{world['mttq']}"
    report, _, anchor = target.partition("#")
    return f"/reports/{world[report]}" + (f"#{anchor}" if anchor else "")


def test_each_kind_is_found_with_or_without_diacritics(client, world):
    # One world for the whole table: building it signs in four times.
    login(client, "noivu")
    for what, kind, bare, marked, target in KINDS:
        without, with_marks = found(search(client, bare)), found(search(client, marked))
        assert link_of(world, target) in without.get(kind, []), what
        assert without == with_marks, what


def test_an_evidence_file_links_to_its_report_not_to_the_download(client, world):
    login(client, "noivu")
    page = search(client, "bien ban hop dan")
    assert found(page)["file"] == [f"/reports/{world['phuong2']}#attachments"]
    assert "/attachments/" not in page
    assert "<mark>Biên</mark> <mark>bản</mark> <mark>họp</mark> <mark>dân</mark>" in page


def test_every_word_must_occur(client, world):
    login(client, "noivu")
    assert found(search(client, "doi thoai bien duoi"))["report"] == [
        f"/reports/{world['phuong2']}"
    ]
    assert "report" not in found(search(client, "doi thoai niem yet"))


def test_an_activity_found_by_a_unit_or_its_timeframe_says_so(client, world):
    login(client, "noivu")
    page = search(client, "thong tin trung tam van hoa")
    item = page.split(f'href="/activities/{world["activity"]}"')[1].split("</li>")[0]
    assert '<span class="chip"><mark>Trung</mark> <mark>tâm</mark> <mark>Văn</mark>' in item
    assert "Thời gian thực hiện" not in item
    page = search(client, "thong tin thuong xuyen")
    item = page.split(f'href="/activities/{world["activity"]}"')[1].split("</li>")[0]
    assert "Thời gian thực hiện:</span> <mark>Thường</mark> <mark>xuyên</mark>" in item
    assert '<span class="chip">' not in item
    page = search(client, "thong tin tuyen truyen")  # the text says it: no units, no time
    item = page.split(f'href="/activities/{world["activity"]}"')[1].split("</li>")[0]
    assert '<span class="chip">' not in item and "Thời gian" not in item


def test_like_wildcards_are_plain_characters(client, world):
    login(client, "noivu")
    assert "activity" in found(search(client, "tuyen truyen"))
    assert not found(search(client, "tuyen_truyen")) and not found(search(client, "tuy%ruyen"))
    assert 'id="search-hint">Nhập chữ hoặc số để tìm.' in search(client, "%% __ …")


def test_counts_by_kind(client, world):
    login(client, "noivu")
    page = search(client, "phuong")
    assert counts(page)["report"] == 2  # both communes' reports name their commune
    assert counts(page)["unit"] == len(found(page)["unit"]) >= 4


# ---- who reads what -------------------------------------------------------------------------


def test_an_officer_finds_the_annex_but_only_the_units_own_reports_and_files(client, world):
    login(client, "phuong1")
    assert "report" not in found(search(client, "doi thoai ho ngheo"))
    assert "report" not in found(search(client, "bo sung danh sach"))
    assert "file" not in found(search(client, "bien ban hop dan"))
    page = search(client, "phuong")
    assert found(page)["report"] == [f"/reports/{world['phuong1']}"]
    assert "Báo cáo và tệp minh chứng: chỉ của Phường 1." in page
    # The annex is everyone's.
    assert found(search(client, "chu truong duong loi"))["activity"] == [
        f"/activities/{world['activity']}"
    ]
    assert found(search(client, "63/kh"))["plan"] == ["/plans/1"]
    page = search(client, "Phường 2")
    assert "/units/" in page and "Biển Dưới" not in page


@pytest.mark.parametrize("leader", ["chutich", "tinh"])
def test_a_leader_reads_every_report_and_file_of_the_locality(client, world, leader):
    login(client, leader)
    assert found(search(client, "doi thoai"))["report"] == [f"/reports/{world['phuong2']}"]
    assert found(search(client, "bien ban"))["file"] == [f"/reports/{world['phuong2']}#attachments"]
    assert sorted(found(search(client, "phuong"))["report"]) == sorted(
        f"/reports/{world[r]}" for r in ("phuong1", "phuong2")
    )


@pytest.fixture
def other_district(app, world):
    """Another district's plan with reports, built as the benchmarks build them."""
    with app.app_context():
        plan_id = make_plan(make_district("Thử"), 2023, 30, groups=3, seed=5)
        db.session.commit()
        report_ids = set(
            db.session.scalars(
                select(ProgressReport.id)
                .join(ReportingPeriod)
                .where(ReportingPeriod.plan_id == plan_id)
            )
        )
    assert report_ids
    return plan_id, report_ids


def result_ids(page: str, kind: str) -> set[int]:
    return {int(re.search(r"/(\d+)", link).group(1)) for link in found(page).get(kind, [])}


@pytest.mark.parametrize("username", ["noivu", "chutich", "phuong1"])
def test_another_localitys_plans_and_reports_never_appear(client, other_district, username):
    plan_id, report_ids = other_district
    login(client, username)
    page = search(client, "ke hoach")
    assert result_ids(page, "plan") == {1}
    assert f'href="/plans/{plan_id}"' not in page
    assert "Huyện Thử" not in search(client, "xa thu")
    assert not result_ids(search(client, "da", kind="report"), "report") & report_ids
    with client.application.app_context():
        theirs = set(db.session.scalars(select(Activity.id).where(Activity.plan_id == plan_id)))
    assert not result_ids(search(client, "tuyen truyen"), "activity") & theirs


def test_province_staff_read_every_locality(client, other_district):
    plan_id, report_ids = other_district
    login(client, "tinh")
    assert result_ids(search(client, "ke hoach"), "plan") == {1, plan_id}
    page = search(client, "da", kind="report")
    assert result_ids(page, "report") & report_ids
    assert "huyện Thử" in search(client, "xa thu 1")


def test_search_needs_sign_in(client):
    response = client.get("/search?q=noi+vu")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


# ---- escaping -------------------------------------------------------------------------------


def test_report_text_and_the_query_are_shown_escaped(client, world):
    login(client, "noivu")
    page = search(client, "doi thoai")
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    page = search(client, "script alert")
    assert "&lt;<mark>script</mark>&gt;<mark>alert</mark>(1)" in page
    page = search(client, '"><script>x</script>')
    assert "<script>x" not in page and "&lt;script&gt;x" in page


# ---- hint, length, paging -------------------------------------------------------------------


@pytest.mark.parametrize("query", ["", " ", "a", " Đ ", "-"])
def test_an_empty_or_one_character_query_gives_a_hint_and_reads_nothing(client, world, query):
    login(client, "noivu")
    statements: list[str] = []
    with client.application.app_context():
        engine = db.engine

    def record(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        page = search(client, query)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert 'id="search-hint"' in page
    assert "search-section" not in page
    read = " ".join(statements)
    assert " LIKE " not in read  # the user's own unit is read for the page; nothing searched
    for table in ("activity", "progress_report", "attachment", "plan"):
        assert f"FROM {table} " not in read and f"JOIN {table} " not in read, table


def test_a_query_longer_than_200_characters_is_cut(client, world):
    login(client, "noivu")
    query = "doi thoai " + "x" * 300
    page = search(client, query)
    assert 'id="search-cut"' in page
    assert f'value="{query[:200]}"' in page
    page = search(client, "doi thoai " + " " * 190 + "zzzz")  # the cut drops the last word
    assert found(page)["report"] == [f"/reports/{world['phuong2']}"]


def test_more_than_20_results_are_paged(demo_app):
    client = demo_app.test_client()
    login(client, "noivu")
    first = search(client, "thuong xuyen")
    total = counts(first)["activity"]
    assert total > 20
    page1 = found(first)["activity"]
    assert len(page1) == 20
    assert "kind=activity&amp;page=2" in first
    second = search(client, "thuong xuyen", kind="activity", page="2")
    page2 = found(second)["activity"]
    assert len(page2) == total - 20
    assert not set(page1) & set(page2)
    assert list(found(second)) == ["activity"]  # one kind only
    assert "Trang trước" in second and "Mọi kết quả cho" in second
    assert found(search(client, "thuong xuyen", kind="activity", page="999"))["activity"] == page2
    assert found(search(client, "thuong xuyen", kind="activity", page="²"))["activity"] == page1
    assert found(search(client, "thuong xuyen", kind="nope"))["activity"] == page1


# ---- the folded columns ---------------------------------------------------------------------


def test_a_reports_search_text_follows_its_edits(client, app, world):
    login(client, "phuong2")
    write_report(client, app, "Phường 2", "Họp dân tại khóm Giồng Me")
    login(client, "noivu")
    assert "report" not in found(search(client, "doi thoai ho ngheo"))
    assert found(search(client, "giong me"))["report"] == [f"/reports/{world['phuong2']}"]
    client.post(f"/reports/{world['phuong2']}/review", data={"action": "accept", "comment": ""})
    assert "report" not in found(search(client, "bo sung danh sach"))


def test_the_migration_folds_the_reports_and_files_already_there(demo_app):
    runner = demo_app.test_cli_runner()
    with demo_app.app_context():
        report = db.session.scalar(select(ProgressReport).order_by(ProgressReport.id))
        db.session.add(
            Attachment(
                report=report,
                filename="Ảnh HỘI NGHỊ.jpg",
                content_type="image/jpeg",
                size=1,
                sha256="0" * 64,
            )
        )
        db.session.commit()
        tables = ("progress_report", "report_event", "evidence_document", "attachment")
        before = {t: db.session.execute(text(f"SELECT count(*) FROM {t}")).scalar() for t in tables}
        db.session.remove()
    down = runner.invoke(args=["db", "downgrade", "6e3b9f2c4a71"])
    assert down.exit_code == 0, down.output
    up = runner.invoke(args=["db", "upgrade"])
    assert up.exit_code == 0, up.output
    with demo_app.app_context():
        after = {t: db.session.execute(text(f"SELECT count(*) FROM {t}")).scalar() for t in tables}
        assert after == before  # nothing cascaded away with the columns
        reports = db.session.scalars(select(ProgressReport)).all()
        assert reports and all(r.search_text == report_search_text(r) for r in reports)
        assert any("chuyen giao" in r.search_text for r in reports)
        assert db.session.scalar(select(Attachment.search_text)) == "anh hoi nghi.jpg"
        assert db.session.scalar(select(Plan.id)) == 1


def test_past_the_count_cap_the_total_is_hon(demo_app, monkeypatch):
    from tracker.services import search as search_service

    monkeypatch.setattr(search_service, "COUNT_CAP", 5)
    client = demo_app.test_client()
    login(client, "noivu")
    page = search(client, "thuong xuyen")
    assert "Hoạt động <b>20+</b>" in page  # the first page's 20, and more
    assert 'Hoạt động <span class="muted">(hơn 20)</span>' in page
    assert "kind=activity&amp;page=2" in page
    second = search(client, "thuong xuyen", kind="activity", page="2")
    assert "(21)" in second and "Kết quả 21 trên 21" in second
