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
from collections.abc import Iterator
from pathlib import Path
from typing import Any

# Sync Playwright runs an asyncio event loop in the test thread; Django would otherwise refuse
# ORM calls from that thread ("You cannot call this from an async context").
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

import pytest
from playwright.sync_api import Browser, Page, Playwright, expect, sync_playwright

from tests.support.auth import load_demo_data
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
