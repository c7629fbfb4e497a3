"""Calendar subscriptions: the "Lịch" page, secret feed links, the feed itself, and one
activity's deadlines as an .ics download."""

from __future__ import annotations

import gzip
import re
from urllib.parse import urlsplit

import segno
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
    session,
    url_for,
)
from flask_wtf import FlaskForm
from werkzeug.http import is_resource_modified
from wtforms import BooleanField, IntegerField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Optional

from tracker import database
from tracker.extensions import db
from tracker.models import Activity, CalendarToken
from tracker.models.calendar import FEED_KINDS
from tracker.services import plans as plan_service
from tracker.services.calendar import feeds as calendar
from tracker.services.calendar import links as calendar_links
from tracker.web.auth import login_required
from tracker.web.saving import saving

bp = Blueprint("calendar", __name__)
NEW_LINK = "calendar_new"  # session key: a link just made, shown once on the next page


class FeedForm(FlaskForm):
    scope = SelectField(choices=[SelectChoice(k, k) for k in FEED_KINDS])
    scope_id = IntegerField(validators=[InputRequired("Chọn lịch.")])
    plan_id = IntegerField(validators=[Optional()])
    include_done = BooleanField("Hiện cả việc đã xong (đánh dấu ✓)")


class DoneForm(FlaskForm):
    include_done = BooleanField()


class ActionForm(FlaskForm):
    """CSRF only: regenerate, revoke."""


def _settings() -> calendar.FeedSettings:
    return calendar.FeedSettings.from_config(current_app.config)


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.route("/calendar")
@login_required
def index():
    fresh = session.pop(NEW_LINK, None)
    new_link = _new_link(fresh) if fresh else None
    page = render_template(
        "calendar/index.html",
        choices=calendar.feed_choices(g.user),
        all_links=calendar_links.live_tokens(reader=g.user) if g.user.can_edit_plans else [],
        units=calendar.subscribable_units(g.user),
        plans=plan_service.followed_plans(g.user),
        new_link=new_link,
        title_of=calendar_links.feed_title_of,
        form=FeedForm(),
        action_form=ActionForm(),
        base_url_elsewhere=_base_url_elsewhere(),
    )
    # The page may carry a secret link: never cached, never sent on as a referrer.
    return _no_store(Response(page))


def _base_url_elsewhere() -> str | None:
    """TRACKER_BASE_URL when it is not the address this page was opened at: feeds would
    then link people somewhere else (the setting is easily forgotten in production)."""
    base = _settings().base_url
    return None if urlsplit(base).netloc == request.host else base


def _new_link(fresh: dict) -> dict | None:
    row = db.session.get(CalendarToken, fresh.get("id", 0))
    token = str(fresh.get("token", ""))
    if row is None or not row.is_live or calendar_links.hash_token(token) != row.token_hash:
        return None
    https, webcal = _settings().urls(token)
    qr = segno.make(webcal, error="m").svg_inline(
        scale=4, dark="#1d2733", light="#ffffff", omitsize=True, title="Mã QR của liên kết lịch"
    )
    return {"row": row, "https": https, "webcal": webcal, "qr": qr}


def _show_once(row: CalendarToken, token: str) -> None:
    """The token crosses the redirect in the signed session cookie: it goes only to the
    person who asked for it and is dropped by the next page, which shows it once."""
    session[NEW_LINK] = {"id": row.id, "token": token}


@bp.route("/calendar/feeds", methods=["POST"])
@login_required
def create():
    form = FeedForm()
    if not form.validate_on_submit():
        flash("Chọn lịch cần tạo liên kết.", "error")
        return redirect(url_for("calendar.index"))
    with saving(calendar_links.CalendarError) as saved:
        row, token = calendar_links.issue_token(
            g.user,
            form.scope.data,
            form.scope_id.data,
            form.plan_id.data or None,
            form.include_done.data,
            g.user,
        )
    if saved:
        _show_once(row, token)
        flash(
            "Đã tạo liên kết lịch. Liên kết chỉ hiện một lần — hãy thêm vào lịch ngay.", "success"
        )
    return redirect(url_for("calendar.index"))


def _managed(feed_id: int) -> CalendarToken:
    """The link, if this person may manage it; others learn nothing of it (404)."""
    row = db.session.get(CalendarToken, feed_id)
    if row is None or not calendar_links.may_manage(g.user, row):
        abort(404)
    return row


