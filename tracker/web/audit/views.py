"""The audit log for Phòng Nội vụ (`/audit`), and `record_now` for events that must be
written whatever happens to the request's own work."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, g, render_template, request

from tracker import database
from tracker.extensions import db
from tracker.models.audit import ACTION_LABELS, OUTCOME_LABELS
from tracker.services import audit
from tracker.web.auth import coordinator_required

bp = Blueprint("audit", __name__)


def record_now(action: str, **fields: Any) -> None:
    """Roll the request's work back, then write one audit event and commit it alone: a
    refused request keeps nothing but its audit row. The write lock is taken up front,
    since in a GET request a read that turns into a write can fail under load."""
    with database.writing(db.session):
        audit.record(action, **fields)


@bp.route("/audit")
@coordinator_required
def index():
    try:
        flt = audit.parse_filter(request.args)
    except audit.FilterError as exc:
        flash(str(exc), "error")
        return _render(audit.AuditFilter(), None), 400
    raw_page = request.args.get("page", "")
    result = audit.find_events(flt, int(raw_page) if raw_page.isdigit() else 1, g.user)
    return _render(flt, result)


def _render(flt: audit.AuditFilter, result: audit.AuditPage | None) -> str:
    return render_template(
        "audit/list.html",
        flt=flt,
        result=result,
        actions=ACTION_LABELS,
        outcomes=OUTCOME_LABELS,
        usernames=audit.known_usernames(g.user),
        page_size=audit.PAGE_SIZE,
        args={k: v for k, v in request.args.items() if k != "page" and v},
    )
