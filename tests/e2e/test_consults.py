"""Consults (P13) in the browser on a `named_world`: the main flow of issue 14, 7.

The casemanager plans a first consult for the world's sick employee later today; the employee sees
the invitation; HR tries to cancel and reads the Dutch refusal (within 48 hours); the
company doctor records a no-show, holds the next consult and makes the report final; HR
reads it. Screenshots at laptop and phone width.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from hersteld.absence.models import AbsenceCase
from hersteld.accounts.models import User
from hersteld.consults.services import plan_consult, record_no_show
from tests.support.browser import PHONE, log_in, pass_second_factor, shot
from tests.support.consults import backdate, next_weekday_at

pytestmark = pytest.mark.e2e


def log_in_as(page: Page, username: str) -> None:
    page.context.clear_cookies()
    log_in(page, username)
    pass_second_factor(page)


def no_horizontal_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"page is {width}px wide"  # type: ignore[index]


def later_today(minutes: int) -> str:
    start = timezone.localtime() + dt.timedelta(minutes=minutes)
    return f"{start:%Y-%m-%dT%H:%M}"


def plan(page: Page, case: AbsenceCase, kind: str, start: str) -> int:
    """Plan a consult of `kind` with the world's company doctor (user name "medic")."""
    page.goto(f"/cases/{case.pk}/?tab=consults")
    page.locator("#case-consults a.button").click()
    page.select_option("#id_kind", kind)
    page.select_option("#id_method", "location")
    page.select_option("#id_practitioner_id", str(User.objects.get(username="medic").pk))
    page.fill("#id_starts_at", start)
    page.fill("#id_location", "Spreekkamer Noord, Groningen")
    page.check("#id_override_availability")
    shot(page, f"consult_plan_{kind}_laptop")
    page.locator("main form button.primary").click()
    expect(page).to_have_url(re.compile(r"/consults/\d+/$"))
    return int(page.url.rstrip("/").rsplit("/", 1)[1])


def test_plan_invite_refuse_late_cancel_no_show_hold_and_report(
    page: Page, named_world: Any
) -> None:
    case = named_world.report_sick()  # the employee, sick since ten days

    log_in_as(page, "casemanager")
    first = plan(page, case, "first", later_today(5))
    expect(page.locator(".badge.status-planned")).to_be_visible()
    shot(page, "consult_planned_laptop")

    log_in_as(page, "employee")
    page.goto("/consults/")
    expect(page.locator("#notices")).to_contain_text("U bent uitgenodigd voor een consult.")
    page.locator(f"#notices a[href='/consults/{first}/']").first.click()
    expect(page.locator("#consult")).to_contain_text("Spreekkamer Noord, Groningen")
    shot(page, "consult_invitation_employee_laptop")
    page.set_viewport_size(PHONE)
    shot(page, "consult_invitation_employee_phone")
    no_horizontal_scroll(page)
    page.set_viewport_size({"width": 1366, "height": 900})

    log_in_as(page, "hr")
    page.goto(f"/consults/{first}/cancel/")
    page.locator("main form button.danger").click()
    expect(page.locator("main")).to_contain_text("Dit consult begint binnen 48 uur")
    shot(page, "consult_late_cancel_refused_laptop")

    log_in_as(page, "medic")
    page.goto(f"/consults/{first}/")
    page.locator("form[action$='/no-show/'] button").click()
    expect(page.locator(".badge.status-no_show")).to_be_visible()

    second = plan_as_medic_follow_up(page, case)
    page.locator("form[action$='/held/'] button").click()
    expect(page.locator(".badge.status-held")).to_be_visible()
    page.goto(f"/consults/{second}/report/")
    page.fill("#id_capabilities", "Kan zittend werk doen, geen zware tillasten.")
    page.fill("#id_hours", "4 uur per dag vanaf maandag")
    page.locator("main form button.primary").click()
    page.locator("form[action$='/report/final/'] button").click()
    expect(page.locator("#report")).to_contain_text("definitief sinds")

    log_in_as(page, "hr")
    page.goto(f"/consults/{second}/")
    expect(page.locator("#report")).to_contain_text("Kan zittend werk doen, geen zware tillasten.")
    expect(page.locator("#notes")).to_have_count(0)
    shot(page, "consult_report_hr_laptop")
    page.set_viewport_size(PHONE)
    shot(page, "consult_report_hr_phone")
    no_horizontal_scroll(page)


def plan_as_medic_follow_up(page: Page, case: AbsenceCase) -> int:
    """The company doctor may plan too (after consulting the employer)."""
    return plan(page, case, "follow_up", later_today(65))


def no_show_of_this_morning(world: Any) -> None:
    """A consult of the world's employee earlier today that he missed: one billable item."""
    consult = plan_consult(
        actor=world.casemanager,
        case_id=world.report_sick().pk,
        data={
            "kind": "first",
            "method": "location",
            "practitioner_id": world.medic.pk,
            "starts_at": next_weekday_at(2, 10),
            "location": "Spreekkamer Noord, Groningen",
            "override_availability": True,
        },
    )
    backdate(consult, timezone.localtime() - dt.timedelta(minutes=1))
    record_no_show(actor=world.medic, consult_id=consult.pk)


def test_agenda_and_billing_pages(page: Page, named_world: Any) -> None:
    no_show_of_this_morning(named_world)
    log_in_as(page, "casemanager")
    page.goto("/agenda/")
    page.select_option("#id_weekday", "0")
    page.fill("#id_start_time", "08:30")
    page.fill("#id_end_time", "12:00")
    page.fill("#id_location", "Spreekkamer Noord, Groningen")
    page.locator("main form.block-form button.primary").click()
    expect(page.locator("#availability")).to_contain_text("Spreekkamer Noord, Groningen")
    shot(page, "consult_agenda_laptop")
    page.set_viewport_size(PHONE)
    shot(page, "consult_agenda_phone")
    no_horizontal_scroll(page)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto("/billing/")
    expect(page.locator("#billing")).to_be_visible()
    expect(page.locator("#billing tbody")).to_contain_text(named_world.employer.name)
    shot(page, "consult_billing_laptop")
