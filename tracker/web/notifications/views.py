"""Notifications: each person's inbox and e-mail choice; for Phòng Nội vụ, the outbox
(sent, pending, failed), each plan's reminder rules with a preview, and working days."""

from __future__ import annotations

from datetime import date

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms import BooleanField, DateField, IntegerField, RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, NumberRange, Optional

from tracker.clock import today_local
from tracker.domain.reminders import KIND_LABELS, Rules
from tracker.domain.workdays import missing_make_up_text, public_holidays
from tracker.extensions import csrf, db
from tracker.models import Notification, User
from tracker.models.notifications import MAIL_LABELS
from tracker.models.users import COORDINATOR, OFFICER, SUBMITTED_NOTICE_LABELS
from tracker.services import tenancy, workdays
from tracker.services.reminders import decisions as reminders
from tracker.services.reminders import messages, outbox
from tracker.services.reminders import rows as outbox_rows
from tracker.services.reminders import settings as reminder_settings
from tracker.web.auth import coordinator_required, login_required
from tracker.web.plans.views import get_plan_or_404
from tracker.web.redirects import safe_next
from tracker.web.saving import saving
from tracker.web.wording import OfficeLabels

bp = Blueprint("notifications", __name__)
OUTBOX_PAGE = 50


# ---- everyone ----------------------------------------------------------------------------


@bp.route("/inbox")
@login_required
def inbox():
    return render_template(
        "notifications/inbox.html", items=outbox.inbox(g.user), kinds=KIND_LABELS
    )


@bp.route("/inbox/read", methods=["POST"])
@login_required
def mark_read():
    raw = request.form.get("id", "")
    with saving():
        outbox.mark_read(g.user, int(raw) if raw.isascii() and raw.isdigit() else None)
    return redirect(safe_next(request.form.get("next"), url_for("notifications.inbox")))


class EmailForm(FlaskForm):
    email = StringField("Địa chỉ e-mail nhận nhắc việc")
    wants_email = BooleanField("Nhận nhắc việc qua e-mail (thông báo trong hệ thống luôn có)")
    # Phòng Nội vụ only; the service checks the choice, with its own message.
    submitted_notices = RadioField(
        "Khi đơn vị gửi báo cáo",
        choices=[SelectChoice(k, v) for k, v in SUBMITTED_NOTICE_LABELS.items()],
        validate_choice=False,
    )


@bp.route("/account/notifications", methods=["GET", "POST"])
@login_required
def settings():
    form = EmailForm()
    is_coordinator = g.user.role == COORDINATOR
    if request.method == "GET":
        form.email.data, form.wants_email.data = g.user.email, g.user.email_reminders
        form.submitted_notices.data = g.user.submitted_notices
    if form.validate_on_submit():
        with saving(reminder_settings.SettingsError) as saved:
            reminder_settings.set_email(
                g.user,
                form.email.data or "",
                form.wants_email.data,
                (form.submitted_notices.data or "") if is_coordinator else None,
            )
        if saved:
            flash("Đã lưu cách nhận thông báo.", "success")
            return redirect(url_for("notifications.settings"))
    return render_template(
        "notifications/settings.html",
        form=form,
        is_coordinator=is_coordinator,
        hour=current_app.config["REMINDER_HOUR"],
    )


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # mail clients post here without a form (RFC 8058); the token is signed
def unsubscribe(token: str):
    user_id = outbox_rows.user_of_unsubscribe_token(token)
    user = db.session.get(User, user_id) if user_id else None
    if user is None:
        abort(404)
    if request.method == "POST":
        with saving():
            user.email_reminders = False
        return render_template("notifications/unsubscribed.html", user=user)
    return render_template("notifications/unsubscribe.html", user=user, token=token)


# ---- Phòng Nội vụ: the outbox ---------------------------------------------------------


