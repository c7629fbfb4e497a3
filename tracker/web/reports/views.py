"""Progress reports: the unit's work page, the report form with its evidence files, the
report page, reporting periods, deadline changes and reassignment. Review is in
review.py, the spreadsheet round trip in sheets.py: both add their views to `bp`."""

from __future__ import annotations

from datetime import date

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, MultipleFileField
from sqlalchemy import select
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Optional

from tracker import database
from tracker.clock import today_local
from tracker.domain.figures import RULE_LABELS
from tracker.domain.periods import KIND_LABELS, PeriodKind
from tracker.extensions import db
from tracker.models import (
    Activity,
    Assignment,
    Attachment,
    Plan,
    ProgressReport,
    ReportingPeriod,
    Unit,
)
from tracker.models.reporting import STATUS_LABELS
from tracker.models.users import OFFICER
from tracker.services import attachments as attachment_service
from tracker.services import catalog as catalog_service
from tracker.services import frameworks as framework_service
from tracker.services import periods as period_service
from tracker.services import plans as plan_service
from tracker.services import report_entry, reporting, unit_work
from tracker.services import review as review_service
from tracker.services.exports import report as export_service
from tracker.web.auth import coordinator_required, login_required
from tracker.web.saving import saving
from tracker.web.wording import OfficeLabels, office

bp = Blueprint("reports", __name__)


class ReportForm(FlaskForm):
    status = SelectField(
        "Tình trạng thực hiện", choices=[SelectChoice(k, v) for k, v in STATUS_LABELS.items()]
    )
    result = TextAreaField("Kết quả thực hiện")
    evidence_text = TextAreaField(
        "Văn bản, minh chứng",
        description="Ví dụ: Kế hoạch số 35/KH-UBND ngày 22/02/2026 của UBND tỉnh",
    )
    completed_on = DateField("Ngày hoàn thành", validators=[Optional()])
    reason = TextAreaField("Lý do không thực hiện")
    difficulties = TextAreaField("Khó khăn, vướng mắc")
    proposals = TextAreaField("Đề xuất, kiến nghị")
    files = MultipleFileField("Thêm tệp minh chứng (PDF, Word, Excel, ảnh JPG/PNG)")


class ReportSettingsForm(FlaskForm):
    """What the report upward says beyond the annex (services.plans.ReportSettings)."""

    noun = SelectField(
        "Đơn vị đếm trong số liệu", choices=[SelectChoice(n, n) for n in plan_service.NOUNS]
    )
    basis = TextAreaField("Kế hoạch này triển khai văn bản nào (trích dẫn trong câu mở đầu)")
    recipient = StringField("Kính gửi")  # the view adds what an empty one means
    signer_name = StringField("Họ tên người ký")
    signer_role = SelectField(
        "Người ký", choices=[SelectChoice(k, v) for k, v in plan_service.SIGNER_ROLES.items()]
    )


class ReviewForm(OfficeLabels, FlaskForm):
    comment = TextAreaField("Ý kiến của {office}")


class FileForm(FlaskForm):
    file = FileField("Tệp minh chứng (PDF, Word, Excel, ảnh)")


class DeadlineForm(FlaskForm):
    due_on = DateField("Thời hạn mới", validators=[DataRequired("Chọn ngày.")])
    reason = StringField("Lý do", validators=[DataRequired("Ghi lý do.")])


class ReassignForm(FlaskForm):
    unit_id = SelectField("Giao cho đơn vị", coerce=int)
    reason = StringField("Lý do", validators=[DataRequired("Ghi lý do.")])


class ActionForm(FlaskForm):
    """CSRF only."""


def _readable_report(report_id: int) -> ProgressReport:
    report = db.get_or_404(ProgressReport, report_id)
    if not reporting.can_read(g.user, report.assignment):
        abort(404)  # another unit's report does not exist for this user
    return report


# ---- the unit's work page -------------------------------------------------------------


