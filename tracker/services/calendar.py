"""Calendar subscriptions: secret links (tokens), who may have which feed, and the feed
itself with a version key cheap enough to answer "not modified" before building it.

A token is `secrets.token_urlsafe(32)` (256 bits) shown once; only its SHA-256 is kept.
It opens its one feed and nothing else: the feed route creates no session and the
token is no credential anywhere else.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import func, select, update

from tracker.clock import now_utc
from tracker.domain.calendar import FeedHeader, render
from tracker.domain.text import fold, name_key
from tracker.extensions import db
from tracker.models import Activity, CalendarToken, Change, Plan, ReportEvent, Unit, User
from tracker.models.calendar import FEED_KINDS, PLAN_FEED, UNIT_FEED, USER_FEED
from tracker.models.units import UnitAlias
from tracker.models.users import COORDINATOR, LEADER, OFFICER
from tracker.services import history, throttle
from tracker.services.calendar_events import Selection, build_events
from tracker.services.catalog import sorted_units

# Bump when the feed's wording or layout changes, so every ETag changes with it.
FORMAT_VERSION = "1"
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{43}$")  # token_urlsafe(32)
# Wrong links from one address: 20 within 10 minutes, then 429 until they age out.
WRONG_TOKEN_LIMIT = 20
WRONG_TOKEN_WINDOW = timedelta(minutes=10)
# "Last used" is kept to the hour: a feed read every few minutes writes once an hour.
USE_RESOLUTION = timedelta(hours=1)
COLORS = {UNIT_FEED: "steelblue", USER_FEED: "seagreen", PLAN_FEED: "darkred"}


class CalendarError(ValueError):
    """The message is for the user."""


@dataclass(frozen=True)
class FeedSettings:
    base_url: str  # "https://papi.vinhchau.gov.vn", no trailing slash
    alarm_days: int | None  # None: no reminders

    @property
    def host(self) -> str:
        """For UIDs: the host name, reduced to the characters a host name may have."""
        host = re.sub(r"[^a-z0-9.-]", "", urlsplit(self.base_url).hostname or "")
        return host or "papi-tracker"

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> FeedSettings:
        days = config["CALENDAR_ALARM_DAYS"]
        if days is not None and not 0 <= int(days) <= 60:
            raise ValueError("TRACKER_CALENDAR_ALARM_DAYS: từ 0 đến 60 ngày, hoặc để trống")
        return cls(str(config["BASE_URL"]).rstrip("/"), None if days is None else int(days))

    def urls(self, token: str) -> tuple[str, str]:
        """(https… , webcal…) addresses of a feed."""
        https = f"{self.base_url}/cal/{token}.ics"
        return https, "webcal://" + https.split("://", 1)[1]


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


# ---- who may have what ------------------------------------------------------------------


def may_subscribe(user: User | None, scope: str, scope_id: int) -> bool:
    """Officers: their unit and themselves; leaders: plans and themselves; Phòng Nội vụ:
    every feed. None is the command line, run by whoever operates the server."""
    if user is None:
        return True
    if not user.is_active:
        return False
    if scope == USER_FEED:
        return scope_id == user.id and user.unit_id is not None
    if user.role == COORDINATOR:
        return True
    if scope == UNIT_FEED:
        return user.role == OFFICER and user.unit_id == scope_id
    return scope == PLAN_FEED and user.role == LEADER


def may_manage(user: User, token: CalendarToken) -> bool:
    return user.role == COORDINATOR or token.owner_id == user.id


# ---- tokens -------------------------------------------------------------------------------


def issue_token(
    owner: User | None,
    scope: str,
    scope_id: int,
    plan_id: int | None,
    include_done: bool,
    by: User | None,
) -> tuple[CalendarToken, str]:
    """A new link for `owner`; the owner's previous link to the same feed stops working."""
    if scope not in FEED_KINDS:
        raise CalendarError("Loại lịch không hợp lệ.")
    title = feed_title(scope, scope_id, plan_id)
    if title is None:
        raise CalendarError("Không tìm thấy đơn vị, người dùng hoặc kế hoạch của lịch này.")
    if not may_subscribe(owner, scope, scope_id):
        raise CalendarError("Tài khoản này không được đăng ký lịch này.")
    for old in _live(owner, scope, scope_id, plan_id):
        old.revoked_at = now_utc()
    token = secrets.token_urlsafe(32)
    row = CalendarToken(
        token_hash=hash_token(token),
        scope=scope,
        scope_id=scope_id,
        plan_id=plan_id,
        include_done=include_done,
        owner=owner,
        created_by_id=by.id if by else None,
    )
    db.session.add(row)
    db.session.flush()
    _record(by, row, "create", f"Tạo liên kết lịch: {title}")
    return row, token


