"""Recording and reading the audit log.

`record` adds one event to the current transaction, so an import or a deletion and its
audit row are committed — or rolled back — together. Events that must outlive their
request's rollback (a refusal) are written by the web layer in a transaction of their own
(`tracker.web.audit.views.record_now`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask import g, has_request_context, request
from sqlalchemy import func, select

from tracker.clock import LOCAL_TZ, now_utc
from tracker.extensions import db
from tracker.logging import mask_path
from tracker.models import AuditEvent, Plan, User
from tracker.models.audit import ACTION_LABELS, OK
from tracker.services import tenancy
from tracker.services.history import CLI_ACTOR

PAGE_SIZE = 100
# Words that must never name a stored value, whatever a caller passes in `detail`.
_SECRET_WORDS = ("password", "token", "cookie", "secret", "authorization", "mật khẩu")
_MAX_TEXT = 500


def record(
    action: str,
    *,
    target: str = "",
    plan_id: int | None = None,
    detail: dict[str, Any] | None = None,
    outcome: str = OK,
    user: User | None = None,
    username: str | None = None,
) -> AuditEvent:
    """Add an audit event; flushes. The actor is `user`, else the signed-in user of the
    request, else the name typed at a failed sign-in (`username`), else the command line.
    The address is the request's (after ProxyFix, when proxies are trusted)."""
    if action not in ACTION_LABELS:
        raise ValueError(f"unknown audit action {action!r}")
    in_request = has_request_context()
    actor = user if user is not None else (g.get("user") if in_request else None)
    event = AuditEvent(
        at=now_utc(),
        user_id=actor.id if actor is not None else None,
        username=_name(actor, username, in_request)[:80],
        address=(request.remote_addr or "")[:64] if in_request else "",
        action=action,
        target=target[:300],
        plan_id=plan_id,
        outcome=outcome,
        detail=_clean(detail) if detail else None,
    )
    db.session.add(event)
    db.session.flush()
    return event


def _name(actor: User | None, typed: str | None, in_request: bool) -> str:
    if actor is not None:
        return actor.username
    if typed is not None:
        return typed
    return "" if in_request else CLI_ACTOR  # a scheduler job would also be "dòng lệnh"


def request_target() -> str:
    """ "POST /plans/1/…": the request as an audit target, masked like the logs."""
    return f"{request.method} {mask_path(request.path)}"


def _clean(detail: dict[str, Any]) -> dict[str, Any]:
    """Leave out anything named like a secret and cut long texts (defence in depth:
    callers pass counts, codes and names, never file contents or credentials)."""
    clean: dict[str, Any] = {}
    for key, value in detail.items():
        if any(word in str(key).lower() for word in _SECRET_WORDS):
            continue
        clean[str(key)] = value[:_MAX_TEXT] if isinstance(value, str) else value
    return clean


# ---- reading ----------------------------------------------------------------------------


@dataclass(frozen=True)
class AuditFilter:
    action: str = ""
    username: str = ""
    since: date | None = None  # local dates, both included
    until: date | None = None


@dataclass(frozen=True)
class AuditPage:
    events: list[AuditEvent]
    total: int
    page: int
    pages: int
    plan_names: dict[int, str]  # plan id → its reference, for the events' plan links


class FilterError(ValueError):
    """A filter that cannot be read; the message is for the user."""


def parse_filter(args: Mapping[str, str]) -> AuditFilter:
    """The audit page's query string → a filter; raises FilterError in Vietnamese."""
    action = args.get("action", "").strip()
    if action and action not in ACTION_LABELS:
        raise FilterError("Loại sự kiện không có trong danh sách.")
    since = _date(args.get("since", ""), "Từ ngày")
    until = _date(args.get("until", ""), "Đến ngày")
    if since and until and since > until:
        raise FilterError("«Từ ngày» phải trước hoặc bằng «Đến ngày».")
    return AuditFilter(action, args.get("user", "").strip().lower()[:80], since, until)


def _date(text: str, label: str) -> date | None:
    """A date as the date picker sends it (2023-05-02) or as people write it (02/05/2023)."""
    text = text.strip()
    if not text:
        return None
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise FilterError(f"«{label}» không phải ngày hợp lệ (ví dụ 02/05/2023).")


def _local_midnight_utc(day: date) -> datetime:
    return datetime.combine(day, time(), LOCAL_TZ).astimezone(UTC)


def find_events(flt: AuditFilter, page: int = 1, reader: User | None = None) -> AuditPage:
    """Events matching the filter, newest first, PAGE_SIZE a page; with a `reader`, only
    those of the localities it may read (services.tenancy)."""
    stmt = select(AuditEvent)
    if reader is not None:  # failed sign-ins have a name and no account id
        own = tenancy.rows_filter(reader, AuditEvent.plan_id, AuditEvent.username, User.username)
        if own is not None:
            stmt = stmt.where(own)
    if flt.action:
        stmt = stmt.where(AuditEvent.action == flt.action)
    if flt.username:
        stmt = stmt.where(func.lower(AuditEvent.username) == flt.username)
    if flt.since:
        stmt = stmt.where(AuditEvent.at >= _local_midnight_utc(flt.since))
    if flt.until:
        stmt = stmt.where(AuditEvent.at < _local_midnight_utc(flt.until + timedelta(days=1)))
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 1), pages)
    events = db.session.scalars(
        stmt.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    plan_ids = {e.plan_id for e in events if e.plan_id is not None}
    plans = db.session.scalars(select(Plan).where(Plan.id.in_(plan_ids))) if plan_ids else []
    return AuditPage(list(events), total, page, pages, {p.id: p.reference for p in plans})


def known_usernames(reader: User | None = None) -> list[str]:
    """Names to suggest in the filter: every account (of the localities `reader` may
    read), and the command line."""
    people = tenancy.people_of(reader, User.username) if reader is not None else None
    stmt = select(User.username) if people is None else people
    return [*db.session.scalars(stmt.order_by(User.username)), CLI_ACTOR]