@bp.route("/work")
@login_required
def work():
    """What a unit owes on every plan followed, each plan in its current period:
    returned reports, overdue, due — first thing. `?plan=` shows one plan (an archived
    one too: e-mails link there), `?period=` one of that plan's periods."""
    followed = plan_service.followed_plans(g.user)
    chosen = _chosen_plan()
    unit = _work_unit()
    if unit is None:
        units = _reporting_units([chosen] if chosen else followed)
        return render_template("reports/choose_unit.html", plan=chosen, units=units)
    plans = followed if chosen is None or chosen in followed else [chosen, *followed]
    period = _chosen_period(chosen)
    today = today_local()
    works = unit_work.work_by_plan(unit, plans, today, {chosen.id: period} if period else None)
    chosen_id = chosen.id if chosen else None
    listed = [w for w in works if w.assignments or w.plan.id == chosen_id]
    return render_template(
        "reports/work.html",
        unit=unit,
        chosen=chosen,
        chips=listed,
        works=[w for w in listed if chosen_id in (None, w.plan.id)],
        unit_args={} if g.user.role == OFFICER else {"unit": unit.id},
        today=today,
    )


def _chosen_plan() -> Plan | None:
    plan_id = request.args.get("plan", "")
    return db.session.get(Plan, int(plan_id)) if plan_id.isdigit() else None


def _chosen_period(plan: Plan | None) -> ReportingPeriod | None:
    period_id = request.args.get("period", "")
    if plan is None or not period_id.isdigit():
        return None
    period = db.session.get(ReportingPeriod, int(period_id))
    return period if period is not None and period.plan_id == plan.id else None


def _work_unit() -> Unit | None:
    if g.user.role == OFFICER:
        return g.user.unit
    unit_id = request.args.get("unit", "")
    return db.session.get(Unit, int(unit_id)) if unit_id.isdigit() else None


def _reporting_units(plans: list[Plan]) -> list[Unit]:
    units = plan_service.units_for_plans(plans) if plans else []
    return [u for u in units if u.kind not in ("group", "vague")]


# ---- one report ------------------------------------------------------------------------


@bp.route(
    "/assignments/<int:assignment_id>/periods/<int:period_id>/report", methods=["GET", "POST"]
)
@database.reads_first  # evidence files are checked and stored before the write lock
@login_required
def edit(assignment_id: int, period_id: int):
    """The report form: text and evidence files together, saved as a draft (back to this
    form) or sent to Phòng Nội vụ (to the report page), in one POST."""
    assignment = db.get_or_404(Assignment, assignment_id)
    period = db.get_or_404(ReportingPeriod, period_id)
    if not reporting.can_write(g.user, assignment) or period.plan_id != assignment.activity.plan_id:
        abort(403)
    report = reporting.find_report(assignment, period)
    if request.method == "GET" and report is not None and not report.is_editable:
        flash(f"Báo cáo đang «{report.state_label}», không sửa được.", "info")
        return redirect(url_for("reports.show", report_id=report.id))
    form = ReportForm(obj=report)
    if form.validate_on_submit():
        submit = request.form.get("action") == "submit"
        to_office = office()  # for the message; read now, not in a transaction of its own after
        refused = (reporting.ReportError, attachment_service.AttachmentError)
        with saving(*refused, show=False) as saved:  # written in a short write of its own
            report_id, attached = _save_report_form(form, assignment_id, period_id, submit)
        if not saved:
            chosen = any(f.filename for f in form.files.data or [])
            again = " Các tệp đã chọn chưa được lưu, hãy chọn lại." if chosen else ""
            flash(f"{saved.refusal} Báo cáo chưa được lưu.{again}", "error")
        else:
            files = f" và {attached} tệp minh chứng" if attached else ""
            if submit:
                flash(f"Đã gửi báo cáo{files} tới {to_office}; báo cáo đang chờ duyệt.", "success")
                return redirect(url_for("reports.show", report_id=report_id))
            flash(
                f"Đã lưu nháp{files}. Bạn có thể sửa tiếp; khi xong, bấm «Gửi {to_office}».",
                "success",
            )
            return redirect(
                url_for("reports.edit", assignment_id=assignment_id, period_id=period_id)
            )
    review_steps = review_service.timeline(report) if report else None
    return render_template(
        "reports/edit.html",
        assignment=assignment,
        activity=assignment.activity,
        period=period,
        report=report,
        form=form,
        returned=review_steps.reviewed if review_steps else None,
        limits=_upload_limits(),
    )


