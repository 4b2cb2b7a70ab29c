"""Issue 15 (B4) in the browser: the retention reports and terms, a legal hold on the
dossier, and the refusal of an erasure request, at laptop and phone width (screenshots in
test-artifacts/screenshots/)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from hersteld.core import retention
from tests.support.browser import LAPTOP, PHONE, log_in, pass_second_factor, shot
from tests.support.retention import past_case

pytestmark = pytest.mark.e2e


def fits_a_phone(page: Page, name: str) -> None:
    shot(page, f"{name}_laptop")
    page.set_viewport_size(PHONE)
    page.reload()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.evaluate("window.innerWidth"), f"{name} is {width} px wide"
    shot(page, f"{name}_phone")
    page.set_viewport_size(LAPTOP)


def test_retention_pages_hold_and_erasure(page: Page, named_world: Any) -> None:
    past_case(named_world)  # ended in 2021: its employee is anonymised by 2047
    case = named_world.report_sick()
    retention.run(dt.date(2047, 1, 1), arbodienst_id=named_world.tenant.pk)

    log_in(page, "admin")
    pass_second_factor(page)
    page.goto("/")
    page.get_by_role("link", name="Bewaartermijnen").first.click()
    expect(page.get_by_role("heading", name="Bewaarrapporten")).to_be_visible()
    expect(page.locator("table")).to_contain_text("werknemers geanonimiseerd")
    fits_a_phone(page, "retention_reports")

    page.goto("/retention/terms/")
    expect(page.get_by_role("heading", name="Bewaartermijnen")).to_be_visible()
    page.fill("#id_retention_medical", "19")
    page.locator("main form button.primary").click()
    expect(page.locator("#form-errors")).to_contain_text("niet korter zijn dan 20 jaar")
    fits_a_phone(page, "retention_terms")

    page.goto(f"/cases/{case.pk}/hold/")
    page.fill("#id_reason", "Geschil over de re-integratie")
    page.locator("main form button.primary").click()
    expect(page.locator("#legal-hold")).to_contain_text("Geschil over de re-integratie")
    fits_a_phone(page, "legal_hold_dossier")

    page.goto(f"/employees/{case.employee_id}/")
    page.get_by_role("link", name="Wissen op verzoek").click()
    expect(page.locator(".alert")).to_contain_text("Kan niet worden gewist")
    fits_a_phone(page, "erase_refused")

    # The employer's HR opens the same dossier: no hold, not on the page, not in its history.
    page.context.clear_cookies()
    log_in(page, "hr")
    pass_second_factor(page)
    for tab in ("", "?tab=history"):
        page.goto(f"/cases/{case.pk}/{tab}")
        expect(page.locator("ul.tabs")).to_be_visible()
        expect(page.locator("main")).not_to_contain_text("Geschil over de re-integratie")
        expect(page.locator("#legal-hold")).to_have_count(0)
    shot(page, "legal_hold_employer_history")


def at_both_widths(page: Page, name: str) -> None:
    """Screenshots at 1280 px and at phone width (390 px), which must not scroll sideways."""
    page.set_viewport_size({"width": 1280, "height": 900})
    shot(page, f"{name}_1280")
    page.set_viewport_size(PHONE)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.evaluate("window.innerWidth"), f"{name} is {width} px wide"
    shot(page, f"{name}_390")
    page.set_viewport_size({"width": 1280, "height": 900})


def test_a_legal_hold_on_a_person_without_a_case(page: Page, named_world: Any) -> None:
    """Staff put a hold on a person from the employee page, see it there and lift it.
    Screenshots at 1280 and 390 px."""
    employee = named_world.own_employee
    log_in(page, "casemanager")
    pass_second_factor(page)

    page.goto(f"/employees/{employee.pk}/")
    at_both_widths(page, "person_hold_employee_page_before")
    page.get_by_role("link", name="Bewaarplicht (legal hold) instellen").click()
    expect(page.get_by_role("heading", name="Bewaarplicht (legal hold)")).to_be_visible()
    at_both_widths(page, "person_hold_form")
    page.locator("main form button.primary").click()
    expect(page.locator("#form-errors")).to_be_visible()  # a reason is required
    page.fill("#id_reason", "Claim van de werknemer over zijn ontslag")
    page.locator("main form button.primary").click()

    expect(page.locator("#legal-hold")).to_contain_text("Claim van de werknemer over zijn ontslag")
    at_both_widths(page, "person_hold_employee_page")

    page.get_by_role("link", name="Bewaarplicht opheffen").click()
    expect(page.locator("#legal-hold")).to_contain_text("Claim van de werknemer")
    at_both_widths(page, "person_hold_lift")
    page.fill("#id_reason", "Claim ingetrokken")
    page.locator("main form button.primary").click()
    expect(page.get_by_role("link", name="Bewaarplicht (legal hold) instellen")).to_be_visible()
    expect(page.locator("#legal-hold")).to_have_count(0)
