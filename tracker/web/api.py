"""JSON for automation. Same shapes as the CLI's --json output."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, g, request

from tracker.clock import today_local
from tracker.services import periods as period_service
from tracker.services import plans as plan_service
from tracker.services.figures.as_json import figures_json
from tracker.services.figures.names import names
from tracker.services.figures.remembered import figures_for
from tracker.web.auth import login_required
from tracker.web.plans.views import get_plan_or_404

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.route("/plans")
@login_required
def plans():
    return {"plans": [plan_service.plan_json(p) for p in plan_service.all_plans(g.user)]}


@bp.route("/plans/<int:plan_id>/annex")
@login_required
def annex(plan_id: int):
    return plan_service.stored_annex_json(get_plan_or_404(plan_id))


@bp.route("/plans/<int:plan_id>/summary")
@login_required
def summary(plan_id: int):
    """Every completion figure, to date; `as_of=YYYY-MM-DD` recomputes it for a past date,
    `period=2023-H1` gives that round's figures as the report upward does."""

    plan = get_plan_or_404(plan_id)
    text = request.args.get("as_of", "")
    try:
        as_of = date.fromisoformat(text) if text else today_local()
    except ValueError:
        return {"error": f"as_of «{text[:20]}» không phải ngày dạng YYYY-MM-DD."}, 400
    ref = request.args.get("period", "")
    period = period_service.find_period(plan, ref) if ref else None
    if ref and period is None:
        return {"error": f"Kế hoạch không có kỳ báo cáo «{ref[:20]}»."}, 400
    figures = figures_for(plan, as_of, period, to_date=period is None)
    return figures_json(plan, figures, names(plan))
