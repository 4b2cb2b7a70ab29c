"""Acceptance flow of the Foundation issue, in the browser as an employer's HR user ("hr"
of a `named_world`, adding to its employer's top department):

add an employment (first with an invalid postcode, then corrected), find it in the list,
and report the employee out of service (first with an end date before the start).

The portal is Dutch; the test finds links by their address and compares messages with the
sentence the portal itself translates, so it holds whatever the translation says.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.utils import translation
from playwright.sync_api import Page, expect

from hersteld.core.validation import message
from hersteld.people.models import Employment
from tests.support.browser import PHONE, log_in, pass_second_factor, path_re, shot, submit

pytestmark = pytest.mark.e2e

PERSONNEL_NUMBER = "E2E-0001"
DISPLAY_NAME = "T.E. Testpersoon"

# Generated test person, not a real one. BSN 111222333 passes the 11-proof.
EMPLOYEE_FIELDS = {
    "#id_initials": "T.E.",
    "#id_surname": "Testpersoon",
    "#id_birth_date": "1990-05-17",
    "#id_bsn": "111222333",
    "#id_house_number": "1",
    "#id_street": "Dorpsstraat",
    "#id_city": "Utrecht",
    "#id_country": "NL",
    "#id_phone": "0612345678",
    "#id_email": "t.testpersoon@example.org",
    "#id_start_date": "2024-01-01",
    "#id_personnel_number": PERSONNEL_NUMBER,
    "#id_hours_per_week": "32",
    "#id_annual_salary": "36000",
}


def department_label(world: Any) -> str:
    """How the form offers the world's top department: "<employer>: <department>"."""
    return f"{world.employer.name}: {world.department.name}"


def selects(world: Any) -> dict[str, dict[str, str]]:
    return {
        "#id_gender": {"value": "M"},
        "#id_marital_status": {"value": "unmarried"},
        "#id_contract_type": {"value": "permanent"},
        "#id_employer": {"label": world.employer.name},
        # after the employer: JS filters the options
        "#id_department": {"label": department_label(world)},
    }


def nl(text: Any) -> str:
    """The sentence as the (Dutch) portal shows it; the English msgid while it is untranslated."""
    with translation.override("nl"):
        return str(text)


def employments(world: Any) -> Any:
    return Employment.objects.filter(personnel_number=PERSONNEL_NUMBER, employer=world.employer)


def field_with(page: Page, input_id: str) -> Any:
    """The .field wrapper around one input."""
    return page.locator("form .field", has=page.locator(f"#{input_id}"))


def fill_add_form(page: Page, world: Any, postcode: str) -> None:
    for selector, value in EMPLOYEE_FIELDS.items():
        page.fill(selector, value)
    page.fill("#id_postcode", postcode)
    for selector, choice in selects(world).items():
        page.select_option(selector, **choice)


