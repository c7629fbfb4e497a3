"""Many accounts from an Excel sheet: template → upload → preview → confirm → the
initial passwords, once. The upload is read once, when staged (services.staging); the
preview and the confirmation work from what was read. The confirmation hashes every
password before it takes the write lock (`@reads_first`), then writes all or none."""

from __future__ import annotations

from flask import Response, flash, g, redirect, render_template, url_for
from flask_wtf import FlaskForm
from flask_wtf.file import FileField

from tracker import database
from tracker.extensions import db
from tracker.models import User
from tracker.services import account_links, account_sheet, accounts, audit, new_accounts
from tracker.services.staging import Staged
from tracker.web import sheets
from tracker.web.auth import coordinator_required
from tracker.web.saving import saving
from tracker.web.sheets import XLSX, ConfirmForm, chosen_locality
from tracker.web.users.common import bp
from tracker.web.users.created import created_page


class UploadForm(FlaskForm):
    file = FileField("Bảng tài khoản (.xlsx)")


@bp.route("/users/import", methods=["GET", "POST"])
@database.reads_first  # staging reads the file: no write lock while it does
@coordinator_required
def bulk_upload():
    return sheets.upload_page(
        UploadForm(),
        "Chọn tệp Excel (.xlsx) danh sách tài khoản.",
        "users.bulk_preview",
        "users/bulk_upload.html",
        max_accounts=account_sheet.MAX_ACCOUNTS,
    )


@bp.route("/users/import/template.xlsx")
@coordinator_required
def bulk_template():
    locality = chosen_locality()
    body = account_sheet.template(locality, g.user)
    response = Response(body, mimetype=XLSX)
    response.headers["Content-Disposition"] = "attachment; filename=mau-tai-khoan.xlsx"
    return response


@bp.route("/users/import/<token>", methods=["GET", "POST"])
@database.reads_first  # the confirmation hashes every password before it writes
@coordinator_required
def bulk_preview(token: str):
    locality = chosen_locality()
    staged = sheets.staged_sheet(
        token, "Bảng này đã được nhập hoặc đã hết hạn; mật khẩu chỉ hiện một lần.", "users.index"
    )
    if not isinstance(staged, Staged):
        return staged
    read = staged.document or staged.error
    preview = account_sheet.preview_sheet(locality, staged.filename, staged.data, read, g.user)
    form = ConfirmForm()
    if form.validate_on_submit():
        if not preview.can_apply:
            flash("Chưa tạo tài khoản nào: bảng còn lỗi (xem bên dưới).", "error")
        else:
            with saving(accounts.AccountError, show=False) as saved:
                mail = account_links.mail_configured()
                issued = new_accounts.issue(preview.accounts, links=mail)
                with database.writing(db.session):
                    by = db.session.get(User, g.user_id)
                    created = new_accounts.create_all(issued, by)
                    audit.record(
                        "import.accounts",
                        target=staged.filename,
                        detail={"Số tài khoản": len(created), "Địa phương": locality.name},
                        user=by,
                    )
            if not saved:
                flash(f"Chưa tạo tài khoản nào: {saved.refusal} Hãy xem lại bảng.", "error")
                return redirect(url_for("users.bulk_preview", token=token, locality=locality.id))
            sheets.discard(token)
            return created_page(created, sheet=staged.filename)
    return render_template(
        "users/bulk_preview.html",
        preview=preview,
        form=form,
        token=token,
        locality=locality,
    )
