"""The scheduler process, running one job, and reminders."""

from __future__ import annotations

import json
import smtplib
import sys
from datetime import date

import click
from flask.cli import with_appcontext

from tracker.cli.common import fail
from tracker.clock import today_local
from tracker.domain.dates import screen_date
from tracker.extensions import db
from tracker.scheduler import JOBS, build_scheduler, run_job
from tracker.services import plans as plan_service
from tracker.services.reminders import decisions as reminders
from tracker.services.reminders import mailer, messages


@click.command("scheduler")
@with_appcontext
def scheduler_command() -> None:
    """Chạy tiến trình hẹn giờ (APScheduler): một tiến trình duy nhất, ngoài web."""
    from flask import current_app

    app = current_app._get_current_object()
    scheduler = build_scheduler(app)
    click.echo("Tiến trình hẹn giờ đang chạy: " + ", ".join(j.id for j in scheduler.get_jobs()))
    scheduler.start()


@click.command("run-job")
@with_appcontext
@click.argument("job_id")
def run_job_command(job_id: str) -> None:
    """Chạy ngay một việc hẹn giờ (vd: daily-figures), như tiến trình hẹn giờ sẽ chạy."""
    from flask import current_app

    if job_id not in JOBS:
        fail(f"Không có việc «{job_id}»; có: {', '.join(JOBS)}.")
    run = run_job(current_app._get_current_object(), job_id)
    click.echo(f"{run.job_id}: {run.status} — {run.message}")
    if run.status == "failed":
        sys.exit(1)


@click.group("reminders")
def reminders_group() -> None:
    """Nhắc việc: xem trước, gửi thử."""


@reminders_group.command("preview")
@with_appcontext
@click.option("--on", "on", required=True, help="Ngày YYYY-MM-DD.")
@click.option("--plan", "plan_ref", default="", help="Chỉ một kế hoạch (mã số, số hiệu, năm).")
@click.option("--json", "as_json", is_flag=True, help="In dưới dạng JSON.")
def reminders_preview_command(on: str, plan_ref: str, as_json: bool) -> None:
    """Liệt kê nhắc việc sẽ gửi trong một ngày (không gửi, không ghi gì)."""
    try:
        day = date.fromisoformat(on)
    except ValueError:
        fail(f"--on «{on}» không phải ngày dạng YYYY-MM-DD.")
    plan = plan_service.find_plan(plan_ref) if plan_ref else None
    if plan_ref and plan is None:
        fail(f"Không tìm thấy kế hoạch «{plan_ref}».")
    rows = [
        messages.preview_row(d, day)
        for d in reminders.preview(day, today_local())
        if plan is None or d.plan_id in (plan.id, None)
    ]
    db.session.rollback()
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2, default=str))
        return
    click.echo(f"Nhắc việc ngày {screen_date(day)}: {len(rows)} thông báo.")
    for row in rows:
        mail = row["mail_to"] or "chỉ trong hệ thống"
        click.echo(f"- [{row['kind_label']}] → {row['recipient']} ({row['unit'] or '—'}) · {mail}")
        click.echo(f"  {row['subject']}")


@reminders_group.command("test-mail")
@with_appcontext
@click.option("--to", "address", required=True, help="Địa chỉ nhận thư thử.")
def reminders_test_mail_command(address: str) -> None:
    """Gửi một thư thử qua máy chủ thư đã cấu hình (kiểm tra TRACKER_SMTP_*)."""
    from flask import current_app

    if not current_app.config["SMTP_HOST"]:
        fail("Chưa cấu hình máy chủ thư: đặt TRACKER_SMTP_HOST (và cổng, tài khoản nếu cần).")
    try:
        mailer.send_test(address)
    except (OSError, smtplib.SMTPException) as exc:
        fail(f"Không gửi được: {type(exc).__name__}: {exc}")
    click.echo(f"Đã gửi thư thử tới {address}.")
