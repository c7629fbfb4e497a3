"""The demo banner: a page about a demo locality (Locality.is_demo: the synthetic province
of `flask seed --demo province`) says «Dữ liệu mẫu — không phải số liệu thật» on top, so
no one takes its figures for real. A page is about a locality through the plan, activity,
report or unit it shows, or, on pages of no plan, through the signed-in account's unit."""

from __future__ import annotations

from typing import Any

from flask import g
from jinja2 import pass_context
from jinja2.runtime import Context

from tracker.models import Activity, Locality, Plan, ProgressReport, Unit
from tracker.models.units import DEMO_NOTICE

SHOWN = ("plan", "chosen", "activity", "report", "unit", "locality")


def _locality(shown: Any) -> Locality | None:
    if isinstance(shown, Locality):
        return shown
    if isinstance(shown, Plan | Unit):
        return shown.locality
    if isinstance(shown, Activity):
        return shown.plan.locality
    if isinstance(shown, ProgressReport):
        return shown.assignment.activity.plan.locality
    return None


@pass_context
def demo_notice(context: Context) -> str:
    """The banner's text, or "" for a page of real data."""
    for name in SHOWN:
        locality = _locality(context.get(name))
        if locality is not None:
            return DEMO_NOTICE if locality.is_demo else ""
    user = g.get("user")
    if user is not None and user.unit is not None and user.unit.locality.is_demo:
        return DEMO_NOTICE
    return ""
