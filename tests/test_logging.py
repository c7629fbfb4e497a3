"""Request logs: one line per request, JSON or text; paths masked so no token, password or
query string reaches a log — ours, Werkzeug's access log, or any other logger."""

from __future__ import annotations

import json
import logging
import re
import urllib.error
import urllib.parse
import urllib.request

import pytest

from tests.conftest import COORDINATOR, _make_app
from tracker.logging import mask_path, mask_text

TOKEN64 = "Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0Z2FycGx5d2FsZG9mcmVkcGx1Z3h5"


@pytest.mark.parametrize(
    ("path", "logged"),
    [
        ("/plans/1/annex?q=noi+vu&token=abc", "/plans/1/annex"),
        ("/activities/12", "/activities/12"),
        ("/unsubscribe/MQ.abc-DEF_ghi", "/unsubscribe/…"),
        ("/cal/unit/7/abcdef.ics", "/cal/…/…/…"),
        ("/cal/", "/cal/"),
        (f"/plans/1/import/{TOKEN64}", "/plans/1/import/…"),
        (f"/x/{TOKEN64}.ics/y", "/x/…/y"),
        ("/plans/1/import/" + "a" * 32, "/plans/1/import/" + "a" * 32),  # 32 is not longer
        ("/plans/1/import/" + "a" * 33, "/plans/1/import/…"),
    ],
)
def test_mask_path(path, logged):
    assert mask_path(path) == logged


def test_mask_text_keeps_werkzeugs_date_and_masks_the_request_line():
    line = '127.0.0.1 - - [24/Nov/2026 13:00:00] "GET /unsubscribe/MQ.sig?a=1 HTTP/1.1" 200 -'
    assert mask_text(line) == (
        '127.0.0.1 - - [24/Nov/2026 13:00:00] "GET /unsubscribe/… HTTP/1.1" 200 -'
    )
    assert mask_text("see http://host:5000/cal/tok.ics?x=1 now") == "see http://host:5000/cal/… now"


@pytest.fixture(params=["json", "text"])
def logged_app(request, fresh_database, seeded_db):
    for app in _make_app(fresh_database, seeded_db, LOG_FORMAT=request.param):
        yield app, request.param


def test_no_secret_in_any_log(logged_app, caplog, capsys):
    app, fmt = logged_app
    caplog.set_level(logging.DEBUG)
    with app.app_context():
        from tracker.services.reminders.rows import unsubscribe_token

        token = unsubscribe_token(1)
    client = app.test_client()
    client.post("/login?next=/plans", data={"username": "noivu", "password": COORDINATOR[1]})
    assert client.get(f"/unsubscribe/{token}?k=v").status_code == 200
    assert client.get(f"/cal/{TOKEN64}.ics").status_code == 404
    client.post("/login", data={"username": "noivu", "password": "sai-ABCDEF-999"})
    written = capsys.readouterr().err
    everything = caplog.text + written + repr([r.__dict__ for r in caplog.records])
    for secret in (COORDINATOR[1], "sai-ABCDEF-999", token, TOKEN64, "k=v", "session="):
        assert secret not in everything
    lines = [
        line for line in written.splitlines() if "tracker.request" in line or '"method"' in line
    ]
    assert len(lines) == 4
    if fmt == "json":
        parsed = [json.loads(line) for line in lines]
        assert [(p["method"], p["path"], p["status"]) for p in parsed] == [
            ("POST", "/login", 302),
            ("GET", "/unsubscribe/…", 200),
            ("GET", "/cal/…", 404),
            ("POST", "/login", 200),
        ]
        assert parsed[1]["user_id"] == 1 and parsed[1]["remote_addr"] == "127.0.0.1"
        assert parsed[0]["user_id"] is None and parsed[0]["level"] == "INFO"
        assert all(isinstance(p["duration_ms"], float) and p["time"].endswith("Z") for p in parsed)
    else:
        assert "INFO tracker.request: GET /unsubscribe/… 200 " in lines[1]
        assert lines[1].endswith("user=1 addr=127.0.0.1")


def test_werkzeug_access_log_is_masked(live_server, caplog):
    base, app = live_server
    caplog.set_level(logging.INFO)
    with app.app_context():
        from tracker.services.reminders.rows import unsubscribe_token

        token = unsubscribe_token(1)
    for path in (f"/unsubscribe/{token}?k=v", f"/cal/{TOKEN64}.ics", "/healthz", "/healthz?lb=1"):
        try:
            urllib.request.urlopen(base + path, timeout=10).close()
        except urllib.error.HTTPError as exc:
            exc.close()
    body = urllib.parse.urlencode({"username": "noivu", "password": COORDINATOR[1]}).encode()
    try:
        urllib.request.urlopen(base + "/login", data=body, timeout=10).close()
    except urllib.error.HTTPError as exc:  # 400: no CSRF token; the password was still sent
        exc.close()
    # Werkzeug colours error lines; the colour codes are not part of what we check.
    access = [
        re.sub(r"\x1b\[[0-9;]*m", "", r.getMessage())
        for r in caplog.records
        if r.name == "werkzeug"
    ]
    assert any('"GET /unsubscribe/… HTTP/1.1" 200' in m for m in access)
    assert any('"GET /cal/… HTTP/1.1" 404' in m for m in access)
    assert not any("/healthz" in m for m in access)
    for secret in (token, TOKEN64, "k=v", COORDINATOR[1]):
        assert secret not in caplog.text


def test_sql_errors_never_show_their_parameters(app):
    """What a 500 logs of a failed statement: the SQL, never the values bound to it."""
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    from tracker.extensions import db

    with app.app_context():
        with pytest.raises(DBAPIError) as caught:
            db.session.execute(
                text("SELECT * FROM no_such_table WHERE token_hash = :secret"),
                {"secret": "hash-of-a-token-0123456789"},
            )
        db.session.rollback()
    assert "no_such_table" in str(caught.value)
    assert "hash-of-a-token-0123456789" not in str(caught.value)
