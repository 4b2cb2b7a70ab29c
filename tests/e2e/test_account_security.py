"""Issue 11 S3/S4/S5 in the browser: the portal and the API documentation work under the
Content-Security-Policy, and the sessions page and the user page's token, session and lock
sections render at laptop and phone width, for the users of `named_world`."""

from __future__ import annotations

from typing import Any

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.utils import timezone
from playwright.sync_api import Page, expect

from hersteld.accounts import services
from hersteld.accounts.models import PortalSession
from tests.support.browser import PHONE, log_in, pass_second_factor, shot

pytestmark = pytest.mark.e2e


def csp_violations(page: Page) -> list[str]:
    found: list[str] = []
    page.on(
        "console",
        lambda msg: found.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    return found


def test_portal_pages_and_api_docs_keep_to_the_policy(
    page: Page, settings: Any, named_world: Any
) -> None:
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    case = named_world.report_sick()
    employer = named_world.employer
    violations = csp_violations(page)
    log_in(page, "casemanager")
    pass_second_factor(page)
    for path in (
        "/",
        f"/employers/{employer.pk}/",
        "/profile/tokens/",
        "/profile/sessions/",
        f"/cases/{case.pk}/",
    ):
        page.goto(path)
        expect(page.locator("main")).to_be_visible()
    page.goto("/api/docs")
    expect(page.locator(".swagger-ui .info")).to_be_visible()
    shot(page, "api_docs_under_csp")
    assert violations == []


def test_sessions_page_and_user_page_sections(page: Page, named_world: Any) -> None:
    # HR of the other employer: a token and a lock-out the arbodienst admin sees.
    other_hr = named_world.other_hr
    services.issue_token(user=other_hr, name="Salarissysteem")
    AccessAttempt.objects.create(
        username="other_hr",
        ip_address="198.51.100.1",
        user_agent="Mozilla/5.0",
        failures_since_start=5,
        attempt_time=timezone.now(),
        get_data="",
        post_data="",
        http_accept="*/*",
        path_info="/accounts/login/",
    )
    # A second session of the admin, on a phone (one TOTP code cannot be used twice).
    Client().force_login(named_world.admin)
    PortalSession.objects.filter(user__username="admin").update(
        user_agent="Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) Safari/604.1",
        ip_address="192.0.2.44",
    )

    log_in(page, "admin")
    pass_second_factor(page)
    page.goto("/profile/sessions/")
    expect(page.locator("table.list tbody tr")).to_have_count(2)
    shot(page, "sessions_laptop")
    page.goto(f"/users/{other_hr.pk}/")
    expect(page.locator("#tokens")).to_contain_text("Salarissysteem")
    expect(page.locator("#lockout form")).to_be_visible()
    shot(page, "user_security_laptop")

    page.set_viewport_size(PHONE)
    page.goto("/profile/sessions/")
    shot(page, "sessions_phone")
    page.goto(f"/users/{other_hr.pk}/")
    shot(page, "user_security_phone")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"]

    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#lockout button").click()
    expect(page.locator("#lockout")).not_to_contain_text("locked until")
    assert not AccessAttempt.objects.filter(username="other_hr").exists()
