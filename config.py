"""Settings. Each one is read from the environment once, here, with its default.

The README lists every setting; tests/test_docs.py checks that it does.
"""

from __future__ import annotations

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent


def _env(name: str, default: str) -> str:
    return os.environ.get(name, default)


def _optional_int(value: str) -> int | None:
    return int(value) if value.strip() else None


def database_url(value: str) -> str:
    """The URL as SQLAlchemy needs it: `postgres://` and `postgresql://` (as hosting
    panels and libpq write them) are driven by psycopg 3, the driver we install."""
    for scheme in ("postgres://", "postgresql://"):
        if value.startswith(scheme):
            return "postgresql+psycopg://" + value.removeprefix(scheme)
    return value


class Config:
    # Folder for the embedded SQLite database, uploads and backups.
    INSTANCE_DIR = Path(_env("TRACKER_INSTANCE_DIR", str(BASE_DIR / "instance")))
    # Evidence files, kept apart from the database file (served only to signed-in users).
    ATTACHMENTS_DIR = Path(_env("TRACKER_ATTACHMENTS_DIR", str(BASE_DIR / "attachments")))
    # Largest evidence file accepted, in bytes.
    MAX_ATTACHMENT_BYTES = int(_env("TRACKER_MAX_ATTACHMENT_BYTES", str(10 * 1024 * 1024)))
    # Database URL; default is the embedded SQLite file instance/tracker.sqlite3. For a
    # province-wide deployment: postgresql://user:password@host:5432/dbname.
    SQLALCHEMY_DATABASE_URI = database_url(
        _env("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'tracker.sqlite3'}")
    )
    # Secret for sessions, CSRF tokens and unsubscribe links. Empty: a random key made on
    # first start and kept in TRACKER_INSTANCE_DIR/secret_key (mode 0600), read by every
    # worker, the scheduler and the commands (tracker/secret_key.py).
    SECRET_KEY = _env("SECRET_KEY", "")
    # Largest upload accepted, in bytes (annex files, evidence).
    MAX_CONTENT_LENGTH = int(_env("TRACKER_MAX_UPLOAD_BYTES", str(10 * 1024 * 1024)))
    # Seconds a writer waits for a lock (SQLite's busy timeout, PostgreSQL's lock_timeout)
    # before the request answers 503 with Retry-After, having written nothing.
    SQLITE_BUSY_TIMEOUT = float(_env("TRACKER_SQLITE_BUSY_TIMEOUT", "10"))
    # Send session cookies over HTTPS only (on in production).
    SESSION_COOKIE_SECURE = _env("TRACKER_SECURE_COOKIES", "0") == "1"
    SESSION_COOKIE_HTTPONLY = True
    # A session ends after this many minutes without a request…
    SESSION_IDLE_MINUTES = int(_env("TRACKER_SESSION_IDLE_MINUTES", "720"))
    # … and this many hours after signing in, whatever happens (the cookie's lifetime).
    SESSION_MAX_HOURS = int(_env("TRACKER_SESSION_MAX_HOURS", "168"))
    SESSION_COOKIE_SAMESITE = "Lax"
    # Port `python3 dev.py up` serves on (the production servers take their own).
    PORT = int(_env("PORT", "5000"))
    # Address of the app as people reach it: absolute links in e-mails, calendar feeds and
    # the links printed by `calendar-url`. Set it to the public https address in production;
    # unset, the address `dev.py up` serves at (http://127.0.0.1:PORT).
    BASE_URL = _env("TRACKER_BASE_URL", f"http://127.0.0.1:{PORT}").rstrip("/")
    # SMTP server for reminder e-mails; empty: reminders reach the in-app inbox only.
    SMTP_HOST = _env("TRACKER_SMTP_HOST", "")
    SMTP_PORT = int(_env("TRACKER_SMTP_PORT", "25"))
    # "none", "starttls" or "ssl".
    SMTP_SECURITY = _env("TRACKER_SMTP_SECURITY", "none")
    SMTP_USER = _env("TRACKER_SMTP_USER", "")
    SMTP_PASSWORD = _env("TRACKER_SMTP_PASSWORD", "")
    # Sender of reminder e-mails.
    MAIL_FROM = _env("TRACKER_MAIL_FROM", "Theo dõi PAPI <nhacviec@localhost>")
    # Tries before an e-mail is marked failed (with backoff: 1, 2, 4 … minutes).
    MAIL_MAX_ATTEMPTS = int(_env("TRACKER_MAIL_MAX_ATTEMPTS", "8"))
    # Local hour (Asia/Ho_Chi_Minh) from which the day's reminders and digests go out.
    REMINDER_HOUR = int(_env("TRACKER_REMINDER_HOUR", "7"))
    # Days before a deadline that calendar feeds remind (at 08:00 local time); 0 on the
    # day itself, empty for no reminders. Plan-wide feeds never remind.
    CALENDAR_ALARM_DAYS = _optional_int(_env("TRACKER_CALENDAR_ALARM_DAYS", "3"))
    # Request logs: "text" (one readable line) or "json" (one JSON object per line).
    LOG_FORMAT = _env("TRACKER_LOG_FORMAT", "text")
    # Password given to the seeded coordinator `noivu` when `seed` first creates it.
    SEED_PASSWORD = _env("TRACKER_SEED_PASSWORD", "noivu2023")
    # Reverse proxies in front of the app whose X-Forwarded-For is believed (0: none, so
    # the address logged and audited is the connecting one and cannot be forged).
    TRUSTED_PROXIES = int(_env("TRACKER_TRUSTED_PROXIES", "0"))
    # A province's coordinator and leaders read its communes' plans (never change them).
    PROVINCE_READS_COMMUNES = _env("TRACKER_PROVINCE_READS_COMMUNES", "1") == "1"
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    WTF_CSRF_TIME_LIMIT = None
