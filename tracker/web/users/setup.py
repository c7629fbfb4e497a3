"""The one-time link a new account sets its password with (services.account_links), and
Phòng Nội vụ sending a new one. Opening the link shows a form and changes nothing; the
password is hashed before the write transaction (`@reads_first`), and the link is
checked again inside it, so it works once. Pages with a link in their address are never
cached and never sent on as a referrer."""

from __future__ import annotations

from flask import Response, flash, g, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from wtforms import PasswordField
from wtforms.validators import DataRequired

from tracker import database
from tracker.extensions import db
from tracker.models import User
from tracker.services import account_links, accounts
from tracker.web.auth import coordinator_required
from tracker.web.saving import saving
from tracker.web.users.common import bp, user_or_404


class SetupForm(FlaskForm):
    new = PasswordField("Mật khẩu mới", validators=[DataRequired("Nhập mật khẩu mới.")])
    again = PasswordField("Nhập lại mật khẩu mới", validators=[DataRequired("Nhập lại mật khẩu.")])


def _private(page: str, status: int = 200) -> Response:
    response = Response(page, status)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _unusable(address: str) -> Response:
    """A wrong, used or expired link: counted against the address; 429 past the limit
    (misses past it are not written, so a flood cannot fill the table)."""
    if account_links.is_throttled(address):
        page = render_template(
            "error.html", title="Tạm khóa", message="Quá nhiều liên kết sai. Thử lại sau 15 phút."
        )
        response = _private(page, 429)
        response.headers["Retry-After"] = str(int(account_links.WRONG_WINDOW.total_seconds()))
        return response
    with database.writing(db.session):
        account_links.record_wrong_link(address)
    page = render_template(
        "error.html", title="Liên kết không dùng được", message=account_links.not_usable()
    )
    return _private(page, 404)


@bp.route("/account/setup/<token>", methods=["GET", "POST"])
@database.reads_first
def setup_password(token: str):
    address = request.remote_addr or ""
    link = account_links.find_usable(token)
    if link is None:
        return _unusable(address)
    username = link.user.username
    form = SetupForm()
    if form.validate_on_submit():
        with saving(accounts.AccountError) as saved:
            if form.new.data != form.again.data:
                raise accounts.AccountError("Hai lần nhập mật khẩu không giống nhau.")
            password_hash = accounts.hash_password(form.new.data)
            with database.writing(db.session):
                account_links.use_link(token, password_hash)
        if saved:
            flash(f"Đã đặt mật khẩu. Hãy đăng nhập bằng tên «{username}».", "success")
            return redirect(url_for("auth.login"))
    page = render_template("users/setup.html", form=form, username=username, link=link)
    return _private(page)


@bp.route("/users/<int:user_id>/link", methods=["POST"])
@database.reads_first  # no write lock is held while the mail server is talked to
@coordinator_required
def send_link(user_id: int):
    """A new one-time link by e-mail (the account's unused ones stop working)."""
    user = user_or_404(user_id)
    if not user.email or not account_links.mail_configured() or not user.is_active:
        flash(
            "Không gửi được: tài khoản cần đang dùng, có e-mail, và máy chủ thư đã cấu hình.",
            "error",
        )
        return redirect(url_for("users.edit", user_id=user_id))
    token = account_links.new_token()
    with database.writing(db.session):
        account_links.store_link(user_or_404(user_id), token, db.session.get(User, g.user_id))
    (sent,) = account_links.send_links([(user_or_404(user_id), token)])
    with database.writing(db.session):
        account_links.record_sent([sent], db.session.get(User, g.user_id))
    if sent.ok:
        flash(f"Đã gửi liên kết đặt mật khẩu tới {sent.address}.", "success")
    else:
        flash(f"{sent.error} Liên kết chưa tới được người dùng.", "error")
    return redirect(url_for("users.edit", user_id=user_id))
