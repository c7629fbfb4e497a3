"""Daily snapshots of every plan's figures (for the chart of progress over time)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from tracker.extensions import db
from tracker.models import FigureSnapshot, Plan
from tracker.services.plans import all_plans
from tracker.services.summary import compute_summary


def snapshot_plans(day: date) -> int:
    """Store (or refresh) each plan's figures for `day`; returns how many plans."""
    plans = all_plans()
    for plan in plans:
        data = compute_summary(plan, day)["summary"]
        snap = db.session.scalar(
            select(FigureSnapshot).where(
                FigureSnapshot.plan_id == plan.id, FigureSnapshot.day == day
            )
        )
        if snap is None:
            snap = FigureSnapshot(plan_id=plan.id, day=day)
            db.session.add(snap)
        snap.total = data["total"]
        snap.done = data["done"]["numerator"]
        snap.carried_out = data["carried_out"]["numerator"]
        snap.counts = {k: v["numerator"] for k, v in data["counts"].items()}
    db.session.flush()
    return len(plans)


def history(plan: Plan) -> list[FigureSnapshot]:
    stmt = (
        select(FigureSnapshot).where(FigureSnapshot.plan_id == plan.id).order_by(FigureSnapshot.day)
    )
    return list(db.session.scalars(stmt))
