"""The "Verzuimcijfers" page in a browser: chart and tables at laptop and phone width.

The casemanager of `named_world` reads the figures of its arbodienst, with the world's busy
cases at both employers. Screenshots land in test-artifacts/screenshots/ (statistics_*.png) to look at.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.support.browser import PHONE, log_in, pass_second_factor, shot

pytestmark = pytest.mark.e2e


def no_sideways_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.evaluate("window.innerWidth")
    assert width <= viewport, f"page is {width} px wide on a {viewport} px screen"


def test_the_figures_page_for_staff_and_an_employer(page: Page, named_world: Any) -> None:
    named_world.busy()
    log_in(page, "casemanager")
    pass_second_factor(page)
    page.get_by_role("link", name="Verzuimcijfers").first.click()
    expect(page.locator("h1")).to_contain_text("Verzuimcijfers")
    expect(page.locator("svg.trend")).to_be_visible()
    expect(page.get_by_text("Standaard Berekening van Ziekteverzuim").first).to_be_visible()
    shot(page, "statistics_staff_laptop")
    # One employer, with its department table.
    page.select_option("#id_employer", index=1)
    page.locator(".stats-filters button[type=submit]").click()
    expect(page.locator("#departments-heading")).to_be_visible()
    expect(page.locator("#functions-heading")).to_be_visible()
    expect(page.locator("#ages-heading")).to_be_visible()
    shot(page, "statistics_employer_laptop")
    page.set_viewport_size(PHONE)
    page.reload()
    expect(page.locator("svg.trend")).to_be_visible()
    no_sideways_scroll(page)
    shot(page, "statistics_employer_phone")
    page.set_viewport_size({"width": 800, "height": 1100})  # about an A4 page
    page.emulate_media(media="print")
    expect(page.locator(".stats-filters")).to_be_hidden()
    shot(page, "statistics_employer_print")
