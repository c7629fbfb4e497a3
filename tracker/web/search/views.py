"""`/search?q=…`: what the signed-in user may read, grouped by kind, 20 a page."""

from __future__ import annotations

import re

from flask import Blueprint, g, render_template, request

from tracker.domain.search import MAX_QUERY, excerpt
from tracker.services import search as search_service
from tracker.web.auth import login_required

bp = Blueprint("search", __name__)

_PAGE = re.compile(r"[0-9]{1,6}")


@bp.route("/search")
@login_required
def index():
    query = request.args.get("q", "")
    kind = request.args.get("kind", "")
    raw_page = request.args.get("page", "")
    page = int(raw_page) if _PAGE.fullmatch(raw_page) else 1
    results = search_service.search(
        g.user, query, kind if kind in search_service.KIND_LABELS else None, page
    )
    return render_template(
        "search/index.html",
        results=results,
        kind=kind if kind in search_service.KIND_LABELS else "",
        kinds=search_service.KIND_LABELS,
        max_query=MAX_QUERY,
        excerpt=excerpt,
        report_matches=search_service.report_matches,
        unit_aliases=search_service.unit_aliases,
        activity_units=search_service.activity_units,
        activity_timeframe=search_service.activity_timeframe,
    )