@bp.route("/reminders")
@coordinator_required
def outbox_page():
    status = request.args.get("status", "")
    page = max(
        int(request.args.get("page", "1")) if request.args.get("page", "").isdigit() else 1, 1
    )
    stmt = select(Notification)
    own = tenancy.rows_filter(g.user, Notification.plan_id, Notification.user_id)
    if own is not None:  # one locality's messages (services.tenancy)
        stmt = stmt.where(own)
    if status in MAIL_LABELS:
        stmt = stmt.where(Notification.mail_status == status)
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = db.session.scalars(
        stmt.order_by(Notification.id.desc()).limit(OUTBOX_PAGE).offset((page - 1) * OUTBOX_PAGE)
    ).all()
    counted = select(Notification.mail_status, func.count()).group_by(Notification.mail_status)
    counts = dict(db.session.execute(counted if own is None else counted.where(own)).all())
    return render_template(
        "notifications/outbox.html",
        rows=rows,
        status=status,
        counts=counts,
        labels=MAIL_LABELS,
        kinds=KIND_LABELS,
        page=page,
        pages=max(1, -(-total // OUTBOX_PAGE)),
    )


@bp.route("/reminders/<int:notification_id>")
@coordinator_required
def outbox_item(notification_id: int):
    row = db.get_or_404(Notification, notification_id)
    return render_template("notifications/item.html", row=row, kinds=KIND_LABELS)


@bp.route("/reminders/<int:notification_id>/resend", methods=["POST"])
@coordinator_required
def resend(notification_id: int):
    row = db.get_or_404(Notification, notification_id)
    with saving(ValueError) as saved:
        outbox.resend(row)
    if saved:
        flash("Đã đưa thư vào hàng chờ gửi lại (cùng Message-ID).", "success")
    return redirect(url_for("notifications.outbox_item", notification_id=row.id))


# ---- Phòng Nội vụ: rules and preview ---------------------------------------------------


class RulesForm(OfficeLabels, FlaskForm):
    before = StringField(
        "Nhắc trước hạn (ngày làm việc, cách nhau bởi dấu phẩy; 0 = đúng ngày đến hạn)",
        validators=[DataRequired("Nhập số ngày nhắc trước hạn.")],
    )
    overdue_first = IntegerField(
        "Nhắc quá hạn lần đầu sau (ngày làm việc)", validators=[NumberRange(1, 60, "Từ 1 đến 60.")]
    )
    overdue_every = IntegerField(
        "Nhắc lại quá hạn mỗi (ngày làm việc)", validators=[NumberRange(1, 60, "Từ 1 đến 60.")]
    )
    escalate_after = IntegerField(
        "Báo {office} khi quá hạn (ngày làm việc; 0 = không báo)",
        validators=[NumberRange(0, 60, "Từ 0 đến 60.")],
    )
    weekly_digest = BooleanField("Tổng hợp tuần cho {office} (sáng ngày làm việc đầu tuần)")
    monthly_digest = BooleanField("Tổng hợp tháng cho lãnh đạo (ngày làm việc đầu tháng)")
    active_until = DateField(
        "Nhắc việc đến hết ngày", validators=[DataRequired("Nhập ngày hợp lệ.")]
    )


@bp.route("/plans/<int:plan_id>/reminders", methods=["GET", "POST"])
@login_required
def plan_rules(plan_id: int):
    """The plan's reminder rules and a preview of any day: Phòng Nội vụ's page; leaders
    read it without the recipients' addresses; units' officers have their inbox."""
    if g.user.role == OFFICER:
        abort(403)
    plan = get_plan_or_404(plan_id)
    stored = reminders.rules_for(plan)
    form = RulesForm()
    if request.method == "GET":
        rules = stored.rules
        form.before.data = ", ".join(str(n) for n in rules.before)
        form.overdue_first.data, form.overdue_every.data = rules.overdue_first, rules.overdue_every
        form.escalate_after.data = rules.escalate_after
        form.weekly_digest.data, form.monthly_digest.data = (
            rules.weekly_digest,
            rules.monthly_digest,
        )
        form.active_until.data = stored.active_until
    elif not g.user.can_edit_plans:
        abort(403)
    elif form.validate_on_submit():
        with saving(reminder_settings.SettingsError) as saved:
            rules = Rules(
                before=reminder_settings.parse_days(form.before.data),
                overdue_first=form.overdue_first.data,
                overdue_every=form.overdue_every.data,
                escalate_after=form.escalate_after.data,
                weekly_digest=form.weekly_digest.data,
                monthly_digest=form.monthly_digest.data,
            )
            reminder_settings.save_rules(plan, rules, form.active_until.data, g.user)
        if saved:
            flash("Đã lưu cách nhắc việc.", "success")
            return redirect(url_for("notifications.plan_rules", plan_id=plan.id))
    day = _date_arg("on") or today_local()
    decisions = [d for d in reminders.preview(day, today_local()) if d.plan_id in (plan.id, None)]
    return render_template(
        "notifications/rules.html",
        plan=plan,
        form=form,
        day=day,
        rows=[messages.preview_row(d, day) for d in decisions],
        kinds=KIND_LABELS,
        show_addresses=g.user.can_edit_plans,
    )


def _date_arg(name: str) -> date | None:
    try:
        return date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None


# ---- Phòng Nội vụ: working days -------------------------------------------------------


class DayForm(FlaskForm):
    day = DateField("Ngày", validators=[DataRequired("Nhập ngày hợp lệ.")])
    note = StringField("Ghi chú", validators=[Optional()])
    source = StringField(
        "Văn bản",
        validators=[Optional()],
        description="Số, ngày và cơ quan ban hành văn bản thông báo ngày nghỉ, ngày làm bù.",
    )


@bp.route("/working-days", methods=["GET", "POST"])
@coordinator_required
def working_days():
    form = DayForm()
    year = (
        int(request.args.get("year", ""))
        if request.args.get("year", "").isdigit()
        else today_local().year
    )
    if form.validate_on_submit():
        with saving(reminder_settings.SettingsError) as saved:
            if request.form.get("action") == "remove":
                reminder_settings.remove_day(form.day.data, g.user)
            else:
                is_off = request.form.get("action") != "work"
                note, source = form.note.data or "", form.source.data or ""
                reminder_settings.set_day(form.day.data, is_off, note, g.user, source=source)
        if saved:
            flash("Đã lưu lịch ngày làm việc.", "success")
        return redirect(url_for("notifications.working_days", year=form.day.data.year))
    extra = workdays.recorded_days(year)
    editing = next((d for d in extra if d.day == _date_arg("edit")), None)
    if editing is not None and request.method == "GET":
        form.day.data, form.note.data, form.source.data = editing.day, editing.note, editing.source
    missing = workdays.missing_make_up_days(workdays.plan_years() | {year})
    return render_template(
        "notifications/working_days.html",
        form=form,
        year=year,
        holidays=public_holidays([year]),
        extra=extra,
        editing=editing,
        missing=[missing_make_up_text(swap) for swap in missing],
    )
