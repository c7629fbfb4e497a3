"""One-time links to set a new account's password, sent by e-mail.

The token exists in clear only in the e-mail and in the request that made it: the
database keeps its SHA-256. A link sets the password once, within LINK_DAYS, while the
account is active; opening it (GET) changes nothing, so a mail scanner that follows
links cannot spend it. Wrong, used or expired links are counted per address like wrong
calendar links, and refused for a while past WRONG_LINKS.

Why the e-mail is sent here and not through the reminders' outbox: an outbox row keeps
its body, and the body would keep the token in clear. So the mail goes out right after
the accounts are committed, on one SMTP connection, and each send is recorded in the
audit log (address, never the link); a failure leaves the initial password, shown once
on the result page, as the way in.
"""

from __future__ import annotations

import hashlib
import secrets
import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from urllib.parse import urlsplit

from flask import current_app, render_template
from sqlalchemy import select

from tracker.clock import now_utc
from tracker.extensions import db
from tracker.models import SignInLink, User
from tracker.models.audit import FAILED, OK
from tracker.services import audit, throttle, wording
from tracker.services.accounts import AccountError, drop_unused_links, set_password_by_link
from tracker.services.reminders.mailer import connect
from tracker.services.reminders.messages import absolute

LINK_DAYS = 7
SETUP = "setup"  # throttle kind: a wrong, used or expired link
WRONG_LINKS = 20
WRONG_WINDOW = timedelta(minutes=15)


def not_usable() -> str:
    """Said of a link that cannot be used; whose it was is not known, so the office is
    the instance's only one, or the neutral words (services.wording)."""
    return (
        "Liên kết đặt mật khẩu không dùng được nữa (đã dùng, đã hết hạn hoặc không đúng). "
        f"Hãy đăng nhập bằng mật khẩu ban đầu, hoặc đề nghị {wording.office()} cấp lại."
    )


def mail_configured() -> bool:
    return bool(current_app.config["SMTP_HOST"])


def new_token() -> str:
    """43 URL-safe characters (256 bits); logs mask a path segment this long."""
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def store_link(user: User, token: str, by: User | None) -> SignInLink:
    """Keep a new link for `user` (its hash), dropping the account's unused ones."""
    drop_unused_links(user)
    link = SignInLink(
        user=user,
        token_hash=hash_token(token),
        expires_at=now_utc() + timedelta(days=LINK_DAYS),
        created_by_id=by.id if by is not None else None,
    )
    db.session.add(link)
    db.session.flush()
    return link


def find_usable(token: str) -> SignInLink | None:
    """The link of this token if it may still set a password: unused, not expired, its
    account active. None otherwise (and for a token of the wrong shape)."""
    if not 20 <= len(token) <= 100:
        return None
    link = db.session.scalar(select(SignInLink).where(SignInLink.token_hash == hash_token(token)))
    if link is None or link.used_at is not None or link.expires_at <= now_utc():
        return None
    return link if link.user.is_active else None


def use_link(token: str, password_hash: str) -> User:
    """Set the account's password through its link, once; every session of the account
    ends. In the write transaction (the hash was made before it), so of two requests
    racing with one link, the second finds it used."""
    link = find_usable(token)
    if link is None:
        raise AccountError(not_usable())
    link.used_at = now_utc()
    set_password_by_link(link.user, password_hash)
    audit.record("account.link_used", target=link.user.username, user=link.user)
    return link.user


def is_throttled(address: str) -> bool:
    return throttle.recent_failures(SETUP, WRONG_WINDOW, address=address) >= WRONG_LINKS


def record_wrong_link(address: str) -> None:
    throttle.record_failure(SETUP, WRONG_WINDOW, address)


# ---- sending ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Sent:
    """What became of one link's e-mail, for the result page and the audit log."""

    user_id: int
    username: str
    address: str
    error: str = ""  # "" when the mail server took it

    @property
    def ok(self) -> bool:
        return not self.error


def link_url(token: str) -> str:
    return absolute(f"/account/setup/{token}")


def _message(user: User, token: str, expires_at: datetime) -> EmailMessage:
    config = current_app.config
    context = {
        "user": user,
        "link": link_url(token),
        "expires_at": expires_at,
        "office": wording.office(user=user),
    }
    message = EmailMessage()
    message["Subject"] = "[Theo dõi PAPI] Tài khoản của anh/chị — đặt mật khẩu"
    message["From"] = config["MAIL_FROM"]
    message["To"] = user.email
    message["Date"] = format_datetime(now_utc())
    message["Message-ID"] = make_msgid("taikhoan", urlsplit(config["BASE_URL"]).hostname)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(render_template("mail/account_link.txt", **context))
    message.add_alternative(render_template("mail/account_link.html", **context), subtype="html")
    return message


def send_links(pending: list[tuple[User, str]]) -> list[Sent]:
    """E-mail each account its link, after the accounts are committed, on one connection
    (no database lock is held meanwhile). A connection that fails is not retried here:
    the accounts it leaves are reported unsent."""
    results: list[Sent] = []
    smtp: smtplib.SMTP | None = None
    broken = ""
    expires_at = now_utc() + timedelta(days=LINK_DAYS)
    try:
        for user, token in pending:
            error = broken
            if not error:
                try:
                    smtp = smtp or connect()
                    smtp.send_message(_message(user, token, expires_at))
                except smtplib.SMTPRecipientsRefused:
                    error = "Máy chủ thư từ chối địa chỉ này."
                except (smtplib.SMTPException, OSError, ValueError) as exc:
                    error = broken = f"Không gửi được thư ({type(exc).__name__})."
            results.append(Sent(user.id, user.username, user.email, error))
    finally:
        if smtp is not None:
            try:
                smtp.quit()
            except (smtplib.SMTPException, OSError):
                smtp.close()
    return results


def record_sent(results: list[Sent], by: User | None) -> None:
    """One audit event per e-mail tried: to whom, and whether it went (never the link)."""
    for sent in results:
        audit.record(
            "account.link_sent",
            target=sent.username,
            outcome=OK if sent.ok else FAILED,
            detail={"E-mail": sent.address, **({"Lỗi": sent.error} if sent.error else {})},
            user=by,
        )