def _live(owner: User | None, scope: str, scope_id: int, plan_id: int | None):  # type: ignore[no-untyped-def]
    stmt = select(CalendarToken).where(
        CalendarToken.scope == scope,
        CalendarToken.scope_id == scope_id,
        CalendarToken.plan_id.is_(None) if plan_id is None else CalendarToken.plan_id == plan_id,
        CalendarToken.owner_id.is_(None) if owner is None else CalendarToken.owner_id == owner.id,
        CalendarToken.revoked_at.is_(None),
    )
    return db.session.scalars(stmt).all()


def regenerate(row: CalendarToken, by: User | None) -> tuple[CalendarToken, str]:
    if not row.is_live:
        raise CalendarError("Liên kết này đã bị thu hồi; hãy tạo liên kết mới.")
    return issue_token(row.owner, row.scope, row.scope_id, row.plan_id, row.include_done, by)


def revoke(row: CalendarToken, by: User | None) -> None:
    if not row.is_live:
        raise CalendarError("Liên kết này đã bị thu hồi trước đó.")
    row.revoked_at = now_utc()
    _record(by, row, "delete", f"Thu hồi liên kết lịch: {feed_title_of(row)}")
    db.session.flush()


def set_include_done(row: CalendarToken, include_done: bool, by: User | None) -> bool:
    if not row.is_live:
        raise CalendarError("Liên kết này đã bị thu hồi.")
    if row.include_done == include_done:
        return False
    row.include_done = include_done
    row.updated_at = now_utc()
    _record(by, row, "update", "Hiện việc đã xong" if include_done else "Ẩn việc đã xong")
    db.session.flush()
    return True


def _record(by: User | None, row: CalendarToken, action: str, note: str) -> None:
    """Kept in the history with who did it; never the token, only which feed and whose."""
    owner = row.owner.username if row.owner else "(dòng lệnh)"
    history.record(
        by,
        entity="calendar",
        action=action,
        entity_id=row.id,
        plan_id=None,
        after={"Lịch": feed_title_of(row), "Người dùng": owner},
        note=note,
    )


def find_live_token(token: str) -> CalendarToken | None:
    """The live token whose owner may still have its feed (an officer moved to another
    unit or a disabled account loses it), or None."""
    if not TOKEN_PATTERN.match(token):
        return None
    stmt = select(CalendarToken).where(
        CalendarToken.token_hash == hash_token(token), CalendarToken.revoked_at.is_(None)
    )
    row = db.session.scalar(stmt)
    if row is None or (
        row.owner_id is not None and not may_subscribe(row.owner, row.scope, row.scope_id)
    ):
        return None
    return row


def is_throttled(address: str) -> bool:
    return throttle.recent_failures(throttle.FEED, WRONG_TOKEN_WINDOW, address) >= WRONG_TOKEN_LIMIT


def record_wrong_token(address: str) -> None:
    throttle.record_failure(throttle.FEED, WRONG_TOKEN_WINDOW, address)


def needs_use_stamp(row: CalendarToken) -> bool:
    return row.last_used_at is None or now_utc() - row.last_used_at >= USE_RESOLUTION


def stamp_use(token_id: int) -> None:
    db.session.execute(
        update(CalendarToken).where(CalendarToken.id == token_id).values(last_used_at=now_utc())
    )


# ---- feeds ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Feed:
    header: FeedHeader
    selection: Selection
    alarm_days: int | None
    etag: str
    last_modified: datetime
    settings: FeedSettings

    def body(self) -> bytes:
        events = build_events(self.selection, self.settings.base_url, self.settings.host)
        return render(self.header, events, self.alarm_days)


