"""JSON for automation. Same shapes as the CLI's --json output."""

from __future__ import annotations

from flask import Blueprint

from tracker.services import plans as plan_service
from tracker.web.auth import login_required
from tracker.web.plans.views import get_plan_or_404

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.route("/plans")
@login_required
def plans():
    return {"plans": [plan_service.plan_json(p) for p in plan_service.all_plans()]}


@bp.route("/plans/<int:plan_id>/annex")
@login_required
def annex(plan_id: int):
    return plan_service.stored_annex_json(get_plan_or_404(plan_id))
