"""Daily snapshots of every plan's figures (for the chart of progress over time)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from tracker.extensions import db
from tracker.models import FigureSnapshot, Plan
from tracker.services.figures.remembered import figures_for
from tracker.services.plans import followed_plans


def snapshot_plans(day: date) -> int:
    """Store (or refresh) the figures of each plan not archived for `day` (an archived
    plan's stop changing); returns how many plans."""
    plans = followed_plans()
    for plan in plans:
        tally = figures_for(plan, day, to_date=True).cumulative
        snap = db.session.scalar(
            select(FigureSnapshot).where(
                FigureSnapshot.plan_id == plan.id, FigureSnapshot.day == day
            )
        )
        if snap is None:
            snap = FigureSnapshot(plan_id=plan.id, day=day)
            db.session.add(snap)
        snap.total = tally.total
        snap.done = tally.done.numerator
        snap.carried_out = tally.carried_out.numerator
        snap.counts = {outcome.value: n for outcome, n in tally.counts}
    db.session.flush()
    return len(plans)


def history(plan: Plan) -> list[FigureSnapshot]:
    stmt = (
        select(FigureSnapshot).where(FigureSnapshot.plan_id == plan.id).order_by(FigureSnapshot.day)
    )
    return list(db.session.scalars(stmt))
