"""The seeded Vĩnh Châu demo (2023 progress) exported as of 15/12/2023, with a fixed stamp."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest

from tracker.services.exports import report as exports

AS_OF = date(2023, 12, 15)
STAMP = datetime(2023, 12, 15, 2, 0, tzinfo=UTC)
ACTIVITIES = 23  # seed 004's annex


@pytest.fixture
def app(demo_app):
    return demo_app


def export_request(**changes) -> exports.ExportRequest:
    base = {"plan": "63/KH-UBND", "as_of": AS_OF, "generated_at": STAMP}
    return exports.ExportRequest(**(base | changes))


@pytest.fixture
def data(app):
    with app.app_context():
        return exports.build_report_data(export_request())


@pytest.fixture
def summary(app) -> dict:
    """What `flask --app wsgi summary --json` says for the same date."""
    result = app.test_cli_runner().invoke(
        args=["summary", "--plan", "63/KH-UBND", "--as-of", AS_OF.isoformat(), "--json"]
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def generate(app, code: str, **changes) -> bytes:
    with app.app_context():
        _, content, _ = exports.export(export_request(**changes), code)
    return content


def year_report_says(app, **fields: str) -> None:
    """The first accepted report of the year's round says `fields` too (difficulties,
    proposals…), as a unit would have written them."""
    from sqlalchemy import select

    from tracker.extensions import db
    from tracker.models import ProgressReport

    with app.app_context():
        report = db.session.scalars(
            select(ProgressReport)
            .where(ProgressReport.state == "accepted", ProgressReport.period_id == 2)
            .order_by(ProgressReport.id)
        ).first()
        for name, value in fields.items():
            setattr(report, name, value)
        db.session.commit()