def _save_report_form(
    form: ReportForm, assignment_id: int, period_id: int, submit: bool
) -> tuple[int, int]:
    """Files are checked and stored first (no lock held while they are); then the
    report and its files are written in one write transaction. → (report id, files)."""
    uploads = [
        report_entry.Upload(f.filename, f.read()) for f in form.files.data or [] if f.filename
    ]
    kept = report_entry.keep_uploads(
        uploads, current_app.config["ATTACHMENTS_DIR"], current_app.config["MAX_ATTACHMENT_BYTES"]
    )
    data = reporting.ReportInput(
        status=form.status.data,
        result=form.result.data or "",
        evidence_text=form.evidence_text.data or "",
        difficulties=form.difficulties.data or "",
        proposals=form.proposals.data or "",
        reason=form.reason.data or "",
        completed_on=form.completed_on.data,
    )
    drop = {int(v) for v in request.form.getlist("drop_attachment") if v.isdigit()}
    with database.writing(db.session):
        report = report_entry.save_with_evidence(
            db.get_or_404(Assignment, assignment_id),
            db.get_or_404(ReportingPeriod, period_id),
            data,
            g.user,
            submit,
            kept,
            drop,
        )
        return report.id, len(kept)


def _upload_limits() -> dict[str, int]:
    return {
        "file": current_app.config["MAX_ATTACHMENT_BYTES"],
        "total": current_app.config.get("MAX_CONTENT_LENGTH") or 0,
    }


@bp.route("/reports/<int:report_id>")
@login_required
def show(report_id: int):
    report = _readable_report(report_id)
    return render_template(
        "reports/show.html",
        report=report,
        activity=report.assignment.activity,
        review_form=ReviewForm(),
        steps=review_service.timeline(report),
        can_write=reporting.can_write(g.user, report.assignment),
    )


# ---- evidence files ---------------------------------------------------------------------


@bp.route("/reports/<int:report_id>/attachments", methods=["POST"])
@login_required
def upload(report_id: int):
    report = _readable_report(report_id)
    if not reporting.can_write(g.user, report.assignment) or not report.is_editable:
        abort(403)
    form = FileForm()
    upload_file = form.file.data if form.validate_on_submit() else None
    if upload_file is None or not upload_file.filename:
        flash("Chọn tệp minh chứng.", "error")
    else:
        with saving(attachment_service.AttachmentError) as saved:
            attachment_service.add_attachment(
                report,
                upload_file.filename,
                upload_file.read(),
                g.user,
                current_app.config["ATTACHMENTS_DIR"],
                current_app.config["MAX_ATTACHMENT_BYTES"],
            )
        if saved:
            flash("Đã thêm tệp minh chứng.", "success")
    return redirect(url_for("reports.show", report_id=report.id))


@bp.route("/attachments/<int:attachment_id>")
@login_required
def download(attachment_id: int):
    attachment = db.get_or_404(Attachment, attachment_id)
    if not reporting.can_read(g.user, attachment.report.assignment):
        abort(404)
    path = attachment_service.path_for(current_app.config["ATTACHMENTS_DIR"], attachment.sha256)
    if not path.exists():
        abort(404)
    return send_file(
        path,
        mimetype=attachment.content_type,
        as_attachment=True,
        download_name=attachment_service.clean_filename(attachment.filename),
        max_age=0,
    )


@bp.route("/attachments/<int:attachment_id>/delete", methods=["POST"])
@login_required
def remove(attachment_id: int):
    attachment = db.get_or_404(Attachment, attachment_id)
    report = attachment.report
    if not reporting.can_write(g.user, report.assignment) or not report.is_editable:
        abort(403)
    if ActionForm().validate_on_submit():
        with saving():
            attachment_service.remove_attachment(attachment, g.user)
        flash("Đã bỏ tệp minh chứng.", "success")
    return redirect(url_for("reports.show", report_id=report.id))


# ---- periods, deadlines, reassignment -----------------------------------------------------


@bp.route("/plans/<int:plan_id>/periods", methods=["GET", "POST"])
@login_required
def periods(plan_id: int):
    plan = db.get_or_404(Plan, plan_id)
    form = ActionForm()
    if request.method == "POST":
        if not g.user.can_edit_plans:
            abort(403)
        if form.validate_on_submit():
            _save_periods(plan)
    rows = period_service.plan_periods(plan)
    settings = ReportSettingsForm(data=vars(plan_service.report_settings(plan)))
    settings.recipient.label.text = (
        f"Kính gửi (để trống: {export_service.level_recipient(plan.locality)})"
    )
    return render_template(
        "reports/periods.html",
        plan=plan,
        periods=rows,
        form=form,
        settings=settings,
        kinds=KIND_LABELS,
        collected={p.kind for p in rows},
        rules=RULE_LABELS,
        frameworks=framework_service.all_frameworks(),
    )


