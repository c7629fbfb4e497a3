"""The annex matrix page renders from plain rows (issue 17) and says byte for byte what it
said when it rendered ORM objects through macros.

The reference is the renderer as it was before issue 17: its view code (`reference_annex`
below, verbatim) and its template (tests/web/annex_reference.html, a copy of
templates/plans/annex.html as it was). Each test serves the same request through the
reference and through the app's own view, on the seeded Vĩnh Châu plan and on a larger
generated one made varied on purpose (no number, vague unit, a group shown by its name,
timeframes waiting or to review, text that must be escaped), for each role and under
several filters and pages.

Three differences are expected and taken out before comparing, nothing else:
- the form token in the page header (`csrf_token`) is signed with the time, so two
  requests never carry the same one;
- the pager of the new page offers the whole plan on one page: a last link «Xem tất cả»
  (`ALL_LINK`), which the reference pager does not have;
- a vague unit's tooltip names the office that will settle it ("chờ Phòng Nội vụ xác
  định"): the reference's macro, imported without the page's context, said "chờ  xác
  định" (`VAGUE_BEFORE`).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import render_template_string, request
from sqlalchemy import func, select, update

from bench.dataset import District, make_plan
from tests.conftest import make_user
from tracker.domain.units import UnitKind
from tracker.extensions import db
from tracker.models import Activity, Assignment, ContentGroup, Plan, Unit, UnitGroupMember
from tracker.services import plans as plan_service
from tracker.web.auth import login_required
from tracker.web.plans import matrix, views

REFERENCE = (Path(__file__).parent / "annex_reference.html").read_text(encoding="utf-8")
CSRF = re.compile(r'name="csrf_token" value="[^"]*"')
ALL_LINK = re.compile(r'<a class="btn secondary" href="[^"]*page=all[^"]*">Xem tất cả</a>')
VAGUE_BEFORE = "Đơn vị chưa cụ thể — chờ  xác định"
VAGUE_NOW = "Đơn vị chưa cụ thể — chờ Phòng Nội vụ xác định"  # the seeded thị xã's office
ROLES = {
    "coordinator": ("noivu", "noivu2023"),
    "officer": ("tuphap", "matkhau-tuphap"),
    "leader": ("lanhdao", "matkhau-lanhdao"),
}


@login_required
def reference_annex(plan_id: int):
    """plans.annex before issue 17, verbatim but for the template it renders (and the
    activities loaded with all their units, as the exports load them: the page reads the
    units with `page_labels` either way)."""
    plan = views.get_plan_or_404(plan_id)
    kind = request.args.get("timeframe", "")
    flt = plan_service.MatrixFilter(
        unit_id=views._int_arg("unit"),
        dimension_id=views._int_arg("dimension"),
        timeframe_kind=kind if kind in views.TIMEFRAME_LABELS else None,
        query=request.args.get("q", "")[:200],
    )
    count = plan_service.matrix_count(plan, flt)
    pages = max(1, -(-count // matrix.PAGE_SIZE))
    page = min(max(views._int_arg("page") or 1, 1), pages)
    offset = (page - 1) * matrix.PAGE_SIZE
    rows = plan_service.matrix(plan, flt, matrix.PAGE_SIZE, offset)
    labels = plan_service.page_labels([a.id for _, items in rows for a in items])
    return render_template_string(
        REFERENCE,
        plan=plan,
        groups=rows,
        flt=flt,
        count=count,
        page=page,
        pages=pages,
        units=plan_service.units_for_plan(plan),
        timeframe_labels=views.TIMEFRAME_LABELS,
        unit_labels=lambda activity, role: labels.get((activity.id, role), []),
    )


def both(app, client, url: str) -> tuple[str, str]:
    """(reference, new) HTML of `url`, the expected differences taken out."""
    pages = []
    for view in (reference_annex, app.view_functions["plans.annex"]):
        own = app.view_functions["plans.annex"]
        app.view_functions["plans.annex"] = view
        try:
            response = client.get(url)
        finally:
            app.view_functions["plans.annex"] = own
        assert response.status_code == 200, url
        pages.append(CSRF.sub("csrf", response.get_data(as_text=True)))
    reference, new = pages
    return reference.replace(VAGUE_BEFORE, VAGUE_NOW), ALL_LINK.sub("", new, count=2)


def sign_in(client, role: str) -> None:
    username, password = ROLES[role]
    assert client.post("/login", data={"username": username, "password": password}).status_code
    assert client.get("/").status_code in (200, 302)


@pytest.fixture
def role_app(app):
    make_user(app, "tuphap", "Phòng Tư pháp")
    make_user(app, "lanhdao", None, role="leader")
    return app


def seeded_plan(app) -> tuple[int, dict[str, str]]:
    """The Vĩnh Châu plan and filters that each keep some of its activities."""
    with app.app_context():
        plan = db.session.scalars(select(Plan).order_by(Plan.id)).first()
        unit_id = db.session.scalar(
            select(Assignment.unit_id).join(Activity).where(Activity.plan_id == plan.id)
        )
        group_id = db.session.scalar(
            select(Assignment.via_group_id)
            .join(Activity)
            .where(Activity.plan_id == plan.id, Assignment.via_group_id.is_not(None))
        )
        filters = {
            "all": "",
            "unit": f"unit={unit_id}",
            "group": f"unit={group_id}",
            "dimension": "dimension=5",
            "ongoing": "timeframe=ongoing",
            "undated": "timeframe=undated",
            "search": "q=tuyen+truyen",
            "nothing": "q=khongcogica",
            "mixed": f"unit={unit_id}&timeframe=deadline&q=a",
        }
        return plan.id, filters


@pytest.mark.parametrize("role", ROLES)
def test_the_seeded_plan_reads_as_before(role_app, role):
    plan_id, filters = seeded_plan(role_app)
    client = role_app.test_client()
    sign_in(client, role)
    shown = {}
    for name, query in filters.items():
        reference, new = both(role_app, client, f"/plans/{plan_id}/annex?{query}")
        assert new == reference, (role, name)
        shown[name] = reference.count('<tr id="a')
    assert shown["all"] > shown["unit"] > 0 and shown["nothing"] == 0
    assert all(shown[name] for name in ("group", "dimension", "ongoing", "search")), shown


def seeded_district() -> District:
    """The seeded locality's offices, communes and their group, for `make_plan`: the
    plan is then one the seeded accounts may read."""
    plan = db.session.scalars(select(Plan).order_by(Plan.id)).first()
    units = db.session.scalars(select(Unit).where(Unit.locality_id == plan.locality_id)).all()
    group = db.session.scalar(
        select(Unit).where(
            Unit.kind == UnitKind.GROUP, Unit.id.in_(select(UnitGroupMember.group_id))
        )
    )
    members = db.session.scalars(
        select(UnitGroupMember.member_id).where(UnitGroupMember.group_id == group.id)
    ).all()
    offices = [u.id for u in units if u.kind == UnitKind.OFFICE]
    return District(plan.locality_id, offices, list(members), group.id)


def varied_plan(app, activities: int = 230) -> int:
    """A generated plan of three pages, with what the generator leaves out added: an
    activity without number, waiting timeframes, readings to review, a vague unit, text
    to escape and a group's heading lines."""
    with app.app_context():
        district = seeded_district()
        plan_id = make_plan(district, 2023, activities, groups=9, seed=3)
        ids = db.session.scalars(
            select(Activity.id).where(Activity.plan_id == plan_id).order_by(Activity.position)
        ).all()
        db.session.execute(
            update(Activity)
            .where(Activity.id == ids[0])
            .values(number=None, text='Họp "giao ban" <quý> & tổng kết')
        )
        db.session.execute(
            update(Activity)
            .where(Activity.id.in_(ids[5:9]))
            .values(timeframe_kind="undated", timeframe_text="", due_on=None, cadence=None)
        )
        db.session.execute(
            update(Activity)
            .where(Activity.id.in_(ids[110:113]))
            .values(timeframe_kind="other_plan", timeframe_text="Theo kế hoạch của tỉnh")
        )
        db.session.execute(
            update(Activity)
            .where(Activity.id.in_(ids[40:45] + ids[150:152]))
            .values(timeframe_review=True, timeframe_note='Đọc "quý 3" <chưa chắc>')
        )
        vague = Unit(locality_id=district.locality_id, name="Các cơ quan <liên quan>", kind="vague")
        db.session.add(vague)
        db.session.flush()
        db.session.add(Assignment(activity_id=ids[101], unit_id=vague.id, role="support"))
        first_group = db.session.scalar(
            select(ContentGroup).where(ContentGroup.plan_id == plan_id).order_by("position")
        )
        first_group.intro = "Các nội dung <chung> & thường xuyên"
        db.session.commit()
        return plan_id


