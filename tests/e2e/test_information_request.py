"""The medical information request in the browser on a `named_world` (issue 14, 3): the
company doctor ("medic") records a request with consent and the answer; the employee withdraws his
consent on a second one. Screenshots at laptop and phone width."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from hersteld.absence.models import AbsenceCase
from tests.support.browser import LAPTOP, PHONE, log_in, pass_second_factor, shot

pytestmark = pytest.mark.e2e


def log_in_as(page: Page, username: str) -> None:
    page.context.clear_cookies()
    log_in(page, username)
    pass_second_factor(page)


def no_horizontal_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"page is {width}px wide"  # type: ignore[index]


def new_request(page: Page, case: AbsenceCase, physician: str) -> int:
    page.goto(f"/cases/{case.pk}/?tab=consults")
    page.locator("#information-requests a.button").click()
    page.fill("#id_scope", "Belastbaarheid en behandeling sinds de ziekmelding")
    page.fill("#id_physician", physician)
    page.fill("#id_question", "Welke behandeling loopt er en wat is de verwachte duur?")
    yesterday = timezone.localtime() - dt.timedelta(days=1)
    page.fill("#id_consent_at", f"{yesterday:%Y-%m-%dT%H:%M}")
    page.locator("main form button.primary").click()
    expect(page).to_have_url(re.compile(r"/information-requests/\d+/$"))
    return int(page.url.rstrip("/").rsplit("/", 1)[1])


def test_request_answer_and_withdraw(page: Page, named_world: Any) -> None:
    case = named_world.report_sick()  # the world's employee, sick since ten days
    log_in_as(page, "medic")
    page.goto(f"/cases/{case.pk}/information-requests/new/")
    page.locator("main form button.primary").click()
    expect(page.locator("main")).to_contain_text("Dit veld is verplicht.")
    shot(page, "information_request_refused_laptop")
    new_request(page, case, "Huisartsenpraktijk Noord")
    shot(page, "information_request_detail_laptop")
    page.fill("#id_answer", "Fysiotherapie twee keer per week, nog ongeveer zes weken.")
    page.locator("main form button.primary").click()
    expect(page.locator("main")).to_contain_text("beantwoord")
    shot(page, "information_request_answered_laptop")
    new_request(page, case, "Fysiotherapie De Brug")
    page.goto(f"/cases/{case.pk}/?tab=consults")
    shot(page, "information_request_tab_laptop")
    page.set_viewport_size(PHONE)
    page.reload()
    no_horizontal_scroll(page)
    shot(page, "information_request_tab_phone")

    page.set_viewport_size(LAPTOP)
    log_in_as(page, "employee")
    page.goto("/consults/")
    section = page.locator("#information")
    expect(section).to_contain_text("Fysiotherapie De Brug")
    shot(page, "information_consents_employee_laptop")
    section.get_by_role("button", name="Mijn toestemming intrekken").first.click()
    expect(page.locator("#information")).to_contain_text("toestemming ingetrokken")
    page.set_viewport_size(PHONE)
    page.reload()
    no_horizontal_scroll(page)
    shot(page, "information_consents_employee_phone")
