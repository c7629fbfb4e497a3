"""Commands for plans and their annex: seed, import-annex, import-progress."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from tracker.cli.common import fail
from tracker.extensions import db
from tracker.models import Locality, Plan
from tracker.services import plans as plan_service
from tracker.services import (
    progress_sheet,
)
from tracker.services.annex_import import (
    ImportPreview,
    Mapping_,
    apply_import,
    parse_mapping,
    preview_import,
)
from tracker.services.seeding import SAMPLES, VINH_CHAU, load_seeds


@click.command("seed")
@with_appcontext
@click.option(
    "--demo",
    "sample",
    type=click.Choice(SAMPLES),
    default=VINH_CHAU,
    show_default=True,
    help="Dữ liệu mẫu: vinh-chau (Kế hoạch 63/KH-UBND năm 2023, kèm tiến độ), province "
    "(tỉnh Minh Họa hư cấu: 100 xã, phường, kế hoạch tỉnh và ba kế hoạch xã năm 2026), "
    "none (chỉ dữ liệu dùng chung, cho hệ thống thật).",
)
@click.option("--no-demo", is_flag=True, help="Vĩnh Châu không kèm tiến độ mẫu năm 2023.")
def seed_command(sample: str, no_demo: bool) -> None:
    """Nạp bộ chỉ số PAPI, PAR INDEX, SIPAS, ngày nghỉ và làm bù do Chính phủ công bố, và
    dữ liệu mẫu (mặc định: đơn vị Vĩnh Châu, Kế hoạch 63/KH-UBND và tiến độ mẫu 2023).
    Chạy lại không đổi gì."""
    if no_demo and sample != VINH_CHAU:
        fail("--no-demo chỉ dùng với dữ liệu mẫu Vĩnh Châu.")
    result = load_seeds(demo=not no_demo, sample=sample)
    db.session.commit()
    click.echo(
        f"Đã nạp: {result.dimensions} chỉ số thành phần, {result.days} ngày nghỉ/làm bù, "
        f"{result.units} đơn vị, {result.plans} kế hoạch, {result.activities} hoạt động, "
        f"{result.users} tài khoản, {result.reports} báo cáo mẫu."
    )


def _locality(name: str | None) -> Locality:
    stmt = select(Locality).order_by(Locality.id)
    if name:
        stmt = stmt.where(Locality.name == name)
    locality = db.session.scalar(stmt)
    if locality is None:
        fail("Chưa có địa phương nào: chạy `flask --app wsgi seed` trước.")
    return locality


def _mappings(values: tuple[str, ...]) -> dict[str, Mapping_]:
    result = {}
    for value in values:
        written, _, target = value.rpartition("=")
        mapping = parse_mapping(target)
        if not written or mapping is None:
            fail(f"--map «{value}» không hợp lệ: dùng «Tên như trong tệp=12» hoặc «…=new:vague».")
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
            fail(f"Không tìm thấy kế hoạch «{plan_ref}».")
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
        fail(f"--issued-on «{issued_on}» không phải ngày dạng YYYY-MM-DD.")
    year = year or (issued.year if issued else None)
    if not dry_run and (not year or not title):
        fail("Kế hoạch mới cần --year và --title (hoặc dùng --plan cho kế hoạch đã có).")
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
        fail(str(exc))


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
        fail(f"Không tìm thấy kế hoạch «{plan_ref}».")
    period = progress_sheet.find_period(plan, period_ref)
    if period is None:
        fail(f"Kế hoạch không có kỳ «{period_ref}».")
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
