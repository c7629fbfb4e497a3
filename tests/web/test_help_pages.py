"""Hướng dẫn (issue 15): a page for each role, open before signing in, linked from every
page; each picture it shows is in tracker/static/help/ and is taken by a browser test
(`help_picture(page, "<name>")` in tests/browser/), so `python3 dev.py help-images`
can retake it when a page changes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tracker.web.help import PAGES

ROOT = Path(__file__).resolve().parents[2]
PICTURE = re.compile(r"""shot\('([a-z0-9-]+)'""")


def pictures_shown() -> set[str]:
    return {
        name
        for template in (ROOT / "templates" / "help").glob("*.html")
        for name in PICTURE.findall(template.read_text(encoding="utf-8"))
    }


def test_every_picture_is_kept_and_taken_by_a_browser_test():
    shown = pictures_shown()
    assert len(shown) >= 10
    kept = {p.stem for p in (ROOT / "tracker" / "static" / "help").glob("*.jpg")}
    assert shown <= kept, shown - kept
    assert kept <= shown, f"pictures no page shows: {kept - shown}"
    tests = "\n".join(
        p.read_text(encoding="utf-8") for p in (ROOT / "tests" / "browser").glob("*.py")
    )
    taken = set(re.findall(r"""help_picture\([a-z]+, "([a-z0-9-]+)\"""", tests))
    assert shown <= taken, shown - taken


@pytest.mark.parametrize("slug", PAGES)
def test_each_role_has_a_page_open_without_signing_in(client, slug):
    page = client.get(f"/help/{slug}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f"<h1>{PAGES[slug][0]}</h1>" in html
    for other in PAGES:
        assert f'href="/help/{other}"' in html


def test_help_is_linked_from_every_page(client, auth):
    assert 'href="/help"' in client.get("/login").get_data(as_text=True)
    auth.login()
    for path in ("/plans", "/plans/1/annex", "/work", "/calendar", "/inbox"):
        assert 'href="/help"' in client.get(path).get_data(as_text=True), path
    assert client.get("/help/khong-co").status_code == 404


def test_the_help_index_points_to_the_reader_s_own_page(client, auth):
    auth.login()
    html = client.get("/help").get_data(as_text=True)
    assert re.search(r'<section class="card mine" id="help-phong-noi-vu">', html)
