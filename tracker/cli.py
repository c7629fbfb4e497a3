"""Command line: `flask --app wsgi <command>`. Each command commits exactly once."""

from __future__ import annotations

import json
import smtplib
import sys
from datetime import date
from pathlib import Path

import click
from flask import Flask
from flask.cli import with_appcontext
from sqlalchemy import select

from tracker import cli_backup
from tracker.clock import LOCAL_TZ, today_local
from tracker.exporters.pdf import ConversionError
from tracker.extensions import db
from tracker.models import Locality, Plan
from tracker.models.audit import FAILED
from tracker.scheduler import JOBS, build_scheduler, run_job
from tracker.services import (
    audit,
    calendar,
    calendar_links,
    mailer,
    messages,
    progress_sheet,
    reminders,
)
from tracker.services import exports as export_service
from tracker.services import plans as plan_service
from tracker.services import province as province_service
from tracker.services.annex_import import (
    ImportPreview,
    Mapping_,
    apply_import,
    parse_mapping,
    preview_import,
)
from tracker.services.seeding import load_seeds
from tracker.services.summary import compute_summary


def init_app(app: Flask) -> None:
    app.cli.add_command(seed_command)
    app.cli.add_command(import_annex_command)
    app.cli.add_command(import_progress_command)
    app.cli.add_command(summary_command)
    app.cli.add_command(scheduler_command)
    app.cli.add_command(run_job_command)
    app.cli.add_command(reminders_group)
    app.cli.add_command(export_command)
    app.cli.add_command(import_snapshot_command)
    app.cli.add_command(calendar_url_command)
    app.cli.add_command(cli_backup.backup_command)
    app.cli.add_command(cli_backup.restore_command)


def _fail(message: str) -> None:
    click.echo(message, err=True)
    sys.exit(1)


@click.command("seed")
@with_appcontext
@click.option("--demo/--no-demo", default=True, help="Kèm tiến độ mẫu năm 2023 (mặc định: có).")
def seed_command(demo: bool) -> None:
    """Nạp dữ liệu mẫu: chỉ số PAPI, đơn vị Vĩnh Châu, Kế hoạch 63/KH-UBND và tiến độ mẫu 2023."""
    result = load_seeds(demo=demo)
    db.session.commit()
    click.echo(
        f"Đã nạp: {result.dimensions} chỉ số PAPI, {result.units} đơn vị, "
        f"{result.plans} kế hoạch, {result.activities} hoạt động, {result.users} tài khoản, "
        f"{result.reports} báo cáo mẫu."
    )


def _locality(name: str | None) -> Locality:
    stmt = select(Locality).order_by(Locality.id)
    if name:
        stmt = stmt.where(Locality.name == name)
    locality = db.session.scalar(stmt)
    if locality is None:
        _fail("Chưa có địa phương nào: chạy `flask --app wsgi seed` trước.")
    return locality


def _mappings(values: tuple[str, ...]) -> dict[str, Mapping_]:
    result = {}
    for value in values:
        written, _, target = value.rpartition("=")
        mapping = parse_mapping(target)
        if not written or mapping is None:
            _fail(f"--map «{value}» không hợp lệ: dùng «Tên như trong tệp=12» hoặc «…=new:vague».")
        result[written] = mapping
    return result


