"""Web interface: one blueprint per screen area, thin views (form → service → one commit
point, `saving`)."""

from __future__ import annotations

import logging
from datetime import date, datetime
from typing import Any

from flask import (
    Flask,
    Request,
    Response,
    current_app,
    g,
    render_template,
    request,
    send_from_directory,
)
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from werkzeug.datastructures import ImmutableMultiDict, MultiDict

from tracker import database
from tracker.clock import to_local
from tracker.domain.dates import screen_date, screen_time
from tracker.domain.documents import activity_label, upper_first
from tracker.domain.figures import WORDS
from tracker.extensions import db
from tracker.models.audit import DENIED
from tracker.services import audit as audit_service
from tracker.services import tenancy as tenancy_rule
from tracker.services.reminders import outbox
from tracker.web import auth, wording
from tracker.web.audit.views import record_now
from tracker.web.demo import demo_notice

log = logging.getLogger("tracker.audit")


def _without_nul(value: Any) -> Any:
    return value.replace("\x00", "") if isinstance(value, str) else value


class TextParameters(ImmutableMultiDict):
    """Form fields and query arguments with NUL characters taken out: no text the app
    stores may hold one (PostgreSQL refuses them, so a "%00" in a sign-in name would be
    a 500 there; SQLite would keep it, invisible)."""

    def __init__(self, mapping: Any = None) -> None:
        pairs = MultiDict(mapping).items(multi=True)
        super().__init__([(_without_nul(k), _without_nul(v)) for k, v in pairs])


class TrackerRequest(Request):
    parameter_storage_class = TextParameters


def init_app(app: Flask) -> None:
    app.request_class = TrackerRequest
    from tracker.web import tenancy
    from tracker.web.activities.views import bp as activities_bp
    from tracker.web.api import bp as api_bp
    from tracker.web.audit.views import bp as audit_bp
    from tracker.web.calendar.views import bp as calendar_bp
    from tracker.web.exports.views import bp as exports_bp
    from tracker.web.frameworks.views import bp as frameworks_bp
    from tracker.web.health import bp as health_bp
    from tracker.web.help import bp as help_bp
    from tracker.web.imports.views import bp as imports_bp
    from tracker.web.notifications.views import bp as notifications_bp
    from tracker.web.plans import cascade as _cascade  # noqa: F401 - its routes are on bp
    from tracker.web.plans.views import bp as plans_bp
    from tracker.web.reports.views import bp as reports_bp
    from tracker.web.search.views import bp as search_bp
    from tracker.web.units.views import bp as units_bp
    from tracker.web.users.views import bp as users_bp

    blueprints = (
        auth.bp,
        plans_bp,
        imports_bp,
        activities_bp,
        units_bp,
        api_bp,
        reports_bp,
        users_bp,
        notifications_bp,
        exports_bp,
        frameworks_bp,
        calendar_bp,
        audit_bp,
        search_bp,
        help_bp,
        health_bp,
    )
    for bp in blueprints:
        app.register_blueprint(bp)
    app.add_url_rule("/favicon.ico", "favicon", favicon)
    app.before_request(auth.load_user)
    app.before_request(auth.require_own_password)
    app.before_request(tenancy.guard)
    app.context_processor(wording.context)
    app.jinja_env.filters["vndate"] = vndate
    app.jinja_env.filters["vndatetime"] = vndatetime
    app.jinja_env.filters["vnvalue"] = vnvalue
    app.jinja_env.filters["upper_first"] = upper_first
    app.jinja_env.filters["activity_label"] = lambda a: activity_label(a.number or "", a.text)
    app.after_request(security_headers)
    app.jinja_env.globals["current_user"] = lambda: g.get("user")
    app.jinja_env.globals["words"] = WORDS
    # A link to a page another part of the app may not have (the search page).
    app.jinja_env.globals["has_page"] = lambda endpoint: endpoint in app.view_functions
    app.jinja_env.globals["demo_notice"] = demo_notice
    app.jinja_env.globals["sees_province_view"] = lambda: tenancy_rule.sees_province_view(g.user)
    app.jinja_env.globals["unread_count"] = lambda: (
        outbox.unread_count(g.user) if g.get("user") else 0
    )
    _register_errors(app)


# Pages run no inline script (tracker/static/app.js is the only one) and load nothing
# from elsewhere; inline style attributes are allowed. No page may be framed.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


def security_headers(response: Response) -> Response:
    """On every response: pages, files, feeds and errors alike."""
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def favicon() -> Response:
    """Browsers and feed readers ask for /favicon.ico whatever the page links: answered,
    so the log has no 404 for it. Pages link the SVG (templates/base.html)."""
    return send_from_directory(
        current_app.static_folder or "static",
        "favicon.ico",
        mimetype="image/vnd.microsoft.icon",
        max_age=7 * 24 * 3600,
    )


def vndate(value: date | None) -> str:
    """dd/mm/yyyy, as Vietnamese documents write dates."""
    return screen_date(value) if value else ""


def vnvalue(value: object) -> str:
    """A history value as a person reads it: lists joined, empties as a dash."""
    if value in (None, "", [], {}):
        return "—"
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {v}" for k, v in value.items())
    return str(value)


def vndatetime(value: datetime | None) -> str:
    return screen_time(to_local(value)) if value else ""


def _error(code: int, title: str, message: str):
    db.session.rollback()  # a refused or failed request keeps nothing of its work
    if request.path.startswith("/api/"):
        return {"error": message}, code
    return render_template("error.html", title=title, message=message), code


def _record_denial() -> None:
    """The refusal is audited although the request's work is rolled back. If even that
    write fails (the database is down or locked), the person still gets the 403."""
    plan_id = (request.view_args or {}).get("plan_id")
    try:
        record_now(
            "access.denied",
            target=audit_service.request_target(),
            plan_id=plan_id if isinstance(plan_id, int) else None,
            outcome=DENIED,
        )
    except SQLAlchemyError as exc:
        db.session.rollback()  # the audit row could not be written; the 403 still is
        log.error(
            "audit: a refusal of %s was not recorded (%s)", request.endpoint, type(exc).__name__
        )


def _register_errors(app: Flask) -> None:
    @app.errorhandler(403)
    def forbidden(_e):
        _record_denial()
        return _error(403, "Không có quyền", "Tài khoản của bạn không được làm việc này.")

    @app.errorhandler(404)
    def not_found(_e):
        return _error(404, "Không tìm thấy", "Trang hoặc dữ liệu bạn tìm không có.")

    @app.errorhandler(413)
    def too_large(_e):
        limit = app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024)
        return _error(413, "Tệp quá lớn", f"Tệp tải lên vượt quá giới hạn {limit} MB.")

    @app.errorhandler(CSRFError)
    def csrf_error(_e):
        return _error(
            400,
            "Phiên làm việc hết hạn",
            "Biểu mẫu đã hết hạn hoặc không hợp lệ. Vui lòng tải lại trang và thử lại.",
        )

    @app.errorhandler(OperationalError)
    def database_busy(exc):
        if not database.is_busy(exc.orig):
            raise exc
        response = _error(
            503,
            "Hệ thống đang bận",
            "Cơ sở dữ liệu đang bận, chưa ghi gì. Vui lòng thử lại sau ít giây.",
        )
        body, code = response
        return body, code, {"Retry-After": "5"}
