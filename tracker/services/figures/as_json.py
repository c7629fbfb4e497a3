"""The figures as JSON, made at the edge (the API, the province's snapshot files) and
never passed between services.
"""

from __future__ import annotations

from dataclasses import asdict
from functools import lru_cache
from typing import Any

from tracker.domain import figure_text
from tracker.domain.figures import (
    OUTCOME_LABELS,
    RULE_LABELS,
    Figure,
    Outcome,
    Tally,
)
from tracker.domain.plan_figures import PlanFigures
from tracker.models import (
    Plan,
)
from tracker.services.figures.names import Names


def figure_json(figure: Figure) -> dict[str, Any]:
    return {
        "numerator": figure.numerator,
        "denominator": figure.denominator,
        "fraction": figure.fraction,
        "percent": figure.percent,
    }


@lru_cache(maxsize=4096)  # a province's units share a few tallies; callers copy, never change
def tally_json(tally: Tally, noun: str) -> dict[str, Any]:
    return {
        "total": tally.total,
        "counts": {
            o.value: {"label": OUTCOME_LABELS[o], **figure_json(Figure(tally.n(o), tally.total))}
            for o in Outcome
        },
        "carried_out": figure_json(tally.carried_out),
        "done": figure_json(tally.done),
        "under_way": figure_json(tally.under_way),
        "no_result": figure_json(tally.no_result),
        "not_carried_out": figure_json(tally.not_carried_out),
        "late": figure_json(tally.late),
        "headline": figure_text.headline(tally, noun),
        "text": figure_text.summary(tally, noun),
    }


def figures_json(plan: Plan, figures: PlanFigures, names: Names) -> dict[str, Any]:
    """Every figure, with its numerator, denominator and the rule that counted it."""
    noun = figures.noun
    return {
        "plan": {"id": plan.id, "number": plan.number, "year": plan.year, "noun": plan.noun},
        "as_of": figures.as_of.isoformat(),
        "round": {
            "periods": [{"id": i, "label": names.periods.get(i, "")} for i in figures.round_ids],
            "label": names.round_label(figures.round_ids),
            "cutoff": figures.cutoff.isoformat() if figures.cutoff else None,
        },
        "rule": {"code": figures.rule.value, "text": RULE_LABELS[figures.rule]},
        "summary": {**tally_json(figures.cumulative, noun)},
        "in_round": figure_json(figures.in_round),
        "by_group": [
            {
                "id": k,
                "label": names.groups[k][0],
                "title": names.groups[k][1],
                **tally_json(t, noun),
            }
            for k, t in sorted(figures.by_group, key=lambda kt: names.groups[kt[0]][2])
        ],
        "by_dimension": [
            {"id": k, "name": names.dimensions.get(k, str(k)), **tally_json(t, noun)}
            for k, t in sorted(figures.by_dimension)
        ],
        "by_unit": [
            {"unit_id": k, "unit": names.units[k], **tally_json(t, noun)}
            for k, t in sorted(figures.by_unit, key=lambda kt: (names.unit_order[kt[0]], kt[0]))
        ],
        "activities": [
            {
                "id": a.activity_id,
                "number": names.activities[a.activity_id].number,
                "outcome": a.outcome.value if a.outcome else None,
                "label": OUTCOME_LABELS[a.outcome] if a.outcome else "Chưa xác định đơn vị",
                "in_round": a.in_round,
                "progress": names.progress(a),
            }
            for a in figures.activities
        ],
        "unresolved": [
            {"activity_id": activity_id, "unit": names.units[unit_id]}
            for activity_id, unit_id in figures.unresolved
        ],
        "overdue": [
            {
                "activity_id": o.activity_id,
                "unit": names.units[o.unit_id],
                "due_on": o.due_on.isoformat(),
                "days_late": o.days_late,
            }
            for o in figures.overdue
        ],
        "supporting": figure_json(figures.support),
        "form": asdict(figures.form),
    }
