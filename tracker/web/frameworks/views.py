"""Index frameworks (bộ chỉ số): the list every signed-in person reads, Phòng Nội vụ's form
to add one, and the choice of a plan's frameworks (on the plan's settings page)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

from tracker.domain.frameworks import DIMENSION_NOUNS
from tracker.extensions import db
from tracker.models import Plan
from tracker.services import frameworks as framework_service
from tracker.web.auth import coordinator_required, login_required
from tracker.web.saving import saving

bp = Blueprint("frameworks", __name__)


class FrameworkForm(FlaskForm):
    name = StringField("Tên bộ chỉ số", description="Ví dụ: Chỉ số hài lòng của người dân")
    short_name = StringField("Tên viết tắt", description="Ví dụ: SIPAS — hiện cạnh từng hoạt động")
    dimension_noun = SelectField(
        "Các phần của bộ chỉ số gọi là",
        choices=[SelectChoice(n, n) for n in DIMENSION_NOUNS],
        validate_choice=False,  # domain.frameworks says, in Vietnamese, what is not in the list
    )
    dimensions = TextAreaField(
        "Chỉ số thành phần",
        description="Mỗi dòng một chỉ số, theo thứ tự; số thứ tự đầu dòng có thể ghi hoặc không.",
    )


class ChooseForm(FlaskForm):
    """CSRF only: the ticked frameworks come as `framework` values."""


@bp.route("/frameworks", methods=["GET", "POST"])
@login_required
def index():
    form = FrameworkForm()
    problems: list[str] = []
    if request.method == "POST":
        if not g.user.can_edit_plans:
            abort(403)
        if form.validate_on_submit():
            with saving(framework_service.FrameworkError, show=False) as saved:
                framework = framework_service.add_framework(
                    form.name.data or "",
                    form.short_name.data or "",
                    form.dimension_noun.data or "",
                    form.dimensions.data or "",
                    g.user,
                )
            problems = saved.refusal.splitlines()  # shown beside the form
            if saved:
                flash(
                    f"Đã thêm {framework.name}. Chọn bộ chỉ số này ở trang Kỳ báo cáo của kế "
                    "hoạch để gắn cho các hoạt động.",
                    "success",
                )
                return redirect(url_for("frameworks.index"))
    return render_template(
        "frameworks/index.html",
        frameworks=framework_service.all_frameworks(),
        form=form,
        problems=problems,
    )


@bp.route("/plans/<int:plan_id>/frameworks", methods=["POST"])
@coordinator_required
def choose(plan_id: int):
    plan = db.get_or_404(Plan, plan_id)
    if ChooseForm().validate_on_submit():
        ids = [int(v) for v in request.form.getlist("framework") if v.isdigit()]
        with saving(framework_service.FrameworkError) as saved:
            changed = framework_service.set_plan_frameworks(plan, ids, g.user)
        if saved:
            message = "Đã lưu bộ chỉ số của kế hoạch." if changed else "Không có gì thay đổi."
            flash(message, "success")
    return redirect(url_for("reports.periods", plan_id=plan.id, _anchor="frameworks"))
