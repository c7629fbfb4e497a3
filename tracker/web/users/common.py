"""The accounts area's blueprint: its routes are in views (one account), bulk (many
from a sheet) and setup (the one-time link a new account sets its password with)."""

from __future__ import annotations

from flask import Blueprint, abort, g

from tracker.domain.accounts import phone_display
from tracker.extensions import db
from tracker.models import User
from tracker.services import accounts

bp = Blueprint("users", __name__)
bp.add_app_template_filter(phone_display, "phone")


def user_or_404(user_id: int) -> User:
    """An account the signed-in coordinator manages; 404 for any other (another
    locality's accounts are not even shown to exist)."""
    user = db.session.get(User, user_id)
    if user is None or not accounts.manages(db.session.get(User, g.user_id), user):
        abort(404)
    return user
