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
