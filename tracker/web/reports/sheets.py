"""The spreadsheet round trip for units that work offline: Phòng Nội vụ downloads a
unit's sheet for a period, the unit fills it, Phòng Nội vụ uploads it, previews, confirms."""

from __future__ import annotations

import io

from flask import abort, current_app, flash, g, redirect, render_template, send_file, url_for
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice

from tracker import database
from tracker.extensions import db
from tracker.models import Plan, ReportingPeriod, Unit
from tracker.services import periods as period_service
from tracker.services import progress_sheet, reporting, staging
from tracker.web.audit.views import record_now
from tracker.web.auth import coordinator_required
from tracker.web.reports.views import ActionForm, bp
from tracker.web.saving import saving


@bp.route("/plans/<int:plan_id>/periods/<int:period_id>/units/<int:unit_id>/sheet.xlsx")
@coordinator_required
def export_sheet(plan_id: int, period_id: int, unit_id: int):
    plan, period, unit = (
        db.get_or_404(Plan, plan_id),
        db.get_or_404(ReportingPeriod, period_id),
        db.get_or_404(Unit, unit_id),
    )
    if period.plan_id != plan.id:
        abort(404)
    data = progress_sheet.export_unit_sheet(plan, period, unit)
    filename = f"tien-do-{period.code}-{unit.id}.xlsx"
    record_now(
        "export",
        target=f"Bảng tiến độ — {unit.name}, {period.label}",
        plan_id=plan.id,
        detail={"Định dạng": "xlsx", "Kỳ": period.code, "Tệp": filename},
    )
    return send_file(
        io.BytesIO(data),
        as_attachment=True,
        max_age=0,
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        download_name=filename,
    )


class SheetUploadForm(FlaskForm):
    period_id = SelectField(
        "Kỳ báo cáo (chỉ dùng cho tệp không ghi kỳ)",
        coerce=int,
        description="Bảng tải từ hệ thống tự ghi kỳ của nó: kỳ được đọc từ tệp.",
    )
    file = FileField("Bảng tiến độ đơn vị đã điền (.xlsx)")


@bp.route("/plans/<int:plan_id>/progress-import", methods=["GET", "POST"])
@database.reads_first  # staging reads the sheet: no write lock while it does
@coordinator_required
def import_sheet(plan_id: int):
    """Stage a filled sheet and preview it for the period the sheet names."""
    plan = db.get_or_404(Plan, plan_id)
    form = SheetUploadForm()
    periods = period_service.plan_periods(plan)
    form.period_id.choices = [SelectChoice(p.id, p.label) for p in periods]
    if not form.is_submitted():
        current = period_service.current_plan_period(plan)
        form.period_id.data = current.id if current else None
    if form.validate_on_submit():
        upload_file = form.file.data
        if not upload_file or not upload_file.filename:
            flash("Chọn tệp bảng tiến độ.", "error")
        else:
            chosen = next(p for p in periods if p.id == form.period_id.data)
            folder = current_app.config["INSTANCE_DIR"]
            token = staging.stage(folder, upload_file.filename, upload_file.read())
            staged = staging.load(folder, token)
            try:
                period = progress_sheet.period_of_sheet(
                    plan, staged.document if staged else None, chosen
                )
            except progress_sheet.SheetError as exc:
                staging.discard(folder, token)
                flash(str(exc), "error")
            else:
                if period.id != chosen.id:
                    flash(f"Tệp là bảng của kỳ «{period.label}»: nhập cho kỳ đó.", "info")
                return redirect(
                    url_for(
                        "reports.sheet_preview", plan_id=plan.id, period_id=period.id, token=token
                    )
                )
    return render_template("reports/sheet_upload.html", plan=plan, form=form)


@bp.route(
    "/plans/<int:plan_id>/periods/<int:period_id>/progress-import/<token>", methods=["GET", "POST"]
)
@coordinator_required
def sheet_preview(plan_id: int, period_id: int, token: str):
    plan, period = db.get_or_404(Plan, plan_id), db.get_or_404(ReportingPeriod, period_id)
    staged = staging.load(current_app.config["INSTANCE_DIR"], token)
    if staged is None or period.plan_id != plan.id:
        abort(404)
    preview = progress_sheet.preview_sheet(
        plan, period, staged.filename, staged.data, staged.document or staged.error
    )
    form = ActionForm()
    if form.validate_on_submit():
        with saving(reporting.ReportError) as saved:
            count = progress_sheet.apply_sheet(preview, g.user)
        if saved:
            staging.discard(current_app.config["INSTANCE_DIR"], token)
            flash(f"Đã ghi {count} báo cáo của {preview.unit.name}; chờ duyệt.", "success")
            return redirect(url_for("reports.queue", plan_id=plan.id))
    db.session.rollback()  # what the preview read is shown, never kept
    return render_template(
        "reports/sheet_preview.html", plan=plan, period=period, preview=preview, form=form
    )