def open_feed(row: CalendarToken, settings: FeedSettings) -> Feed | None:
    """The feed a token opens, with its ETag and Last-Modified; nothing is built yet."""
    resolved = _resolve(row)
    if resolved is None:
        return None
    header, selection = resolved
    # Plan feeds carry no reminders: an overview of every unit would ring dozens of
    # times on one due date. Units and people get theirs.
    alarm_days = None if row.scope == PLAN_FEED else settings.alarm_days
    etag, last_modified = _version(row, selection, settings)
    return Feed(header, selection, alarm_days, etag, last_modified, settings)


def _resolve(row: CalendarToken) -> tuple[FeedHeader, Selection] | None:
    title = feed_title_of(row)
    if title is None:
        return None
    plans = (row.plan_id,) if row.plan_id else None
    if row.scope == PLAN_FEED:
        selection = Selection(plan_ids=(row.scope_id,), names_unit=True)
        about = "mọi đơn vị của kế hoạch"
    elif row.scope == UNIT_FEED:
        selection = Selection(unit_ids=(row.scope_id,), plan_ids=plans)
        about = "đơn vị"
    else:
        units = served_units(db.session.get(User, row.scope_id))
        selection = Selection(unit_ids=units, plan_ids=plans, names_unit=len(units) > 1)
        about = "các đơn vị bạn phụ trách"
    selection = replace(selection, include_done=row.include_done)
    header = FeedHeader(
        name=f"PAPI – {title}",
        description=f"Thời hạn và hạn nộp báo cáo ({about}) trong kế hoạch cải thiện Chỉ số PAPI.",
        color=COLORS[row.scope],
    )
    return header, selection


def served_units(user: User | None) -> tuple[int, ...]:
    """Units a person works for; today an account belongs to at most one."""
    return (user.unit_id,) if user is not None and user.unit_id is not None else ()


def _version(
    row: CalendarToken, selection: Selection, settings: FeedSettings
) -> tuple[str, datetime]:
    """Every change to plan data writes a Change row and every report state a ReportEvent
    row (both append-only), so their largest ids say whether anything could differ."""
    stmt = select(
        select(func.max(Change.id)).scalar_subquery(),
        select(func.max(Change.at)).scalar_subquery(),
        select(func.max(ReportEvent.id)).scalar_subquery(),
        select(func.max(ReportEvent.at)).scalar_subquery(),
    )
    change_id, change_at, event_id, event_at = db.session.execute(stmt).one()
    key = "|".join(
        str(part)
        for part in (
            FORMAT_VERSION,
            change_id,
            event_id,
            row.id,
            row.updated_at.isoformat(),
            selection,
            settings,
        )
    )
    moments = [m for m in (change_at, event_at, row.updated_at) if m is not None]
    return hashlib.sha256(key.encode()).hexdigest()[:32], max(moments).replace(microsecond=0)


def activity_calendar(activity: Activity, user: User, settings: FeedSettings) -> bytes:
    """One activity's deadlines for download. Everyone signed in reads the annex; the
    status of a unit's reports is shown only to those who may read them."""
    private = user.role == OFFICER
    selection = Selection(
        activity_id=activity.id,
        names_unit=True,
        status_units=frozenset(served_units(user)) if private else None,
    )
    events = build_events(selection, settings.base_url, settings.host)
    label = f"{activity.number} " if activity.number else ""
    header = FeedHeader(
        name=f"PAPI – {label}{activity.text[:60]}",
        description=activity.plan.reference,
        color=COLORS[PLAN_FEED],
    )
    return render(header, events, settings.alarm_days)


# ---- names and lookups ------------------------------------------------------------------------


def feed_title_of(row: CalendarToken) -> str | None:
    return feed_title(row.scope, row.scope_id, row.plan_id)


