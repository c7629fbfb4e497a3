"""Accounts, managed by Phòng Nội vụ."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, url_for
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired

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
@coordinator_required
def index():
    form = UserForm()
    form.unit_id.choices = _unit_choices()
    if form.validate_on_submit():
        unit = db.session.get(Unit, form.unit_id.data) if form.unit_id.data else None
        try:
            user = accounts.create_user(
                username=form.username.data,
                full_name=form.full_name.data,
                role=form.role.data,
                unit=unit,
                password=form.password.data,
                by=g.user,
            )
        except accounts.AccountError as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            db.session.commit()
            flash(f"Đã tạo tài khoản «{user.username}».", "success")
            return redirect(url_for("users.index"))
    return render_template(
        "users/list.html", users=accounts.users(), form=form, reset=ResetForm(), roles=ROLE_LABELS
    )


@bp.route("/users/<int:user_id>/password", methods=["POST"])
@coordinator_required
def reset_password(user_id: int):
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    form = ResetForm()
    if form.validate_on_submit():
        try:
            accounts.reset_password(user, form.password.data, g.user)
        except accounts.AccountError as exc:
            flash(str(exc), "error")
        else:
            db.session.commit()
            flash(f"Đã đặt lại mật khẩu cho «{user.username}».", "success")
    return redirect(url_for("users.index"))
