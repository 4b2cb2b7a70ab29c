"""Issue 11 item 18: at phone width (390 px) the worklist and the timeline fit the screen.

The page never scrolls sideways (document scrollWidth <= viewport width), and the
timeline's hint is readable in full. The cases are the busy ones of a `named_world`.
Screenshots at laptop and phone width land in
test-artifacts/screenshots/ to look at.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.support.browser import LAPTOP, PHONE, SCREENSHOT_DIR, log_in, pass_second_factor, shot

pytestmark = pytest.mark.e2e


def screen(page: Page, name: str) -> None:
    """What the screen shows (not the whole page), next to the full-page screenshots."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT_DIR / f"{name}.png"))


def no_sideways_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.evaluate("window.innerWidth")
    assert width <= viewport, f"page is {width} px wide on a {viewport} px screen"


def test_the_worklist_and_signals_fit_a_phone(page: Page, named_world: Any) -> None:
    named_world.busy()  # to-dos overdue and due soon at both employers
    log_in(page, "casemanager")
    pass_second_factor(page)
    page.goto("/worklist/?days=60")
    expect(page.locator("table#worklist")).to_be_visible()
    shot(page, "worklist_laptop")
    page.set_viewport_size(PHONE)
    page.reload()
    expect(page.locator("table#worklist")).to_be_visible()
    no_sideways_scroll(page)
    shot(page, "worklist_phone")
    page.locator("table#worklist tbody tr").first.scroll_into_view_if_needed()
    screen(page, "worklist_phone_screen")
    # A narrower phone (and a phone with a scroll bar) still gets cards that fit: the
    # label column gives way (before the fix this page was 367 px wide at 360).
    page.set_viewport_size({"width": 360, "height": 740})
    no_sideways_scroll(page)
    page.set_viewport_size(PHONE)
    page.locator("#mine").check()
    expect(page).to_have_url(re.compile(r"mine=1"))
    no_sideways_scroll(page)
    shot(page, "worklist_mine_phone")

    page.goto("/notifications/")
    no_sideways_scroll(page)
    shot(page, "notifications_phone")
    page.set_viewport_size(LAPTOP)
    page.reload()
    shot(page, "notifications_laptop")


def test_the_timeline_hint_is_not_cut_off_on_a_phone(page: Page, named_world: Any) -> None:
    case = named_world.long_case()
    log_in(page, "hr")
    pass_second_factor(page)
    page.set_viewport_size(PHONE)
    page.goto(f"/cases/{case.pk}/?tab=timeline")
    hint = page.locator("#timeline-hint")
    expect(hint).to_be_visible()
    no_sideways_scroll(page)
    box, viewport = hint.bounding_box(), page.viewport_size
    assert box is not None and viewport is not None
    assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"], box
    shot(page, "timeline_hint_phone")
    hint.scroll_into_view_if_needed()
    screen(page, "timeline_hint_phone_screen")
    page.set_viewport_size(LAPTOP)
    page.reload()
    expect(page.locator("svg#timeline-chart .tl-hint")).to_be_visible()  # in the chart
    expect(hint).to_be_hidden()
    shot(page, "timeline_hint_laptop")
