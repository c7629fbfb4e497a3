"""Signing in and the decorators that guard views. Issue 3 adds throttling and roles."""

from __future__ import annotations

from functools import wraps

from flask import Blueprint, abort, flash, g, redirect, render_template, request, session, url_for
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired

from tracker.extensions import db
from tracker.models import User
from tracker.models.audit import DENIED, FAILED
from tracker.services import accounts, audit
from tracker.web.redirects import safe_next

bp = Blueprint("auth", __name__)


class LoginForm(FlaskForm):
    username = StringField("Tên đăng nhập", validators=[DataRequired("Nhập tên đăng nhập.")])
    password = PasswordField("Mật khẩu", validators=[DataRequired("Nhập mật khẩu.")])


def load_user() -> None:
    if request.endpoint == "health.healthz":
        g.user = g.user_id = None  # polled without a session; needs no database but its own
        return
    user_id = session.get("user_id")
    user = db.session.get(User, user_id) if user_id else None
    g.user = user if user is not None and user.is_active else None
    # Kept as a plain number: the request log reads it after the commit expired `g.user`.
    g.user_id = g.user.id if g.user is not None else None


def login_required(view):
    @wraps(view)
    def wrapped(*args, **kwargs):
        if g.user is None:
            if request.path.startswith("/api/"):
                return {"error": "Cần đăng nhập."}, 401
            return redirect(url_for("auth.login", next=request.full_path))
        return view(*args, **kwargs)

    return wrapped


def coordinator_required(view):
    @login_required
    @wraps(view)
    def wrapped(*args, **kwargs):
        if not g.user.can_edit_plans:
            abort(403)
        return view(*args, **kwargs)

    return wrapped


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if not form.validate_on_submit():
        return render_template("auth/login.html", form=form)
    username = form.username.data.strip().lower()
    address = request.remote_addr or ""
    if accounts.is_throttled(username, address):
        _record_refusal(username, DENIED, "Sai quá nhiều lần, tạm khóa 15 phút")
        db.session.commit()
        flash("Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau 15 phút.", "error")
        return render_template("auth/login.html", form=form), 429
    user = db.session.scalar(select(User).where(User.username == username))
    if user is not None and user.is_active and user.check_password(form.password.data):
        accounts.clear_failures(username)
        audit.record("auth.sign_in", user=user)
        db.session.commit()
        session.clear()
        session["user_id"] = user.id
        return redirect(safe_next(request.args.get("next"), url_for("plans.index")))
    accounts.record_failure(username, address)
    _record_refusal(username, FAILED, _failure_reason(user))
    db.session.commit()
    flash("Tên đăng nhập hoặc mật khẩu không đúng.", "error")
    return render_template("auth/login.html", form=form)


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
    new = PasswordField("Mật khẩu mới", validators=[DataRequired("Nhập mật khẩu mới.")])


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            accounts.change_password(g.user, form.current.data, form.new.data)
        except accounts.AccountError as exc:
            flash(str(exc), "error")
        else:
            db.session.commit()
            flash("Đã đổi mật khẩu.", "success")
            return redirect(url_for("plans.index"))
    return render_template("auth/password.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout():
    if g.user is not None:
        audit.record("auth.sign_out")
        db.session.commit()
    session.clear()
    return redirect(url_for("auth.login"))
