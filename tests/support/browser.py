"""Helpers shared by several test modules."""

from __future__ import annotations

import os
import re
from pathlib import Path

from playwright.sync_api import Page, Response, expect

from tests.support.auth import totp_now
from tests.support.world import PASSWORD

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


def log_in(page: Page, username: str, password: str = PASSWORD, *, screenshot: str = "") -> None:
    """Fill and submit the real log-in form (by default with the password of `named_world`);
    the caller checks where it lands."""
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


def is_autosave(response: Response) -> bool:
    """The answer to a document draft's autosave (portal.js sends it with X-Autosave)."""
    return response.request.method == "POST" and "x-autosave" in response.request.headers


def autosave(page: Page, selector: str, value: str, *, select: bool = False) -> None:
    """Change one field of a draft and wait until its autosave has answered 200.

    portal.js sends one save at a time and queues a change made meanwhile; waiting here for
    each answer means no save is on its way at the next step, so the draft in the database
    is the form as filled (the status line alone cannot say which save it reports).
    """
    with page.expect_response(is_autosave) as answer:
        if select:
            page.select_option(selector, value)
        else:
            page.fill(selector, value)
            page.locator(selector).blur()
    assert answer.value.status == 200, f"autosave of {selector}: HTTP {answer.value.status}"
