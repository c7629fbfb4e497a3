"""`calendar-url`: a unit's feed link for support staff."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from tracker.cli.common import fail
from tracker.clock import LOCAL_TZ
from tracker.domain.dates import screen_time
from tracker.extensions import db
from tracker.services import plans as plan_service
from tracker.services.calendar import feeds as calendar
from tracker.services.calendar import links as calendar_links


@click.command("calendar-url")
@with_appcontext
@click.option("--unit", "unit_ref", required=True, help="Tên đơn vị (hoặc mã số).")
@click.option("--plan", "plan_ref", help="Chỉ một kế hoạch: mã số, số hiệu hoặc năm.")
@click.option("--new", "new", is_flag=True, help="Tạo liên kết mới; liên kết cũ ngừng hoạt động.")
def calendar_url_command(unit_ref: str, plan_ref: str | None, new: bool) -> None:
    """In liên kết lịch (iCalendar) của một đơn vị, để gửi cho đơn vị."""
    from flask import current_app

    units = calendar.find_units(unit_ref)
    if not units:
        fail(f"Không tìm thấy đơn vị «{unit_ref}».")
    if len(units) > 1:
        found = "; ".join(f"{u.id}={u.name}" for u in units)
        fail(f"Có nhiều đơn vị tên «{unit_ref}»: {found}. Dùng --unit với mã số.")
    plan = plan_service.find_plan(plan_ref) if plan_ref else None
    if plan_ref and plan is None:
        fail(f"Không tìm thấy kế hoạch «{plan_ref}».")
    row, token = calendar_links.cli_link(units[0], plan, new)
    scope = plan.reference if plan else "mọi kế hoạch"
    if token is None:
        db.session.rollback()
        fail(
            f"{units[0].name} đã có liên kết lịch ({scope}), tạo lúc "
            f"{screen_time(row.created_at.astimezone(LOCAL_TZ))}. Hệ thống chỉ lưu mã băm nên "
            "không thể in lại liên kết cũ. Chạy lại với --new để tạo liên kết mới "
            "(liên kết cũ sẽ ngừng hoạt động)."
        )
    db.session.commit()
    https, webcal = calendar.FeedSettings.from_config(current_app.config).urls(token)
    click.echo(f"Lịch của {units[0].name} ({scope}):")
    click.echo(f"  {https}")
    click.echo(f"  {webcal}")
    click.echo("Liên kết chỉ in một lần: gửi ngay cho đơn vị và giữ như mật khẩu.")