@bp.route("/plans/<int:plan_id>/report-settings", methods=["POST"])
@coordinator_required
def report_settings(plan_id: int):
    plan = db.get_or_404(Plan, plan_id)
    form = ReportSettingsForm()
    if form.validate_on_submit():
        settings = plan_service.ReportSettings(
            form.noun.data or "",
            form.basis.data or "",
            form.recipient.data or "",
            form.signer_name.data or "",
            form.signer_role.data or "",
        )
        with saving(plan_service.PlanError) as saved:
            changed = plan_service.set_report_settings(plan, settings, g.user)
        if saved:
            flash("Đã lưu thông tin báo cáo." if changed else "Không có gì thay đổi.", "success")
    else:
        flash("Thông tin báo cáo không hợp lệ: " + _form_errors(form), "error")
    return redirect(url_for("reports.periods", plan_id=plan.id))


def _form_errors(form: FlaskForm) -> str:
    return "; ".join(
        f"{getattr(form, k).label.text}: {', '.join(v)}" for k, v in form.errors.items()
    )


def _save_periods(plan: Plan) -> None:
    valid = {k.value for k in PeriodKind}
    kinds = {PeriodKind(k) for k in request.form.getlist("kinds") if k in valid}
    with saving(period_service.PeriodError, ValueError, show=False) as saved:
        period_service.set_count_rule(plan, request.form.get("count_rule", plan.count_rule), g.user)
        period_service.set_collected_kinds(plan, kinds, g.user)
        for period in period_service.plan_periods(plan):
            value = request.form.get(f"due-{period.code}", "")
            if value:
                period_service.set_period_due(period, date.fromisoformat(value), g.user)
    if saved:
        flash("Đã lưu kỳ báo cáo.", "success")
    elif isinstance(saved.error, period_service.PeriodError):
        flash(saved.refusal, "error")
    else:
        flash("Ngày không hợp lệ.", "error")


@bp.route("/activities/<int:activity_id>/deadline", methods=["POST"])
@coordinator_required
def deadline(activity_id: int):
    activity = db.get_or_404(Activity, activity_id)
    form = DeadlineForm()
    if not form.validate_on_submit():
        flash("Chọn thời hạn mới và ghi lý do.", "error")
    else:
        with saving(reporting.ReportError) as saved:
            reporting.change_deadline(activity, form.due_on.data, form.reason.data, g.user)
        if saved:
            flash("Đã đổi thời hạn; thời hạn ban đầu vẫn được giữ.", "success")
    return redirect(url_for("activities.detail", activity_id=activity.id))


def reassign_form(activity: Activity) -> ReassignForm:
    form = ReassignForm(prefix="reassign")
    units = catalog_service.sorted_units(catalog_service.units_of(activity.plan.locality_id))
    form.unit_id.choices = [SelectChoice(u.id, u.name) for u in units if u.kind != "group"]
    return form


@bp.route("/assignments/<int:assignment_id>/reassign", methods=["POST"])
@coordinator_required
def reassign(assignment_id: int):
    assignment = db.get_or_404(Assignment, assignment_id)
    form = reassign_form(assignment.activity)
    if not form.validate_on_submit():
        flash("Chọn đơn vị mới và ghi lý do.", "error")
    else:
        unit = db.session.scalar(select(Unit).where(Unit.id == form.unit_id.data))
        with saving(reporting.ReportError) as saved:
            reporting.reassign(assignment, unit, form.reason.data, g.user)
        if saved:
            flash(f"Đã giao lại cho {unit.name}.", "success")
    return redirect(url_for("activities.detail", activity_id=assignment.activity_id))


# Review and the spreadsheet round trip join this blueprint from their own modules.
from tracker.web.reports import review as _review  # noqa: E402, F401
from tracker.web.reports import sheets as _sheets  # noqa: E402, F401
