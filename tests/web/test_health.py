"""`/healthz`: for load balancers, without signing in; 503 without details when the
database cannot be reached; never audited, never logged at info level."""

from __future__ import annotations

import logging

from tests.conftest import _config, audit_events
from tracker import create_app
from tracker.extensions import db


def test_healthy_without_signing_in(app, client, caplog):
    caplog.set_level(logging.DEBUG, logger="tracker")
    before = audit_events(app)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}
    assert audit_events(app) == before
    lines = [r for r in caplog.records if r.name == "tracker.request"]
    assert [(r.levelno, r.path) for r in lines] == [(logging.DEBUG, "/healthz")]
    client.get("/plans")
    assert [r for r in caplog.records if r.name == "tracker.request"][-1].levelno == logging.INFO


def test_unreachable_database_answers_503_without_details(tmp_path, caplog):
    instance = tmp_path / "instance"
    missing = tmp_path / "no-such-folder" / "tracker.sqlite3"
    settings = {**_config(instance), "SQLALCHEMY_DATABASE_URI": f"sqlite:///{missing}"}
    app = create_app({**settings, "SECRET_KEY": "khoa-bi-mat-123"})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "error", "database": "unreachable"}
    body = response.get_data(as_text=True)
    for leak in ("Traceback", "no-such-folder", "sqlite", "khoa-bi-mat-123", "OperationalError"):
        assert leak not in body
    assert "database unreachable (OperationalError)" in caplog.text
    with app.app_context():
        db.engine.dispose()
