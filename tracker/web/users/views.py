"""Accounts, managed by Phòng Nội vụ of their locality (services.accounts): create one
(its initial password shown once), edit, reset a password, deactivate and reactivate
(ending the account's sessions), unlock after failed sign-ins. Passwords are hashed
before the write transaction (`@reads_first`). Many at once: bulk.py."""

from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import EmailField, PasswordField, SelectField, StringField, TelField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired

from tracker import database
from tracker.domain.accounts import phone_display
from tracker.extensions import db
from tracker.models import Change, User
from tracker.models.users import OFFICER, ROLE_LABELS, role_label
from tracker.services import account_links, accounts, new_accounts
from tracker.web.auth import coordinator_required
from tracker.web.saving import saving
from tracker.web.users import bulk, setup  # noqa: F401 - their routes are on bp
from tracker.web.users.common import bp, user_or_404
from tracker.web.users.created import created_page
from tracker.web.wording import office

__all__ = ["bp"]


def role_labels() -> dict[str, str]:
    """The roles, the coordinator named as the request's locality names its office."""
    return {r: role_label(r, office()) for r in accounts.ROLES}


class AccountFields(FlaskForm):
    full_name = StringField("Họ tên", validators=[DataRequired("Nhập họ tên.")])
    # Choices are checked by services.accounts, in Vietnamese (WTForms says it in English).
    role = SelectField(
        "Vai trò",
        choices=[SelectChoice(r, ROLE_LABELS[r]) for r in accounts.ROLES],
        default=OFFICER,
        validate_choice=False,
    )
    unit_id = SelectField("Đơn vị", coerce=int, validate_choice=False)
    email = EmailField(
        "E-mail", description="Để nhận nhắc việc; có e-mail thì được gửi liên kết đặt mật khẩu."
    )
    phone = TelField("Điện thoại", description="vd 0912 345 678 hoặc 0299 3861 234")


class UserForm(AccountFields):
    username = StringField(
        "Tên đăng nhập",
        description="Để trống: hệ thống tự tạo từ đơn vị và họ tên, vd tuphap.annv.",
    )
    password = PasswordField(
        "Mật khẩu ban đầu",
        description="Để trống: hệ thống tạo mật khẩu và chỉ hiện một lần sau khi tạo.",
    )


class EditForm(AccountFields):
    pass


class ResetForm(FlaskForm):
    password = PasswordField("Mật khẩu mới", validators=[DataRequired("Nhập mật khẩu mới.")])


def _unit_choices(by: User) -> list[SelectChoice]:
    units = accounts.assignable_units(by)
    none = [SelectChoice(0, "— Không thuộc đơn vị —")] if accounts.may_attach(by, None) else []
    return [*none, *(SelectChoice(u.id, u.name) for u in units)]


@bp.route("/users", methods=["GET", "POST"])
@database.reads_first
@coordinator_required
def index():
    form = UserForm()
    form.unit_id.choices = _unit_choices(g.user)
    form.role.choices = [SelectChoice(r, label) for r, label in role_labels().items()]
    if form.validate_on_submit():
        with saving(accounts.AccountError) as saved:
            account = new_accounts.check_form(
                username=form.username.data or "",
                full_name=form.full_name.data,
                role=form.role.data,
                unit_id=form.unit_id.data or None,
                email=form.email.data or "",
                phone=form.phone.data or "",
                by=g.user,
            )
            mail = account_links.mail_configured()
            issued = new_accounts.issue([account], form.password.data or "", links=mail)
            with database.writing(db.session):
                created = new_accounts.create_all(issued, db.session.get(User, g.user_id))
        if saved:
            return created_page(created)
    return render_template(
        "users/list.html",
        users=accounts.users(g.user),
        form=form,
        reset=ResetForm(),
        roles=role_labels(),
        role_label=role_label,
        locked=accounts.names_with_failures(),
    )


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@coordinator_required
def edit(user_id: int):
    """Name, role, unit, e-mail and phone; the user name stays."""
    user = user_or_404(user_id)
    form = EditForm(obj=user)
    form.unit_id.choices = _unit_choices(g.user)
    form.role.choices = [SelectChoice(r, label) for r, label in role_labels().items()]
    if request.method == "GET":
        form.unit_id.data = user.unit_id or 0
        form.phone.data = phone_display(user.phone)
    if form.validate_on_submit():
        with saving(accounts.AccountError) as saved:
            unit = accounts.find_unit(form.unit_id.data)
            changed = accounts.update_user(
                user,
                full_name=form.full_name.data,
                role=form.role.data,
                unit=unit,
                email=form.email.data or "",
                phone=form.phone.data or "",
                by=g.user,
            )
        if saved:
            flash(
                f"Đã lưu tài khoản «{user.username}»." if changed else "Không có gì thay đổi.",
                "success",
            )
            return redirect(url_for("users.index"))
        user = user_or_404(user_id)  # again: the rollback let its changes go
    changes = db.session.scalars(
        select(Change)
        .where(Change.entity == "user", Change.entity_id == user.id)
        .order_by(Change.at.desc(), Change.id.desc())
        .limit(50)
    )
    return render_template(
        "users/edit.html",
        user=user,
        form=form,
        action=ResetForm(),
        changes=list(changes),
        mail_configured=account_links.mail_configured(),
    )


@bp.route("/users/<int:user_id>/password", methods=["POST"])
@database.reads_first
@coordinator_required
def reset_password(user_id: int):
    """A new password; the account's sessions end."""
    username = user_or_404(user_id).username
    form = ResetForm()
    if form.validate_on_submit():
        with saving(accounts.AccountError) as saved:
            password_hash = accounts.hash_password(form.password.data)
            with database.writing(db.session):
                by = db.session.get(User, g.user_id)
                accounts.reset_password(user_or_404(user_id), password_hash, by)
        if saved:
            flash(
                f"Đã đặt lại mật khẩu cho «{username}»; lần đăng nhập tới phải đặt mật khẩu mới.",
                "success",
            )
    return redirect(url_for("users.index"))


@bp.route("/users/<int:user_id>/active", methods=["POST"])
@coordinator_required
def set_active(user_id: int):
    """Deactivate (sessions end, sign-in refused) or reactivate an account."""
    user = user_or_404(user_id)
    active = request.form.get("active") == "1"
    with saving(accounts.AccountError) as saved:
        accounts.set_active(user, active, g.user)
    if saved:
        flash(f"Đã {'mở lại' if active else 'khóa'} tài khoản «{user.username}».", "success")
    return redirect(url_for("users.index"))


@bp.route("/users/<int:user_id>/unlock", methods=["POST"])
@coordinator_required
def unlock(user_id: int):
    """Forget the account's failed sign-ins, so it can sign in at once."""
    user = user_or_404(user_id)
    with saving():
        accounts.unlock(user, g.user)
    flash(f"Đã mở khóa đăng nhập cho «{user.username}».", "success")
    return redirect(url_for("users.index"))