def test_a_larger_plan_reads_as_before_on_every_page(role_app):
    plan_id = varied_plan(role_app)
    with role_app.app_context():
        unit_id = db.session.scalar(
            select(Assignment.unit_id)
            .join(Activity)
            .where(Activity.plan_id == plan_id, Assignment.via_group_id.is_(None))
        )
        group_id = db.session.scalar(
            select(Assignment.via_group_id)
            .join(Activity)
            .where(Activity.plan_id == plan_id, Assignment.via_group_id.is_not(None))
        )
    client = role_app.test_client()
    sign_in(client, "coordinator")
    queries = [f"page={n}" for n in ("", 1, 2, 3, 4, "x", 0)]
    queries += [f"unit={unit_id}", f"unit={unit_id}&page=2", f"unit={group_id}"]
    queries += ["dimension=3&page=2", "timeframe=deadline", "timeframe=undated", "q=tuyen"]
    queries += ["q=%22giao+ban%22", "q=kiem+tra&timeframe=ongoing&page=2"]
    seen = set()
    for query in queries:
        reference, new = both(role_app, client, f"/plans/{plan_id}/annex?{query}")
        assert new == reference, query
        seen.add(reference.count('<tr id="a'))
    assert {100, 30} <= seen  # full pages and the last one were compared
    client = role_app.test_client()
    sign_in(client, "leader")
    for query in ("", "page=3", f"unit={group_id}"):
        reference, new = both(role_app, client, f"/plans/{plan_id}/annex?{query}")
        assert new == reference, ("leader", query)
    assert (
        "Các cơ quan &lt;liên quan&gt;"
        in both(role_app, client, f"/plans/{plan_id}/annex?page=2")[1]
    )


