"""Pages and JSON for reading the annex."""

from __future__ import annotations

import pytest

from tests.conftest import SEED_ANNEX


def test_pages_need_sign_in(client):
    assert client.get("/plans/1/annex").status_code == 302
    assert client.get("/api/plans/1/annex").status_code == 401


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/plans",
        "/plans/1",
        "/plans/1/annex",
        "/units",
        "/units/2",
        "/search?q=noi+vu",
        "/plans/new",
        "/plans/1/history",
        "/plans/1/dashboard",
        "/work",
        "/users",
        "/plans/1/periods",
        "/plans/1/reviews",
        "/plans/1/progress-import",
        "/plans/1/import",
    ],
)
def test_pages_render(client, auth, url):
    auth.login()
    response = client.get(url, follow_redirects=True)
    assert response.status_code == 200
    assert '<html lang="vi">' in response.get_data(as_text=True)


def test_search_ignores_diacritics(client, auth):
    auth.login()
    with_marks = client.get("/plans/1/annex?q=Nội vụ").get_data(as_text=True)
    without = client.get("/plans/1/annex?q=noi vu").get_data(as_text=True)
    count = with_marks.count('data-activity="')
    assert count == without.count('data-activity="')
    assert 0 < count < 23


def test_unit_page_lists_leads_and_supports(client, auth):
    auth.login()
    page = client.get("/units/2").get_data(as_text=True)  # Phòng Nội vụ
    assert "Chủ trì (" in page and "Phối hợp (" in page
    assert "Chuyển giao tài liệu" in page


def test_api_annex_has_the_cli_shape(app, client, auth):
    auth.login()
    data = client.get("/api/plans/1/annex").get_json()
    assert data["plan"]["number"] == "63/KH-UBND"
    groups = data["groups"]
    assert len(groups) == 7
    cli = app.test_cli_runner().invoke(
        args=["import-annex", str(SEED_ANNEX), "--plan", "1", "--dry-run", "--json"]
    )
    import json

    parsed = json.loads(cli.stdout)
    for stored, read in zip(groups, parsed["groups"], strict=True):
        for a, b in zip(stored["activities"], read["activities"], strict=True):
            for key in (
                "number",
                "text",
                "lead",
                "support",
                "lead_text",
                "support_text",
                "timeframe",
            ):
                assert a[key] == b[key], key


def test_missing_objects_are_404(client, auth):
    auth.login()
    for url in (
        "/plans/999",
        "/plans/999/annex",
        "/activities/9999",
        "/units/9999",
        "/api/plans/999/annex",
        "/plans/1/import/" + "0" * 64,
    ):
        assert client.get(url).status_code in (404,), url


def test_matrix_pages_keep_filters(client, auth, monkeypatch):
    from tracker.web.plans import matrix

    monkeypatch.setattr(matrix, "PAGE_SIZE", 10)
    auth.login()
    pages = [client.get(f"/plans/1/annex?page={n}").get_data(as_text=True) for n in (1, 2, 3, 9)]
    assert [p.count('data-activity="') for p in pages] == [10, 10, 3, 3]  # page 9 → last page
    assert "trang 1/3" in pages[0]
    filtered = client.get("/plans/1/annex?q=thi+xa&page=1").get_data(as_text=True)
    assert "khớp bộ lọc — trang 1/2" in filtered
    assert "page=2&amp;q=thi+xa" in filtered  # the pager keeps the search


def test_overview_lists_what_waits_for_phong_noi_vu(client, auth):
    auth.login()
    page = client.get("/plans/1").get_data(as_text=True)
    assert "<b>7</b>nhóm nội dung" in page and "<b>23</b>hoạt động" in page
    waiting = page.split("Cần Phòng Nội vụ ấn định thời hạn")[1].split("</ul>")[0]
    assert "1.4" in waiting and "Theo Kế hoạch" in waiting
    vague = page.split("Đơn vị chưa cụ thể")[1].split("</ul>")[0]
    assert "Các cơ quan khác thực hiện tự kiểm tra" in vague and "Đoàn kiểm tra" in vague
    assert "Chưa có đơn vị chủ trì" not in page  # every seeded activity has a lead


def test_a_vague_unit_on_an_activity_page_waits_for_the_named_office(app, client, auth):
    """The units macro reads the page's office (it was imported without the page's
    context, and said "chờ  xác định")."""
    from sqlalchemy import select

    from tracker.domain.units import UnitKind
    from tracker.extensions import db
    from tracker.models import Assignment, Unit

    with app.app_context():
        activity_id = db.session.scalar(
            select(Assignment.activity_id)
            .join(Unit, Assignment.unit_id == Unit.id)
            .where(Unit.kind == UnitKind.VAGUE)
            .limit(1)
        )
    assert activity_id is not None  # the seeded annex names "các ngành có liên quan"
    auth.login()
    page = client.get(f"/activities/{activity_id}").get_data(as_text=True)
    assert "Đơn vị chưa cụ thể — chờ Phòng Nội vụ xác định" in page
    assert "chờ  xác định" not in page
