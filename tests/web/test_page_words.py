"""Pages speak to people (issue 15): no database id, no word from the code, no developer
command; one meaning of "quá hạn"; the sign-in address, the favicon and the settings."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from tests.web.page_words import findings, main_pages
from tracker.extensions import db
from tracker.models import Activity, Assignment, ProgressReport, ReportingPeriod, Unit
from tracker.models.history import ACTION_LABELS, ENTITY_LABELS
from tracker.models.jobs import JOB_LABELS
from tracker.scheduler import JOBS

ROOT = Path(__file__).resolve().parents[2]
UNNUMBERED = "Đối thoại với Nhân dân"


@pytest.mark.parametrize(
    ("html", "what"),
    [
        ("<div>Sửa report <a>#13</a></div>", "từ tiếng Anh trong mã"),
        ("<li>Hoạt động 13: chưa xác định</li>", "số hiệu nội bộ của hoạt động"),
        ("<p>chạy <code>flask --app wsgi scheduler</code></p>", "lệnh dành cho kỹ thuật"),
        ('<a class="btn" href="/api/plans/1/annex">JSON</a>', "từ tiếng Anh trong mã"),
        ("<td>noivu (mã 1)</td>", "số hiệu nội bộ"),
        ('<a title="daily-figures: ok">Xong</a>', "từ tiếng Anh trong mã"),
        ("<p>Thiết lập TRACKER_BASE_URL</p>", "lệnh dành cho kỹ thuật"),
        ("<span>None</span>", "từ tiếng Anh trong mã"),
    ],
)
def test_the_checker_finds_what_a_page_must_not_say(html, what):
    assert any(f.startswith(what) for f in findings(f"<html><body>{html}</body></html>"))


@pytest.mark.parametrize(
    "html",
    [
        "<p>Sửa báo cáo <a>hoạt động 1.5</a>; hoạt động 5.2; 23 hoạt động</p>",
        "<p>(không số) «Đối thoại với Nhân dân…»</p>",
        "<p>Kế hoạch số 63/KH-UBND ngày 11/4/2023 · phụ lục từ tệp plan-2023-annex.txt</p>",
        "<p>Google Calendar, Outlook; mở calendar.google.com rồi bấm OK</p>",
        '<a href="/reports/12" class="report">Xem báo cáo</a><script>var report = 1;</script>',
    ],
)
def test_the_checker_leaves_people_s_words_alone(html):
    assert findings(f"<html><body>{html}</body></html>") == []


def _make_history(app, client) -> None:
    """Changes of several kinds in the history: a report sent and returned, an unnumbered
    activity moved, a numbered one removed."""
    with app.app_context():
        half = db.session.scalar(
            select(ReportingPeriod).where(
                ReportingPeriod.kind == "half", ReportingPeriod.index == 1
            )
        )
        reported = select(ProgressReport.assignment_id).where(ProgressReport.period_id == half.id)
        assignment = db.session.scalar(
            select(Assignment.id)
            .join(Unit, Assignment.unit_id == Unit.id)
            .where(Unit.name == "Phòng Nội vụ", Assignment.role == "lead")
            .where(Assignment.id.not_in(reported))
            .order_by(Assignment.id)
        )
        unnumbered = db.session.scalar(
            select(Activity.id).where(Activity.text.like(f"{UNNUMBERED}%"))
        )
        removable = db.session.scalar(
            select(Activity.id).where(
                Activity.number == "6.9",
                Activity.id.not_in(
                    select(Assignment.activity_id).where(
                        Assignment.id.in_(select(ProgressReport.assignment_id))
                    )
                ),
            )
        )
        period_id = half.id
    report = {"status": "in_progress", "result": "Đã triển khai.", "action": "submit"}
    assert (
        client.post(
            f"/assignments/{assignment}/periods/{period_id}/report", data=report
        ).status_code
        == 302
    )
    with app.app_context():
        report_id = db.session.scalar(
            select(ProgressReport.id).where(ProgressReport.assignment_id == assignment)
        )
    client.post(f"/reports/{report_id}/review", data={"action": "return", "comment": "Bổ sung."})
    assert client.post(f"/activities/{unnumbered}/move/up").status_code == 302
    assert removable is not None
    assert client.post(f"/activities/{removable}/delete").status_code == 302


def test_main_pages_show_no_internal_words(demo_app):
    client = demo_app.test_client()
    client.post("/login", data={"username": "noivu", "password": "noivu2023"})
    _make_history(demo_app, client)
    found = {}
    for name, path in main_pages(demo_app).items():
        response = client.get(path)
        assert response.status_code == 200, (name, path)
        html = response.get_data(as_text=True)
        assert "/api/" not in html, f"{name} links the JSON API"
        if findings(html):
            found[name] = findings(html)
    assert found == {}

    history = client.get("/plans/1/history").get_data(as_text=True)
    lines = [
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", c)) for c in history.split('class="change"')
    ]
    assert any("Trả lại" in line and "Sửa báo cáo hoạt động " in line for line in lines)
    assert any(f"Đổi thứ tự hoạt động (không số) «{UNNUMBERED}" in line for line in lines)
    assert any("Xóa hoạt động 6.9 " in line for line in lines)  # named, though it is gone


def test_every_change_the_code_records_has_a_vietnamese_name():
    sources = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "tracker").rglob("*.py"))
    entities = set(re.findall(r'\bentity="([a-z_]+)"', sources))
    actions = set(re.findall(r'\baction="([a-z_]+)"', sources))
    assert entities and entities <= ENTITY_LABELS.keys()
    assert actions <= ACTION_LABELS.keys()
    assert JOB_LABELS.keys() == JOBS.keys()


def test_one_meaning_of_overdue(demo_app):
    """The dashboard's "quá hạn" is the figures' (a dated activity past its deadline, not
    done); a period report not sent in time is called something else on the work page."""
    client = demo_app.test_client()
    client.post("/login", data={"username": "noivu", "password": "noivu2023"})
    dashboard = client.get("/plans/1/dashboard?as_of=2024-03-01").get_data(as_text=True)
    assert '<h2 id="overdue-heading">Quá hạn, chưa hoàn thành (' in dashboard
    assert "Việc thường xuyên không có thời hạn nên không tính ở đây" in dashboard
    work = client.get(main_pages(demo_app)["work"]).get_data(as_text=True)
    assert "<h3>Chưa nộp, đã quá hạn nộp (" in work  # the demo's 2023 periods are long past
    assert "<h3>Quá hạn" not in work and "<h2>Quá hạn" not in work and ">quá hạn<" not in work


def test_sign_in_address_has_no_stray_question_mark(client):
    def sent_to(path: str) -> tuple[str, list[str]]:
        location = urlsplit(client.get(path).headers["Location"])
        return location.path, parse_qs(location.query).get("next", [])

    assert sent_to("/plans") == ("/login", ["/plans"])  # was "/plans?"
    assert sent_to("/") == ("/login", [])  # where signing in leads anyway
    assert sent_to("/plans/1/annex?q=noi+vu") == ("/login", ["/plans/1/annex?q=noi+vu"])


def test_favicon_is_answered_and_linked(client, auth):
    with client.get("/favicon.ico") as icon:
        assert icon.status_code == 200 and icon.data[:4] == b"\x00\x00\x01\x00"  # an ICO file
        assert icon.mimetype == "image/vnd.microsoft.icon"
    with client.get("/static/favicon.svg") as svg:
        assert svg.status_code == 200 and svg.data.startswith(b"<svg")
    page = client.get("/login").get_data(as_text=True)
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page


def test_print_and_phone_menu_are_wired_without_inline_script(client, auth):
    auth.login()
    for path in ("/plans/1/annex", "/plans/1/dashboard"):
        html = client.get(path).get_data(as_text=True)
        assert re.search(
            r'<button type="button" class="secondary" data-print[^>]*>In</button>', html
        )
        assert 'aria-controls="site-menu"' in html and 'id="site-menu"' in html
        assert "onclick" not in html and re.findall(r"<script[^>]*>", html) == [
            '<script src="/static/app.js" defer>'
        ]


def _base_url(env: dict[str, str]) -> str:
    """Config.BASE_URL as a fresh process reads it from `env` (settings are read once, at
    import)."""
    clean = {k: v for k, v in os.environ.items() if k not in ("PORT", "TRACKER_BASE_URL")}
    code = "import config; print(config.Config.BASE_URL)"
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env={**clean, **env}, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_base_url_follows_port_unless_set():
    assert _base_url({}) == "http://127.0.0.1:5000"
    assert _base_url({"PORT": "8123"}) == "http://127.0.0.1:8123"
    assert _base_url({"PORT": "8123", "TRACKER_BASE_URL": "https://papi.example.vn/"}) == (
        "https://papi.example.vn"
    )
    sys.path.insert(0, str(ROOT))
    try:
        import dev
    finally:
        sys.path.remove(str(ROOT))
    said = dev.welcome({"PORT": "8123"})
    assert "Mở http://127.0.0.1:8123" in said
    assert (
        "TRACKER_BASE_URL chưa đặt: liên kết trong lịch và e-mail dùng http://127.0.0.1:8123"
        in said
    )


def test_config_declares_each_setting_once():
    """One row per setting: read once in config.py (the README's table mirrors it)."""
    config = (ROOT / "config.py").read_text(encoding="utf-8")
    names = re.findall(r'_env\(\s*"([A-Z_]+)"', config)
    assert "PORT" in names and "TRACKER_SEED_PASSWORD" in names
    assert len(names) == len(set(names))
    code = (ROOT / "tracker").rglob("*.py")
    assert not [p.name for p in code if 'os.environ.get("TRACKER_' in p.read_text(encoding="utf-8")]
