"""Phòng Nội vụ's hand edits of the annex, each kept in the history."""

from __future__ import annotations

from sqlalchemy import select

from tracker.extensions import db
from tracker.models import Activity, Change, Unit, User
from tracker.models.users import LEADER


def activity(number: str) -> Activity:
    return db.session.scalar(select(Activity).where(Activity.number == number))


def last_change() -> Change:
    return db.session.scalar(select(Change).order_by(Change.id.desc()))


def test_edit_activity_records_before_and_after(app, client, auth):
    auth.login()
    with app.app_context():
        target = activity("6.3")
        url, group_id = f"/activities/{target.id}/edit", target.group_id
    response = client.post(
        url,
        data={
            "group_id": group_id,
            "number": "6.3",
            "text": "Kiểm tra năng lực cán bộ cấp xã.",
            "timeframe_text": "Trước ngày 30/11/2023",
            "dimension_ids": ["5"],
        },
    )
    assert response.status_code == 302
    with app.app_context():
        edited = activity("6.3")
        assert str(edited.due_on) == "2023-11-30"
        assert [d.id for d in edited.dimensions] == [5]
        change = last_change()
        assert change.actor == "Phòng Nội vụ thị xã Vĩnh Châu"
        assert change.before["Thời gian thực hiện"] == "Năm 2023"
        assert change.after["Thời gian thực hiện"] == "Trước ngày 30/11/2023"
        assert change.before["Chỉ số PAPI"] == [5, 8]
    page = client.get(f"/activities/{edited.id}").get_data(as_text=True)
    assert "Trước ngày 30/11/2023" in page and "Năm 2023" in page  # history shows both


def test_add_and_remove_assignment(app, client, auth):
    auth.login()
    with app.app_context():
        target = activity("6.9")
        group = db.session.scalar(select(Unit).where(Unit.name == "UBND xã, phường"))
        url, group_id = f"/activities/{target.id}/assignments", group.id
    client.post(url, data={"assign-unit_id": group_id, "assign-role": "support"})
    with app.app_context():
        target = activity("6.9")
        communes = [a for a in target.assignments if a.via_group_id == group_id]
        assert len(communes) == 10
        assert "Phường 1" in str(last_change().after["Đơn vị phối hợp"])
        first_commune = communes[0].id
    client.post(f"/assignments/{first_commune}/delete")
    with app.app_context():
        assert len([a for a in activity("6.9").assignments if a.via_group_id == group_id]) == 9
        assert last_change().note == "Bỏ đơn vị"


def test_reorder_and_delete(app, client, auth):
    auth.login()
    with app.app_context():
        second = activity("1.2").id
    client.post(f"/activities/{second}/move/up")
    with app.app_context():
        group = activity("1.1").group
        assert [a.number for a in group.activities][:2] == ["1.2", "1.1"]
    client.post(f"/activities/{second}/delete")
    with app.app_context():
        assert activity("1.2") is None
        change = last_change()
        assert change.action == "delete" and change.before["Hoạt động"].startswith(
            "Chuyển giao video"
        )
    # the removed activity's history stays readable
    with app.app_context():
        rows = db.session.scalars(select(Change).where(Change.activity_id == second)).all()
        assert [c.action for c in rows] == ["create", "move", "delete"]


def test_add_activity_to_a_group(app, client, auth):
    auth.login()
    with app.app_context():
        group_id = activity("3.1").group_id
    response = client.post(
        f"/groups/{group_id}/activities/new",
        data={
            "group_id": group_id,
            "number": "3.3",
            "text": "Tập huấn kỹ năng tiếp công dân",
            "timeframe_text": "Quý III/2023",
            "dimension_ids": ["3"],
        },
    )
    assert response.status_code == 302
    with app.app_context():
        added = activity("3.3")
        assert added.group.activities[-1].id == added.id
        assert str(added.due_on) == "2023-09-30"


def test_leader_reads_but_cannot_edit(app, client, auth):
    with app.app_context():
        leader = User(username="lanhdao", full_name="Chủ tịch UBND", role=LEADER)
        leader.set_password("matkhau-lanh-dao")
        db.session.add(leader)
        db.session.commit()
        target = activity("1.1").id
    auth.login("lanhdao", "matkhau-lanh-dao")
    assert client.get("/plans/1/annex").status_code == 200
    assert client.get(f"/activities/{target}").status_code == 200
    assert client.get(f"/activities/{target}/edit").status_code == 403
    assert client.post(f"/activities/{target}/delete").status_code == 403
    assert client.get("/plans/1/import").status_code == 403
    with app.app_context():
        assert activity("1.1") is not None


def test_plan_history_keeps_removed_activities(app, client, auth):
    auth.login()
    with app.app_context():
        target = activity("6.9").id
    client.post(f"/activities/{target}/delete")
    page = client.get("/plans/1/history").get_data(as_text=True)
    assert "Xóa" in page and "Kiểm tra vận hành, xử lý chất thải" in page
    assert "Phòng Tài nguyên và Môi trường" in page
