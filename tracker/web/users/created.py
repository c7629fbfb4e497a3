"""The page that shows new accounts' initial passwords — once.

The passwords exist in clear only in the request that made them, so this page is the
answer to that POST, not a redirect's target: nothing keeps them to show again (a
session cookie would, and would overflow with a district's hundred). The response is
never cached; reloading it posts again, which is refused (the user names exist, the
sheet is gone) and shows no password. Links are e-mailed first (after the commit, no
lock held) and each sending is written to the audit log.
"""

from __future__ import annotations

from flask import Response, flash, g, render_template
from sqlalchemy import select

from tracker import database
from tracker.extensions import db
from tracker.models import User
from tracker.services import account_links
from tracker.services.new_accounts import Created


def created_page(created: list[Created], sheet: str = "") -> Response:
    ids = [c.user_id for c in created]
    users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids)))}
    pending = [(users[c.user_id], c.link_token) for c in created if c.link_token]
    sent = account_links.send_links(pending) if pending else []
    if sent:
        with database.writing(db.session):
            account_links.record_sent(sent, db.session.get(User, g.user_id))
    names = ", ".join(f"«{c.account.username}»" for c in created[:5])
    more = f" và {len(created) - 5} tài khoản khác" if len(created) > 5 else ""
    flash(f"Đã tạo tài khoản {names}{more}.", "success")
    page = render_template(
        "users/created.html",
        created=created,
        sent={s.user_id: s for s in sent},
        mail_configured=account_links.mail_configured(),
        sheet=sheet,
        link_days=account_links.LINK_DAYS,
    )
    response = Response(page)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
