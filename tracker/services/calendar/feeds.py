"""Calendar feeds: what a link opens, with a version key cheap enough to answer "not
modified" before building anything; one activity's deadlines; the "Lịch" page's list."""

from __future__ import annotations

import hashlib
import re
import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import Select, func, select

from tracker.domain import calendar_plan, ical
from tracker.domain.calendar import FeedHeader, event_text, header_lines, render
from tracker.domain.text import fold, name_key
from tracker.extensions import db
from tracker.models import (
    Activity,
    CalendarToken,
    Change,
    Locality,
    Plan,
    ReportEvent,
    Unit,
    User,
)
from tracker.models.calendar import PLAN_FEED, UNIT_FEED, USER_FEED
from tracker.models.units import DEMO_NOTICE, UnitAlias
from tracker.models.users import COORDINATOR, LEADER, OFFICER
from tracker.services import tenancy, wording
from tracker.services.calendar import kept as calendar_kept
from tracker.services.calendar.events import (
    Selection,
    build_events,
    event_order,
    events_by_activity,
)
from tracker.services.calendar.kept import Placed
from tracker.services.calendar.links import feed_title, feed_title_of, live_tokens
from tracker.services.calendar.plan import plan_events_by_activity
from tracker.services.catalog import sorted_units
from tracker.services.change_log import Version
from tracker.services.plans import followed_plans

# Bump when the feed's wording or layout changes, so every ETag changes with it.
FORMAT_VERSION = "2"
COLORS = {UNIT_FEED: "steelblue", USER_FEED: "seagreen", PLAN_FEED: "darkred"}


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


# ---- feeds ----------------------------------------------------------------------------------

# Bodies by what they are made of, newest last. Calendars poll every hour, not all with
# If-None-Match, and several leaders may subscribe to one plan: between two changes a
# plan's ~0.4 MB feed is the same bytes every time. A few per process. After a change,
# the body is made again from the events kept by activity (services.calendar.kept).
_BODIES: OrderedDict[str, bytes] = OrderedDict()
_BODIES_LOCK = threading.Lock()
BODIES_KEPT = 8


def forget_bodies() -> None:
    """As after any change: the next request of each feed makes its body again."""
    with _BODIES_LOCK:
        _BODIES.clear()


def forget_events() -> None:
    """As after a restart: the next request of each feed builds every event again."""
    forget_bodies()
    calendar_kept.forget()


@dataclass(frozen=True)
class Feed:
    header: FeedHeader
    selection: Selection
    alarm_days: int | None
    etag: str
    last_modified: datetime
    settings: FeedSettings
    # What the body is made of: the ETag's data without the link's own (token, dates).
    content_key: str
    # The change logs' version the body is made at, and what the feed is apart from it.
    version: Version
    events_key: str
    # A plan's feed: one event per activity and due date, counting its lead units
    # (domain.calendar_plan); otherwise one per assignment and due date.
    per_activity: bool = False

    def body(self) -> bytes:
        with _BODIES_LOCK:
            kept = _BODIES.get(self.content_key)
            if kept is not None:
                _BODIES.move_to_end(self.content_key)
                return kept
        body = self._build()
        with _BODIES_LOCK:
            _BODIES[self.content_key] = body
            while len(_BODIES) > BODIES_KEPT:
                _BODIES.popitem(last=False)
        return body

    def _build(self) -> bytes:
        texts = calendar_kept.event_texts(self.events_key, self.version, self._events)
        return ical.calendar_bytes(header_lines(self.header), texts)

    def _events(self, only: Sequence[int] | None) -> dict[int, list[Placed]]:
        """The VEVENT texts of each activity (of `only`, when given), each with where it
        goes in the feed."""
        base_url, host = self.settings.base_url, self.settings.host
        if self.per_activity:
            (plan_id,) = self.selection.plan_ids or ()
            include_done = self.selection.include_done
            by_activity = plan_events_by_activity(plan_id, base_url, host, include_done, only)
            return {
                activity_id: [(key, calendar_plan.event_text(e)) for key, e in events.placed()]
                for activity_id, events in by_activity.items()
            }
        alarm_days = self.alarm_days
        unit_events = events_by_activity(self.selection, base_url, host, only)
        return {
            activity_id: [(event_order(e), event_text(e, alarm_days)) for e in events]
            for activity_id, events in unit_events.items()
        }


def open_feed(row: CalendarToken, settings: FeedSettings) -> Feed | None:
    """The feed a token opens, with its ETag and Last-Modified; nothing is built yet."""
    resolved = _resolve(row)
    if resolved is None:
        return None
    header, selection = resolved
    # Plan feeds carry no reminders: an overview of every unit would ring dozens of
    # times on one due date. Units and people get theirs.
    alarm_days = None if row.scope == PLAN_FEED else settings.alarm_days
    etag, content_key, last_modified, version, events_key = _version(row, selection, settings)
    return Feed(
        header,
        selection,
        alarm_days,
        etag,
        last_modified,
        settings,
        content_key,
        version,
        events_key,
        per_activity=row.scope == PLAN_FEED,
    )


