"""Plans: list, creation, overview, archiving and the annex matrix."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_wtf import FlaskForm
from markupsafe import Markup
from sqlalchemy import func, select
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, NumberRange, Optional

from tracker.clock import today_local
from tracker.extensions import db
from tracker.models import Change, Locality, Plan
from tracker.scheduler import recent_runs
from tracker.services import history as history_service
from tracker.services import matrix as matrix_service
from tracker.services import periods as period_service
from tracker.services import plan_archive, reporting, snapshots, tenancy
from tracker.services import plans as plan_service
from tracker.services.figures import dashboard as dashboard_service
from tracker.web.auth import coordinator_required, login_required
from tracker.web.plans.matrix import TIMEFRAME_LABELS, Cells, annex_body, kept_annex_body
from tracker.web.saving import saving
from tracker.web.start import start_url
from tracker.web.wording import office

bp = Blueprint("plans", __name__)


class PlanForm(FlaskForm):
    number = StringField("Số kế hoạch", description="Ví dụ: 63/KH-UBND")
    issued_on = DateField("Ngày ban hành", validators=[Optional()])
    year = IntegerField(
        "Năm thực hiện",
        validators=[DataRequired("Nhập năm."), NumberRange(2000, 2100, "Năm không hợp lệ.")],
    )
    title = TextAreaField("Trích yếu", validators=[DataRequired("Nhập trích yếu kế hoạch.")])
    noun = SelectField(
        "Danh từ dùng trong số liệu",
        choices=[SelectChoice(n, n) for n in plan_service.NOUNS],
        description="Ví dụ: «đã hoàn thành 07/19 chỉ tiêu».",
    )


class ArchiveForm(FlaskForm):
    """CSRF only: archiving a plan and bringing it back."""


def get_plan_or_404(plan_id: int) -> Plan:
    return db.get_or_404(Plan, plan_id)


@bp.route("/")
@login_required
def index():
    """Each role's start page (web.start)."""
    return redirect(start_url(g.user))


@bp.route("/plans")
@login_required
def list_plans():
    """The plans followed; `?archived=1` the archived ones."""
    archived = request.args.get("archived") == "1"
    plans = plan_service.archived_plans(g.user) if archived else plan_service.followed_plans(g.user)
    return render_template(
        "plans/list.html",
        plans=plans,
        archived=archived,
        archived_count=len(plans) if archived else len(plan_service.archived_plans(g.user)),
        counts=plan_service.activity_counts(),
        form=ArchiveForm(),
    )


@bp.route("/plans/<int:plan_id>/archive", methods=["POST"])
@coordinator_required
def archive(plan_id: int):
    """Archive (`archive=1`) or bring back (`archive=0`) a plan."""
    plan = get_plan_or_404(plan_id)
    to_archive = request.form.get("archive") == "1"
    if not ArchiveForm().validate_on_submit():
        return redirect(url_for("plans.overview", plan_id=plan.id))
    with saving(plan_archive.ArchiveError) as saved:
        if to_archive:
            plan_archive.archive_plan(plan, g.user)
        else:
            plan_archive.unarchive_plan(plan, g.user)
    if saved:
        flash(
            f"Đã lưu trữ {plan.reference}: kế hoạch không còn nhắc việc và không còn trên trang"
            " Việc cần báo cáo; vẫn xem được số liệu, báo cáo."
            if to_archive
            else f"Đã đưa {plan.reference} ra khỏi lưu trữ; kế hoạch được theo dõi lại.",
            "success",
        )
    return redirect(url_for("plans.overview", plan_id=plan.id))


@bp.route("/plans/new", methods=["GET", "POST"])
@coordinator_required
def new():
    form = PlanForm()
    # A plan is issued by the coordinator's own locality (the first one for an account of
    # the whole instance, as when there was only one).
    home = tenancy.home(g.user)
    stmt = select(Locality).order_by(Locality.id)
    locality = db.session.scalar(stmt if home is None else stmt.where(Locality.id == home))
    if locality is None:
        abort(404)
    if form.validate_on_submit():
        with saving(plan_service.PlanError) as saved:
            plan = plan_service.create_plan(
                locality,
                number=form.number.data or "",
                issued_on=form.issued_on.data,
                year=form.year.data,
                title=form.title.data,
                noun=form.noun.data,
                user=g.user,
            )
        if saved:
            flash("Đã tạo kế hoạch. Bước tiếp theo: nhập phụ lục phân công.", "success")
            return redirect(url_for("imports.upload", plan_id=plan.id))
    return render_template("plans/new.html", form=form)


@bp.route("/plans/<int:plan_id>")
@login_required
def overview(plan_id: int):
    plan = get_plan_or_404(plan_id)
    return render_template(
        "plans/overview.html",
        plan=plan,
        facts=plan_service.overview(plan),
        units=plan_service.units_for_plan(plan),
        timeframe_labels=TIMEFRAME_LABELS,
        archive_form=ArchiveForm(),
    )


def _int_arg(name: str) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isdigit() else None


