"""The "Xuất báo cáo" page of a plan (coordinator and leaders): choose the period and
the "as of" date, download each format; and the province view of imported snapshots."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, g, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from flask_wtf.file import FileField

from tracker import database
from tracker.domain.text import one_line
from tracker.exporters import EXPORTS
from tracker.exporters.pdf import ConversionError, soffice
from tracker.extensions import db
from tracker.models.audit import FAILED
from tracker.models.users import COORDINATOR, LEADER
from tracker.services import periods as period_service
from tracker.services import province as province_service
from tracker.services import tenancy
from tracker.services.exports import report as export_service
from tracker.web.audit.views import record_now
from tracker.web.auth import coordinator_required, login_required
from tracker.web.plans.views import get_plan_or_404

bp = Blueprint("exports", __name__)


class SnapshotForm(FlaskForm):
    file = FileField("Bản chụp dữ liệu của một địa phương (.sqlite)")


def _readers_only() -> None:
    """Exports show every unit's accepted reports: Phòng Nội vụ and leaders only."""
    if g.user.role not in (COORDINATOR, LEADER):
        abort(403)


def _province_only() -> None:
    """The province page is not a commune's or a district's in a shared instance."""
    if not tenancy.sees_province_view(g.user):
        abort(404)


def _request(plan_id: int) -> export_service.ExportRequest:
    """The export asked for in the query: period, "as of" date, and for the Word report
    the document number, "Kính gửi" (absent: the plan's) and the signing day (absent:
    left blank for the clerk)."""
    to = request.args.get("to")
    return export_service.ExportRequest(
        plan=plan_id,
        period=request.args.get("period", "")[:20],
        as_of=export_service.parse_as_of(request.args.get("as_of", "")[:20]),
        recipient=one_line(to)[:300] if to is not None else None,
        document_number=one_line(request.args.get("number", ""))[:20],
        signed_on=export_service.parse_as_of(request.args.get("signed", "")[:20]),
    )


@bp.route("/plans/<int:plan_id>/exports")
@login_required
def page(plan_id: int):
    _readers_only()
    get_plan_or_404(plan_id)
    try:
        data = export_service.build_report_data(_request(plan_id))
    except export_service.ExportError as exc:
        flash(str(exc), "error")
        data = None
    plan = get_plan_or_404(plan_id)  # the export's read ended: read the plan afresh
    html = render_template(
        "exports/page.html",
        plan=plan,
        periods=period_service.plan_periods(plan),
        data=data,
        formats=EXPORTS.values(),
        has_soffice=soffice() is not None,
    )
    return html, 200 if data is not None else 400


@bp.route("/plans/<int:plan_id>/exports/download")
@login_required
def download(plan_id: int):
    _readers_only()
    get_plan_or_404(plan_id)
    code = request.args.get("format", "docx")
    try:
        export_format, content, data = export_service.export(_request(plan_id), code)
    except (export_service.ExportError, ConversionError) as exc:
        flash(str(exc), "error")
        return redirect(url_for("exports.page", plan_id=plan_id))
    # No file leaves without its audit row: if the row cannot be written, neither is the file.
    record_now("export", **export_service.audit_fields(export_format, data))
    response = Response(content, mimetype=export_format.mime)
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{export_format.filename(data)}"'
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/province")
@login_required
def province():
    _readers_only()
    _province_only()
    view = province_service.province_view()
    db.session.rollback()  # the read ends: the page is plain data
    return render_template("exports/province.html", view=view, form=SnapshotForm())


@bp.route("/province/import", methods=["POST"])
@database.reads_first  # the file is checked and read before the write lock is taken
@coordinator_required
def import_snapshot():
    _province_only()
    form = SnapshotForm()
    upload = form.file.data if form.validate_on_submit() else None
    if upload is None or not upload.filename:
        flash("Chọn tệp bản chụp (.sqlite) để nạp.", "error")
        return redirect(url_for("exports.province"))
    try:
        found = province_service.read_snapshot(upload.read())
    except province_service.SnapshotError as exc:
        record_now(
            "import.snapshot",
            target=upload.filename[:200],
            outcome=FAILED,
            detail={"Lý do": str(exc)},
        )
        flash(str(exc), "error")
        return redirect(url_for("exports.province"))
    with database.writing(db.session):
        snapshot, replaced = province_service.store_snapshot(upload.filename, found)
        district = snapshot.district
    verb = "Đã thay bản chụp cũ của" if replaced else "Đã nạp bản chụp của"
    flash(f"{verb} {district}.", "success")
    return redirect(url_for("exports.province"))
