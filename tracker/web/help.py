"""Hướng dẫn: one page for each role, in Vietnamese, open without signing in (a new
officer reads how to sign in before having done so). The pictures in
tracker/static/help/ are screenshots the browser tests take of the demo plan
(tests/browser/test_role_days.py); `python3 dev.py help-images` refreshes them."""

from __future__ import annotations

from flask import Blueprint, abort, g, render_template

from tracker.models.users import COORDINATOR, LEADER, OFFICER

bp = Blueprint("help", __name__)

# The address of each role's page, its title, its template.
PAGES = {
    "phong-noi-vu": (
        "Hướng dẫn cho cơ quan theo dõi kế hoạch",
        "help/coordinator.html",
        COORDINATOR,
    ),
    "don-vi": ("Hướng dẫn cho cán bộ đầu mối đơn vị", "help/officer.html", OFFICER),
    "lanh-dao": ("Hướng dẫn cho lãnh đạo", "help/leader.html", LEADER),
}


@bp.route("/help")
def index():
    role = g.user.role if g.get("user") else None
    mine = next((slug for slug, page in PAGES.items() if page[2] == role), None)
    return render_template("help/index.html", pages=PAGES, mine=mine)


@bp.route("/help/<slug>")
def page(slug: str):
    if slug not in PAGES:
        abort(404)
    title, template, _role = PAGES[slug]
    return render_template(template, title=title, pages=PAGES, slug=slug)
