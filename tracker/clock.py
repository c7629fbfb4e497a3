"""The one clock. Tests freeze time by setting `clock.frozen`."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

# When set, now_utc() returns it: tests freeze time here instead of patching datetime.
frozen: datetime | None = None


def now_utc() -> datetime:
    return frozen if frozen is not None else datetime.now(UTC)


def today_local() -> date:
    return now_utc().astimezone(LOCAL_TZ).date()


def to_local(moment: datetime) -> datetime:
    return moment.astimezone(LOCAL_TZ)
