"""The employee's SMS consents in the browser on a `named_world` (issue 15, P14): a landline
is refused on its field, a mobile number gives the consent to notices of new messages, the
start page lists both purposes and withdraws one. Screenshots at 1280 px and phone width."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from hersteld.consults.models import SmsConsent
from tests.support.browser import PHONE, log_in, shot

pytestmark = pytest.mark.e2e

WIDE = {"width": 1280, "height": 900}


def no_horizontal_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"page is {width}px wide"  # type: ignore[index]


def test_give_refuse_and_withdraw_sms_consents(page: Page, named_world: Any) -> None:
    page.set_viewport_size(WIDE)
    log_in(page, "employee")
    page.goto("/consults/")
    messages = page.locator("#sms-messages")
    messages.locator("input[name=phone]").fill("020 1234567")
    messages.locator("button.primary").click()
    expect(page.locator("#id_sms_messages_phone_error")).to_contain_text("mobiel nummer")
    assert not SmsConsent.objects.exists()
    shot(page, "sms_consent_refused_1280")

    page.locator("#sms-messages input[name=phone]").fill("06 12345678")
    page.locator("#sms-messages button.primary").click()
    expect(page.locator("#sms-messages")).to_contain_text("+31612345678")
    page.locator("#sms-reminders input[name=phone]").fill("06 87654321")
    page.locator("#sms-reminders button.primary").click()
    expect(page.locator("#sms-reminders")).to_contain_text("+31687654321")
    page.locator("#sms").scroll_into_view_if_needed()
    shot(page, "sms_consents_given_1280")
    page.set_viewport_size(PHONE)
    no_horizontal_scroll(page)
    shot(page, "sms_consents_given_390")

    page.goto("/")
    no_horizontal_scroll(page)
    shot(page, "sms_home_consents_390")
    page.set_viewport_size(WIDE)
    shot(page, "sms_home_consents_1280")
    page.locator("#consent-sms-messages button").click()
    expect(page.locator("#consent-sms-messages")).to_contain_text("Niet gegeven.")
    expect(page.locator("#consent-sms-reminders")).to_contain_text("+31687654321")
    shot(page, "sms_home_withdrawn_1280")
    page.set_viewport_size(PHONE)
    shot(page, "sms_home_withdrawn_390")
    assert list(
        SmsConsent.objects.filter(withdrawn_at__isnull=True).values_list("purpose", flat=True)
    ) == ["reminders"]