@click.command("import-annex")
@with_appcontext
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--plan", "plan_ref", help="Kế hoạch nhận phụ lục: mã số, số hiệu (63/KH-UBND) hoặc năm."
)
@click.option("--dry-run", is_flag=True, help="Chỉ đọc và báo cáo, không ghi gì.")
@click.option("--json", "as_json", is_flag=True, help="In phụ lục đã đọc dưới dạng JSON.")
@click.option(
    "--map",
    "maps",
    multiple=True,
    help="Ánh xạ tên đơn vị lạ: «Tên=12» (mã đơn vị, nhiều mã cách nhau dấu phẩy) "
    "hoặc «Tên=new:vague».",
)
@click.option("--number", default="", help="Số kế hoạch mới (khi không có --plan).")
@click.option("--issued-on", default="", help="Ngày ban hành kế hoạch mới, YYYY-MM-DD.")
@click.option("--year", type=int, help="Năm của kế hoạch mới.")
@click.option("--title", default="", help="Trích yếu của kế hoạch mới.")
@click.option(
    "--noun", default="nhiệm vụ", help="Danh từ dùng trong số liệu (chỉ tiêu, nhiệm vụ…)."
)
@click.option("--locality", default=None, help="Địa phương (mặc định: địa phương đầu tiên).")
def import_annex_command(
    file, plan_ref, dry_run, as_json, maps, number, issued_on, year, title, noun, locality
):
    """Nhập phụ lục phân công (.docx, .xlsx, .txt/.tsv) vào một kế hoạch."""
    if plan_ref:
        plan = plan_service.find_plan(plan_ref)
        if plan is None:
            _fail(f"Không tìm thấy kế hoạch «{plan_ref}».")
    else:
        plan = _new_plan(_locality(locality), number, issued_on, year, title, noun, dry_run)
    preview = preview_import(plan, file.name, file.read_bytes(), _mappings(maps))
    if as_json:
        click.echo(json.dumps(_preview_json(preview), ensure_ascii=False, indent=2))
    else:
        _print_preview(preview)
    if not preview.can_apply:
        db.session.rollback()
        sys.exit(1)
    if dry_run:
        db.session.rollback()
        return
    result = apply_import(preview, None)
    db.session.commit()
    if not as_json:
        click.echo(
            f"Đã nhập vào {plan.reference} (mã {plan.id}): thêm {result.added}, "
            f"sửa {result.changed}, xóa {result.removed}, giữ nguyên {result.unchanged}."
        )


def _new_plan(locality, number, issued_on, year, title, noun, dry_run) -> Plan:
    try:
        issued = date.fromisoformat(issued_on) if issued_on else None
    except ValueError:
        _fail(f"--issued-on «{issued_on}» không phải ngày dạng YYYY-MM-DD.")
    year = year or (issued.year if issued else None)
    if not dry_run and (not year or not title):
        _fail("Kế hoạch mới cần --year và --title (hoặc dùng --plan cho kế hoạch đã có).")
    try:
        return plan_service.create_plan(
            locality,
            number=number,
            issued_on=issued,
            year=year or date.today().year,
            title=title or "(chưa có trích yếu)",
            noun=noun,
            user=None,
        )
    except plan_service.PlanError as exc:
        _fail(str(exc))


def _preview_json(preview: ImportPreview) -> dict:
    if preview.resolved is None or preview.catalog is None:
        return {
            "groups": [],
            "problems": [
                {"row": p.row, "level": p.level, "message": p.message} for p in preview.problems
            ],
        }
    data = plan_service.resolved_json(preview.resolved, preview.catalog)
    data["problems"] = [
        {"row": p.row, "level": p.level, "message": p.message} for p in preview.problems
    ]
    data["unknown_units"] = [
        {
            "text": u.text,
            "rows": list(u.rows),
            "suggestions": [{"id": s, "name": preview.catalog.get(s).name} for s in u.suggestions],
        }
        for u in preview.resolved.unknown
    ]
    diff = preview.diff
    data["changes"] = {
        "added": len(diff.added),
        "changed": len(diff.changed),
        "removed": len(diff.removed),
        "unchanged": len(diff.unchanged),
    }
    return data


def _print_preview(preview: ImportPreview) -> None:
    if preview.parsed is not None:
        click.echo(
            f"Tệp {preview.filename}: {len(preview.parsed.groups)} nhóm nội dung, "
            f"{preview.parsed.activity_count} hoạt động."
        )
    for p in preview.problems:
        where = f"dòng {p.row}: " if p.row else ""
        click.echo(f"[{p.level}] {where}{p.message}", err=p.level == "error")
    if preview.resolved is not None and preview.catalog is not None:
        for u in preview.resolved.unknown:
            hints = ", ".join(f"{s}={preview.catalog.get(s).name}" for s in u.suggestions)
            click.echo(f"  Gợi ý cho «{u.text}»: {hints or 'không có'}", err=True)
    if preview.diff is not None:
        d = preview.diff
        click.echo(
            f"Thay đổi: thêm {len(d.added)}, sửa {len(d.changed)}, xóa {len(d.removed)}, "
            f"giữ nguyên {len(d.unchanged)}."
        )


