"""The Todo-tijdlijn (P10) in the browser, on a `named_world`.

HR of the world's employer opens the dossier of its employee (sick for 300 days, so the
42nd week has passed) and the timeline tab. Pointing at the dot of the 42nd-week report
shows what must happen, who does it and the due date; moving to the dot with the keyboard
shows the same. Texts are compared with what the portal itself renders in Dutch.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.utils import timezone, translation
from playwright.sync_api import Locator, Page, expect

from hersteld.absence import services as absence
from hersteld.absence.models import AbsenceCase, CaseKind
from hersteld.poortwachter import timeline
from tests.support.browser import LAPTOP, PHONE, SCREENSHOT_DIR, log_in, pass_second_factor, shot

pytestmark = pytest.mark.e2e

CODE = "MELDING_42_WEKEN"


def employee_user_case(world: Any) -> AbsenceCase:
    """The world employee's long case: sick for 300 days, half recovered 60 days ago."""
    return world.long_case()


def expected_entry(case: AbsenceCase) -> timeline.Entry:
    with translation.override("nl"):
        line = timeline.build(case)
    return next(e for e in line.entries if e.code == CODE)


def shot_of(element: Locator, name: str) -> None:
    """A screenshot of one element, next to the full-page ones."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    element.screenshot(path=str(SCREENSHOT_DIR / f"{name}.png"))


def inside(inner: Locator, outer: Locator) -> None:
    """The inner element is drawn wholly within the outer one (nothing clipped)."""
    a, b = inner.bounding_box(), outer.bounding_box()
    assert a is not None and b is not None
    assert a["x"] >= b["x"] - 0.5 and a["x"] + a["width"] <= b["x"] + b["width"] + 0.5, (a, b)
    assert a["y"] >= b["y"] - 0.5 and a["y"] + a["height"] <= b["y"] + b["height"] + 0.5, (a, b)


def test_the_42_week_dot_explains_itself_on_hover_and_keyboard_focus(
    page: Page, named_world: Any
) -> None:
    case = employee_user_case(named_world)
    entry = expected_entry(case)
    assert entry.due is not None and entry.status == "overdue"
    due = entry.due.strftime("%d-%m-%Y")

    log_in(page, "hr")
    pass_second_factor(page)
    page.goto(f"/cases/{case.pk}/")
    page.locator("ul.tabs a[href='?tab=timeline']").click()
    expect(page).to_have_url(re.compile(rf"/cases/{case.pk}/\?tab=timeline$"))
    chart = page.locator("svg#timeline-chart")
    expect(chart).to_be_visible()
    expect(chart).to_have_attribute("role", "img")
    expect(page.locator("#timeline-today")).to_have_count(1)

    dot = chart.locator(f"a.tl-dot[data-code='{CODE}']")
    expect(dot).to_have_count(1)
    expect(dot).to_have_class(re.compile(r"\btl-overdue\b"))
    tip = dot.locator(".tl-tip")
    expect(tip).to_be_hidden()
    shot(page, "timeline_laptop")

    # --- Pointing at the dot (no click) shows the text bar.
    dot.locator(".tl-hit").hover()
    expect(tip).to_be_visible()
    for text in (entry.label, entry.party_label, due):
        expect(tip).to_contain_text(text)
    inside(tip.locator(".tl-tip-box"), chart)
    shot(page, "timeline_hover")
    shot_of(page.locator("figure.tl-figure"), "timeline_chart_hover")

    page.mouse.move(1, 1)
    expect(tip).to_be_hidden()

    # --- The keyboard: Tab from the dot before it lands on it and shows the same.
    dots = chart.locator("a.tl-dot")
    index = [d.get_attribute("data-code") for d in dots.all()].index(CODE)
    assert index > 0
    dots.nth(index - 1).focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.dataset.code") == CODE
    expect(tip).to_be_visible()
    for text in (entry.label, entry.party_label, due):
        expect(tip).to_contain_text(text)
    expect(dots.nth(index - 1).locator(".tl-tip")).to_be_hidden()
    shot(page, "timeline_focus")
    shot_of(page.locator("figure.tl-figure"), "timeline_chart_focus")

    # --- Enter on the dot goes to its row in the list, the version for screen readers and print.
    page.keyboard.press("Enter")
    row = page.locator(f"#tl-item-{entry.pk}")
    expect(page).to_have_url(re.compile(rf"#tl-item-{entry.pk}$"))
    expect(row).to_be_visible()
    expect(row).to_contain_text(entry.label)
    expect(row).to_contain_text(due)
    expect(page.locator("#timeline-list tbody tr")).to_have_count(len(timeline.build(case).entries))

    # --- A phone: the page does not scroll sideways; the chart scrolls in its own box.
    page.set_viewport_size(PHONE)
    page.goto(f"/cases/{case.pk}/?tab=timeline")
    expect(chart).to_be_attached()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"page is {width}px wide"
    expect(page.locator("#timeline-list")).to_be_visible()
    for row in page.locator("#timeline-list tbody tr").all()[:5]:
        box = row.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
    dot.focus()
    expect(tip).to_be_visible()
    box = tip.locator(".tl-tip-box").bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
    shot(page, "timeline_phone")
    shot_of(page.locator("figure.tl-figure"), "timeline_chart_phone")
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(SCREENSHOT_DIR / "timeline_phone_top.png"))
    page.locator(f"#tl-item-{entry.pk}").scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOT_DIR / "timeline_phone_list.png"))
    page.set_viewport_size(LAPTOP)


def test_a_chain_with_a_gap_and_a_loonsanctie_is_drawn(page: Page, named_world: Any) -> None:
    """docs/rules/poortwachter.md and samentelling.md: the gap is drawn between the periods,
    the axis runs on to the end
    of the loonsanctie, and that end is labelled with its week."""
    today = timezone.localdate()
    employment = named_world.hire(surname="Keten")
    d1 = today - dt.timedelta(days=760)
    employment.start_date = d1 - dt.timedelta(days=365)
    employment.save()
    hr = named_world.hr
    staff = named_world.casemanager
    first = absence.add_case(
        actor=hr, employment_id=employment.pk, kind=CaseKind.SICKNESS, data={"first_day": d1}
    )
    absence.add_recovery(
        actor=hr,
        case_id=first.pk,
        data={"date": d1 + dt.timedelta(days=50), "percentage": 100},
    )
    second = absence.add_case(
        actor=hr,
        employment_id=employment.pk,
        kind=CaseKind.SICKNESS,
        data={"first_day": d1 + dt.timedelta(days=60)},
    )
    until = d1 + dt.timedelta(days=727 + 10 + 100)
    absence.correct_case(
        actor=staff,
        case_id=second.pk,
        data={"wage_sanction_until": until, "reason": "UWV-besluit"},
    )

    log_in(page, "hr")
    pass_second_factor(page)
    page.goto(f"/cases/{first.pk}/?tab=timeline")
    chart = page.locator("svg#timeline-chart")
    expect(chart.locator(".tl-seg-gap")).to_have_count(1)
    expect(chart.locator(".tl-seg-sanction")).to_have_count(1)
    expect(chart.locator("text.tl-sanction-label")).to_contain_text(until.strftime("%d-%m-%Y"))
    expect(chart.locator("text.tl-week", has_text="104")).to_have_count(1)
    end = chart.locator("a.tl-dot[data-code='EINDE_WACHTTIJD']")
    expect(end).to_have_attribute("data-due", until.isoformat())
    end.locator(".tl-hit").hover()
    expect(end.locator(".tl-tip")).to_be_visible()
    inside(end.locator(".tl-tip-box"), chart)
    shot_of(page.locator("figure.tl-figure"), "timeline_chart_gap_sanction")

    # Printed, the chart stays (without tooltips) and the list follows it.
    page.mouse.move(1, 1)
    page.emulate_media(media="print")
    expect(page.locator("#timeline-list")).to_be_visible()
    expect(page.locator(".tl-hint")).to_be_hidden()
    shot(page, "timeline_print")
