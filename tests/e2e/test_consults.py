"""Consults (P13) in the browser on the demo data: the main flow of issue 14, 7.

The casemanager plans a first consult for werknemer.devries later today; the employee sees
the invitation; HR tries to cancel and reads the Dutch refusal (within 48 hours); the
company doctor records a no-show, holds the next consult and makes the report final; HR
reads it. Screenshots at laptop and phone width.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from hersteld.absence.models import AbsenceCase, CaseKind, CaseStatus
from hersteld.accounts.models import User
from tests.support.browser import PHONE, log_in, pass_second_factor, shot

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
    page.goto(f"/cases/{case.pk}/?tab=consults")
    page.locator("#case-consults a.button").click()
    page.select_option("#id_kind", kind)
    page.select_option("#id_method", "location")
    page.select_option(
        "#id_practitioner_id", str(User.objects.get(username="bedrijfsarts.noord").pk)
    )
    page.fill("#id_starts_at", start)
    page.fill("#id_location", "Spreekkamer Noord, Groningen")
    page.check("#id_override_availability")
    shot(page, f"consult_plan_{kind}_laptop")
    page.locator("main form button.primary").click()
    expect(page).to_have_url(re.compile(r"/consults/\d+/$"))
    return int(page.url.rstrip("/").rsplit("/", 1)[1])


def test_plan_invite_refuse_late_cancel_no_show_hold_and_report(page: Page) -> None:
    employee = User.objects.get(username="werknemer.devries").employee
    case = AbsenceCase.objects.get(
        employee=employee, kind=CaseKind.SICKNESS, status=CaseStatus.OPEN
    )

    log_in_as(page, "casemanager.noord")
    first = plan(page, case, "first", later_today(5))
    expect(page.locator(".badge.status-planned")).to_be_visible()
    shot(page, "consult_planned_laptop")

    log_in_as(page, "werknemer.devries")
    page.goto("/consults/")
    expect(page.locator("#notices")).to_contain_text("U bent uitgenodigd voor een consult.")
    page.locator(f"#notices a[href='/consults/{first}/']").first.click()
    expect(page.locator("#consult")).to_contain_text("Spreekkamer Noord, Groningen")
    shot(page, "consult_invitation_employee_laptop")
    page.set_viewport_size(PHONE)
    shot(page, "consult_invitation_employee_phone")
    no_horizontal_scroll(page)
    page.set_viewport_size({"width": 1366, "height": 900})

    log_in_as(page, "hr.devries")
    page.goto(f"/consults/{first}/cancel/")
    page.locator("main form button.danger").click()
    expect(page.locator("main")).to_contain_text("Dit consult begint binnen 48 uur")
    shot(page, "consult_late_cancel_refused_laptop")

    log_in_as(page, "bedrijfsarts.noord")
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

    log_in_as(page, "hr.devries")
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


def test_agenda_and_billing_pages(page: Page) -> None:
    log_in_as(page, "casemanager.noord")
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
    shot(page, "consult_billing_laptop")
