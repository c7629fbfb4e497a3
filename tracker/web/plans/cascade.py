"""Cascading plans (services.cascade): a commune's page of what its province's plan
assigns it, and the province's roll-up by commune and department (services.rollup)."""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, SelectMultipleField
from wtforms.validators import Optional

from tracker.domain.figures import WORDS
from tracker.domain.units import UnitKind
from tracker.models.units import COMMUNE, PROVINCE
from tracker.services import cascade, catalog, rollup, tenancy
from tracker.services.cascade import CascadeError
from tracker.web.auth import coordinator_required, login_required
from tracker.web.plans.views import _as_of_arg, bp, get_plan_or_404
from tracker.web.saving import saving


class ParentForm(FlaskForm):
    parent = SelectField("Thực hiện kế hoạch của tỉnh", choices=[], validate_choice=False)


class TakeInForm(FlaskForm):
    leads = SelectMultipleField("Đơn vị chủ trì của xã", coerce=int, validate_choice=False)
    due_on = DateField("Thời hạn của xã (để trống: như của tỉnh)", validators=[Optional()])


@bp.route("/plans/<int:plan_id>/communes")
@login_required
def communes(plan_id: int):
    """The province's roll-up: each commune and department, and each activity's communes."""
    plan = get_plan_or_404(plan_id)
    if plan.locality.level != PROVINCE:
        abort(404)
    sort = request.args.get("sort", "name")
    as_of = _as_of_arg()
    found = rollup.rollup(plan, as_of, sort if sort in rollup.SORTS else "name")
    return render_template(
        "plans/communes.html",
        plan=plan,
        as_of=as_of,
        rollup=found,
        sort=sort,
        sorts=rollup.SORTS,
        late_label=WORDS["late"],
        commune_plans=cascade.commune_plans(plan),
    )


@bp.route("/plans/<int:plan_id>/province-tasks", methods=["GET"])
@login_required
def province_tasks(plan_id: int):
    """What the province's plan assigns this commune, and what its plan took in."""
    plan = get_plan_or_404(plan_id)
    if plan.locality.level != COMMUNE:
        abort(404)
    parent_form = ParentForm(parent=str(plan.parent_plan_id or ""))
    parent_form.parent.choices = [("", "(chưa chọn)")] + [
        (str(p.id), f"{p.reference} — {p.title}") for p in cascade.province_plans(plan.locality)
    ]
    units = [
        u
        for u in catalog.units_of(plan.locality_id)
        if u.kind not in (UnitKind.GROUP, UnitKind.VAGUE)
    ]
    return render_template(
        "plans/province_tasks.html",
        plan=plan,
        parent_form=parent_form,
        offers=cascade.offers(plan),
        units=units,
        take_form=TakeInForm(),
        may_change=g.user.can_edit_plans and tenancy.may_change(g.user, plan.locality_id),
    )


@bp.route("/plans/<int:plan_id>/province-tasks/parent", methods=["POST"])
@coordinator_required
def set_parent(plan_id: int):
    plan = get_plan_or_404(plan_id)
    form = ParentForm()
    choices = {str(p.id): p for p in cascade.province_plans(plan.locality)}
    if not form.validate_on_submit() or (form.parent.data and form.parent.data not in choices):
        flash("Chọn một kế hoạch của tỉnh trong danh sách.", "error")
    else:
        with saving(CascadeError) as saved:
            cascade.set_parent_plan(plan, choices.get(form.parent.data or ""), g.user)
        if saved:
            flash("Đã lưu kế hoạch của tỉnh mà kế hoạch này thực hiện.", "success")
    return redirect(url_for("plans.province_tasks", plan_id=plan.id))


@bp.route("/plans/<int:plan_id>/province-tasks/<int:source_id>", methods=["POST"])
@coordinator_required
def take_in(plan_id: int, source_id: int):
    """Take a province activity in. (`source_id`, not `activity_id`: the province's
    activity is read here through the commune's own plan, not by its id — web.tenancy.)"""
    plan = get_plan_or_404(plan_id)
    form = TakeInForm()
    source = next((o.activity for o in cascade.offers(plan) if o.activity.id == source_id), None)
    if source is None:
        abort(404)
    if not form.validate_on_submit():
        flash("Thời hạn không hợp lệ; nhập ngày theo dạng ngày/tháng/năm.", "error")
        return redirect(url_for("plans.province_tasks", plan_id=plan.id))
    with saving(CascadeError) as saved:
        activity = cascade.take_in(
            plan, source, list(form.leads.data or []), form.due_on.data, g.user
        )
    if not saved:
        return redirect(url_for("plans.province_tasks", plan_id=plan.id) + f"#offer-{source_id}")
    flash(
        f"Đã đưa {activity.number or ''} vào kế hoạch của {plan.locality.name}.".replace("  ", " "),
        "success",
    )
    return redirect(url_for("plans.province_tasks", plan_id=plan.id) + f"#offer-{source_id}")
