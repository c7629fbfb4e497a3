"""The annex page below the plan's tabs is kept between requests while only reports change
(tracker/web/plans/matrix.py, KEPT) and built again after any other change. After each
kind of change, on the seeded Vĩnh Châu plan, each view (pages, filters) says byte for
byte what the same view built from nothing says, and the change shows; a report sent
and accepted leaves the kept page as it was, read from nothing but the logs' versions."""

from __future__ import annotations

import re

from sqlalchemy import event, select

from tests.web.unit_sheets import filled, template, upload
from tracker.extensions import db
from tracker.models import Activity, Assignment, ContentGroup, Plan, ProgressReport, Unit, User
from tracker.services import activities, periods, reporting
from tracker.web.plans.matrix import KEPT

CSRF = re.compile(r'name="csrf_token" value="[^"]*"')
VIEWS = ("", "?q=tuyen+truyen", "?timeframe=ongoing", "?page=2", "?page=all")


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return CSRF.sub("csrf", response.get_data(as_text=True))


def _body(page: str) -> str:
    """The part of the page that is kept: the filters to the end of the matrix."""
    return page[page.index('<form method="get" class="card filters"') : page.index("</main>")]


def _kept_then_fresh(client, url: str) -> tuple[str, str]:
    kept = _page(client, url)
    KEPT.clear()
    return kept, _page(client, url)


def _first(stmt):  # type: ignore[no-untyped-def]
    return db.session.scalars(stmt.limit(1)).first()


def _coordinator() -> User:
    return _first(select(User).where(User.role == "coordinator").order_by(User.id))


def _activity(plan_id: int, skip: int = 0) -> Activity:
    stmt = select(Activity).where(Activity.plan_id == plan_id).order_by(Activity.position)
    return db.session.scalars(stmt.offset(skip).limit(1)).one()


def _unreported(plan_id: int, skip: int) -> Activity:
    """An activity of which no unit has reported, with two units or more."""
    reported = select(Assignment.activity_id).join(ProgressReport)
    stmt = (
        select(Activity)
        .where(Activity.plan_id == plan_id, Activity.id.not_in(reported))
        .order_by(Activity.position)
    )
    found = [a for a in db.session.scalars(stmt) if len(a.assignments) > 1]
    return found[skip]


def _reword(plan_id: int) -> str:
    activity = _activity(plan_id, 3)
    activities.edit_activity(
        activity,
        group=activity.group,
        number=activity.number_raw,
        text="Hoạt động đã sửa lời & chữ",
        timeframe_text=activity.timeframe_text,
        dimension_ids=[d.id for d in activity.dimensions],
        user=_coordinator(),
    )
    return "Hoạt động đã sửa lời &amp; chữ"


def _add_unit(plan_id: int) -> str:
    activity = _activity(plan_id, 5)
    taken = {a.unit_id for a in activity.assignments}
    unit = _first(
        select(Unit).where(Unit.kind == "office", Unit.id.not_in(taken)).order_by(Unit.id.desc())
    )
    activities.add_assignment(activity, unit, "support", _coordinator())
    return unit.name


def _remove_unit(plan_id: int) -> str:
    activity = _unreported(plan_id, 0)
    activities.remove_assignment(activity.assignments[-1], _coordinator())
    return f'id="a{activity.id}"'


def _move(plan_id: int) -> str:
    activity = _activity(plan_id, 7)
    activities.move_activity(activity, 1, _coordinator())
    return f'id="a{activity.id}"'


def _add_activity(plan_id: int) -> str:
    group = _first(select(ContentGroup).where(ContentGroup.plan_id == plan_id))
    activities.add_activity(group, "", "Hoạt động mới thêm vào phụ lục", "Quý IV", _coordinator())
    return "Hoạt động mới thêm vào phụ lục"


def _delete(plan_id: int) -> str:
    activities.delete_activity(_unreported(plan_id, 1), _coordinator())
    return "</table>"