def _resolve(row: CalendarToken) -> tuple[FeedHeader, Selection] | None:
    title = feed_title_of(row)
    if title is None:
        return None
    plans = (row.plan_id,) if row.plan_id else None
    if row.scope == PLAN_FEED:
        selection = Selection(plan_ids=(row.scope_id,), lead_only=True)
        about = "mỗi hoạt động một lần, với số đơn vị chủ trì đã báo cáo"
    elif row.scope == UNIT_FEED:
        selection = Selection(unit_ids=(row.scope_id,), plan_ids=plans, followed_only=True)
        about = "đơn vị"
    else:
        units = served_units(db.session.get(User, row.scope_id))
        selection = Selection(
            unit_ids=units, plan_ids=plans, names_unit=len(units) > 1, followed_only=True
        )
        about = "các đơn vị bạn phụ trách"
    selection = replace(selection, include_done=row.include_done)
    locality = _feed_locality(row)
    if locality is not None and locality.is_demo:  # a demo locality's deadlines: say so
        title = f"{title} — {DEMO_NOTICE}"
    header = FeedHeader(
        name=f"PAPI – {title}",
        description=(
            f"Thời hạn và hạn nộp báo cáo ({about}) trong kế hoạch cải thiện Chỉ số PAPI. "
            f"Báo cáo gửi {wording.office_of(locality)}."
        ),
        color=COLORS[row.scope],
    )
    return header, selection


def _feed_locality(row: CalendarToken) -> Locality | None:
    """Whose office a feed names: its plan's, its unit's, its person's (services.wording).
    The plan, unit or person comes from the session's identity map: the title read it."""
    if row.scope == PLAN_FEED or row.plan_id:
        plan = db.session.get(Plan, row.scope_id if row.scope == PLAN_FEED else row.plan_id)
        return wording.locality_for(plan)
    if row.scope == UNIT_FEED:
        unit = db.session.get(Unit, row.scope_id)
        return wording.locality_for(locality_id=unit.locality_id if unit else None)
    return wording.locality_for(user=db.session.get(User, row.scope_id))


def served_units(user: User | None) -> tuple[int, ...]:
    """Units a person works for; today an account belongs to at most one."""
    return (user.unit_id,) if user is not None and user.unit_id is not None else ()


def _version(
    row: CalendarToken, selection: Selection, settings: FeedSettings
) -> tuple[str, str, datetime, Version, str]:
    """(ETag, content key, Last-Modified, the logs' version, the events' key). Every
    change to plan data writes a Change row and every report state a ReportEvent row
    (both append-only), so their largest ids say whether anything could differ."""
    change_id, change_at, newest_change, event_id, event_at, newest_event = (
        db.session.connection().execute(_version_statement()).one()
    )
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
    # The database too: one process may serve several apps (the tests do).
    content = (FORMAT_VERSION, db.engine.url, change_id, event_id, row.scope, row.scope_id)
    content_key = "|".join(str(part) for part in (*content, row.plan_id, selection, settings))
    feed = (FORMAT_VERSION, db.engine.url, row.scope, row.scope_id, row.plan_id, selection)
    events_key = "|".join(str(part) for part in (*feed, settings))
    version = Version(change_id or 0, newest_change, event_id or 0, newest_event)
    moments = [m for m in (change_at, event_at, row.updated_at) if m is not None]
    last_modified = max(moments).replace(microsecond=0)
    etag = hashlib.sha256(key.encode()).hexdigest()[:32]
    return etag, content_key, last_modified, version, events_key


@lru_cache(maxsize=1)  # built once: building the statement costs more than running it
def _version_statement() -> Select[Any]:
    """The largest id and time of each log, and the time of its newest row."""
    return select(
        select(func.max(Change.id)).scalar_subquery(),
        select(func.max(Change.at)).scalar_subquery(),
        select(Change.at).order_by(Change.id.desc()).limit(1).scalar_subquery(),
        select(func.max(ReportEvent.id)).scalar_subquery(),
        select(func.max(ReportEvent.at)).scalar_subquery(),
        select(ReportEvent.at).order_by(ReportEvent.id.desc()).limit(1).scalar_subquery(),
    )


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
    if activity.plan.locality.is_demo:
        label = f"{DEMO_NOTICE} – {label}"
    header = FeedHeader(
        name=f"PAPI – {label}{activity.text[:60]}",
        description=activity.plan.reference,
        color=COLORS[PLAN_FEED],
    )
    return render(header, events, settings.alarm_days)


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
        hint = (
            "Mỗi hoạt động một lần cho mỗi thời hạn, kỳ báo cáo, kèm số đơn vị chủ trì "
            "đã báo cáo (không nhắc trước)."
        )
        for plan in followed_plans():  # an archived plan's feed, once made, keeps working
            wanted.append((PLAN_FEED, plan.id, hint))
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
    stmt = select(Unit).where(Unit.kind != "group")
    own = tenancy.home(user)  # its own locality's units (services.tenancy)
    return sorted_units(
        db.session.scalars(stmt if own is None else stmt.where(Unit.locality_id == own))
    )
