"""The unit catalogue from an Excel sheet: template (the locality's units) → upload →
preview (added, changed, unchanged, errors) → confirm. Built like the accounts sheet
(web.users.bulk): the upload is read once when staged (services.staging), and the
preview and the confirmation work from what was read. The confirmation checks the sheet
again inside its write transaction and writes every row or none."""

from __future__ import annotations

from flask import Response, flash, g, redirect, render_template, url_for
from flask_wtf.file import FileField

from tracker import database
from tracker.extensions import db
from tracker.models import User
from tracker.services import unit_sheet
from tracker.services.staging import Staged
from tracker.web import sheets
from tracker.web.auth import coordinator_required
from tracker.web.saving import saving
from tracker.web.sheets import XLSX, ConfirmForm, chosen_locality
from tracker.web.units.common import bp


class UploadForm(ConfirmForm):
    file = FileField("Bảng danh mục đơn vị (.xlsx)")


@bp.route("/units/import", methods=["GET", "POST"])
@database.reads_first  # staging reads the file: no write lock while it does
@coordinator_required
def sheet_upload():
    return sheets.upload_page(
        UploadForm(),
        "Chọn tệp Excel (.xlsx) danh mục đơn vị.",
        "units.sheet_preview",
        "units/sheet_upload.html",
        max_units=unit_sheet.MAX_UNITS,
        kinds=unit_sheet.KIND_CHOICES,
    )


@bp.route("/units/import/template.xlsx")
@coordinator_required
def sheet_template():
    locality = chosen_locality()
    response = Response(unit_sheet.template(locality), mimetype=XLSX)
    response.headers["Content-Disposition"] = "attachment; filename=danh-muc-don-vi.xlsx"
    return response


@bp.route("/units/import/<token>", methods=["GET", "POST"])
@coordinator_required
def sheet_preview(token: str):
    locality = chosen_locality()
    staged = sheets.staged_sheet(token, "Bảng này đã được nhập hoặc đã hết hạn.", "units.index")
    if not isinstance(staged, Staged):
        return staged
    read = staged.document or staged.error
    form = ConfirmForm()
    if form.validate_on_submit():
        by = db.session.get_one(User, g.user_id)
        with saving(unit_sheet.UnitSheetError, show=False) as saved:
            result = unit_sheet.import_sheet(locality, staged.filename, staged.data, read, by)
        if not saved:
            flash(f"Chưa nhập: {saved.refusal}", "error")
        else:
            sheets.discard(token)
            flash(
                f"Đã nhập danh mục đơn vị của {locality.name} từ «{staged.filename}»: thêm "
                f"{result.added + result.new_groups}, sửa {result.changed}, giữ nguyên "
                f"{result.unchanged} đơn vị.",
                "success",
            )
            return redirect(url_for("units.index"))
    preview = unit_sheet.preview_sheet(locality, staged.filename, staged.data, read)
    return render_template(
        "units/sheet_preview.html", preview=preview, form=form, token=token, locality=locality
    )
