"""Annex import: upload (file or pasted text) → preview → map unknown units → confirm."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from werkzeug.utils import secure_filename
from wtforms import TextAreaField

from tracker import database
from tracker.domain.annex_diff import FIELD_LABELS
from tracker.domain.units import UnitKind
from tracker.extensions import db
from tracker.models.units import UNIT_KIND_LABELS
from tracker.services import catalog as catalog_service
from tracker.services import staging
from tracker.services.annex_import import apply_import, parse_mapping, preview_import
from tracker.web.auth import coordinator_required
from tracker.web.plans.views import get_plan_or_404
from tracker.web.saving import saving

bp = Blueprint("imports", __name__)

PASTED_NAME = "pasted.txt"


class UploadForm(FlaskForm):
    file = FileField("Tệp phụ lục (.docx, .xlsx, .txt)")
    pasted = TextAreaField("Hoặc dán bảng phụ lục (chép từ Word/Excel)")


class ConfirmForm(FlaskForm):
    """CSRF only; the mapping selects are read from request.form by name."""


def _instance_dir():
    return current_app.config["INSTANCE_DIR"]


@bp.route("/plans/<int:plan_id>/import", methods=["GET", "POST"])
@database.reads_first  # staging reads the file: no write lock while it does
@coordinator_required
def upload(plan_id: int):
    plan = get_plan_or_404(plan_id)
    form = UploadForm()
    if form.validate_on_submit():
        upload_file = form.file.data
        if upload_file and upload_file.filename:
            filename = upload_file.filename
            data = upload_file.read()
        elif (form.pasted.data or "").strip():
            filename, data = PASTED_NAME, form.pasted.data.encode("utf-8")
        else:
            flash("Chọn một tệp hoặc dán nội dung bảng phụ lục.", "error")
            return render_template("imports/upload.html", plan=plan, form=form), 400
        token = staging.stage(_instance_dir(), _display_name(filename), data)
        return redirect(url_for("imports.preview", plan_id=plan.id, token=token))
    return render_template("imports/upload.html", plan=plan, form=form)


def _display_name(filename: str) -> str:
    """Keep Vietnamese letters but no path parts; fall back to a safe ASCII name."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1].strip()
    return name[:200] or secure_filename(filename) or "phu-luc"


def _chosen_mappings():
    mappings = {}
    for key, value in request.form.items():
        if key.startswith("map::"):
            mapping = parse_mapping(value)
            if mapping is not None:
                mappings[key[len("map::") :]] = mapping
    return mappings


def _chosen_corrections() -> dict[int, str]:
    """Timeframe readings Phòng Nội vụ wrote in the preview, by annex row."""
    found = {}
    for key, value in request.form.items():
        row = key.removeprefix("tf::")
        if row != key and row.isdigit() and value.strip():
            found[int(row)] = value.strip()[:300]
    return found


@bp.route("/plans/<int:plan_id>/import/<token>", methods=["GET", "POST"])
@coordinator_required
def preview(plan_id: int, token: str):
    plan = get_plan_or_404(plan_id)
    staged = staging.load(_instance_dir(), token)
    if staged is None:
        abort(404)
    form = ConfirmForm()
    posted = request.method == "POST"
    mappings = _chosen_mappings() if posted else {}
    corrections = _chosen_corrections() if posted else {}
    read = staged.document or staged.error
    result = preview_import(plan, staged.filename, staged.data, mappings, read, corrections)
    if form.validate_on_submit() and request.form.get("action") == "confirm":
        if not result.can_apply:
            flash("Chưa thể nhập: còn lỗi hoặc đơn vị chưa được ánh xạ (xem bên dưới).", "error")
        else:
            with saving():
                outcome = apply_import(result, g.user)
            staging.discard(_instance_dir(), token)
            flash(
                f"Đã nhập phụ lục: thêm {outcome.added}, sửa {outcome.changed}, "
                f"xóa {outcome.removed}, giữ nguyên {outcome.unchanged} hoạt động.",
                "success",
            )
            return redirect(url_for("plans.annex", plan_id=plan.id))
    db.session.rollback()  # what the preview resolved is shown, never kept
    units = catalog_service.sorted_units(catalog_service.units_of(plan.locality_id))
    return render_template(
        "imports/preview.html",
        plan=plan,
        preview=result,
        token=token,
        form=form,
        units=units,
        field_labels=FIELD_LABELS,
        kinds=[(k.value, UNIT_KIND_LABELS[k]) for k in UnitKind if k != UnitKind.GROUP],
        chosen={k: request.form.get(f"map::{k}", "") for k in _unknown_names(result)},
        corrections=corrections,
    )


def _unknown_names(result) -> list[str]:
    """Names chosen in an earlier round stay listed, so the confirmation posts them again."""
    unknown = [u.text for u in result.resolved.unknown] if result.resolved else []
    return list(dict.fromkeys([*result.mappings, *unknown]))
