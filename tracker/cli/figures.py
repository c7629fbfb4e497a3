"""Commands for figures and files: summary, export, import-snapshot."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import click
from flask.cli import with_appcontext

from tracker.cli.common import fail
from tracker.clock import today_local
from tracker.domain import figure_text
from tracker.domain.dates import screen_date
from tracker.domain.documents import upper_first
from tracker.domain.figures import RULE_LABELS
from tracker.exporters.pdf import ConversionError
from tracker.extensions import db
from tracker.models.audit import FAILED
from tracker.services import (
    audit,
)
from tracker.services import periods as period_service
from tracker.services import plans as plan_service
from tracker.services import province as province_service
from tracker.services.exports import report as export_service
from tracker.services.figures.as_json import figures_json
from tracker.services.figures.names import names
from tracker.services.figures.remembered import figures_for


@click.command("summary")
@with_appcontext
@click.option("--plan", "plan_ref", required=True, help="Kế hoạch: mã số, số hiệu hoặc năm.")
@click.option("--as-of", "as_of", default="", help="Tính đến ngày YYYY-MM-DD (mặc định: hôm nay).")
@click.option(
    "--period", "period_ref", default="", help="Kỳ báo cáo, vd 2023-H1 (mặc định: đến nay)."
)
@click.option("--json", "as_json", is_flag=True, help="In mọi số liệu dưới dạng JSON.")
def summary_command(plan_ref, as_of, period_ref, as_json):
    """Số liệu thực hiện của kế hoạch tính đến một ngày (lũy kế năm)."""

    plan = plan_service.find_plan(plan_ref)
    if plan is None:
        fail(f"Không tìm thấy kế hoạch «{plan_ref}».")
    try:
        day = date.fromisoformat(as_of) if as_of else today_local()
    except ValueError:
        fail(f"--as-of «{as_of}» không phải ngày dạng YYYY-MM-DD.")
    period = period_service.find_period(plan, period_ref) if period_ref else None
    if period_ref and period is None:
        fail(f"Kế hoạch không có kỳ báo cáo «{period_ref}».")
    figures = figures_for(plan, day, period, to_date=period is None)
    named = names(plan)
    db.session.rollback()
    if as_json:
        data = figures_json(plan, figures, named)
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    round_label = named.round_label(figures.round_ids)
    click.echo(f"{plan.reference} — tính đến ngày {day.day}/{day.month}/{day.year}")
    if round_label:
        click.echo(f"Lũy kế đến kỳ {round_label}.")
    click.echo(figure_text.summary(figures.cumulative, figures.noun))
    if round_label:
        click.echo(figure_text.in_round(figures.in_round, round_label, figures.noun))
    click.echo(f"Cách tính: {RULE_LABELS[figures.rule]}.")
    for group_id, tally in sorted(figures.by_group, key=lambda gt: named.groups[gt[0]][2]):
        label, title, _ = named.groups[group_id]
        click.echo(
            f"  Nhóm {label}: đã và đang triển khai {tally.carried_out.fraction} "
            f"({tally.carried_out.percent}), hoàn thành {tally.done.fraction} — {title}"
        )
    for activity in figures.activities:
        if text := named.progress(activity):
            click.echo(f"  {upper_first(named.activities[activity.activity_id].short)}: {text}")


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
    """Nạp bản chụp dữ liệu (.sqlite) của một địa phương vào trang tổng hợp cấp tỉnh."""
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
        f"{verb} {snapshot.district} — {snapshot.headline} "
        f"(tính đến {screen_date(snapshot.as_of)})."
    )