@bp.route("/plans/<int:plan_id>/annex")
@login_required
def annex(plan_id: int):
    """The annex matrix, a page of activities at a time or, with page=all, the whole
    (filtered) plan on one page, streamed as it renders."""
    plan = get_plan_or_404(plan_id)
    kind = request.args.get("timeframe", "")
    flt = plan_service.MatrixFilter(
        unit_id=_int_arg("unit"),
        dimension_id=_int_arg("dimension"),
        timeframe_kind=kind if kind in TIMEFRAME_LABELS else None,
        query=request.args.get("q", "")[:200],
    )
    cells = Cells(office())
    if request.args.get("page") == "all":
        body = annex_body(plan, flt, cells, g.user.can_edit_plans, None, STREAM_MARK)
        page = render_template("plans/annex.html", plan=plan, body=body)
        if STREAM_MARK not in body:  # nothing passes the filter
            return page
        return Response(whole_plan(plan.id, flt, cells, page), mimetype="text/html")
    wanted = max(_int_arg("page") or 1, 1)
    body = kept_annex_body(plan, flt, cells, g.user.can_edit_plans, wanted)
    return render_template("plans/annex.html", plan=plan, body=body)


STREAM_MARK = Markup("<!-- the rows -->")
STREAM_PART = 100  # activities (about) read and rendered at a time by the whole-plan view


def whole_plan(
    plan_id: int, flt: plan_service.MatrixFilter, cells: Cells, page: str
) -> Iterator[str]:
    """The page around the rows (`page`, rendered with STREAM_MARK in their place) sent
    now; then the rows, a few groups at a time, each part read and rendered as the
    previous one is sent, so the first bytes leave at once and no step holds the whole
    plan. The parts are read in the request's contexts (stream_with_context); the cells
    need no request (`Cells`)."""
    head, tail = page.split(STREAM_MARK)
    rows = current_app.jinja_env.get_template("plans/_annex_rows.html")
    parts = matrix_service.parts(plan_id, flt, STREAM_PART)
    can_edit = g.user.can_edit_plans

    @stream_with_context
    def chunks() -> Iterator[str]:
        yield head
        for group_ids in parts:
            groups = matrix_service.annex_rows(plan_id, flt, group_ids=group_ids)
            yield rows.render(groups=cells.groups(groups), can_edit=can_edit)
        yield tail

    return chunks()  # type: ignore[no-any-return]


HISTORY_PAGE = 50


@bp.route("/plans/<int:plan_id>/history")
@login_required
def history(plan_id: int):
    """Every change to the plan's annex, newest first — removed activities included."""
    plan = get_plan_or_404(plan_id)
    page = max(_int_arg("page") or 1, 1)
    stmt = select(Change).where(Change.plan_id == plan.id)
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    changes = db.session.scalars(
        stmt.order_by(Change.at.desc(), Change.id.desc())
        .offset((page - 1) * HISTORY_PAGE)
        .limit(HISTORY_PAGE)
    ).all()
    visible = reporting.visible_changes(changes, g.user)
    return render_template(
        "plans/history.html",
        plan=plan,
        changes=visible,
        names=history_service.activity_names(visible),
        page=page,
        pages=max(1, -(-total // HISTORY_PAGE)),
        total=total,
    )


@bp.route("/plans/<int:plan_id>/dashboard")
@login_required
def dashboard(plan_id: int):
    """Figures for Phòng Nội vụ and leaders; `as_of` recomputes them for a past date."""

    plan = get_plan_or_404(plan_id)
    as_of = _as_of_arg()
    period = period_service.find_period(plan, request.args.get("period", ""))
    view = dashboard_service.figures_view(plan, as_of, period)
    periods, table = dashboard_service.reporting_table(plan)
    return render_template(
        "plans/dashboard.html",
        plan=plan,
        view=view,
        as_of=as_of,
        period=period,
        plan_periods=period_service.plan_periods(plan),
        overdue=view.overdue[:OVERDUE_ON_DASHBOARD],
        overdue_total=len(view.overdue),
        periods=periods,
        table=table,
        scores=dashboard_service.papi_scores(plan.locality.province, plan.year),
        chart=dashboard_service.chart(snapshots.history(plan)),
        runs=recent_runs(5) if g.user.can_edit_plans else [],
    )


# The dashboard lists the most overdue first; the whole list has its own page.
OVERDUE_ON_DASHBOARD = 30


def _as_of_arg() -> date:
    """The `as_of` query argument, today when absent or not a date."""
    text = request.args.get("as_of", "")
    try:
        return date.fromisoformat(text) if text else today_local()
    except ValueError:
        flash("Ngày không hợp lệ; đang hiển thị số liệu hôm nay.", "error")
        return today_local()


@bp.route("/plans/<int:plan_id>/overdue")
@login_required
def overdue(plan_id: int):
    """Every overdue lead assignment on `as_of`, most days late first."""
    plan = get_plan_or_404(plan_id)
    as_of = _as_of_arg()
    view = dashboard_service.figures_view(plan, as_of)
    return render_template("plans/overdue.html", plan=plan, as_of=as_of, overdue=view.overdue)
