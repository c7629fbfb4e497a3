"""A real server on a loopback port and Debian's chromium driven by Playwright."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("Không có chromium: `python3 dev.py test` tự cài gói chromium của Debian.")
    with sync_playwright() as playwright:
        # The browser's own words (date fields, file pickers) in Vietnamese, as its users
        # see them: on Linux chromium takes its language from LANGUAGE (chromium-l10n).
        browser = playwright.chromium.launch(
            executable_path=executable, args=CHROMIUM_ARGS, env={**os.environ, "LANGUAGE": "vi"}
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def phone(browser):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="vi-VN"
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def login(page, base: str, username: str = "noivu", password: str = "noivu2023") -> None:
    page.goto(f"{base}/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("main button[type=submit]")
    page.wait_for_load_state()


def screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def help_picture(page, name: str, selector: str | None = None) -> None:
    """A picture for the help pages: what the screen shows (or one part of the page), as a
    small JPEG in test-artifacts/help/; `python3 dev.py help-images` copies them into
    tracker/static/help/, where templates/help/ shows them."""
    folder = ARTIFACTS / "help"
    folder.mkdir(parents=True, exist_ok=True)
    target = page.locator(selector) if selector else page
    target.screenshot(path=str(folder / f"{name}.jpg"), type="jpeg", quality=70)


def pytest_collection_modifyitems(items):
    """A page left before its pictures load (tests click fast) drops the connection while
    werkzeug's test server reads the rest of the request; werkzeug then skips closing the
    response, and the static file it was sending is reported unclosed when collected. That
    is the test server's, not the app's (gunicorn closes it): ignored for browser tests."""
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(
                pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
            )
