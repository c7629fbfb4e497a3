"""Signing in and out, and the decorators that guard views.

A session is checked on every request (services.sessions): the account's session
version, a revoked id, idle and absolute time. Signing in hashes outside the write
transaction (`@reads_first`): scrypt never holds the database's write lock.

An account whose password Phòng Nội vụ gave (new, or reset) reaches only the
change-password page until the person chooses their own (`require_own_password`)."""

from __future__ import annotations

from functools import wraps

from flask import (
    Blueprint,
    abort,
    flash,
    g,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo

from tracker import database
from tracker.extensions import db
from tracker.models import User
from tracker.models.audit import DENIED, FAILED
from tracker.services import accounts, audit, sessions
from tracker.web import devices
from tracker.web.redirects import safe_next
from tracker.web.saving import saving
from tracker.web.start import start_url

bp = Blueprint("auth", __name__)


class LoginForm(FlaskForm):
    username = StringField("Tên đăng nhập", validators=[DataRequired("Nhập tên đăng nhập.")])
    password = PasswordField("Mật khẩu", validators=[DataRequired("Nhập mật khẩu.")])


def load_user() -> None:
    if request.endpoint == "health.healthz":
        g.user = g.user_id = None  # polled without a session; needs no database but its own
        return
    user_id = session.get("user_id")
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    if user is not None and not sessions.valid(session, user):
        session.clear()
        user = None
    g.user = user
    # Kept as a plain number: the request log reads it after the commit expired `g.user`.
    g.user_id = g.user.id if g.user is not None else None


# What an account that must choose its password may still open.
OPEN_UNTIL_PASSWORD_CHOSEN = frozenset(
    {"auth.change_password", "auth.logout", "auth.login", "static", "health.healthz"}
)


def require_own_password():
    """Every page leads to the change-password page while the account still has the
    password Phòng Nội vụ gave it; where the person was going is kept in `next`."""
    user = g.get("user")
    if user is None or not user.must_change_password:
        return None
    if request.endpoint in OPEN_UNTIL_PASSWORD_CHOSEN:
        return None
    if request.path.startswith("/api/"):
        return {"error": "Cần đổi mật khẩu trước khi tiếp tục."}, 403
    # Where the person was going, kept for after; "/" and a POST start over from the start page.
    going = request.full_path.rstrip("?") if request.method == "GET" else None
    if going == "/":
        going = None
    return redirect(url_for("auth.change_password", next=going))


def login_required(view):
    @wraps(view)
    def wrapped(*args, **kwargs):
        if g.user is None:
            if request.path.startswith("/api/"):
                return {"error": "Cần đăng nhập."}, 401
            return redirect(sign_in_url())
        return view(*args, **kwargs)

    return wrapped


def sign_in_url() -> str:
    """The sign-in page, coming back here afterwards: "/login?next=%2Fplans%2F1" — no
    stray "?" (request.full_path ends in one when there is no query string), and no
    `next` at all for the first page, where signing in leads anyway."""
    here = request.full_path if request.query_string else request.path
    if here == url_for("plans.index"):
        return url_for("auth.login")
    return url_for("auth.login", next=here)


def coordinator_required(view):
    @login_required
    @wraps(view)
    def wrapped(*args, **kwargs):
        if not g.user.can_edit_plans:
            abort(403)
        return view(*args, **kwargs)

    return wrapped


@bp.route("/login", methods=["GET", "POST"])
@database.reads_first
def login():
    form = LoginForm()
    if not form.validate_on_submit():
        return render_template("auth/login.html", form=form)
    username = form.username.data.strip().lower()
    address = request.remote_addr or ""
    device = devices.this_device()
    user = db.session.scalar(select(User).where(User.username == username))
    user_id = user.id if user is not None and user.is_active else None
    stored_hash = user.password_hash if user_id else None
    known = device.knows(user_id) or (
        user_id is not None and accounts.signed_in_from(username, address)
    )
    throttled = accounts.is_throttled(username, address, device.id, known)
    reason = _failure_reason(user)
    db.session.rollback()  # the read ends: scrypt runs with no transaction open
    right = not throttled and accounts.password_matches(stored_hash, form.password.data)
    with database.writing(db.session):
        if throttled:
            _record_refusal(username, DENIED, "Sai quá nhiều lần, tạm khóa 15 phút")
        elif right:
            user = db.session.get(User, user_id)
            accounts.clear_failures(username, address)
            audit.record("auth.sign_in", user=user)
        else:
            accounts.record_failure(username, address, device.id)
            _record_refusal(username, FAILED, reason)
    if throttled:
        flash("Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau 15 phút.", "error")
        return render_template("auth/login.html", form=form), 429
    if not right:
        flash("Tên đăng nhập hoặc mật khẩu không đúng.", "error")
        return render_template("auth/login.html", form=form)
    sessions.begin(session, user)
    session.permanent = True
    response = make_response(redirect(safe_next(request.args.get("next"), start_url(user))))
    devices.remember(response, device, user.id)
    return response


def _record_refusal(username: str, outcome: str, reason: str) -> None:
    """The name as typed, and why — never the password."""
    audit.record(
        "auth.sign_in_failed", username=username, outcome=outcome, detail={"Lý do": reason}
    )


def _failure_reason(user: User | None) -> str:
    """For the audit page only; the person signing in is told the same thing every time."""
    if user is None:
        return "Không có tài khoản này"
    return "Sai mật khẩu" if user.is_active else "Tài khoản đã bị khóa"


class PasswordForm(FlaskForm):
    current = PasswordField(
        "Mật khẩu hiện tại", validators=[DataRequired("Nhập mật khẩu hiện tại.")]
    )
    new = PasswordField(
        "Mật khẩu mới",
        validators=[DataRequired("Nhập mật khẩu mới.")],
        description=f"Ít nhất {accounts.MIN_PASSWORD} ký tự, khác mật khẩu hiện tại.",
    )
    confirm = PasswordField(
        "Nhập lại mật khẩu mới",
        validators=[
            DataRequired("Nhập lại mật khẩu mới."),
            EqualTo("new", "Hai lần nhập mật khẩu mới không giống nhau."),
        ],
    )


@bp.route("/account/password", methods=["GET", "POST"])
@database.reads_first
@login_required
def change_password():
    """Every other session of the account ends; this one goes on, to where the person
    was going (`next`) or their start page."""
    form = PasswordForm()
    forced = g.user.must_change_password
    if form.validate_on_submit():
        user_id, stored = g.user.id, g.user.password_hash
        db.session.rollback()  # scrypt twice below, with no transaction open
        try:
            if form.new.data == form.current.data:
                raise accounts.AccountError("Mật khẩu mới phải khác mật khẩu hiện tại.")
            if not accounts.password_matches(stored, form.current.data):
                raise accounts.AccountError("Mật khẩu hiện tại không đúng.")
            new_hash = accounts.hash_password(form.new.data)
        except accounts.AccountError as exc:
            flash(str(exc), "error")
        else:
            with database.writing(db.session):
                user = db.session.get(User, user_id)
                accounts.change_password(user, new_hash)
            sessions.begin(session, user)
            session.permanent = True
            flash("Đã đổi mật khẩu; các phiên đăng nhập khác của tài khoản đã kết thúc.", "success")
            return redirect(safe_next(request.args.get("next"), start_url(user)))
    return render_template("auth/password.html", form=form, forced=forced)


@bp.route("/logout", methods=["POST"])
def logout():
    """This session ends, a copy of its cookie too."""
    if g.user is not None:
        with saving():
            audit.record("auth.sign_out")
            sessions.end(session)
    session.clear()
    return redirect(url_for("auth.login"))
