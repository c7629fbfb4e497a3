"""One outbox row (models.Notification), rendered once when the decision to notify is
written: its words, its recipient's e-mail state and its fixed Message-ID; and writing
rows so that each key is taken once, however many writers race.

Reminders (reminders.messages) and notices of what happened (reminders.notices) both end
here, so both keep the outbox's guarantees.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from urllib.parse import urlsplit

from flask import current_app, render_template
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from tracker.domain.reminders import Kind
from tracker.domain.text import one_line
from tracker.extensions import db
from tracker.models import Notification, User
from tracker.models.notifications import PENDING, SKIPPED
from tracker.services import wording


def absolute(path: str) -> str:
    return current_app.config["BASE_URL"].rstrip("/") + path


def message_id(key: str) -> str:
    """Fixed per decision: a retry can only ever resend the same message."""
    host = urlsplit(current_app.config["BASE_URL"]).hostname or "localhost"
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:32]}.nhacviec@{host}>"


def _unsubscribe_signer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="tat-email-nhac-viec")


def unsubscribe_token(user_id: int) -> str:
    return _unsubscribe_signer().dumps(user_id)


def user_of_unsubscribe_token(token: str) -> int | None:
    try:
        value = _unsubscribe_signer().loads(token)
    except BadSignature:
        return None
    return value if isinstance(value, int) else None


def mail_state(user: User) -> tuple[str, str, str]:
    """(status, address, why not) of the e-mail copy for `user`."""
    if not user.email:
        return SKIPPED, "", "Tài khoản chưa có địa chỉ e-mail."
    if not user.email_reminders:
        return SKIPPED, user.email, "Người nhận đã tắt nhận e-mail nhắc việc."
    if not current_app.config["SMTP_HOST"]:
        return SKIPPED, user.email, "Chưa cấu hình máy chủ thư: chỉ gửi vào Hộp thư."
    return PENDING, user.email, ""


def short(text: str, limit: int = 80) -> str:
    text = one_line(text)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


@dataclass(frozen=True)
class Words:
    """What a message says: its subject, its templates (mail/<template>.txt and .html)
    with their context, and the page it opens (a path inside the app)."""

    subject: str
    template: str
    context: dict[str, Any]
    link: str


@dataclass(frozen=True)
class About:
    """What a row is about, kept beside its words (the outbox page and keys read them)."""

    step: int = 0
    due_on: date | None = None
    plan_id: int | None = None
    items: tuple[tuple[int, int | None], ...] = ()  # (assignment id, period id or None)
    report_id: int | None = None


def render(
    key: str,
    kind: Kind,
    user: User,
    words: Words,
    now: datetime,
    about: About = About(),
    in_app_only: str = "",
) -> dict[str, Any]:
    """The outbox row: the words rendered for `user`, and the e-mail's state — pending
    unless the user has no address or turned e-mail off, or `in_app_only` says why this
    kind of notice is never e-mailed."""
    context = {
        "office": wording.office(about.plan_id, user),  # whose words: services.wording
        **words.context,
        "user": user,
        "link": absolute(words.link),
        "settings_link": absolute("/account/notifications"),
        "unsubscribe_link": absolute(f"/unsubscribe/{unsubscribe_token(user.id)}"),
    }
    status, address, why = mail_state(user)
    if in_app_only:
        status, why = SKIPPED, in_app_only
    return {
        "key": key,
        "kind": kind.value,
        "step": about.step,
        "due_on": about.due_on,
        "user_id": user.id,
        "plan_id": about.plan_id,
        "items": [list(item) for item in about.items],
        "report_id": about.report_id,
        "subject": short(words.subject, 290),
        "body_text": render_template(f"mail/{words.template}.txt", **context),
        "body_html": render_template(f"mail/{words.template}.html", **context),
        "link": words.link,
        "created_at": now,
        "mail_to": address,
        "mail_status": status,
        "message_id": message_id(key),
        "attempts": 0,
        "next_attempt_at": now if status == PENDING else None,
        "claimed_by": "",
        "last_error": why,
    }


def write(rows: list[dict[str, Any]]) -> int:
    """Insert the rows whose key is not taken yet; returns how many were new. A row
    another writer wrote meanwhile is skipped by the database."""
    if not rows:
        return 0
    table = Notification.__table__
    dialect = db.session.get_bind().dialect.name
    insert = pg_insert(table) if dialect == "postgresql" else sqlite_insert(table)
    # Count the rows written from RETURNING: the DB-API leaves the rowcount of a many-row
    # insert undefined (psycopg answers -1, which read as "none new").
    written = db.session.execute(
        insert.on_conflict_do_nothing(index_elements=["key"]).returning(table.c.id), rows
    )
    return len(written.all())
