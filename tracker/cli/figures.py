"""Commands for figures and files: summary, export, import-snapshot."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import click
from flask.cli import with_appcontext

from tracker.cli.common import fail
from tracker.clock import today_local
from tracker.exporters.pdf import ConversionError
from tracker.extensions import db
from tracker.models.audit import FAILED
from tracker.services import (
    audit,
)
from tracker.services import exports as export_service
from tracker.services import plans as plan_service
from tracker.services import province as province_service
from tracker.services.summary import compute_summary


@click.command("summary")
@with_appcontext
@click.option("--plan", "plan_ref", required=True, help="Kế hoạch: mã số, số hiệu hoặc năm.")
@click.option("--as-of", "as_of", default="", help="Tính đến ngày YYYY-MM-DD (mặc định: hôm nay).")
@click.option("--json", "as_json", is_flag=True, help="In mọi số liệu dưới dạng JSON.")
def summary_command(plan_ref, as_of, as_json):
    """Số liệu hoàn thành của kế hoạch tính đến một ngày."""

    plan = plan_service.find_plan(plan_ref)
    if plan is None:
        fail(f"Không tìm thấy kế hoạch «{plan_ref}».")
    try:
        day = date.fromisoformat(as_of) if as_of else today_local()
    except ValueError:
        fail(f"--as-of «{as_of}» không phải ngày dạng YYYY-MM-DD.")
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


@click.command("export")
@with_appcontext
@click.argument("fmt", metavar="{docx,xlsx,pdf,csv,form,snapshot}")
@click.option("--plan", "plan_ref", required=True, help="Kế hoạch: mã số, số hiệu hoặc năm.")
@click.option(
    "--period", "period_ref", default="", help="Kỳ báo cáo, vd 2023-Y (mặc định: kỳ vừa chốt)."
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
        fail(str(exc))
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
        fail(f"Không tìm thấy tệp «{file}».")
    try:
        snapshot, replaced = province_service.import_snapshot(file.name, file.read_bytes())
    except province_service.SnapshotError as exc:
        db.session.rollback()
        audit.record(
            "import.snapshot", target=file.name, outcome=FAILED, detail={"Lý do": str(exc)}
        )
        db.session.commit()
        fail(str(exc))
    db.session.commit()
    verb = "Đã thay bản chụp cũ của" if replaced else "Đã nạp bản chụp của"
    click.echo(
        f"{verb} {snapshot.district} — {snapshot.headline} (tính đến {snapshot.as_of:%d/%m/%Y})."
    )