@click.command("import-progress")
@with_appcontext
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--plan", "plan_ref", required=True, help="Kế hoạch: mã số, số hiệu hoặc năm.")
@click.option("--period", "period_ref", required=True, help="Kỳ báo cáo: mã như 2023-H1 hoặc số.")
@click.option("--dry-run", is_flag=True, help="Chỉ kiểm tra và báo cáo, không ghi gì.")
@click.option("--json", "as_json", is_flag=True, help="In kết quả kiểm tra dưới dạng JSON.")
def import_progress_command(file, plan_ref, period_ref, dry_run, as_json):
    """Nhập bảng tiến độ (.xlsx) một đơn vị đã điền, tải từ hệ thống."""

    plan = plan_service.find_plan(plan_ref)
    if plan is None:
        _fail(f"Không tìm thấy kế hoạch «{plan_ref}».")
    period = progress_sheet.find_period(plan, period_ref)
    if period is None:
        _fail(f"Kế hoạch không có kỳ «{period_ref}».")
    preview = progress_sheet.preview_sheet(plan, period, file.name, file.read_bytes())
    report = {
        "unit": preview.unit.name if preview.unit else None,
        "period": period.code,
        "errors": preview.errors,
        "rows": [
            {
                "row": line.row,
                "assignment_id": line.assignment.id if line.assignment else None,
                "errors": line.errors,
                "changes": {k: {"before": b, "after": a} for k, (b, a) in line.changes.items()},
            }
            for line in preview.lines
        ],
    }
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        for message in preview.errors:
            click.echo(f"[error] {message}", err=True)
        for line in preview.bad_lines:
            click.echo(f"[error] dòng {line.row}: {' '.join(line.errors)}", err=True)
        click.echo(f"{len(preview.changed_lines)} dòng có thay đổi.")
    if preview.errors or preview.bad_lines:
        db.session.rollback()
        sys.exit(1)
    if dry_run or not preview.changed_lines:
        db.session.rollback()
        return
    count = progress_sheet.apply_sheet(preview, None)
    db.session.commit()
    if not as_json:
        click.echo(f"Đã ghi {count} báo cáo (trạng thái: đã gửi, chờ duyệt).")


@click.command("summary")
@with_appcontext
@click.option("--plan", "plan_ref", required=True, help="Kế hoạch: mã số, số hiệu hoặc năm.")
@click.option("--as-of", "as_of", default="", help="Tính đến ngày YYYY-MM-DD (mặc định: hôm nay).")
@click.option("--json", "as_json", is_flag=True, help="In mọi số liệu dưới dạng JSON.")
def summary_command(plan_ref, as_of, as_json):
    """Số liệu hoàn thành của kế hoạch tính đến một ngày."""

    plan = plan_service.find_plan(plan_ref)
    if plan is None:
        _fail(f"Không tìm thấy kế hoạch «{plan_ref}».")
    try:
        day = date.fromisoformat(as_of) if as_of else today_local()
    except ValueError:
        _fail(f"--as-of «{as_of}» không phải ngày dạng YYYY-MM-DD.")
    data = compute_summary(plan, day)
    db.session.rollback()
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    summary = data["summary"]
    click.echo(f"{plan.reference} — tính đến ngày {day.day}/{day.month}/{day.year}")
    click.echo(summary["headline"] + ".")
    click.echo(summary["breakdown"])
    click.echo(f"Cách tính: {data['rule']['text']}.")
    for group in data["by_group"]:
        done, carried = group["done"], group["carried_out"]
        click.echo(
            f"  Nhóm {group['label']}: thực hiện {carried['fraction']} ({carried['percent']}), "
            f"hoàn thành {done['fraction']} — {group['title'][:50]}"
        )


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
        _fail(f"Không có việc «{job_id}»; có: {', '.join(JOBS)}.")
    run = run_job(current_app._get_current_object(), job_id)
    click.echo(f"{run.job_id}: {run.status} — {run.message}")
    if run.status == "failed":
        sys.exit(1)


