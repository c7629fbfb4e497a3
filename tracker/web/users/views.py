"""Accounts, managed by Phòng Nội vụ: create, reset a password, deactivate and
reactivate (ending the account's sessions), unlock after failed sign-ins. Passwords are
hashed before the write transaction (`@reads_first`)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired

from tracker import database
from tracker.extensions import db
from tracker.models import Unit, User
from tracker.models.users import ROLE_LABELS
from tracker.services import accounts
from tracker.services import catalog as catalog_service
from tracker.web.auth import coordinator_required

bp = Blueprint("users", __name__)


class UserForm(FlaskForm):
    username = StringField("Tên đăng nhập", validators=[DataRequired("Nhập tên đăng nhập.")])
    full_name = StringField("Họ tên", validators=[DataRequired("Nhập họ tên.")])
    role = SelectField("Vai trò", choices=[SelectChoice(r, ROLE_LABELS[r]) for r in accounts.ROLES])
    unit_id = SelectField("Đơn vị", coerce=int)
    password = PasswordField("Mật khẩu ban đầu", validators=[DataRequired("Nhập mật khẩu.")])


class ResetForm(FlaskForm):
    password = PasswordField("Mật khẩu mới", validators=[DataRequired("Nhập mật khẩu mới.")])


def _unit_choices() -> list[SelectChoice]:
    units = [
        u
        for u in catalog_service.sorted_units(db.session.query(Unit).all())
        if u.kind not in ("group", "vague")
    ]
    return [SelectChoice(0, "— Không thuộc đơn vị —"), *(SelectChoice(u.id, u.name) for u in units)]


@bp.route("/users", methods=["GET", "POST"])
@database.reads_first
@coordinator_required
def index():
    form = UserForm()
    form.unit_id.choices = _unit_choices()
    if form.validate_on_submit():
        try:
            password_hash = accounts.hash_password(form.password.data)
            with database.writing(db.session):
                unit = db.session.get(Unit, form.unit_id.data) if form.unit_id.data else None
                user = accounts.create_user(
                    username=form.username.data,
                    full_name=form.full_name.data,
                    role=form.role.data,
                    unit=unit,
                    password_hash=password_hash,
                    by=db.session.get(User, g.user_id),
                )
                username = user.username
        except accounts.AccountError as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            flash(f"Đã tạo tài khoản «{username}».", "success")
            return redirect(url_for("users.index"))
    return render_template(
        "users/list.html",
        users=accounts.users(),
        form=form,
        reset=ResetForm(),
        roles=ROLE_LABELS,
        locked=accounts.names_with_failures(),
    )


def _user_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


@bp.route("/users/<int:user_id>/password", methods=["POST"])
@database.reads_first
@coordinator_required
def reset_password(user_id: int):
    """A new password; the account's sessions end."""
    username = _user_or_404(user_id).username
    form = ResetForm()
    if form.validate_on_submit():
        try:
            password_hash = accounts.hash_password(form.password.data)
            with database.writing(db.session):
                by = db.session.get(User, g.user_id)
                accounts.reset_password(_user_or_404(user_id), password_hash, by)
        except accounts.AccountError as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            flash(
                f"Đã đặt lại mật khẩu cho «{username}»; lần đăng nhập tới phải đặt mật khẩu mới.",
                "success",
            )
    return redirect(url_for("users.index"))


@bp.route("/users/<int:user_id>/active", methods=["POST"])
@coordinator_required
def set_active(user_id: int):
    """Deactivate (sessions end, sign-in refused) or reactivate an account."""
    user = _user_or_404(user_id)
    active = request.form.get("active") == "1"
    try:
        accounts.set_active(user, active, g.user)
    except accounts.AccountError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(f"Đã {'mở lại' if active else 'khóa'} tài khoản «{user.username}».", "success")
    return redirect(url_for("users.index"))


@bp.route("/users/<int:user_id>/unlock", methods=["POST"])
@coordinator_required
def unlock(user_id: int):
    """Forget the account's failed sign-ins, so it can sign in at once."""
    user = _user_or_404(user_id)
    accounts.unlock(user, g.user)
    db.session.commit()
    flash(f"Đã mở khóa đăng nhập cho «{user.username}».", "success")
    return redirect(url_for("users.index"))
