"""A standalone SQLite snapshot of a plan and its progress, written with sqlite-utils:
it opens in any SQLite tool or Datasette, and a province collects one per district
(`flask --app wsgi import-snapshot`).

Tables: plan, content_group, activity, unit, assignment, period, report,
evidence_document, figures — with foreign keys — and `metadata` (key, value) saying
which district, plan, "as of" date and tracker version it is, plus the figures as JSON.
Only reports accepted by the "as of" date are in it: drafts stay with their unit."""

from __future__ import annotations

import json
import tempfile
from dataclasses import asdict
from datetime import date, datetime
from pathlib import Path
from typing import Any

import sqlite_utils

from tracker.domain import figure_text
from tracker.exporters.data import FigureLine, ReportData

FORMAT = "papi-tracker-snapshot"
# 2: figures of issue 12 (lũy kế, activities as items, the new outcomes).
FORMAT_VERSION = "2"
TABLES = (
    "metadata",
    "plan",
    "content_group",
    "unit",
    "activity",
    "assignment",
    "period",
    "report",
    "evidence_document",
    "figures",
)
Row = dict[str, Any]

# table → (columns, foreign keys); created up front so empty tables exist too.
SCHEMA: dict[str, tuple[dict[str, type], list[tuple[str, str, str]]]] = {
    "plan": (
        {"id": int, "district": str, "province": str, "issuing_body": str, "number": str}
        | {"issued_on": str, "year": int, "title": str, "noun": str, "rule": str},
        [],
    ),
    "content_group": (
        {"id": int, "plan_id": int, "position": int, "label": str, "title": str, "intro": str},
        [("plan_id", "plan", "id")],
    ),
    "unit": ({"id": int, "name": str, "kind": str, "position": int}, []),
    "activity": (
        {"id": int, "plan_id": int, "group_id": int, "position": int, "number": str}
        | {"text": str, "lead_text": str, "support_text": str, "timeframe_text": str}
        | {"timeframe_kind": str, "due_on": str, "dimensions": str, "status": str}
        | {"progress": str},
        [("plan_id", "plan", "id"), ("group_id", "content_group", "id")],
    ),
    "assignment": (
        {"id": int, "activity_id": int, "unit_id": int, "role": str, "via_group": str}
        | {"outcome": str, "outcome_label": str},
        [("activity_id", "activity", "id"), ("unit_id", "unit", "id")],
    ),
    "period": (
        {"id": int, "plan_id": int, "code": str, "label": str, "kind": str}
        | {"starts_on": str, "ends_on": str, "due_on": str},
        [("plan_id", "plan", "id")],
    ),
    "report": (
        {"id": int, "assignment_id": int, "period_id": int, "status": str, "result": str}
        | {"evidence_text": str, "difficulties": str, "proposals": str, "reason": str}
        | {"completed_on": str, "accepted_at": str},
        [("assignment_id", "assignment", "id"), ("period_id", "period", "id")],
    ),
    "evidence_document": (
        {"id": int, "report_id": int, "text": str, "doc_type": str, "number": str}
        | {"issued_on": str, "issuer": str},
        [("report_id", "report", "id")],
    ),
    "figures": (
        {"id": int, "plan_id": int, "scope": str, "key": str, "label": str, "measure": str}
        | {"numerator": int, "denominator": int, "fraction": str, "percent": str, "rule": str},
        [("plan_id", "plan", "id")],
    ),
}


def generate_snapshot(data: ReportData) -> bytes:
    with tempfile.TemporaryDirectory(prefix="papi-snapshot-") as folder:
        path = Path(folder) / "snapshot.sqlite"
        db = sqlite_utils.Database(path)
        db.table("metadata").create({"key": str, "value": str}, pk="key")
        for table, (columns, foreign_keys) in SCHEMA.items():
            db.table(table).create(columns, pk="id", foreign_keys=foreign_keys)
        db.table("metadata").insert_all({"key": k, "value": v} for k, v in metadata(data).items())
        for table, rows in _rows(data).items():
            db.table(table).insert_all(rows)
        db.conn.commit()
        db.conn.execute("VACUUM")
        db.close()
        return path.read_bytes()