@click.command("export")
@with_appcontext
@click.argument("fmt", metavar="{docx,xlsx,pdf,csv,form,snapshot}")
@click.option("--plan", "plan_ref", required=True, help="Kế hoạch: mã số, số hiệu hoặc năm.")
@click.option(
    "--period", "period_ref", default="", help="Kỳ báo cáo, vd 2023-H2 (mặc định: kỳ vừa chốt)."
)
@click.option("--as-of", "as_of", default="", help="Tính đến ngày YYYY-MM-DD (mặc định: hôm nay).")
@click.option(
    "--to", "recipient", default=None, help='Nơi "Kính gửi" (mặc định: Sở Nội vụ; "" để bỏ).'
)
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path))
def export_command(fmt, plan_ref, period_ref, as_of, recipient, output):
    """Xuất báo cáo, phụ lục, số liệu hoặc bản chụp dữ liệu của một kế hoạch ra tệp."""
    try:
        request = export_service.ExportRequest(
            plan=plan_ref,
            period=period_ref,
            as_of=export_service.parse_as_of(as_of),
            recipient=recipient,
        )
        export_format, content, data = export_service.export(request, fmt)
    except (export_service.ExportError, ConversionError) as exc:
        _fail(str(exc))
    output.write_bytes(content)
    audit.record("export", **export_service.audit_fields(export_format, data))
    db.session.commit()
    click.echo(
        f"Đã xuất {export_format.label}: {output} ({len(content):,} byte).".replace(",", ".")
    )


@click.command("import-snapshot")
@with_appcontext
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def import_snapshot_command(file):
    """Nạp bản chụp dữ liệu (.sqlite) của một huyện, thị xã vào trang tổng hợp cấp tỉnh."""
    if not file.is_file():
        _fail(f"Không tìm thấy tệp «{file}».")
    try:
        snapshot, replaced = province_service.import_snapshot(file.name, file.read_bytes())
    except province_service.SnapshotError as exc:
        db.session.rollback()
        audit.record(
            "import.snapshot", target=file.name, outcome=FAILED, detail={"Lý do": str(exc)}
        )
        db.session.commit()
        _fail(str(exc))
    db.session.commit()
    verb = "Đã thay bản chụp cũ của" if replaced else "Đã nạp bản chụp của"
    click.echo(
        f"{verb} {snapshot.district} — {snapshot.headline} (tính đến {snapshot.as_of:%d/%m/%Y})."
    )


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
        _fail(f"--on «{on}» không phải ngày dạng YYYY-MM-DD.")
    plan = plan_service.find_plan(plan_ref) if plan_ref else None
    if plan_ref and plan is None:
        _fail(f"Không tìm thấy kế hoạch «{plan_ref}».")
    rows = [
        messages.preview_row(d, day)
        for d in reminders.preview(day, today_local())
        if plan is None or d.plan_id in (plan.id, None)
    ]
    db.session.rollback()
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2, default=str))
        return
    click.echo(f"Nhắc việc ngày {day:%d/%m/%Y}: {len(rows)} thông báo.")
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
        _fail("Chưa cấu hình máy chủ thư: đặt TRACKER_SMTP_HOST (và cổng, tài khoản nếu cần).")
    try:
        mailer.send_test(address)
    except (OSError, smtplib.SMTPException) as exc:
        _fail(f"Không gửi được: {type(exc).__name__}: {exc}")
    click.echo(f"Đã gửi thư thử tới {address}.")


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
        _fail(f"Không tìm thấy đơn vị «{unit_ref}».")
    if len(units) > 1:
        found = "; ".join(f"{u.id}={u.name}" for u in units)
        _fail(f"Có nhiều đơn vị tên «{unit_ref}»: {found}. Dùng --unit với mã số.")
    plan = plan_service.find_plan(plan_ref) if plan_ref else None
    if plan_ref and plan is None:
        _fail(f"Không tìm thấy kế hoạch «{plan_ref}».")
    row, token = calendar_links.cli_link(units[0], plan, new)
    scope = plan.reference if plan else "mọi kế hoạch"
    if token is None:
        db.session.rollback()
        _fail(
            f"{units[0].name} đã có liên kết lịch ({scope}), tạo lúc "
            f"{row.created_at.astimezone(LOCAL_TZ):%H:%M %d/%m/%Y}. Hệ thống chỉ lưu mã băm nên "
            "không thể in lại liên kết cũ. Chạy lại với --new để tạo liên kết mới "
            "(liên kết cũ sẽ ngừng hoạt động)."
        )
    db.session.commit()
    https, webcal = calendar.FeedSettings.from_config(current_app.config).urls(token)
    click.echo(f"Lịch của {units[0].name} ({scope}):")
    click.echo(f"  {https}")
    click.echo(f"  {webcal}")
    click.echo("Liên kết chỉ in một lần: gửi ngay cho đơn vị và giữ như mật khẩu.")
