"""Browser fixtures for the end-to-end tests: Debian chromium driven by sync Playwright.

The tests run against pytest-django's ``live_server``, whose transactional database is
flushed after every test. The ``page`` fixture builds the factory world first
(``named_world``: user names "hr", "medic", "casemanager", ... with the world's password,
and an authenticator for staff), so the live server sees it and the log-in helpers of
tests/support/browser.py can type those names. A test takes the same world by asking for
``named_world``; its builders add what the test needs. The demo data is never loaded here.

Screenshots land in ``test-artifacts/screenshots/`` under the repository root (git-ignored)
and are kept after the run as artefacts.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

# Sync Playwright runs an asyncio event loop in the test thread; Django would otherwise refuse
# ORM calls from that thread ("You cannot call this from an async context").
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

import pytest
from playwright.sync_api import Browser, Page, Playwright, expect, sync_playwright

from tests.support.browser import CHROMIUM, CHROMIUM_ARGS, LAPTOP

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
def page(browser: Browser, live_server: Any, named_world: Any) -> Iterator[Page]:
    # `named_world` is built in the live server's database (flushed after the previous test).
    context = browser.new_context(
        base_url=live_server.url, viewport=LAPTOP, locale="nl-NL", timezone_id="Europe/Amsterdam"
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()
