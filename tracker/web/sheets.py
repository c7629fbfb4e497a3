"""What the two Excel-sheet flows share (accounts: web.users.bulk; the unit catalogue:
web.units.sheet): the locality a sheet is for, staging the upload once (services.staging)
and finding it again for the preview and the confirmation."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from werkzeug.datastructures import FileStorage
from werkzeug.wrappers import Response as BaseResponse

from tracker.models import Locality
from tracker.services import accounts, staging
from tracker.services.staging import Staged
from tracker.web.imports.views import _display_name

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ConfirmForm(FlaskForm):
    """CSRF only."""


def chosen_locality() -> Locality:
    """The coordinator's own locality, or the one chosen (`?locality=`) by a coordinator
    of several."""
    choices = accounts.localities_for(g.user)
    wanted = request.args.get("locality", type=int)
    chosen = next((loc for loc in choices if loc.id == wanted), None)
    if chosen is None and (wanted is not None or not choices):
        abort(404)
    return chosen or choices[0]


def stage_upload(upload: FileStorage | None, missing: str) -> str | None:
    """Stage an uploaded sheet and return its token; None (with `missing` said) when no
    file was chosen."""
    if not upload or not upload.filename:
        flash(missing, "error")
        return None
    instance = current_app.config["INSTANCE_DIR"]
    return staging.stage(instance, _display_name(upload.filename), upload.read())


def upload_page(
    form: FlaskForm, missing: str, preview: str, template: str, **context: Any
) -> str | BaseResponse:
    """The upload step of a sheet flow: a chosen file is staged and goes on to the
    `preview` endpoint; otherwise `template` again (with `missing` said when no file)."""
    locality = chosen_locality()
    if form.validate_on_submit():
        token = stage_upload(form.file.data, missing)
        if token is not None:
            return redirect(url_for(preview, token=token, locality=locality.id))
    return render_template(
        template,
        form=form,
        locality=locality,
        localities=accounts.localities_for(g.user),
        **context,
    )


def staged_sheet(token: str, gone: str, back: str) -> Staged | BaseResponse:
    """The staged sheet of `token`. Gone (imported, or expired): a POST — a second click,
    a reload of the result — says `gone` and goes `back`; a GET is not found."""
    staged = staging.load(current_app.config["INSTANCE_DIR"], token)
    if staged is not None:
        return staged
    if request.method == "POST":
        flash(gone, "error")
        return redirect(url_for(back))
    abort(404)


def discard(token: str) -> None:
    staging.discard(current_app.config["INSTANCE_DIR"], token)