@bp.route("/calendar/feeds/<int:feed_id>/regenerate", methods=["POST"])
@login_required
def regenerate(feed_id: int):
    row = _managed(feed_id)
    if ActionForm().validate_on_submit():
        with saving(calendar_links.CalendarError) as saved:
            new_row, token = calendar_links.regenerate(row, g.user)
        if saved:
            _show_once(new_row, token)
            flash("Đã tạo liên kết mới; liên kết cũ đã ngừng hoạt động.", "success")
    return redirect(url_for("calendar.index"))


@bp.route("/calendar/feeds/<int:feed_id>/revoke", methods=["POST"])
@login_required
def revoke(feed_id: int):
    row = _managed(feed_id)
    if ActionForm().validate_on_submit():
        with saving(calendar_links.CalendarError) as saved:
            calendar_links.revoke(row, g.user)
        if saved:
            flash(
                "Đã thu hồi liên kết; lịch đăng ký bằng liên kết này sẽ không cập nhật nữa.",
                "success",
            )
    return redirect(url_for("calendar.index"))


@bp.route("/calendar/feeds/<int:feed_id>/settings", methods=["POST"])
@login_required
def settings(feed_id: int):
    row = _managed(feed_id)
    form = DoneForm()
    if form.validate_on_submit():
        with saving(calendar_links.CalendarError) as saved:
            changed = calendar_links.set_include_done(row, form.include_done.data, g.user)
        if saved:
            flash("Đã lưu." if changed else "Không có gì thay đổi.", "success")
    return redirect(url_for("calendar.index"))


# ---- the feed: no session, no page, one calendar --------------------------------------------


def _feed_headers(response: Response, cache: str) -> Response:
    response.headers["Cache-Control"] = cache
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.route("/cal/<token>.ics")
def feed(token: str):
    row = calendar_links.find_live_token(token)
    opened = calendar.open_feed(row, _settings()) if row is not None else None
    if row is None or opened is None:
        return _wrong_token(request.remote_addr or "")
    # A whole plan is ~1 MB of repetitive text and ~5% of it gzipped; every calendar
    # client asks for gzip. Each encoding is its own representation with its own ETag.
    zipped = request.accept_encodings["gzip"] > 0
    etag = opened.etag + ("-gz" if zipped else "")
    if is_resource_modified(request.environ, etag=etag, last_modified=opened.last_modified):
        response = Response(_encoded(opened.body(), zipped), mimetype="text/calendar")
        response.headers["Content-Disposition"] = 'inline; filename="papi.ics"'
        if zipped:
            response.headers["Content-Encoding"] = "gzip"
    else:
        response = Response(status=304)
    response.set_etag(etag)
    response.last_modified = opened.last_modified
    response.vary.add("Accept-Encoding")
    if calendar_links.needs_use_stamp(row):
        token_id = row.id
        with database.writing(db.session):
            calendar_links.stamp_use(token_id)
    return _feed_headers(response, "private, no-cache")


def _encoded(body: bytes, zipped: bool) -> bytes:
    # mtime 0: the same calendar gives the same bytes, as its ETag promises.
    return gzip.compress(body, compresslevel=1, mtime=0) if zipped else body


def _wrong_token(address: str) -> Response:
    """404 for a wrong, revoked or orphaned link; 429 once an address has missed too
    often. Misses past the limit are not written, so a flood cannot fill the table."""
    if calendar_links.is_throttled(address):
        response = Response("Quá nhiều yêu cầu sai. Thử lại sau.\n", 429, mimetype="text/plain")
        response.headers["Retry-After"] = str(
            int(calendar_links.WRONG_TOKEN_WINDOW.total_seconds())
        )
        return _feed_headers(response, "no-store")
    with database.writing(db.session):
        calendar_links.record_wrong_token(address)
    response = Response("Không tìm thấy lịch.\n", 404, mimetype="text/plain")
    return _feed_headers(response, "no-store")


_SAFE_NUMBER = re.compile(r"^[0-9.]{1,20}$")


@bp.route("/activities/<int:activity_id>/calendar.ics")
@login_required
def activity_ics(activity_id: int):
    activity = db.get_or_404(Activity, activity_id)
    body = calendar.activity_calendar(activity, g.user, _settings())
    number = activity.number if activity.number and _SAFE_NUMBER.match(activity.number) else ""
    name = f"hoat-dong-{number or activity.id}.ics"
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return _feed_headers(response, "private, no-cache")