def test_add_find_and_end_employment(page: Page, named_world: Any) -> None:
    world = named_world
    assert employments(world).count() == 0

    # --- Log in through the real form (an employer user: password only, as the tests set it up).
    log_in(page, "hr", screenshot="employment_login")
    pass_second_factor(page)
    expect(page.locator(".usermenu .who")).to_contain_text("hr")
    shot(page, "employment_home")

    # --- Employment list via the main menu, then "Dienstverband toevoegen".
    page.locator("#mainnav a[href$='/employments/']").click()
    expect(page).to_have_url(path_re("/employments/"))
    expect(page.locator("#employment-table")).to_be_visible()
    shot(page, "employment_list")

    page.locator("main a[href$='/employments/add/']").click()
    expect(page).to_have_url(path_re("/employments/add/"))
    form = page.locator("form#employment-add")
    expect(form).to_be_visible()
    expect(page.locator("#id_country")).to_have_value("NL")
    shot(page, "employment_add_empty")

    # --- Every required field filled, but the postcode invalid: nothing is saved.
    fill_add_form(page, world, postcode="12345")
    shot(page, "employment_add_filled_invalid")
    with page.expect_response(
        lambda r: r.url.endswith("/employments/add/") and r.request.method == "POST"
    ) as response_info:
        submit(page, "form#employment-add")
    assert response_info.value.status == 422
    expect(page).to_have_url(path_re("/employments/add/"))

    errors = page.locator("#form-errors")
    expect(errors).to_be_visible()
    expect(errors).to_have_attribute("role", "alert")
    expect(errors.locator("a[href='#id_postcode']")).to_have_count(1)
    expect(errors.locator("li")).to_have_count(1)  # only the postcode is wrong

    postcode_field = field_with(page, "id_postcode")
    expect(postcode_field).to_have_class(re.compile(r"\bhas-error\b"))
    expect(page.locator(".field.has-error")).to_have_count(1)
    postcode_error = postcode_field.locator(".error")
    expect(postcode_error).to_have_text(nl(message("postcode_format")))
    expect(postcode_error).to_contain_text(re.compile("postcode", re.IGNORECASE))
    expect(postcode_error).to_contain_text("1234 AB")
    # What was typed is kept, so only the postcode needs fixing.
    expect(page.locator("#id_surname")).to_have_value("Testpersoon")
    expect(page.locator("#id_postcode")).to_have_value("12345")
    expect(page.locator("#id_department option:checked")).to_have_text(department_label(world))
    shot(page, "employment_add_invalid")
    assert employments(world).count() == 0

    # --- Fix the postcode and submit again: the employee page.
    page.fill("#id_postcode", "1234 AB")
    submit(page, "form#employment-add")
    expect(page).to_have_url(re.compile(r"/employees/\d+/$"))
    expect(page.locator("main h1")).to_have_text(DISPLAY_NAME)
    expect(page.locator(".messages .msg-success")).to_contain_text(DISPLAY_NAME)
    shot(page, "employee_detail_new")

    employment = employments(world).select_related("employee").get()
    employee = employment.employee
    assert page.url.endswith(f"/employees/{employee.pk}/")
    assert employee.surname == "Testpersoon"
    assert employee.postcode == "1234 AB"
    assert employee.bsn == "111222333"
    assert employment.start_date == dt.date(2024, 1, 1)
    assert employment.end_date is None
    assert employment.department == world.department
    section = page.locator(f"#employment-{employment.pk}")
    expect(section).to_contain_text(PERSONNEL_NUMBER)
    expect(section.locator(".badge:not(.out)")).to_have_count(1)

    # --- Back to the list and search by personnel number with the search box.
    page.locator("main a[href$='/employments/']").first.click()
    expect(page).to_have_url(path_re("/employments/"))
    page.fill("#q", PERSONNEL_NUMBER)
    page.press("#q", "Enter")
    expect(page).to_have_url(re.compile(r"/employments/\?(.*&)?q=E2E-0001(&|$)"))
    rows = page.locator("#employment-table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(PERSONNEL_NUMBER)
    expect(rows.first).to_contain_text(DISPLAY_NAME)
    expect(rows.first).to_contain_text(world.employer.name)
    expect(page.locator("#q")).to_have_value(PERSONNEL_NUMBER)
    shot(page, "employment_list_search")

    # --- Open the employee and report out of service.
    rows.first.locator(f"a[href$='/employees/{employee.pk}/']").click()
    expect(page).to_have_url(path_re(f"/employees/{employee.pk}/"))
    end_link = page.locator(f"a[href$='/employments/{employment.pk}/end/']")
    expect(end_link).to_have_count(1)
    end_link.click()
    expect(page).to_have_url(path_re(f"/employments/{employment.pk}/end/"))
    expect(page.locator("main .panel")).to_contain_text(PERSONNEL_NUMBER)
    shot(page, "employment_end_form")

    # An end date before the start date is refused; nothing changes.
    page.fill("#id_end_date", "2023-12-31")
    with page.expect_response(
        lambda r: (
            r.url.endswith(f"/employments/{employment.pk}/end/") and r.request.method == "POST"
        )
    ) as response_info:
        submit(page)
    assert response_info.value.status == 422
    expect(page.locator("#form-errors")).to_be_visible()
    end_field = field_with(page, "id_end_date")
    expect(end_field).to_have_class(re.compile(r"\bhas-error\b"))
    expect(end_field.locator(".error")).to_have_text(nl(message("end_before_start")))
    shot(page, "employment_end_invalid")
    employment.refresh_from_db()
    assert employment.end_date is None

    # A valid end date (in the past, so the employee is out of service today).
    page.fill("#id_end_date", "2024-06-30")
    submit(page)
    expect(page).to_have_url(path_re(f"/employees/{employee.pk}/"))
    expect(page.locator(".messages .msg-success")).to_contain_text(DISPLAY_NAME)
    section = page.locator(f"#employment-{employment.pk}")
    expect(section.locator(".badge.out")).to_be_visible()
    expect(section).to_contain_text("30-06-2024")
    expect(section.locator(f"a[href$='/employments/{employment.pk}/end/']")).to_have_count(0)
    shot(page, "employee_out_of_service")
    employment.refresh_from_db()
    assert employment.end_date == dt.date(2024, 6, 30)

    # The list now shows the employment only under "out of service".
    page.goto(f"/employments/?q={PERSONNEL_NUMBER}&status=out")
    rows = page.locator("#employment-table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first.locator(".badge.out")).to_be_visible()
    shot(page, "employment_list_out_of_service")

    # --- The same pages on a phone.
    page.set_viewport_size(PHONE)
    page.goto(f"/employments/?q={PERSONNEL_NUMBER}&status=all")
    expect(page.locator("#employment-table tbody tr")).to_have_count(1)
    shot(page, "employment_list_phone")
    page.goto("/employments/add/")
    expect(page.locator("form#employment-add")).to_be_visible()
    shot(page, "employment_add_phone")
