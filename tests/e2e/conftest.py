"""Browser fixtures for the end-to-end tests: Debian chromium driven by sync Playwright.

The tests run against pytest-django's ``live_server``. That fixture uses a transactional
database that is flushed after every test, so the demo data loaded at session start is gone
from the second e2e test on; the ``page`` fixture loads it again (``load_demo_data`` is
idempotent). pytest-django runs live-server tests after all other database tests, so the
flush does not take the demo data away from the rest of the suite.

Screenshots land in ``test-artifacts/screenshots/`` under the repository root (git-ignored)
and are kept after the run as artefacts.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

# Sync Playwright runs an asyncio event loop in the test thread; Django would otherwise refuse
# ORM calls from that thread ("You cannot call this from an async context").
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

import pytest
from playwright.sync_api import Browser, Page, Playwright, expect, sync_playwright

from tests.conftest import DEMO_PASSWORD, load_demo_data, totp_now

REPO_ROOT = Path(__file__).resolve().parents[2]
SCREENSHOT_DIR = REPO_ROOT / "test-artifacts" / "screenshots"
CHROMIUM = os.environ.get("HERSTELD_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--lang=nl-NL",
]
LAPTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}

# Playwright's default of 5 s is tight for a cold live server on a busy machine.
expect.set_options(timeout=15_000)


@pytest.fixture(scope="session")
def playwright_instance() -> Iterator[Playwright]:
    pw = sync_playwright().start()
    try:
        yield pw
    finally:
        pw.stop()


@pytest.fixture(scope="session")
def browser(playwright_instance: Playwright) -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"No chromium at {CHROMIUM}: run `make install` (it installs Debian chromium) "
            "or point HERSTELD_CHROMIUM at a chromium binary. The browser tests never download one.",
            pytrace=False,
        )
    browser = playwright_instance.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    try:
        yield browser
    finally:
        browser.close()


@pytest.fixture
def page(browser: Browser, live_server: Any) -> Iterator[Page]:
    # The live server's transactional database was flushed after the previous test.
    load_demo_data()
    context = browser.new_context(
        base_url=live_server.url, viewport=LAPTOP, locale="nl-NL", timezone_id="Europe/Amsterdam"
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


def shot(page: Page, name: str) -> Path:
    """Save a full-page screenshot as test-artifacts/screenshots/<name>.png and return its path."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOT_DIR / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def submit(page: Page, form: str = "main form") -> None:
    """Click the primary button of a form (not the language switch, which is a submit too)."""
    page.locator(f"{form} button.primary").click()


def path_re(path: str) -> re.Pattern[str]:
    """A URL pattern for `path` on the live server, with or without a query string."""
    return re.compile(r"^https?://[^/]+" + re.escape(path) + r"(\?.*)?$")


def log_in(
    page: Page, username: str, password: str = DEMO_PASSWORD, *, screenshot: str = ""
) -> None:
    """Fill and submit the real log-in form; the caller checks where it lands."""
    page.goto("/accounts/login/")
    expect(page.locator("#id_username")).to_be_visible()
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    if screenshot:
        shot(page, screenshot)
    submit(page)


def pass_second_factor(page: Page, *, screenshot: str = "") -> None:
    """Handle the step after the password: the TOTP check, or TOTP enrolment for a user
    whose role needs a second factor but who has no device yet (an employer user when
    HERSTELD_MFA_EMPLOYER_USERS is on, as it is outside demo mode)."""
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    path = re.sub(r"^https?://[^/]+", "", page.url).split("?")[0]
    if path == "/accounts/otp/":
        if screenshot:
            shot(page, screenshot)
        page.fill("#id_otp", totp_now())
        submit(page)
    elif path == "/accounts/otp/setup/":
        secret = page.locator("main code").inner_text().strip()
        if screenshot:
            shot(page, screenshot)
        page.fill("#id_otp", totp_now(secret))
        submit(page)
    expect(page).to_have_url(path_re("/"))