CHANGES = {
    "an activity reworded": _reword,
    "a unit added to an activity": _add_unit,
    "a unit taken off an activity": _remove_unit,
    "an activity moved": _move,
    "an activity added": _add_activity,
    "an activity deleted": _delete,
}


def test_after_each_change_the_kept_page_is_the_page_built_from_nothing(app, client, auth):
    auth.login()
    with app.app_context():
        plan_id = db.session.scalar(select(Plan.id).order_by(Plan.id))
    urls = [f"/plans/{plan_id}/annex{query}" for query in VIEWS]
    for url in urls:
        _page(client, url)
    for name, change in CHANGES.items():
        with app.app_context():
            shown = change(plan_id)
            db.session.commit()
        for url in urls:
            kept, fresh = _kept_then_fresh(client, url)
            assert kept == fresh, (name, url)
        assert shown in _page(client, urls[0]), name


def test_a_group_left_by_a_member_is_shown_again(app, client, auth):
    """The unit sheet takes Phường 2 out of «UBND xã, phường»: the activities assigned to
    the group no longer name it but their communes one by one (domain.units.shown_units)
    on the kept page too."""
    auth.login()
    with app.app_context():
        plan_id = db.session.scalar(select(Plan.id).order_by(Plan.id))
    url = f"/plans/{plan_id}/annex"
    before = _page(client, url)
    assert "UBND xã, phường" in before
    workbook = template(client)
    for row in workbook["Đơn vị"].iter_rows(min_row=4):
        if row[0].value == "Phường 2":
            row[5].value = None
    assert client.post(upload(client, filled(workbook, []))).status_code == 302
    kept, fresh = (_body(page) for page in _kept_then_fresh(client, url))
    assert kept == fresh != _body(before)
    assert "UBND xã, phường (10)" in before and "UBND xã, phường (10)" not in kept
    assert ">Phường 2</a>" in kept


def test_a_report_accepted_leaves_the_kept_page_unread(app, client, auth):
    auth.login()
    with app.app_context():
        plan_id = db.session.scalar(select(Plan.id).order_by(Plan.id))
        engine = db.engine
    url = f"/plans/{plan_id}/annex"
    first = _page(client, url)
    with app.app_context():
        assignment = _first(
            select(Assignment)
            .join(Activity)
            .where(Activity.plan_id == plan_id, Assignment.role == "lead")
            .where(Assignment.id.not_in(select(ProgressReport.assignment_id)))
            .order_by(Assignment.id)
        )
        period = periods.plan_periods(assignment.activity.plan)[-1]
        words = reporting.ReportInput(status="done", result="Đã xong", completed_on=None)
        report = reporting.save_report(assignment, period, words, None, submit=True)
        reporting.review_report(report, True, "", _coordinator())
        db.session.commit()
    read: list[str] = []

    def seen(conn, cursor, statement, *args) -> None:  # type: ignore[no-untyped-def]
        read.append(statement)

    event.listen(engine, "before_cursor_execute", seen)
    try:
        again = _page(client, url)
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert _body(again) == _body(first)
    assert read and not [s for s in read if "FROM activity" in s or "FROM assignment" in s]
    assert _body(_kept_then_fresh(client, url)[1]) == _body(first)


def test_each_role_has_its_own_kept_page(app, client, auth):
    """Phòng Nội vụ's page offers to add activities; a leader's, read first or after, not."""
    from tests.conftest import make_user

    make_user(app, "lanhdao", None, role="leader")
    with app.app_context():
        plan_id = db.session.scalar(select(Plan.id).order_by(Plan.id))
    url = f"/plans/{plan_id}/annex"
    auth.login()
    assert "+ Thêm hoạt động" in _page(client, url)
    auth.logout()
    auth.login("lanhdao", "matkhau-lanhdao")
    assert "+ Thêm hoạt động" not in _page(client, url)
    auth.logout()
    auth.login()
    assert "+ Thêm hoạt động" in _page(client, url)