def feed_title(scope: str, scope_id: int, plan_id: int | None) -> str | None:
    """What people call the feed, or None when what it is about no longer exists."""
    plan = db.session.get(Plan, plan_id) if plan_id else None
    if plan_id and plan is None:
        return None
    suffix = f" ({plan.number or plan.year})" if plan else ""
    if scope == PLAN_FEED:
        found = db.session.get(Plan, scope_id)
        return found.reference if found else None
    if scope == UNIT_FEED:
        unit = db.session.get(Unit, scope_id)
        return unit.name + suffix if unit else None
    user = db.session.get(User, scope_id)
    if user is None or not user.is_active:
        return None
    return f"Việc của tôi – {user.unit.name if user.unit else user.username}{suffix}"


def find_units(text: str) -> list[Unit]:
    """Units called `text`: by id, by name or alias as unit names are matched, or failing
    that with diacritics ignored ("phong noi vu"), for people typing on a server."""
    text = text.strip()
    if text.isdigit():
        unit = db.session.get(Unit, int(text))
        return [unit] if unit else []
    units = list(db.session.scalars(select(Unit).order_by(Unit.id)))
    key = name_key(text)
    found = [u for u in units if name_key(u.name) == key]
    if not found:
        stmt = select(UnitAlias.unit_id).where(UnitAlias.key == key)
        ids = set(db.session.scalars(stmt))
        found = [u for u in units if u.id in ids]
    if not found:
        found = [u for u in units if fold(u.name) == fold(text)]
    return found


def live_tokens(owner: User | None = None) -> list[CalendarToken]:
    """Live links, newest first: one person's, or everyone's when `owner` is None."""
    stmt = select(CalendarToken).where(CalendarToken.revoked_at.is_(None))
    if owner is not None:
        stmt = stmt.where(CalendarToken.owner_id == owner.id)
    return list(db.session.scalars(stmt.order_by(CalendarToken.id.desc())))


def cli_link(unit: Unit, plan: Plan | None, new: bool) -> tuple[CalendarToken, str | None]:
    """The command line's link for a unit: made when missing, remade with `new`; an
    existing one cannot be shown again (token None)."""
    plan_id = plan.id if plan else None
    existing = _live(None, UNIT_FEED, unit.id, plan_id)
    if existing and not new:
        return existing[0], None
    return issue_token(None, UNIT_FEED, unit.id, plan_id, True, None)


# ---- the "Lịch" page ---------------------------------------------------------------------------


@dataclass(frozen=True)
class FeedChoice:
    scope: str
    scope_id: int
    plan_id: int | None
    title: str
    hint: str
    token: CalendarToken | None  # this person's live link to it


def feed_choices(user: User) -> list[FeedChoice]:
    """The feeds this person may have, each with their live link if any, then the other
    live links they own (a unit's feed made by Phòng Nội vụ, a feed of one plan)."""
    wanted: list[tuple[str, int, str]] = []
    if user.unit_id is not None:
        hint = "Việc của đơn vị bạn trên mọi kế hoạch; theo tài khoản của bạn."
        wanted.append((USER_FEED, user.id, hint))
        if user.role == OFFICER:
            hint = "Việc của đơn vị trên mọi kế hoạch; dùng cho lịch chung của đơn vị."
            wanted.append((UNIT_FEED, user.unit_id, hint))
    if user.role in (COORDINATOR, LEADER):
        for plan in db.session.scalars(select(Plan).order_by(Plan.year.desc(), Plan.id.desc())):
            wanted.append((PLAN_FEED, plan.id, "Mọi đơn vị của kế hoạch (không nhắc trước)."))
    mine = {(t.scope, t.scope_id, t.plan_id): t for t in live_tokens(user)}
    choices = []
    for scope, scope_id, hint in wanted:
        title = feed_title(scope, scope_id, None)
        if title is not None:
            token = mine.pop((scope, scope_id, None), None)
            choices.append(FeedChoice(scope, scope_id, None, title, hint, token))
    for (scope, scope_id, plan_id), token in mine.items():
        title = feed_title(scope, scope_id, plan_id)
        if title is not None:
            choices.append(FeedChoice(scope, scope_id, plan_id, title, "", token))
    return choices


def subscribable_units(user: User) -> list[Unit]:
    """Units Phòng Nội vụ may make a feed for (groups are their members' feeds)."""
    if user.role != COORDINATOR:
        return []
    return sorted_units(db.session.scalars(select(Unit).where(Unit.kind != "group")))