ROW = re.compile(r'<tr id="a(\d+)"[^>]*>.*?(<td data-label="Hoạt động">.*?</tr>)', re.S)


def rows_of(html: str) -> list[tuple[str, str]]:
    """(activity id, its cells but the group's) of each row, in page order."""
    return ROW.findall(html)


def paged_rows(client, url: str) -> list[tuple[str, str]]:
    found, page = [], 1
    while True:
        html = client.get(f"{url}&page={page}").get_data(as_text=True)
        found += rows_of(html)
        if f"trang {page}/" not in html or f"trang {page}/{page}." in html:
            return found
        page += 1


def test_the_whole_plan_on_one_page_is_its_pages_put_together(role_app):
    """?page=all: every activity passing the filters, in annex order, each row as the
    pages show it; the page streams; the pager offers it and marks it."""
    plan_id = varied_plan(role_app)
    with role_app.app_context():
        unit_id = db.session.scalar(
            select(Assignment.unit_id)
            .join(Activity)
            .where(Activity.plan_id == plan_id)
            .group_by(Assignment.unit_id)
            .order_by(func.count().desc())
        )
        every_id = db.session.scalars(
            select(Activity.id).where(Activity.plan_id == plan_id).order_by(Activity.position)
        ).all()
    client = role_app.test_client()
    sign_in(client, "coordinator")
    base = f"/plans/{plan_id}/annex?x="
    paged = client.get(base).get_data(as_text=True)
    assert f'href="/plans/{plan_id}/annex?page=all"' in paged
    for query in ("", f"&unit={unit_id}", "&timeframe=deadline&q=tuyen", "&dimension=2"):
        response = client.get(f"{base}{query}&page=all")
        assert response.status_code == 200 and response.is_streamed
        html = response.get_data(as_text=True)
        found = rows_of(html)
        assert found == paged_rows(client, f"{base}{query}"), query
        assert "tất cả trên một trang" in html
        # The pager, and its «Xem tất cả», shows when the filtered plan has pages.
        assert ('<b class="btn">Xem tất cả</b>' in html) == (len(found) > 100), query
        assert "Bản in này chỉ gồm trang" not in html
    whole = rows_of(client.get(f"{base}&page=all").get_data(as_text=True))
    assert [int(found) for found, _ in whole] == every_id
    some = rows_of(client.get(f"{base}&unit={unit_id}&page=all").get_data(as_text=True))
    assert 0 < len(some) < len(whole)
    nothing = client.get(f"{base}&q=khongcogica&page=all").get_data(as_text=True)
    assert "Không có hoạt động nào khớp bộ lọc." in nothing and not rows_of(nothing)


@pytest.mark.parametrize("role", ROLES)
def test_only_the_office_may_add_activities_from_the_whole_plan(role_app, role):
    plan_id = varied_plan(role_app)
    client = role_app.test_client()
    sign_in(client, role)
    html = client.get(f"/plans/{plan_id}/annex?page=all").get_data(as_text=True)
    groups = html.count('class="group num"')
    assert groups == 9 and len(rows_of(html)) == 230
    adds = html.count("+ Thêm hoạt động")
    assert adds == (groups if role == "coordinator" else 0)
