"""Security headers on every response, a policy the pages satisfy (no inline script),
and evidence files served as attachments under a clean name (issue 13)."""

from __future__ import annotations

import io
import re

import pytest

from tests.conftest import ROOT

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.mark.parametrize("path", ["/login", "/plans", "/plans/1/dashboard", "/nothing-here"])
def test_every_page_carries_the_headers(app, client, auth, path):
    auth.login()
    response = client.get(path)
    headers = response.headers
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-eval" not in csp and "'unsafe-inline'" not in csp.split("style-src")[0]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"


def test_no_template_has_inline_script_or_handlers():
    for path in (ROOT / "templates").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)", text), path
        assert not re.search(r"\son[a-z]+=", text), path
        assert "javascript:" not in text, path


def test_an_evidence_file_named_with_control_characters(app, client, auth):
    from sqlalchemy import select

    from tracker.extensions import db
    from tracker.models import Attachment

    auth.login()
    client.post(
        "/assignments/1/periods/1/report",
        data={"status": "in_progress", "result": "Đã làm", "action": "draft"},
    )
    response = client.post(
        "/reports/1/attachments",
        data={"file": (io.BytesIO(PDF), "bien\x00ban\thop\u202e.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    with app.app_context():
        stored = db.session.scalar(select(Attachment))
        assert stored.filename == "bienbanhop.pdf"
    with client.get(f"/attachments/{stored.id}") as download:
        assert download.status_code == 200
        disposition = download.headers["Content-Disposition"]
        assert disposition.startswith("attachment;") and "bienbanhop.pdf" in disposition
        assert download.headers["X-Content-Type-Options"] == "nosniff"