def metadata(data: ReportData) -> dict[str, str]:
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "tracker_version": data.tracker_version,
        "district": data.locality,
        "province": data.province,
        "issuing_body": data.issuing_body,
        "plan_number": data.plan_number,
        "plan_title": data.plan_title,
        "plan_year": str(data.plan_year),
        "as_of": data.as_of.isoformat(),
        "period_code": data.period.code if data.period else "",
        "period_label": data.period.label if data.period else "",
        "rule": data.rule,
        "headline": figure_text.headline(data.figures.cumulative, data.noun),
        "generated_at": data.generated_at.isoformat(),
        "figures": json.dumps(data.figures_json, ensure_ascii=False, sort_keys=True),
    } | ({"demo_notice": data.demo_notice} if data.demo_notice else {})


def _plain(row: dict[str, Any]) -> Row:
    """Dates as ISO text, None as empty text: what SQLite tools show best."""
    return {
        k: v.isoformat() if isinstance(v, date | datetime) else ("" if v is None else v)
        for k, v in row.items()
    }


def _rows(data: ReportData) -> dict[str, list[Row]]:
    plan = data.plan_id
    activities = data.activities
    return {
        "plan": [
            _plain(
                {
                    "id": plan,
                    "district": data.locality,
                    "province": data.province,
                    "issuing_body": data.issuing_body,
                    "number": data.plan_number,
                    "issued_on": data.plan_issued_on,
                    "year": data.plan_year,
                    "title": data.plan_title,
                    "noun": data.noun,
                    "rule": data.rule,
                }
            )
        ],
        "content_group": [
            _plain({"id": g.id, "plan_id": plan, "position": g.position, "label": g.label})
            | {"title": g.title, "intro": g.intro}
            for g in data.groups
        ],
        "unit": [_plain(asdict(u)) for u in data.units],
        "activity": [_activity(plan, a) for a in activities],
        "assignment": [
            _pick("assignment", asdict(a)) for activity in activities for a in activity.assignments
        ],
        "period": [_plain({"plan_id": plan} | asdict(p)) for p in data.periods],
        "report": [_report(r) for r in data.reports],
        "evidence_document": [_plain(asdict(d)) for r in data.reports for d in r.documents],
        "figures": _figures(data),
    }


def _pick(table: str, row: dict[str, Any]) -> Row:
    """The row's values for the table's columns (the dataclasses carry more)."""
    return _plain({k: v for k, v in row.items() if k in SCHEMA[table][0]})


def _activity(plan: int, a: Any) -> Row:
    row = asdict(a) | {"plan_id": plan, "dimensions": ",".join(str(d) for d in a.dimensions)}
    return _pick("activity", row)


def _report(r: Any) -> Row:
    return _pick("report", asdict(r))


def _figures(data: ReportData) -> list[Row]:
    rows: list[Row] = []

    def add(
        scope: str, key: str, label: str, measure: str, num: int, den: int, fr: str, pc: str
    ) -> None:
        rows.append(
            {"id": len(rows) + 1, "plan_id": data.plan_id, "scope": scope, "key": key}
            | {"label": label, "measure": measure, "numerator": num, "denominator": den}
            | {"fraction": fr, "percent": pc, "rule": data.rule}
        )

    for o in data.outcomes:
        add("plan", "", o.label, o.code, o.count, o.total, o.fraction, o.percent)
    lines: list[tuple[str, FigureLine]] = [("plan", data.plan_figure)]
    lines += [("dimension", line) for line in data.by_dimension]
    lines += [("group", line) for line in data.by_group]
    lines += [("unit", line) for line in data.by_unit]
    for scope, line in lines:
        add(scope, line.key, line.label, "done", line.done, line.total, line.done_fraction,
            line.done_percent)  # fmt: skip
        add(scope, line.key, line.label, "carried_out", line.carried, line.total,
            line.carried_fraction, line.carried_percent)  # fmt: skip
    for form in data.form:
        if form.value is not None:
            add("form", form.number, form.label, "value", form.value, 0, form.text, "")
    return rows
