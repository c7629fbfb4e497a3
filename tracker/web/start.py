"""Each role's start page: after signing in, at `/`, after choosing a password.

A unit's focal officer starts on what the unit owes; a leader on the figures of the plan
followed (the plan list when there are several); Phòng Nội vụ on the plan's overview,
its to-do lists (the plan list when there are several), as before."""

from __future__ import annotations

from flask import url_for

from tracker.models import User
from tracker.models.users import LEADER, OFFICER
from tracker.services import plans as plan_service


def start_url(user: User) -> str:
    if user.role == OFFICER:
        return url_for("reports.work")
    plans = plan_service.followed_plans(user)
    if len(plans) == 1:
        endpoint = "plans.dashboard" if user.role == LEADER else "plans.overview"
        return url_for(endpoint, plan_id=plans[0].id)
    return url_for("plans.list_plans")
