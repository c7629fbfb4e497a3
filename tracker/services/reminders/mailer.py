"""Sending the outbox's e-mails over SMTP, each at most once.

Claim → send → mark, one row at a time, each its own commit:
- a row is claimed (pending → sending) in one atomic update, so two senders never take
  the same row;
- it is sent with the Message-ID fixed when the decision was written;
- it is marked sent at once.
A sender killed after claiming leaves the row "sending"; after CLAIM_TIMEOUT it becomes
"unknown" — perhaps sent, perhaps not — for the coordinator to resend by hand (a resend
keeps the Message-ID, so a mail client shows at most one). SMTP refusing or failing is
retried with backoff, then marked failed after MAX_ATTEMPTS. A message that cannot even
be built (an address that is not exactly one address, a header with a line break: rows
written before addresses were checked, or by hand) fails alone, at once: the sender goes
on with the others.
"""

from __future__ import annotations

import smtplib
import ssl
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime

from flask import current_app
from sqlalchemy import select, update

from tracker.clock import now_utc
from tracker.domain.text import email_address
from tracker.extensions import db
from tracker.models import Notification
from tracker.models.notifications import FAILED, PENDING, SENDING, SENT, UNKNOWN
from tracker.services.reminders.rows import absolute, unsubscribe_token

CLAIM_TIMEOUT = timedelta(minutes=10)


def backoff(attempts: int) -> timedelta:
    """1, 2, 4 … minutes after each failed try, at most 2 hours."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 120))


def build_message(row: Notification) -> EmailMessage:
    config = current_app.config
    message = EmailMessage()
    message["Subject"] = row.subject
    message["From"] = config["MAIL_FROM"]
    message["To"] = email_address(row.mail_to)  # exactly one address, or ValueError
    message["Date"] = format_datetime(row.created_at)
    message["Message-ID"] = row.message_id
    message["Auto-Submitted"] = "auto-generated"
    unsubscribe = absolute(f"/unsubscribe/{unsubscribe_token(row.user_id)}")
    message["List-Unsubscribe"] = f"<{unsubscribe}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"  # RFC 8058
    message.set_content(row.body_text)
    message.add_alternative(row.body_html, subtype="html")
    return message


def connect() -> smtplib.SMTP:
    config = current_app.config
    host, port, security = config["SMTP_HOST"], config["SMTP_PORT"], config["SMTP_SECURITY"]
    if security == "ssl":
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(
            host, port, timeout=30, context=ssl.create_default_context()
        )
    else:
        smtp = smtplib.SMTP(host, port, timeout=30)
        if security == "starttls":
            smtp.starttls(context=ssl.create_default_context())
    if config["SMTP_USER"]:
        smtp.login(config["SMTP_USER"], config["SMTP_PASSWORD"])
    return smtp


def expire_claims(now: datetime) -> int:
    """Rows left "sending" by a sender that died: their fate is unknown."""
    result = db.session.execute(
        update(Notification)
        .where(Notification.mail_status == SENDING, Notification.claimed_at < now - CLAIM_TIMEOUT)
        .values(
            mail_status=UNKNOWN,
            last_error="Tiến trình gửi dừng giữa chừng: thư có thể đã gửi hoặc chưa. "
            "Kiểm tra với người nhận trước khi gửi lại.",
        )
    )
    return result.rowcount or 0


def claim_next(now: datetime, holder: str) -> int | None:
    """Take the next due row for this sender, atomically; None when nothing is due."""
    due = (
        select(Notification.id)
        .where(Notification.mail_status == PENDING, Notification.next_attempt_at <= now)
        .order_by(Notification.id)
        .limit(1)
        .with_for_update(skip_locked=True)
        .scalar_subquery()
    )
    claimed = db.session.execute(
        update(Notification)
        .where(Notification.id == due, Notification.mail_status == PENDING)
        .values(
            mail_status=SENDING,
            claimed_by=holder,
            claimed_at=now,
            attempts=Notification.attempts + 1,
        )
        .returning(Notification.id)
    )
    return claimed.scalar()


def send_pending(holder: str, limit: int = 500) -> tuple[int, int]:
    """Send what is due, one row at a time; returns (sent, failed tries).

    Each row is claimed and committed before its first byte goes out, and its outcome
    committed right after: a sender killed at any point leaves at most one row
    "sending" (later "unknown"), and no database lock is held while the mail server is
    talked to."""
    expire_claims(now_utc())
    db.session.commit()
    sent = failed = 0
    smtp = None
    try:
        for _ in range(limit):
            row_id = claim_next(now_utc(), holder)
            row = db.session.get(Notification, row_id) if row_id else None
            if row is None:
                db.session.commit()
                break
            try:
                message = build_message(row)
            except (ValueError, TypeError, UnicodeError) as exc:  # this row's fault only
                db.session.commit()
                _record(row_id, exc, permanent=True)
                failed += 1
                continue
            db.session.commit()  # nothing of the row is read after this, until _record
            error: Exception | None = None
            try:
                smtp = smtp or connect()
                smtp.send_message(message)
            except (smtplib.SMTPException, OSError, ValueError, UnicodeError) as exc:
                error = exc
                if not isinstance(exc, smtplib.SMTPRecipientsRefused):
                    smtp = _close(smtp)  # a broken connection is not reused
            _record(row_id, error)
            sent, failed = (sent + 1, failed) if error is None else (sent, failed + 1)
    finally:
        _close(smtp)
    return sent, failed


def _record(row_id: int, error: Exception | None, permanent: bool = False) -> None:
    row = db.session.get(Notification, row_id)
    assert row is not None
    if error is None:
        row.mail_status, row.sent_at, row.last_error = SENT, now_utc(), ""
    else:
        _failed(row, error, permanent)
    db.session.commit()


def _failed(row: Notification, exc: Exception, permanent: bool = False) -> None:
    permanent = permanent or (
        isinstance(exc, smtplib.SMTPRecipientsRefused)
        and all(code >= 500 for code, _ in exc.recipients.values())
    )
    row.last_error = f"{type(exc).__name__}: {exc}"[:500]
    if permanent or row.attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]:
        row.mail_status = FAILED
    else:
        row.mail_status = PENDING
        row.next_attempt_at = now_utc() + backoff(row.attempts)


def _close(smtp: smtplib.SMTP | None) -> None:
    if smtp is not None:
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()
    return None


def send_test(address: str) -> None:
    """A test message to check the SMTP settings."""
    message = EmailMessage()
    message["Subject"] = "[Theo dõi PAPI] Thư thử"
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = address
    message["Date"] = format_datetime(now_utc())
    message.set_content("Máy chủ thư đã cấu hình đúng: hệ thống Theo dõi PAPI gửi được e-mail.")
    smtp = connect()
    try:
        smtp.send_message(message)
    finally:
        _close(smtp)
