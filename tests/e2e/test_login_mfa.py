"""Log-in in the browser: password plus TOTP, lock-out after failed passwords, and the
employer scope (another employer's employee is a 404, not a 403 that leaks existence).
The users are those of `named_world` ("medic", "casemanager", "other_hr", ...)."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation
from playwright.sync_api import Page, expect

from hersteld.core.validation import message
from tests.support.auth import totp_now, wrong_code
from tests.support.browser import log_in, pass_second_factor, path_re, shot, submit

pytestmark = pytest.mark.e2e


def nl(text: Any) -> str:
    """The sentence as the (Dutch) portal shows it; the English msgid while it is untranslated."""
    with translation.override("nl"):
        return translation.gettext(text) if isinstance(text, str) else str(text)


def test_medic_logs_in_with_password_and_totp(page: Page, settings: Any) -> None:
    # django-otp makes a device wait 1 s after a wrong code before it verifies again; the test
    # enters the right code at once, so switch that throttle off (it is not what is tested here).
    settings.OTP_TOTP_THROTTLE_FACTOR = 0

    log_in(page, "medic", screenshot="login_form")
    expect(page).to_have_url(path_re("/accounts/otp/"))
    otp = page.locator("#id_otp")
    expect(otp).to_be_visible()
    expect(page.locator("#form-errors")).to_have_count(0)
    shot(page, "login_otp")

    # Without the second factor the portal is closed: the middleware sends us back.
    page.goto("/employments/")
    expect(page).to_have_url(path_re("/accounts/otp/"))

    otp.fill(wrong_code())
    submit(page)
    expect(page).to_have_url(path_re("/accounts/otp/"))
    expect(page.locator("#form-errors")).to_be_visible()
    field = page.locator(".field.has-error", has=page.locator("#id_otp"))
    expect(field).to_be_visible()
    expect(field.locator(".error")).to_have_text(nl(message("otp_invalid")))
    shot(page, "login_otp_wrong_code")

    page.locator("#id_otp").fill(totp_now())
    submit(page)
    expect(page).to_have_url(path_re("/"))
    expect(page.locator("main h1")).to_contain_text("medic")
    expect(page.locator(".usermenu .who")).to_contain_text("medic")
    shot(page, "login_home_medic")


def test_five_wrong_passwords_lock_the_account(page: Page) -> None:
    username = "casemanager"
    for attempt in range(1, 6):
        with page.expect_response(
            lambda r: r.url.endswith("/accounts/login/") and r.request.method == "POST"
        ) as response_info:
            log_in(page, username, f"wrong-password-{attempt}")
        status = response_info.value.status
        if attempt < 5:
            assert status == 200, f"attempt {attempt}: HTTP {status}"
            expect(page.locator("#form-errors")).to_contain_text(nl(message("credentials_invalid")))
            if attempt == 1:
                shot(page, "login_wrong_password")
        else:
            # The fifth failure reaches the limit: a form error or already the lock-out page.
            assert status in (200, 429), f"attempt {attempt}: HTTP {status}"

    # The sixth attempt, with the right password, is refused all the same.
    with page.expect_response(
        lambda r: r.url.endswith("/accounts/login/") and r.request.method == "POST"
    ) as response_info:
        log_in(page, username)
    assert response_info.value.status == 429
    expect(page.locator("main h1")).to_have_text(nl("Account temporarily locked"))
    expect(page.locator("main [role=alert]")).to_contain_text("15")
    expect(page.locator(".usermenu")).to_have_count(0)
    shot(page, "login_locked_out")

    # Not logged in: the portal still sends us to the log-in page.
    page.goto("/employments/")
    expect(page).to_have_url(path_re("/accounts/login/"))


def test_employer_user_gets_404_for_employee_of_other_employer(
    page: Page, named_world: Any
) -> None:
    # The employee of `employer`; other_hr is HR of the other employer of the same arbodienst.
    other = named_world.own_employee

    log_in(page, "other_hr")
    pass_second_factor(page)
    expect(page.locator(".usermenu .who")).to_contain_text("other_hr")

    response = page.goto(f"/employees/{other.pk}/")
    assert response is not None
    assert response.status == 404, f"/employees/{other.pk}/ gave HTTP {response.status}"
    expect(page.locator("body")).not_to_contain_text(other.surname)
    shot(page, "employee_other_employer_404")

    # The same holds for the employment actions of that employee.
    employment = named_world.own_employment
    response = page.goto(f"/employments/{employment.pk}/end/")
    assert response is not None and response.status == 404
