"""One activity: detail with history, and Phòng Nội vụ's hand edits."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import SelectField, SelectMultipleField, StringField, TextAreaField, widgets
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired

from tracker.clock import today_local
from tracker.extensions import db
from tracker.models import LEAD, SUPPORT, Activity, Assignment, Change, ContentGroup, Unit
from tracker.services import activities as activity_service
from tracker.services import catalog as catalog_service
from tracker.services import frameworks as framework_service
from tracker.services import periods as period_service
from tracker.services import plans as plan_service
from tracker.services import reporting
from tracker.services.figures import dashboard as dashboard_service
from tracker.web.auth import coordinator_required, login_required
from tracker.web.reports.views import DeadlineForm, reassign_form
from tracker.web.saving import saving

bp = Blueprint("activities", __name__)


class ActivityForm(FlaskForm):
    group_id = SelectField("Nhóm nội dung", coerce=int)
    number = StringField("Số thứ tự", description="Ví dụ: 1.1 — để trống nếu không đánh số")
    text = TextAreaField("Hoạt động", validators=[DataRequired("Nhập nội dung hoạt động.")])
    timeframe_text = StringField(
        "Thời gian thực hiện", description="Ví dụ: Thường xuyên; Quý II/2024; Trước ngày 30/6/2024"
    )
    dimension_ids = SelectMultipleField(
        "Chỉ số",
        coerce=int,
        validate_choice=False,  # the service says, in Vietnamese, what is not the plan's
        widget=widgets.ListWidget(prefix_label=False),
        option_widget=widgets.CheckboxInput(),
    )


class AssignmentForm(FlaskForm):
    unit_id = SelectField("Đơn vị", coerce=int)
    role = SelectField(
        "Vai trò", choices=[SelectChoice(LEAD, "Chủ trì"), SelectChoice(SUPPORT, "Phối hợp")]
    )


class ActionForm(FlaskForm):
    """CSRF only: move, delete, remove."""


def _fill_choices(form: ActivityForm, activity_plan) -> None:
    form.group_id.choices = [
        SelectChoice(
            grp.id,
            f"{grp.label}. {grp.title[:80]}" if grp.label else grp.title[:80] or "(không tên)",
        )
        for grp in activity_plan.groups
    ]
    # The dimensions of the plan's frameworks, shown grouped by framework (edit.html).
    form.dimension_ids.choices = [
        SelectChoice(d.id, f"{d.number}. {d.name}")
        for d in framework_service.offered_dimensions(activity_plan)
    ]


def _assignment_form(activity: Activity) -> AssignmentForm:
    form = AssignmentForm(prefix="assign")
    units = catalog_service.sorted_units(catalog_service.units_of(activity.plan.locality_id))
    form.unit_id.choices = [SelectChoice(u.id, u.name) for u in units]
    return form


@bp.route("/activities/<int:activity_id>")
@login_required
def detail(activity_id: int):
    activity = db.get_or_404(Activity, activity_id)
    changes = db.session.scalars(
        select(Change)
        .where(Change.activity_id == activity.id)
        .order_by(Change.at.desc(), Change.id.desc())
    ).all()

    period = period_service.current_plan_period(activity.plan)
    return render_template(
        "activities/detail.html",
        activity=activity,
        plan=activity.plan,
        changes=reporting.visible_changes(changes, g.user),
        lead=plan_service.unit_labels(activity, LEAD),
        support=plan_service.unit_labels(activity, SUPPORT),
        assign_form=_assignment_form(activity),
        action_form=ActionForm(),
        reports=reporting.reports_for_activity(activity, g.user),
        status=dashboard_service.activity_status(activity, today_local()),
        period=period,
        my_assignments=[
            a
            for a in activity.assignments
            if g.user.role == "officer" and reporting.can_write(g.user, a)
        ],
        deadline_form=DeadlineForm(),
        reassign_form=reassign_form(activity),
    )


@bp.route("/activities/<int:activity_id>/edit", methods=["GET", "POST"])
@coordinator_required
def edit(activity_id: int):
    activity = db.get_or_404(Activity, activity_id)
    form = ActivityForm(obj=activity)
    _fill_choices(form, activity.plan)
    if request.method == "GET":
        form.number.data = activity.number_raw or activity.number or ""
        form.dimension_ids.data = [d.id for d in activity.dimensions]
    if form.validate_on_submit():
        group = db.session.get(ContentGroup, form.group_id.data)
        with saving(activity_service.EditError) as saved:
            changed = activity_service.edit_activity(
                activity,
                group=group,
                number=form.number.data or "",
                text=form.text.data,
                timeframe_text=form.timeframe_text.data or "",
                dimension_ids=form.dimension_ids.data or [],
                user=g.user,
            )
        if saved:
            flash("Đã lưu thay đổi." if changed else "Không có gì thay đổi.", "success")
            return redirect(url_for("activities.detail", activity_id=activity.id))
    return render_template("activities/edit.html", form=form, activity=activity, plan=activity.plan)


@bp.route("/groups/<int:group_id>/activities/new", methods=["GET", "POST"])
@coordinator_required
def new(group_id: int):
    group = db.get_or_404(ContentGroup, group_id)
    form = ActivityForm()
    _fill_choices(form, group.plan)
    if request.method == "GET":
        form.group_id.data = group.id
    if form.validate_on_submit():
        target = db.session.get(ContentGroup, form.group_id.data)
        if target is None or target.plan_id != group.plan_id:
            abort(400)
        with saving(activity_service.EditError) as saved:
            activity = activity_service.add_activity(
                target,
                form.number.data or "",
                form.text.data,
                form.timeframe_text.data or "",
                g.user,
                form.dimension_ids.data or [],
            )
        if saved:
            flash("Đã thêm hoạt động. Thêm đơn vị chủ trì và phối hợp bên dưới.", "success")
            return redirect(url_for("activities.detail", activity_id=activity.id))
    return render_template("activities/edit.html", form=form, activity=None, plan=group.plan)


@bp.route("/activities/<int:activity_id>/assignments", methods=["POST"])
@coordinator_required
def add_assignment(activity_id: int):
    activity = db.get_or_404(Activity, activity_id)
    form = _assignment_form(activity)
    if not form.validate_on_submit():
        flash("Chọn đơn vị và vai trò.", "error")
    else:
        unit = db.session.get(Unit, form.unit_id.data)
        with saving(activity_service.EditError) as saved:
            changed = activity_service.add_assignment(activity, unit, form.role.data, g.user)
        if saved:
            flash("Đã thêm đơn vị." if changed else "Đơn vị đã có trong hoạt động.", "success")
    return redirect(url_for("activities.detail", activity_id=activity.id))


@bp.route("/assignments/<int:assignment_id>/delete", methods=["POST"])
@coordinator_required
def remove_assignment(assignment_id: int):
    assignment = db.get_or_404(Assignment, assignment_id)
    activity_id = assignment.activity_id
    if ActionForm().validate_on_submit():
        with saving(activity_service.EditError) as saved:
            activity_service.remove_assignment(assignment, g.user)
        if saved:
            flash("Đã bỏ đơn vị khỏi hoạt động.", "success")
    return redirect(url_for("activities.detail", activity_id=activity_id))


@bp.route("/activities/<int:activity_id>/move/<direction>", methods=["POST"])
@coordinator_required
def move(activity_id: int, direction: str):
    activity = db.get_or_404(Activity, activity_id)
    if direction not in ("up", "down"):
        abort(404)
    if ActionForm().validate_on_submit():
        with saving():
            activity_service.move_activity(activity, -1 if direction == "up" else 1, g.user)
    return redirect(url_for("plans.annex", plan_id=activity.plan_id, _anchor=f"a{activity.id}"))


@bp.route("/activities/<int:activity_id>/delete", methods=["POST"])
@coordinator_required
def delete(activity_id: int):
    activity = db.get_or_404(Activity, activity_id)
    plan_id = activity.plan_id
    if ActionForm().validate_on_submit():
        with saving(activity_service.EditError) as saved:
            activity_service.delete_activity(activity, g.user)
        if not saved:
            return redirect(url_for("activities.detail", activity_id=activity.id))
        flash("Đã xóa hoạt động (vẫn xem được trong lịch sử thay đổi).", "success")
    return redirect(url_for("plans.annex", plan_id=plan_id))
